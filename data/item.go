package data

import "time"

// Item is one entry from a source after parsing, before and after storage.
// Text fields are plain text except Content and Summary, which are sanitized
// HTML. All times are UTC; a zero time means unknown.
type Item struct {
	SourceID string
	// Key is the deduplication key within the source, set by AssignKeys.
	Key string
	// GUID is the upstream's own id (RSS guid, Atom id, JSON Feed id, or an
	// article id found in an HTML page's URL); it may be empty or unusable.
	GUID       string
	Title      string
	Link       string // absolute
	Summary    string // sanitized HTML
	Content    string // sanitized HTML
	Author     string
	Categories []string
	Enclosures []Enclosure
	Published  time.Time
	Updated    time.Time
	// Lang is a BCP 47 tag when the upstream gives one.
	Lang string

	// Set by the store.
	ID        int64     // row id; never reused
	FirstSeen time.Time // when govfeed first stored it
	Modified  time.Time // when govfeed last changed it (insert or update)
}

// Enclosure is an attachment: a podcast file, or a PDF or DOC linked from a
// government article.
type Enclosure struct {
	URL    string
	Type   string
	Length int64
	Title  string
}

// Date returns the item's best publication time: Published, else Updated,
// else FirstSeen.
func (it Item) Date() time.Time {
	switch {
	case !it.Published.IsZero():
		return it.Published
	case !it.Updated.IsZero():
		return it.Updated
	default:
		return it.FirstSeen
	}
}

// futureSlack is how far past FirstSeen a Published date may lie and still
// order the item; an upstream date further in the future is not trusted.
const futureSlack = time.Hour

// SortDate is the item's place in newest-first order: Published when it is
// set and not later than FirstSeen plus an hour, else FirstSeen. A
// future-dated upstream item therefore cannot stick to the top of a feed.
func (it Item) SortDate() time.Time {
	if !it.Published.IsZero() && !it.Published.After(it.FirstSeen.Add(futureSlack)) {
		return it.Published
	}
	return it.FirstSeen
}
