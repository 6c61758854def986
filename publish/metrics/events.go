package metrics

import (
	"github.com/govfeed/govfeed/fetch"
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

// ObserveWebSub counts one WebSub delivery to a subscriber's callback.
func (m *Metrics) ObserveWebSub(delivered bool) {
	result := resultFailed
	if delivered {
		result = resultDelivered
	}
	m.websub.WithLabelValues(result).Inc()
}
