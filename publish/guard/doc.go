// Package guard holds the HTTP defences of govfeed's server:
//
//   - Admin, the state-changing endpoints (POST /admin/fetch/{id}), off
//     unless a bearer token is configured, compared in constant time;
//   - Limiter, a per-client token-bucket rate limiter with bounded memory,
//     for the endpoints that cost work on demand (searches, WebSub);
//   - ClientIP, which believes X-Forwarded-For only from trusted proxies;
//   - MaxBody, a cap on request bodies (413 beyond it);
//   - ServerLimits, the timeouts and header cap an http.Server facing the
//     internet needs, against slow clients.
//
// The package holds no global state: every limit is a value the caller
// builds from the configuration.
package guard
