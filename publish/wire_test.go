package publish

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/govfeed/govfeed/data"
)

// sinkWriter is a ResponseWriter that keeps nothing but the status, the
// byte count and its header map, which is reused between requests.
type sinkWriter struct {
	h    http.Header
	code int
	n    int
}

func (w *sinkWriter) Header() http.Header { return w.h }

func (w *sinkWriter) WriteHeader(code int) { w.code = code }

func (w *sinkWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	w.n += len(b)
	return len(b), nil
}

func (w *sinkWriter) reset() {
	clear(w.h)
	w.code, w.n = 0, 0
}

// TestServeCachedAllocatesNothing checks that answering a request for the
// cached combined feed allocates nothing in the Handler, whatever the
// coding, method or conditional answer.
func TestServeCachedAllocatesNothing(t *testing.T) {
	p, _, _ := newTest(t, Options{Hub: "https://hub.example.org/"})
	h := p.Handler()
	w := &sinkWriter{h: http.Header{}}
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/feed.atom", nil)) // builds it
	etag := w.h.Get("ETag")
	if w.code != http.StatusOK || etag == "" {
		t.Fatalf("first request: status %d, ETag %q", w.code, etag)
	}
	tests := map[string]struct {
		method, path string
		header       http.Header
		code         int
		body         bool
	}{
		"atom":          {http.MethodGet, "/feed.atom", nil, 200, true},
		"atom gzip":     {http.MethodGet, "/feed.atom", http.Header{"Accept-Encoding": {"gzip, deflate, br"}}, 200, true},
		"atom no gzip":  {http.MethodGet, "/feed.atom", http.Header{"Accept-Encoding": {"br, gzip;q=0"}}, 200, true},
		"rss":           {http.MethodGet, "/feed.rss", nil, 200, true},
		"json gzip":     {http.MethodGet, "/feed.json", http.Header{"Accept-Encoding": {"gzip"}}, 200, true},
		"HEAD":          {http.MethodHead, "/feed.atom", nil, 200, false},
		"304 etag":      {http.MethodGet, "/feed.atom", http.Header{"If-None-Match": {`"x", ` + etag}}, 304, false},
		"304 date":      {http.MethodGet, "/feed.atom", http.Header{"If-Modified-Since": {"Tue, 16 Jun 2026 11:00:00 GMT"}}, 304, false},
		"other etag":    {http.MethodGet, "/feed.atom", http.Header{"If-None-Match": {`"other"`}}, 200, true},
		"combined 2nd":  {http.MethodGet, "/feed.json", nil, 200, true},
		"combined HEAD": {http.MethodHead, "/feed.rss", http.Header{"Accept-Encoding": {"gzip"}}, 200, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, tc.path, nil)
			for k, v := range tc.header {
				r.Header[k] = v
			}
			w.reset()
			h.ServeHTTP(w, r) // a first build of the document allocates
			if w.code != tc.code || (w.n > 0) != tc.body {
				t.Fatalf("status %d with %d body bytes; want %d, body %v", w.code, w.n, tc.code, tc.body)
			}
			if tc.code == 200 && w.h.Get("Content-Length") != strconv.Itoa(w.n) && tc.body {
				t.Errorf("Content-Length %q for %d bytes", w.h.Get("Content-Length"), w.n)
			}
			checkNoAllocs(t, w, h, r)
		})
	}
}

// checkNoAllocs fails t when answering r with h into w allocates.
func checkNoAllocs(t *testing.T, w interface {
	http.ResponseWriter
	reset()
}, h http.Handler, r *http.Request) {
	t.Helper()
	allocs := testing.AllocsPerRun(100, func() {
		w.reset()
		h.ServeHTTP(w, r)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per request, want 0", allocs)
	}
}

// TestServedHeadersAreNotShared checks that a middleware adding to a
// header the Handler set cannot change what later answers carry.
func TestServedHeadersAreNotShared(t *testing.T) {
	p, _, _ := newTest(t, Options{Hub: "https://hub.example.org/"})
	h := p.Handler()
	for i := range 2 {
		w := &sinkWriter{h: http.Header{}}
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/feed.atom", nil))
		if got := w.h.Values("Vary"); len(got) != 1 || got[0] != "Accept-Encoding" {
			t.Fatalf("request %d: Vary %q, want just Accept-Encoding", i, got)
		}
		if got := w.h.Values("Link"); len(got) != 2 {
			t.Fatalf("request %d: Link %q, want the hub and self links", i, got)
		}
		w.h.Add("Vary", "Cookie")
		w.h.Add("Link", "<https://example.org/>; rel=\"other\"")
		w.h.Add("Cache-Control", "private")
	}
}

func TestCombinedKeys(t *testing.T) {
	for _, f := range formats {
		s := spec{kind: kindCombined}
		if got, want := s.key(f), s.keyOf(f); got != want {
			t.Errorf("key of the combined %s feed %q, want %q", f.ext(), got, want)
		}
	}
	head := spec{kind: kindCombined}
	if head.paged(pageOlder, decodeMust(t, "1.1")).key(formatAtom) == head.key(formatAtom) {
		t.Error("a page of the combined feed has the head's key")
	}
}

func decodeMust(t *testing.T, s string) data.Cursor {
	t.Helper()
	c, err := decodeCursor(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
