package metrics

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/fetch"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// serve starts an httptest server with the metrics handler at /metrics and
// returns the URL of that path.
func serve(t *testing.T, m *Metrics) string {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	t.Cleanup(srv.Close)
	return srv.URL + "/metrics"
}

// scrape GETs url and parses the text exposition back into families.
func scrape(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s: status %d: %s", url, resp.StatusCode, b)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse %s: %v", url, err)
	}
	return fams
}

// series finds the metric of family name whose labels are exactly labels.
func series(fams map[string]*dto.MetricFamily, name string, labels map[string]string) *dto.Metric {
	f := fams[name]
	if f == nil {
		return nil
	}
	for _, m := range f.GetMetric() {
		if len(m.GetLabel()) != len(labels) {
			continue
		}
		match := true
		for _, l := range m.GetLabel() {
			if labels[l.GetName()] != l.GetValue() {
				match = false
			}
		}
		if match {
			return m
		}
	}
	return nil
}

func compare(t *testing.T, url, want string, names ...string) {
	t.Helper()
	if err := testutil.ScrapeAndCompare(url, strings.NewReader(want), names...); err != nil {
		t.Error(err)
	}
}

func TestObserveFetch(t *testing.T) {
	m := New()
	reports := []fetch.Report{
		{SourceID: "cq-jrcq", Outcome: fetch.OutcomeNew, Stats: data.SaveStats{New: 3, Updated: 1}, Duration: 2 * time.Second},
		{SourceID: "cq-jrcq", Outcome: fetch.OutcomeUnchanged, Stats: data.SaveStats{Unchanged: 4}, Duration: 200 * time.Millisecond},
		{SourceID: "cq-jrcq", Outcome: fetch.OutcomeNew, Stats: data.SaveStats{New: 2}, Duration: 40 * time.Second},
		{SourceID: "zj-cwhy", Outcome: fetch.OutcomeFailed, Class: data.ErrBlocked, Duration: 500 * time.Millisecond},
		{SourceID: "zj-cwhy", Outcome: fetch.OutcomeBackoff},
		{SourceID: "sc-en-news", Outcome: fetch.OutcomeBusy},
		{SourceID: "sc-en-news", Outcome: fetch.OutcomeCanceled},
	}
	for _, r := range reports {
		m.ObserveFetch(r)
	}
	url := serve(t, m)
	compare(t, url, `
# HELP govfeed_fetches_total Fetches of a source, by outcome (new, updated, unchanged, not_modified, failed, backoff, busy, canceled).
# TYPE govfeed_fetches_total counter
govfeed_fetches_total{outcome="new",source="cq-jrcq"} 2
govfeed_fetches_total{outcome="unchanged",source="cq-jrcq"} 1
govfeed_fetches_total{outcome="failed",source="zj-cwhy"} 1
govfeed_fetches_total{outcome="backoff",source="zj-cwhy"} 1
govfeed_fetches_total{outcome="busy",source="sc-en-news"} 1
govfeed_fetches_total{outcome="canceled",source="sc-en-news"} 1
# HELP govfeed_items_new_total Items stored for the first time, by source.
# TYPE govfeed_items_new_total counter
govfeed_items_new_total{source="cq-jrcq"} 5
govfeed_items_new_total{source="zj-cwhy"} 0
# HELP govfeed_items_updated_total Stored items changed upstream and updated, by source.
# TYPE govfeed_items_updated_total counter
govfeed_items_updated_total{source="cq-jrcq"} 1
govfeed_items_updated_total{source="zj-cwhy"} 0
`, "govfeed_fetches_total", "govfeed_items_new_total", "govfeed_items_updated_total")

	fams := scrape(t, url)
	tests := map[string]struct {
		source string
		count  uint64
		sum    float64
		le1    uint64 // observations <= 1s
	}{
		"three fetches":         {"cq-jrcq", 3, 42.2, 1},
		"a failure is observed": {"zj-cwhy", 1, 0.5, 1},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := series(fams, "govfeed_fetch_duration_seconds", map[string]string{"source": tc.source})
			if s == nil {
				t.Fatalf("no duration histogram for %s", tc.source)
			}
			h := s.GetHistogram()
			if h.GetSampleCount() != tc.count {
				t.Errorf("count = %d, want %d", h.GetSampleCount(), tc.count)
			}
			if d := h.GetSampleSum() - tc.sum; d > 1e-9 || d < -1e-9 {
				t.Errorf("sum = %v, want %v", h.GetSampleSum(), tc.sum)
			}
			for _, b := range h.GetBucket() {
				if b.GetUpperBound() == 1 && b.GetCumulativeCount() != tc.le1 {
					t.Errorf("bucket le=1: %d, want %d", b.GetCumulativeCount(), tc.le1)
				}
			}
		})
	}
	t.Run("skipped fetches take no time", func(t *testing.T) {
		if s := series(fams, "govfeed_fetch_duration_seconds", map[string]string{"source": "sc-en-news"}); s != nil {
			t.Errorf("busy and canceled fetches were observed: %v", s)
		}
	})
}

func TestMiddleware(t *testing.T) {
	m := New()
	mux := http.NewServeMux()
	mux.Handle("/feed.atom", m.Middleware("feed", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("tag") == "nope" {
			http.NotFound(w, r)
			return
		}
		_, _ = io.WriteString(w, "<feed/>") // implicit 200
	})))
	mux.Handle("/events", m.Middleware("events", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := w.(http.Flusher)
		if !ok {
			http.Error(w, "no flusher", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusAccepted)
		f.Flush()
	})))
	mux.Handle("/unused", m.Middleware("unused", http.NotFoundHandler()))
	app := httptest.NewServer(mux)
	defer app.Close()

	for _, path := range []string{"/feed.atom", "/feed.atom?x=1", "/feed.atom?tag=nope", "/events"} {
		resp, err := http.Get(app.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}

	url := serve(t, m)
	compare(t, url, `
# HELP govfeed_http_requests_total HTTP requests served, by route and status code.
# TYPE govfeed_http_requests_total counter
govfeed_http_requests_total{code="200",route="feed"} 2
govfeed_http_requests_total{code="404",route="feed"} 1
govfeed_http_requests_total{code="202",route="events"} 1
`, "govfeed_http_requests_total")

	fams := scrape(t, url)
	for route, want := range map[string]uint64{"feed": 3, "events": 1, "unused": 0} {
		t.Run(route, func(t *testing.T) {
			s := series(fams, "govfeed_http_request_duration_seconds", map[string]string{"route": route})
			if s == nil {
				t.Fatalf("no duration histogram for route %q", route)
			}
			if got := s.GetHistogram().GetSampleCount(); got != want {
				t.Errorf("count = %d, want %d", got, want)
			}
		})
	}
}

func TestWebSub(t *testing.T) {
	m := New()
	url := serve(t, m)
	const head = `
# HELP govfeed_websub_deliveries_total WebSub content deliveries to subscribers, by result (delivered, failed).
# TYPE govfeed_websub_deliveries_total counter
`
	compare(t, url, head+`govfeed_websub_deliveries_total{result="delivered"} 0
govfeed_websub_deliveries_total{result="failed"} 0
`, "govfeed_websub_deliveries_total")
	m.ObserveWebSub(true)
	m.ObserveWebSub(true)
	m.ObserveWebSub(false)
	compare(t, url, head+`govfeed_websub_deliveries_total{result="delivered"} 2
govfeed_websub_deliveries_total{result="failed"} 1
`, "govfeed_websub_deliveries_total")
}

func TestScrapeTime(t *testing.T) {
	success := time.Date(2026, 6, 17, 1, 30, 0, 500_000_000, time.UTC)
	m := New()
	m.SetStore(func(ctx context.Context) (StoreStats, error) {
		return StoreStats{PerSource: map[string]int{"cq-jrcq": 120, "zj-cwhy": 0}, Stories: 37, DBBytes: 4 << 20}, nil
	})
	m.SetHealth(func(ctx context.Context) ([]data.SourceState, error) {
		return []data.SourceState{
			{SourceID: "cq-jrcq", LastSuccess: success},
			{SourceID: "zj-cwhy", Failures: 5, ErrorClass: data.ErrBlocked, LastSuccess: success.Add(-48 * time.Hour)},
			{SourceID: "sc-en-news", Failures: 1, ErrorClass: data.ErrBroken, Broken: true},
		}, nil
	})
	url := serve(t, m)
	compare(t, url, `
# HELP govfeed_items_stored Items in the store, by source.
# TYPE govfeed_items_stored gauge
govfeed_items_stored{source="cq-jrcq"} 120
govfeed_items_stored{source="zj-cwhy"} 0
# HELP govfeed_stories Story clusters in the store.
# TYPE govfeed_stories gauge
govfeed_stories 37
# HELP govfeed_db_bytes Size of the SQLite database in bytes (WAL excluded).
# TYPE govfeed_db_bytes gauge
govfeed_db_bytes 4.194304e+06
# HELP govfeed_source_failures Consecutive failed fetches of a source; 0 after a success.
# TYPE govfeed_source_failures gauge
govfeed_source_failures{source="cq-jrcq"} 0
govfeed_source_failures{source="zj-cwhy"} 5
govfeed_source_failures{source="sc-en-news"} 1
# HELP govfeed_source_broken 1 when a source that yielded items before yields none now (layout or URL changed).
# TYPE govfeed_source_broken gauge
govfeed_source_broken{source="cq-jrcq"} 0
govfeed_source_broken{source="zj-cwhy"} 0
govfeed_source_broken{source="sc-en-news"} 1
# HELP govfeed_source_blocked 1 when the last fetch of a source met an anti-bot answer (403, 412, 521, ...).
# TYPE govfeed_source_blocked gauge
govfeed_source_blocked{source="cq-jrcq"} 0
govfeed_source_blocked{source="zj-cwhy"} 1
govfeed_source_blocked{source="sc-en-news"} 0
# HELP govfeed_source_last_success_timestamp_seconds Unix time of the last successful fetch of a source; absent before the first.
# TYPE govfeed_source_last_success_timestamp_seconds gauge
govfeed_source_last_success_timestamp_seconds{source="cq-jrcq"} 1.7816598005e+09
govfeed_source_last_success_timestamp_seconds{source="zj-cwhy"} 1.7814870005e+09
# HELP govfeed_scrape_collector_success 1 when reading the store for this scrape succeeded, 0 when it failed.
# TYPE govfeed_scrape_collector_success gauge
govfeed_scrape_collector_success{collector="store"} 1
govfeed_scrape_collector_success{collector="health"} 1
`, "govfeed_items_stored", "govfeed_stories", "govfeed_db_bytes", "govfeed_source_failures",
		"govfeed_source_broken", "govfeed_source_blocked", "govfeed_source_last_success_timestamp_seconds",
		"govfeed_scrape_collector_success")
}

func TestScrapeFailureKeepsServing(t *testing.T) {
	m := New()
	m.ObserveWebSub(true)
	m.SetStore(func(ctx context.Context) (StoreStats, error) {
		return StoreStats{}, errors.New("database is locked")
	})
	m.SetHealth(func(ctx context.Context) ([]data.SourceState, error) {
		return []data.SourceState{{SourceID: "cq-jrcq", Failures: 2}}, nil
	})
	url := serve(t, m)
	fams := scrape(t, url) // fails the test unless the answer is 200
	for _, name := range []string{"govfeed_items_stored", "govfeed_stories", "govfeed_db_bytes"} {
		if fams[name] != nil {
			t.Errorf("%s exported although the store failed", name)
		}
	}
	compare(t, url, `
# HELP govfeed_scrape_collector_success 1 when reading the store for this scrape succeeded, 0 when it failed.
# TYPE govfeed_scrape_collector_success gauge
govfeed_scrape_collector_success{collector="store"} 0
govfeed_scrape_collector_success{collector="health"} 1
`, "govfeed_scrape_collector_success")
	if s := series(fams, "govfeed_websub_deliveries_total", map[string]string{"result": "delivered"}); s.GetCounter().GetValue() != 1 {
		t.Errorf("event metrics lost when the store failed: %v", s)
	}
}

func TestScrapeContext(t *testing.T) {
	tests := map[string]struct {
		header       string
		wantDeadline bool
	}{
		"prometheus timeout": {"10", true},
		"no header":          {"", false},
		"garbage header":     {"soon", false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			m := New()
			var got bool
			m.SetHealth(func(ctx context.Context) ([]data.SourceState, error) {
				_, got = ctx.Deadline()
				return nil, nil
			})
			req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
			if tc.header != "" {
				req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", tc.header)
			}
			rec := httptest.NewRecorder()
			m.Handler().ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d", rec.Code)
			}
			if got != tc.wantDeadline {
				t.Errorf("health context has deadline = %v, want %v", got, tc.wantDeadline)
			}
		})
	}
}

func TestForget(t *testing.T) {
	m := New()
	for _, id := range []string{"cq-jrcq", "zj-cwhy"} {
		m.ObserveFetch(fetch.Report{SourceID: id, Outcome: fetch.OutcomeNew, Stats: data.SaveStats{New: 1}, Duration: time.Second})
	}
	m.Forget("zj-cwhy")
	fams := scrape(t, serve(t, m))
	for _, name := range []string{"govfeed_fetches_total", "govfeed_fetch_duration_seconds", "govfeed_items_new_total", "govfeed_items_updated_total"} {
		for _, s := range fams[name].GetMetric() {
			for _, l := range s.GetLabel() {
				if l.GetName() == "source" && l.GetValue() == "zj-cwhy" {
					t.Errorf("%s still has a series for a forgotten source", name)
				}
			}
		}
		if len(fams[name].GetMetric()) != 1 {
			t.Errorf("%s has %d series, want 1 (cq-jrcq)", name, len(fams[name].GetMetric()))
		}
	}
}

func TestOwnRegistry(t *testing.T) {
	a, b := New(), New() // a second New must not collide with the first
	a.ObserveWebSub(true)
	if got := testutil.ToFloat64(b.websub.WithLabelValues(resultDelivered)); got != 0 {
		t.Errorf("two Metrics share a counter: %v", got)
	}
	fams, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if strings.HasPrefix(f.GetName(), "govfeed_") {
			t.Errorf("%s registered on the default registry", f.GetName())
		}
	}
}
