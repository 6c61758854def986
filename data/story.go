package data

import "time"

// Story is one news event told by one or more items, possibly from several
// sources (the same meeting reported by the Sichuan and the Chongqing
// portals, a notice re-posted by a department site). The combined feed
// shows one entry per story.
type Story struct {
	// ID is the ID of the first item stored in the story. It never changes
	// as reports join, so the story's feed entry keeps its id.
	ID int64
	// Items are the reports, the primary first: the earliest published,
	// whose title, content and date the story shows; the others follow in
	// publication order. A store may leave out the content of reports a
	// feed does not show (see the publish package's Store).
	Items []Item
	// Members describe how each item joined, parallel to Items.
	Members []Member
}

// Member says how an item joined its story.
type Member struct {
	// Score is the similarity that merged the item into the story (1 for
	// the item that started it).
	Score float64
	// Reason names the signal: "first", "docno 川府发〔2026〕12号",
	// "minhash 0.71", ...
	Reason string
	Joined time.Time // when govfeed stored the item
}

// Primary returns the story's primary item.
func (s Story) Primary() Item { return s.Items[0] }

// Updated is when the story last changed: the latest time a report joined
// or changed.
func (s Story) Updated() time.Time {
	var t time.Time
	for _, it := range s.Items {
		if it.Modified.After(t) {
			t = it.Modified
		}
	}
	return t
}
