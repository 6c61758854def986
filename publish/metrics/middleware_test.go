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

	dto "github.com/prometheus/client_model/go"
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

// TestObserverCountsWithMiddleware checks that an Observer counts in the
// series of its route's Middleware, without allocating.
func TestObserverCountsWithMiddleware(t *testing.T) {
	m := New()
	h := m.Middleware("feeds", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("<feed/>"))
	}))
	observe := m.Observer("feeds")
	h.ServeHTTP(&sinkWriter{h: http.Header{}}, httptest.NewRequest(http.MethodGet, "/feed.atom", nil))
	observe(http.StatusOK, 3*time.Millisecond)
	observe(http.StatusNotModified, 20*time.Millisecond) // makes the counter of 304
	if allocs := testing.AllocsPerRun(100, func() { observe(http.StatusNotModified, 20*time.Millisecond) }); allocs != 0 {
		t.Errorf("%v allocations per observation, want 0", allocs)
	}
	fams := scrape(t, serve(t, m))
	for _, tc := range []struct {
		code string
		want float64
	}{{"200", 2}, {"304", 102}} {
		if got := counterOf(t, fams, "govfeed_http_requests_total", "route", "feeds", "code", tc.code); got != tc.want {
			t.Errorf("requests of route feeds with code %s: %v, want %v", tc.code, got, tc.want)
		}
	}
	// The observations, not the middleware's request: two, then 101 by AllocsPerRun.
	if got := counterOf(t, fams, "govfeed_http_lane_answers_total", "route", "feeds"); got != 103 {
		t.Errorf("lane answers of route feeds: %v, want 103", got)
	}
	var hist *dto.Histogram
	for _, mt := range fams["govfeed_http_request_duration_seconds"].GetMetric() {
		if labelsOf(mt)["route"] == "feeds" {
			hist = mt.GetHistogram()
		}
	}
	// The middleware's, 3 ms, 20 ms, and 101 more of 20 ms (AllocsPerRun
	// runs once more than asked).
	if hist.GetSampleCount() != 104 {
		t.Fatalf("duration histogram of route feeds: %d samples, want 104", hist.GetSampleCount())
	}
	for _, b := range hist.GetBucket() {
		// The middleware's request takes well under 10 ms.
		if b.GetUpperBound() == 0.01 && b.GetCumulativeCount() != 2 {
			t.Errorf("%d samples under 10 ms, want 2", b.GetCumulativeCount())
		}
	}
}

// counterOf returns the value of the counter of family name whose labels
// are the given name, value pairs.
func counterOf(t *testing.T, fams map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	t.Helper()
	for _, mt := range fams[name].GetMetric() {
		l := labelsOf(mt)
		match := true
		for i := 0; i+1 < len(labels); i += 2 {
			match = match && l[labels[i]] == labels[i+1]
		}
		if match {
			return mt.GetCounter().GetValue()
		}
	}
	t.Fatalf("%s%v: no such series", name, labels)
	return 0
}

// labelsOf returns the labels of mt as a map.
func labelsOf(mt *dto.Metric) map[string]string {
	l := map[string]string{}
	for _, p := range mt.GetLabel() {
		l[p.GetName()] = p.GetValue()
	}
	return l
}
