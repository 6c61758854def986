package publish

import (
	"context"

	"github.com/govfeed/govfeed/data"
)

// Store is what a Publisher needs from the item store.
type Store interface {
	// Recent returns stored items, newest first.
	Recent(ctx context.Context, q data.Query) ([]data.Item, error)
	// States returns the fetch state of every source the store knows.
	States(ctx context.Context) ([]data.SourceState, error)
	// Ping reports whether the store can serve requests.
	Ping(ctx context.Context) error
}
