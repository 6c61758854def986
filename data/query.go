package data

import "time"

// Query selects stored items, newest first.
type Query struct {
	Limit     int      // at most this many; <= 0 means 100
	SourceIDs []string // only these sources; empty means all
	Before    *Cursor  // items strictly older than this position (for paging); nil = from the newest
	// Text, when set, is a full-text search over title and body (Chinese
	// and English); only matching items are returned, still newest first.
	Text string
	// Since, when set, keeps only items whose sort date is at or after it.
	Since time.Time
}

// Cursor is a position in the newest-first order.
type Cursor struct {
	Date time.Time
	ID   int64
}
