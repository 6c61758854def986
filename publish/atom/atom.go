package atom

import "time"

// Link relations used by govfeed (RFC 4287 section 4.2.7.2).
const (
	RelAlternate = "alternate"
	RelSelf      = "self"
	RelRelated   = "related"
	RelEnclosure = "enclosure"
	RelVia       = "via"
	// RelHub is the WebSub hub of the feed (W3C WebSub section 4).
	RelHub = "hub"
	// Paged feeds (RFC 5005 section 3): the newest page, the newer and
	// the older neighbour, the oldest page.
	RelFirst    = "first"
	RelPrevious = "previous"
	RelNext     = "next"
	RelLast     = "last"
	// Archived feeds (RFC 5005 section 4): the current (subscription)
	// document and the older and newer archive documents.
	RelCurrent     = "current"
	RelPrevArchive = "prev-archive"
	RelNextArchive = "next-archive"
)

// HistoryNS is the namespace of RFC 5005's fh:archive element.
const HistoryNS = "http://purl.org/syndication/history/1.0"

// MediaType is the media type of an Atom feed document.
const MediaType = "application/atom+xml"

// Feed is an atom:feed document.
type Feed struct {
	ID       string // an absolute IRI; required
	Title    string // plain text
	Subtitle string // plain text; optional
	Updated  time.Time
	Lang     string // BCP 47 tag for xml:lang; optional
	Authors  []Person
	Links    []Link
	Icon     string // IRI of a small square image; optional
	Logo     string // IRI of a 2:1 image; optional
	// Generator names the software that wrote the feed; optional.
	Generator  *Generator
	Categories []Category
	// Archive marks the document as an archive document of an archived
	// feed (RFC 5005 section 4): <fh:archive/>. Its contents are not
	// expected to change.
	Archive bool
	Entries []Entry
}

// Entry is an atom:entry.
type Entry struct {
	ID        string // an absolute IRI, stable forever; required
	Title     string // plain text
	Lang      string // BCP 47 tag for xml:lang; optional
	Links     []Link
	Published time.Time // zero: omitted
	Updated   time.Time // required
	Authors   []Person
	Summary   string // HTML; empty: omitted
	Content   string // HTML; empty: omitted
	// Categories are rendered as atom:category.
	Categories []Category
	// Source describes the feed the entry was copied from; optional.
	Source *Source
}

// Link is an atom:link.
type Link struct {
	Href     string
	Rel      string // empty means alternate
	Type     string // media type; optional
	HrefLang string // BCP 47 tag; optional
	Title    string
	Length   int64 // bytes; 0 means unknown
}

// Person is an atom:author or atom:contributor.
type Person struct {
	Name  string // required; a person without a name is dropped
	URI   string
	Email string
}

// Category is an atom:category.
type Category struct {
	Term   string // required; a category without a term is dropped
	Scheme string // IRI; optional
	Label  string // human-readable; optional
}

// Generator is an atom:generator.
type Generator struct {
	Name    string
	URI     string
	Version string
}

// Source is an atom:source: metadata of the feed an entry came from.
type Source struct {
	ID      string
	Title   string
	Links   []Link
	Updated time.Time // zero: omitted
}
