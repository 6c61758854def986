// Package websub is govfeed's WebSub hub (W3C Recommendation, 23 January
// 2018) and the publisher ping for an external hub.
//
// A Hub is an http.Handler for the hub endpoint. A subscriber POSTs a form
// (hub.mode=subscribe or unsubscribe, hub.topic, hub.callback and, when
// subscribing, optionally hub.lease_seconds and hub.secret). A request that
// is malformed, names a topic this hub does not publish (Options.Topics) or
// a callback that is not http(s) is refused at once with a 4xx status and a
// plain-text reason. Otherwise the hub answers 202 Accepted and verifies
// the subscriber's intent asynchronously: it GETs the callback with
// hub.mode, hub.topic, hub.challenge and (for subscribe) hub.lease_seconds
// appended to the callback's own query, and only a 2xx answer whose body is
// the challenge makes it store (or delete) the subscription. The lease is
// the requested one clamped to [MinLease, MaxLease], DefaultLease when none
// is asked for; a subscriber renews by subscribing again.
//
// Publish distributes a new version of a topic to every subscriber whose
// lease has not ended: a POST of the body with its Content-Type, Link
// headers rel="hub" and rel="self", and X-Hub-Signature: sha256=<hex HMAC
// of the body> when the subscriber gave a secret. A 2xx answer is a
// delivery, 410 Gone deletes the subscription, and anything else is retried
// with exponential backoff and jitter. Deliveries are made by a few workers
// that Run starts; the queue and the retry list are bounded and held in
// memory only, so pending deliveries are lost at Close or restart (the
// subscriber will get the next version).
//
// Options.Now is the wall clock of leases; delays between retries are
// measured with ordinary timers.
//
// Ping is the publisher side for an external hub: it tells the hub that
// topics changed (hub.mode=publish, hub.url=topic).
package websub
