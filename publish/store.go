package publish

import (
	"context"

	"github.com/govfeed/govfeed/data"
)

// Store is what a Publisher needs from the item store.
type Store interface {
	// Recent returns stored items newest first (by data.Item.SortDate,
	// then ID): q.Text is a full-text search, q.Since, q.SourceIDs and
	// the q.Before cursor narrow it.
	Recent(ctx context.Context, q data.Query) ([]data.Item, error)
	// RecentStories returns one data.Story per story, ordered, narrowed
	// and paged like Recent by its first stored item (the one whose ID is
	// the story's); Items[0] is the primary report. Only one report has
	// its Content: the first one from q.SourceIDs (the first one when
	// q.SourceIDs is empty), which is the one an entry shows.
	RecentStories(ctx context.Context, q data.Query) ([]data.Story, error)
	// ItemsBetween returns the items with fromID <= ID <= toID, ascending
	// ID.
	ItemsBetween(ctx context.Context, fromID, toID int64) ([]data.Item, error)
	// MaxItemID returns the largest item ID ever assigned, 0 when none.
	MaxItemID(ctx context.Context) (int64, error)
	// States returns the fetch state of every source the store knows.
	States(ctx context.Context) ([]data.SourceState, error)
	// Ping reports whether the store can serve requests.
	Ping(ctx context.Context) error
}
