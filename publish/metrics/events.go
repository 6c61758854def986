package metrics

import (
	"net/http"

	"github.com/govfeed/govfeed/fetch"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Values of the result label of govfeed_websub_deliveries_total.
const (
	resultDelivered = "delivered"
	resultFailed    = "failed"
)

// ObserveFetch counts one fetch.Runner report. Fetches that were skipped
// (backoff, busy, canceled) are counted by outcome but their duration, which
// says nothing about the upstream, is not observed.
func (m *Metrics) ObserveFetch(r fetch.Report) {
	m.fetches.WithLabelValues(r.SourceID, string(r.Outcome)).Inc()
	switch r.Outcome {
	case fetch.OutcomeBackoff, fetch.OutcomeBusy, fetch.OutcomeCanceled:
		return
	}
	m.fetchDuration.WithLabelValues(r.SourceID).Observe(r.Duration.Seconds())
	m.itemsNew.WithLabelValues(r.SourceID).Add(float64(r.Stats.New))
	m.itemsUpdated.WithLabelValues(r.SourceID).Add(float64(r.Stats.Updated))
}

// Middleware counts the requests next serves under route, a fixed name such
// as "feed" or "status" (never a raw path, which would let clients create
// series), with their status code and duration. The ResponseWriter passed
// to next keeps http.Flusher and the other optional interfaces.
func (m *Metrics) Middleware(route string, next http.Handler) http.Handler {
	l := prometheus.Labels{"route": route}
	dur := m.httpDuration.MustCurryWith(l)
	// The histogram exists from the start, so an unused route shows 0.
	m.httpDuration.WithLabelValues(route)
	return promhttp.InstrumentHandlerDuration(dur,
		promhttp.InstrumentHandlerCounter(m.httpRequests.MustCurryWith(l), next))
}

// ObserveWebSub counts one WebSub delivery to a subscriber's callback.
func (m *Metrics) ObserveWebSub(delivered bool) {
	result := resultFailed
	if delivered {
		result = resultDelivered
	}
	m.websub.WithLabelValues(result).Inc()
}
