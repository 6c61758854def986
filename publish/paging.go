package publish

import (
	"context"

	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/publish/atom"
)

// afterChunk is how many rows one store read takes while a newer page
// (?after=) walks down from the newest row to its cursor.
const afterChunk = 500

// page is one page of a newest-first listing.
type page[T any] struct {
	rows []T
	// older and newer say whether rows exist beyond each end of the page.
	older, newer bool
}

// lister reads rows newest first, as Store.Recent and Store.RecentStories
// do; pos is a row's place in that order.
type lister[T any] struct {
	list func(context.Context, data.Query) ([]T, error)
	pos  func(T) data.Cursor
}

// itemPos is an item's place in the newest-first order.
func itemPos(it data.Item) data.Cursor {
	return data.Cursor{Date: it.SortDate(), ID: it.ID}
}

// storyPos is a story's place in the newest-first order: its first
// stored item's, since the store orders stories by that item.
func storyPos(s data.Story) data.Cursor {
	return itemPos(storyHead(s))
}

// above reports whether a is newer than b in the newest-first order.
func above(a, b data.Cursor) bool {
	if c := a.Date.Compare(b.Date); c != 0 {
		return c > 0
	}
	return a.ID > b.ID
}

// readPage reads the page of at most n rows that s asks for, narrowed by q.
// A head page holds the newest rows; an older page (before=c) the newest
// rows older than c; a newer page (after=c) the oldest rows newer than c.
// Each page is newest first.
func readPage[T any](ctx context.Context, l lister[T], q data.Query, s spec, n int) (page[T], error) {
	if s.dir == pageNewer {
		return readNewer(ctx, l, q, s.cursor, n)
	}
	if s.dir == pageOlder {
		c := s.cursor
		q.Before = &c
	}
	q.Limit = n + 1
	rows, err := l.list(ctx, q)
	if err != nil {
		return page[T]{}, err
	}
	pg := page[T]{rows: rows, newer: s.dir == pageOlder}
	if len(rows) > n {
		pg.rows, pg.older = rows[:n], true
	}
	return pg, nil
}

// readNewer returns the n rows nearest above c. The store reads newest
// first only, so it walks down from the newest row to c in chunks of
// afterChunk rows, keeping the last n+1 it saw above c: a previous link
// costs one read per afterChunk rows between it and the head of the feed.
func readNewer[T any](ctx context.Context, l lister[T], q data.Query, c data.Cursor, n int) (page[T], error) {
	if q.Since.Before(c.Date) {
		q.Since = c.Date
	}
	q.Before, q.Limit = nil, max(afterChunk, n+1)
	var window []T
	for {
		rows, err := l.list(ctx, q)
		if err != nil {
			return page[T]{}, err
		}
		done := len(rows) < q.Limit
		for _, r := range rows {
			if !above(l.pos(r), c) {
				done = true
				break
			}
			window = append(window, r)
			if len(window) > n+1 {
				window = window[1:]
			}
		}
		if done || len(rows) == 0 {
			break
		}
		last := l.pos(rows[len(rows)-1])
		q.Before = &last
	}
	pg := page[T]{rows: window, older: true}
	if len(window) > n {
		pg.rows, pg.newer = window[1:], true
	}
	return pg, nil
}

// pageLinks are the RFC 5005 paged-feed links of page pg of the feed s
// belongs to: first (the head), previous (newer) and next (older). first
// and last are the positions of pg's first and last rows.
func pageLinks[T any](s spec, pg page[T], pos func(T) data.Cursor) []navLink {
	if s.static {
		return nil // a file server cannot follow a cursor
	}
	links := []navLink{{rel: atom.RelFirst, target: s.head()}}
	if pg.newer {
		// Above the first row; on an empty page, just below the cursor,
		// so that the newer page includes the cursor's row.
		c := data.Cursor{Date: s.cursor.Date, ID: s.cursor.ID - 1}
		if len(pg.rows) > 0 {
			c = pos(pg.rows[0])
		}
		links = append(links, navLink{rel: atom.RelPrevious, target: s.paged(pageNewer, c)})
	}
	if pg.older {
		// Below the last row; on an empty page, just above the cursor.
		c := data.Cursor{Date: s.cursor.Date, ID: s.cursor.ID + 1}
		if len(pg.rows) > 0 {
			c = pos(pg.rows[len(pg.rows)-1])
		}
		links = append(links, navLink{rel: atom.RelNext, target: s.paged(pageOlder, c)})
	}
	return links
}
