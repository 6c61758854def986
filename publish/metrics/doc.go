// Package metrics exposes govfeed's Prometheus metrics on a registry of its
// own (never the process-wide default one), served by Metrics.Handler at
// /metrics.
//
// Event metrics are counted as they happen: fetches (ObserveFetch), HTTP
// requests (Middleware) and WebSub deliveries (ObserveWebSub). State
// metrics, such as items stored and source health, are read from the store
// at scrape time through the functions given to SetStore and SetHealth, so
// they are never stale and cost nothing between scrapes.
//
// Label values are bounded: "source" is a configured source id, "route" a
// fixed route name chosen by the caller, "outcome" and "result" are small
// fixed sets and "code" an HTTP status code.
package metrics
