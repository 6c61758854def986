package metrics

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/govfeed/govfeed/data"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Buckets of the duration histograms, in seconds. A fetch of an html source
// reads its article pages one by one, so fetches reach minutes; an HTTP
// answer from the feed server should take milliseconds.
var (
	fetchBuckets = []float64{0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300}
	httpBuckets  = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5}
)

// Metrics holds govfeed's metrics and their registry. It is safe for
// concurrent use; the zero value is not usable, call New.
type Metrics struct {
	reg *prometheus.Registry

	fetches       *prometheus.CounterVec
	fetchDuration *prometheus.HistogramVec
	itemsNew      *prometheus.CounterVec
	itemsUpdated  *prometheus.CounterVec
	httpRequests  *prometheus.CounterVec
	httpDuration  *prometheus.HistogramVec
	laneAnswers   *prometheus.CounterVec
	websub        *prometheus.CounterVec

	mu     sync.Mutex
	store  func(ctx context.Context) (StoreStats, error)
	health func(ctx context.Context) ([]data.SourceState, error)
}

// New returns Metrics registered on a new registry, together with the Go
// runtime and process collectors.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		fetches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "govfeed_fetches_total",
			Help: "Fetches of a source, by outcome (new, updated, unchanged, not_modified, failed, backoff, busy, canceled).",
		}, []string{"source", "outcome"}),
		fetchDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "govfeed_fetch_duration_seconds",
			Help:    "Time one fetch of a source took, all its requests included; skipped fetches are not observed.",
			Buckets: fetchBuckets,
		}, []string{"source"}),
		itemsNew: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "govfeed_items_new_total",
			Help: "Items stored for the first time, by source.",
		}, []string{"source"}),
		itemsUpdated: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "govfeed_items_updated_total",
			Help: "Stored items changed upstream and updated, by source.",
		}, []string{"source"}),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "govfeed_http_requests_total",
			Help: "HTTP requests served, by route and status code.",
		}, []string{"route", "code"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "govfeed_http_request_duration_seconds",
			Help:    "Time to serve an HTTP request, by route.",
			Buckets: httpBuckets,
		}, []string{"route"}),
		laneAnswers: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "govfeed_http_lane_answers_total",
			Help: "HTTP requests answered by the fast lane, without net/http, by route (also counted in govfeed_http_requests_total).",
		}, []string{"route"}),
		websub: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "govfeed_websub_deliveries_total",
			Help: "WebSub content deliveries to subscribers, by result (delivered, failed).",
		}, []string{"result"}),
	}
	m.reg.MustRegister(
		m.fetches, m.fetchDuration, m.itemsNew, m.itemsUpdated,
		m.httpRequests, m.httpDuration, m.laneAnswers, m.websub,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	// Both results exist from the start, so that rate() sees the first one.
	m.websub.WithLabelValues(resultDelivered)
	m.websub.WithLabelValues(resultFailed)
	return m
}

// Handler serves the metrics in the Prometheus text format (or OpenMetrics
// when asked). The store and health functions run with the request's
// context, bounded by the scraper's X-Prometheus-Scrape-Timeout-Seconds.
func (m *Metrics) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if d := scrapeTimeout(r); d > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, d)
			defer cancel()
		}
		g := prometheus.Gatherers{m.reg, m.scrapeRegistry(ctx)}
		promhttp.HandlerFor(g, promhttp.HandlerOpts{EnableOpenMetrics: true}).ServeHTTP(w, r)
	})
}

// scrapeTimeout reads the timeout Prometheus announces, less a margin so
// that the answer arrives before the scraper gives up; 0 if absent.
func scrapeTimeout(r *http.Request) time.Duration {
	s, err := strconv.ParseFloat(r.Header.Get("X-Prometheus-Scrape-Timeout-Seconds"), 64)
	if err != nil || s <= 0 {
		return 0
	}
	d := time.Duration(s * float64(time.Second))
	return d - d/10
}

// Forget removes the series of a source removed from the configuration, so
// that they stop being exported.
func (m *Metrics) Forget(sourceID string) {
	l := prometheus.Labels{"source": sourceID}
	m.fetches.DeletePartialMatch(l)
	m.fetchDuration.DeletePartialMatch(l)
	m.itemsNew.DeletePartialMatch(l)
	m.itemsUpdated.DeletePartialMatch(l)
}
