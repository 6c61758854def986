package data

import "time"

// Query selects stored items, newest first.
type Query struct {
	Limit     int      // at most this many; <= 0 means 100
	SourceIDs []string // only these sources; empty means all
	Before    *Cursor  // items strictly older than this position (for paging); nil = from the newest
}

// Cursor is a position in the newest-first order.
type Cursor struct {
	Date time.Time
	ID   int64
}
