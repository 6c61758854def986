package cluster

import "time"

// Member is one item of a story, as the store keeps it.
type Member struct {
	ItemID    int64
	Published time.Time
}

// Primary returns the story's primary item: the earliest published, ties
// broken by the smaller item id (the one stored first). Members with a zero
// time come last. It returns false for no members.
func Primary(ms []Member) (Member, bool) {
	if len(ms) == 0 {
		return Member{}, false
	}
	p := ms[0]
	for _, m := range ms[1:] {
		if earlier(m, p) {
			p = m
		}
	}
	return p, true
}

func earlier(a, b Member) bool {
	switch {
	case a.Published.IsZero() != b.Published.IsZero():
		return b.Published.IsZero()
	case !a.Published.Equal(b.Published):
		return a.Published.Before(b.Published)
	}
	return a.ItemID < b.ItemID
}
