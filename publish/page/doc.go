// Package page serves govfeed's human-facing web page, GET /: the newest
// stories with a search box and filters by source and tag, subscribe links
// for every feed (with <link rel="alternate"> autodiscovery), and a health
// table of the configured sources.
//
// The page is rendered on the server with html/template from embedded
// templates and needs no JavaScript; its one stylesheet is embedded too and
// served at /static/style.css. Item HTML is never put on the page: only its
// text, so hostile upstream markup stays inert, and a strict
// Content-Security-Policy forbids scripts, inline styles and foreign
// resources in any case.
//
// Every link on the page is relative to the page, so it works whatever host
// name, scheme or path prefix a reverse proxy serves it under.
package page
