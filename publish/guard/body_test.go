package guard

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// bodyServer serves MaxBody(limit) in front of a handler that reads the
// whole body and answers its length, or 413 when MaxBytesReader stops it.
func bodyServer(t *testing.T, limit int64) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	h := MaxBody(limit, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		b, err := io.ReadAll(r.Body)
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		fmt.Fprint(w, len(b))
	}))
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, &calls
}

// onlyReader hides the length of a body, so that it is sent chunked.
type onlyReader struct{ io.Reader }

func TestMaxBody(t *testing.T) {
	const limit = 1024
	tests := map[string]struct {
		size      int
		chunked   bool
		want      int
		wantCalls int32 // 0: refused before the handler
	}{
		"small":             {size: 100, want: 200, wantCalls: 1},
		"exactly the limit": {size: limit, want: 200, wantCalls: 1},
		"one byte over":     {size: limit + 1, want: 413},
		"a megabyte":        {size: 1 << 20, want: 413},
		"chunked, small":    {size: 100, chunked: true, want: 200, wantCalls: 1},
		"chunked, over":     {size: 64 << 10, chunked: true, want: 413, wantCalls: 1},
		"chunked, exactly":  {size: limit, chunked: true, want: 200, wantCalls: 1},
		"empty":             {size: 0, want: 200, wantCalls: 1},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			srv, calls := bodyServer(t, limit)
			var body io.Reader = strings.NewReader(strings.Repeat("a", tc.size))
			if tc.chunked {
				body = onlyReader{body}
			}
			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/websub", body)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("POST: %v", err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Fatalf("status %d (%q), want %d", resp.StatusCode, got, tc.want)
			}
			if tc.want == 200 && string(got) != fmt.Sprint(tc.size) {
				t.Errorf("handler read %s bytes, want %d", got, tc.size)
			}
			if n := calls.Load(); n != tc.wantCalls {
				t.Errorf("handler called %d times, want %d", n, tc.wantCalls)
			}
		})
	}
}

func TestMaxBodyDefault(t *testing.T) {
	srv, _ := bodyServer(t, 0)
	for size, want := range map[int]int{DefaultMaxBodyBytes: 200, DefaultMaxBodyBytes + 1: 413} {
		resp, err := http.Post(srv.URL, "text/plain", strings.NewReader(strings.Repeat("a", size)))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%d bytes with the default limit: status %d, want %d", size, resp.StatusCode, want)
		}
	}
}

// TestMaxBodyGETAllocatesNothing checks that a request without a body, as
// every feed request is, passes without a MaxBytesReader.
func TestMaxBodyGETAllocatesNothing(t *testing.T) {
	var body io.ReadCloser
	h := MaxBody(1024, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { body = r.Body }))
	r := httptest.NewRequest(http.MethodGet, "/feed.atom", nil)
	w := httptest.NewRecorder()
	if allocs := testing.AllocsPerRun(100, func() { h.ServeHTTP(w, r) }); allocs != 0 {
		t.Errorf("%v allocations per GET, want 0", allocs)
	}
	if body != http.NoBody {
		t.Errorf("the handler got body %T, want http.NoBody", body)
	}
}
