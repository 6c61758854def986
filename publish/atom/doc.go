// Package atom writes RFC 4287 Atom 1.0 feed documents.
//
// Feed and Entry are this package's own types; Encode renders them on top of
// github.com/gorilla/feeds. It builds a feeds.Feed, takes gorilla's
// feeds.AtomFeed and feeds.AtomEntry structs from (&feeds.Atom{Feed: f}).AtomFeed(),
// and embeds them in wire structs that add what gorilla cannot express:
// several typed atom:link elements (hreflang, title, length), several
// authors with uri and email, atom:category with term/scheme/label (gorilla
// writes a bare <category>text</category>, which is invalid Atom),
// atom:published, atom:generator, atom:source, xml:lang and RFC 5005's
// fh:archive (Feed.Archive). The outer fields
// carry the same XML names as the gorilla fields they replace, and
// encoding/xml resolves such conflicts like Go does for embedded fields: the
// shallower field wins. Embedding rather than marshalling fully own structs
// keeps gorilla's envelope (namespace, title, id, updated, subtitle, icon,
// logo, summary and content with type="html") while the extensions stay
// small and visible.
//
// The Rel* constants name the link relations govfeed uses, including
// WebSub's hub and RFC 5005's paging and archive relations; Clean is the
// XML cleaning every XML format needs.
//
// Encode guarantees a document that validates against the RELAX NG schema of
// RFC 4287 and its Schematron rules:
//   - every string is stripped of characters XML 1.0 forbids (C0 controls
//     other than tab, CR and LF, U+FFFE, U+FFFF, invalid UTF-8);
//   - times are RFC 3339 in UTC ("2026-06-16T10:07:00Z");
//   - ids must be absolute IRIs, and each entry needs an author (its own or
//     the feed's) and an alternate link or content, else Encode fails;
//   - malformed optional values (a media type without "/", an invalid
//     language tag or e-mail address, an empty href, name or term) are
//     dropped, and an entry keeps only the first alternate link of each
//     type/hreflang pair.
package atom
