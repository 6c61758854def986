// Package fetch turns configured sources into stored items: it runs one
// source at a time through its kind's harvester (feed, html, json), applies
// the deduplication rule, saves the result in one transaction, keeps each
// source's failure count and backoff, and schedules every source on its own
// cron spec.
//
// Two limits keep govfeed polite and bounded: at most Concurrency sources
// are fetched at once, and at most PerHost requests go to one host at a
// time (with an optional least delay between them). A source never runs
// twice at once, and one source's failure never touches another's state.
package fetch
