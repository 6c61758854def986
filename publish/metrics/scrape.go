package metrics

import (
	"context"

	"github.com/govfeed/govfeed/data"
	"github.com/prometheus/client_golang/prometheus"
)

// StoreStats is what the store reports at each scrape.
type StoreStats struct {
	PerSource map[string]int // items stored, by source id
	Stories   int            // story clusters
	DBBytes   int64          // size of the database file
}

// SetStore sets the function read at each scrape for govfeed_items_stored,
// govfeed_stories and govfeed_db_bytes; nil stops exporting them.
func (m *Metrics) SetStore(f func(ctx context.Context) (StoreStats, error)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.store = f
}

// SetHealth sets the function read at each scrape for the per-source health
// gauges; nil stops exporting them. It should return the states of
// configured sources only, to keep the series bounded.
func (m *Metrics) SetHealth(f func(ctx context.Context) ([]data.SourceState, error)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.health = f
}

// Descriptions of the metrics read at scrape time.
var (
	descItemsStored = prometheus.NewDesc("govfeed_items_stored",
		"Items in the store, by source.", []string{"source"}, nil)
	descStories = prometheus.NewDesc("govfeed_stories",
		"Story clusters in the store.", nil, nil)
	descDBBytes = prometheus.NewDesc("govfeed_db_bytes",
		"Size of the SQLite database in bytes (WAL excluded).", nil, nil)
	descFailures = prometheus.NewDesc("govfeed_source_failures",
		"Consecutive failed fetches of a source; 0 after a success.", []string{"source"}, nil)
	descBroken = prometheus.NewDesc("govfeed_source_broken",
		"1 when a source that yielded items before yields none now (layout or URL changed).", []string{"source"}, nil)
	descBlocked = prometheus.NewDesc("govfeed_source_blocked",
		"1 when the last fetch of a source met an anti-bot answer (403, 412, 521, ...).", []string{"source"}, nil)
	descLastSuccess = prometheus.NewDesc("govfeed_source_last_success_timestamp_seconds",
		"Unix time of the last successful fetch of a source; absent before the first.", []string{"source"}, nil)
	descCollectorOK = prometheus.NewDesc("govfeed_scrape_collector_success",
		"1 when reading the store for this scrape succeeded, 0 when it failed.", []string{"collector"}, nil)
)

// scrapeRegistry returns a registry whose one collector reads the store and
// health functions set now, with ctx.
func (m *Metrics) scrapeRegistry(ctx context.Context) *prometheus.Registry {
	m.mu.Lock()
	c := &stateCollector{ctx: ctx, store: m.store, health: m.health}
	m.mu.Unlock()
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)
	return reg
}

// stateCollector exports the metrics read at scrape time.
type stateCollector struct {
	ctx    context.Context
	store  func(ctx context.Context) (StoreStats, error)
	health func(ctx context.Context) ([]data.SourceState, error)
}

// Describe implements prometheus.Collector.
func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descItemsStored, descStories, descDBBytes,
		descFailures, descBroken, descBlocked, descLastSuccess, descCollectorOK} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	if c.store != nil {
		st, err := c.store(c.ctx)
		ch <- success("store", err)
		if err == nil {
			for id, n := range st.PerSource {
				ch <- prometheus.MustNewConstMetric(descItemsStored, prometheus.GaugeValue, float64(n), id)
			}
			ch <- prometheus.MustNewConstMetric(descStories, prometheus.GaugeValue, float64(st.Stories))
			ch <- prometheus.MustNewConstMetric(descDBBytes, prometheus.GaugeValue, float64(st.DBBytes))
		}
	}
	if c.health != nil {
		states, err := c.health(c.ctx)
		ch <- success("health", err)
		if err == nil {
			for _, s := range states {
				collectState(ch, s)
			}
		}
	}
}

func collectState(ch chan<- prometheus.Metric, s data.SourceState) {
	gauge := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, s.SourceID)
	}
	gauge(descFailures, float64(s.Failures))
	gauge(descBroken, flag(s.Broken))
	gauge(descBlocked, flag(s.ErrorClass == data.ErrBlocked))
	if !s.LastSuccess.IsZero() {
		gauge(descLastSuccess, float64(s.LastSuccess.UnixNano())/1e9)
	}
}

func success(collector string, err error) prometheus.Metric {
	return prometheus.MustNewConstMetric(descCollectorOK, prometheus.GaugeValue, flag(err == nil), collector)
}

func flag(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
