// Package publish serves govfeed's feeds over HTTP and writes them as
// static files.
//
// # Feeds
//
// Every feed is served in three formats with the same entries and ids:
// Atom 1.0 (.atom, package atom), RSS 2.0 (.rss) and JSON Feed 1.1 (.json),
// each built on github.com/gorilla/feeds and extended where it falls short
// (see rss.go and jsonfeed.go). A feed document is first built in a
// format-neutral model (model.go) and then rendered. The feeds are
//
//   - /feed.*: the combined feed, one entry per story (data.Story): the
//     primary report's title, content and date under the id of the story's
//     first stored item, updated when a report joins or changes, the other
//     reports listed in the content ("Also reported by") and as
//     rel="related" links;
//   - /sources/{id}.*: every item of one source;
//   - /tags/{tag}.*: the stories of the sources with a tag;
//   - /feed.*?q=&source=&tag=&since=: a filtered feed of items (full-text
//     search, sources, tags, a time or a duration such as 7d);
//   - /archive/{n}.*: archive page n (RFC 5005 section 4), the items with ids
//     n*ArchivePageSize+1 to (n+1)*ArchivePageSize; the combined feed links
//     the newest full page as prev-archive, and a full page is marked
//     fh:archive and served as immutable.
//
// Every feed but an archive page is paged (RFC 5005 section 3): rel="first",
// "previous" (?after=cursor) and "next" (?before=cursor), where the opaque
// cursor is a position in the store's newest-first order, so that a reader
// walking next sees every entry once while new ones arrive at the head.
// Links are absolute, from Options.BaseURL, never from the request. With
// Options.Hub every feed names a WebSub hub (rel="hub" and Link headers).
//
// # Serving
//
// Document bytes, plain and gzip-compressed, are built on the first request
// after Invalidate or SetSources, one build per document at a time
// (concurrent requests wait for it), and served from memory with strong
// ETags, Last-Modified, 304s and Cache-Control until the next change. The
// head documents of configured feeds stay in memory; filtered feeds, pages
// and archive pages are kept in a small LRU. A failed build is logged and
// the last good bytes stay in service; the build is retried by the first
// request ten seconds or more later. With Options.OnPublish, the head
// documents are also rebuilt in the background after a change and those
// whose bytes changed are handed to it (for a WebSub hub).
//
// Entry ids are "urn:uuid:" + a name-based (version 5) UUID of the source
// id and the item's deduplication key (see EntryID), so an item keeps its id
// for ever whatever the store does to its row.
package publish
