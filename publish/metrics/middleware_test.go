package metrics

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// sinkWriter is a ResponseWriter that keeps only the status and its
// header map.
type sinkWriter struct {
	h    http.Header
	code int
}

func (w *sinkWriter) Header() http.Header         { return w.h }
func (w *sinkWriter) WriteHeader(code int)        { w.code = code }
func (w *sinkWriter) Write(b []byte) (int, error) { return len(b), nil }

func TestMiddlewareAllocatesNothing(t *testing.T) {
	m := New()
	body := []byte("<feed/>")
	h := m.Middleware("feeds", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing" {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		_, _ = w.Write(body)
	}))
	for _, path := range []string{"/feed.atom", "/missing"} {
		t.Run(path, func(t *testing.T) {
			w := &sinkWriter{h: http.Header{}}
			r := httptest.NewRequest(http.MethodGet, path, nil)
			h.ServeHTTP(w, r) // makes the counter of the code
			if allocs := testing.AllocsPerRun(100, func() { h.ServeHTTP(w, r) }); allocs != 0 {
				t.Errorf("%v allocations per request, want 0", allocs)
			}
		})
	}
	compare(t, serve(t, m), `
# HELP govfeed_http_requests_total HTTP requests served, by route and status code.
# TYPE govfeed_http_requests_total counter
govfeed_http_requests_total{code="200",route="feeds"} 102
govfeed_http_requests_total{code="404",route="feeds"} 102
`, "govfeed_http_requests_total")
}

// TestMiddlewareCodes checks the code counted for each way a handler can
// answer.
func TestMiddlewareCodes(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "feed.atom")
	if err := os.WriteFile(file, []byte(strings.Repeat("<feed/>", 1000)), 0o644); err != nil {
		t.Fatal(err)
	}
	handlers := map[string]http.HandlerFunc{
		"nothing": func(http.ResponseWriter, *http.Request) {},
		"write":   func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("x")) },
		"string":  func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "x") },
		"created": func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusCreated) },
		"interim": func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusEarlyHints)
			w.WriteHeader(http.StatusNoContent)
		},
		"twice": func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusAccepted)
			w.WriteHeader(http.StatusInternalServerError) // ignored by net/http
		},
		"file": func(w http.ResponseWriter, _ *http.Request) {
			f, err := os.Open(file)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			defer f.Close()
			if _, ok := w.(io.ReaderFrom); !ok {
				http.Error(w, "no io.ReaderFrom", http.StatusInternalServerError)
				return
			}
			_, _ = io.Copy(w, f)
		},
		"flush": func(w http.ResponseWriter, _ *http.Request) {
			if err := http.NewResponseController(w).Flush(); err != nil {
				w.WriteHeader(http.StatusInternalServerError)
			}
		},
		"deadline": func(w http.ResponseWriter, _ *http.Request) {
			// Only the underlying writer has SetWriteDeadline: Unwrap
			// must reach it.
			if err := http.NewResponseController(w).SetWriteDeadline(time.Now().Add(time.Minute)); err != nil {
				w.WriteHeader(http.StatusInternalServerError)
				return
			}
			w.WriteHeader(http.StatusResetContent)
		},
	}
	m := New()
	mux := http.NewServeMux()
	for name, h := range handlers {
		mux.Handle("/"+name, m.Middleware(name, h))
	}
	app := httptest.NewServer(mux)
	defer app.Close()
	for name := range handlers {
		resp, err := http.Get(app.URL + "/" + name)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if name == "file" && n != 7000 {
			t.Errorf("file: %d bytes, want 7000", n)
		}
	}
	compare(t, serve(t, m), `
# HELP govfeed_http_requests_total HTTP requests served, by route and status code.
# TYPE govfeed_http_requests_total counter
govfeed_http_requests_total{code="200",route="nothing"} 1
govfeed_http_requests_total{code="200",route="write"} 1
govfeed_http_requests_total{code="200",route="string"} 1
govfeed_http_requests_total{code="201",route="created"} 1
govfeed_http_requests_total{code="204",route="interim"} 1
govfeed_http_requests_total{code="202",route="twice"} 1
govfeed_http_requests_total{code="200",route="file"} 1
govfeed_http_requests_total{code="200",route="flush"} 1
govfeed_http_requests_total{code="205",route="deadline"} 1
`, "govfeed_http_requests_total")
}
