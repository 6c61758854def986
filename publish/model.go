package publish

import (
	"time"

	"github.com/govfeed/govfeed/publish/atom"
)

// document is one feed document in the format-neutral model, which the
// Atom, RSS and JSON Feed renderers all read, so that every format shows
// the same entries with the same ids.
type document struct {
	spec     spec   // the document's own address (self link)
	id       string // the feed's atom:id, the same on every page
	title    string
	subtitle string
	updated  time.Time
	home     string    // the HTML page showing the same selection
	nav      []navLink // RFC 5005 links to other documents of the feed
	archive  bool      // an archive document (RFC 5005 fh:archive)
	// complete marks an archive page that can no longer gain items, served
	// with an immutable Cache-Control.
	complete bool
	entries  []entry
}

// navLink is an RFC 5005 link to another document of the same feed, in
// the format of the document that links to it.
type navLink struct {
	rel    string // atom.RelNext, atom.RelPrevArchive, ...
	target spec
}

// entry is one feed entry. Its atom.Entry carries everything the three
// formats show, except atom:source, which each format names in its own
// way from source.
type entry struct {
	atom.Entry
	source sourceRef
	// related are the other reports of the entry's story, for JSON Feed's
	// _govfeed extension (Atom has them as related links, and every
	// format in the content).
	related []report
}

// sourceRef names the configured source an entry comes from.
type sourceRef struct {
	id, name string
	site     string    // the upstream site
	updated  time.Time // the newest change of its items in the document
}

// report is one item of a story other than the one the story's entry
// shows.
type report struct {
	id, title, link string // id is the item's own entry id
	source          sourceRef
	published       time.Time
}
