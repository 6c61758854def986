package web

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"testing"
	"testing/iotest"
)

// TestReadAll: readAll returns exactly what the reader yields whatever the
// hint, and a body of the hinted size fits the first buffer.
func TestReadAll(t *testing.T) {
	for _, size := range []int{0, 1, 511, 512, 513, 4096, 100_000} {
		want := bytes.Repeat([]byte("政务abc"), size/9+1)[:size]
		for _, hint := range []int64{0, 1, 512, int64(size), int64(size) * 4} {
			// OneByteReader and HalfReader make readAll loop through short reads.
			for name, r := range map[string]io.Reader{
				"whole": bytes.NewReader(want),
				"bytes": iotest.OneByteReader(bytes.NewReader(want)),
				"half":  iotest.HalfReader(bytes.NewReader(want)),
			} {
				got, err := readAll(r, hint)
				if err != nil || !bytes.Equal(got, want) {
					t.Fatalf("size %d hint %d %s: got %d bytes, %v; want %d bytes", size, hint, name, len(got), err, size)
				}
				if hint == int64(size) && cap(got) != size+1 {
					t.Errorf("size %d hint %d %s: cap %d, want %d (no growth)", size, hint, name, cap(got), size+1)
				}
			}
		}
	}
	boom := errors.New("boom")
	if _, err := readAll(iotest.ErrReader(boom), 10); !errors.Is(err, boom) {
		t.Errorf("error = %v, want boom", err)
	}
	if got, err := readAll(iotest.DataErrReader(bytes.NewReader([]byte("abc"))), 3); err != nil || string(got) != "abc" {
		t.Errorf("data with EOF = %q, %v", got, err)
	}
}

func TestSizeHint(t *testing.T) {
	for _, c := range []struct {
		length int64
		enc    string
		want   int64
	}{
		{-1, "", 512},
		{0, "", 512},
		{1000, "", 1000},
		{1000, "gzip", 4000},
		{1 << 20, "gzip", 2 << 20}, // capped at the limit
		{3 << 20, "", 2 << 20},
	} {
		resp := &http.Response{ContentLength: c.length, Header: http.Header{}}
		if c.enc != "" {
			resp.Header.Set("Content-Encoding", c.enc)
		}
		if got := sizeHint(resp, 2<<20); got != c.want {
			t.Errorf("sizeHint(%d, %q) = %d, want %d", c.length, c.enc, got, c.want)
		}
	}
}
