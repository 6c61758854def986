// Package publish serves govfeed's Atom feeds over HTTP and writes them as
// static files.
//
// A Publisher renders three kinds of document: the combined feed of every
// configured source (/feed.atom), one feed per source
// (/sources/{id}.atom), and a health check (/healthz). Feed bytes, plain
// and gzip-compressed, are built lazily on the first request after
// Invalidate or SetSources, one build per feed at a time (concurrent
// requests wait for it), and served from memory until the next change. A
// failed build is logged and the last good bytes stay in service; the build
// is retried by the first request ten seconds or more later.
//
// Entry ids are "urn:uuid:" + a name-based (version 5) UUID of the source
// id and the item's deduplication key (see EntryID), so an item keeps its id
// for ever whatever the store does to its row.
package publish
