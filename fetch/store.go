package fetch

import (
	"context"
	"time"

	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/fetch/web"
)

// Store is what fetching needs from storage. *sqlite.Store implements it.
type Store interface {
	State(ctx context.Context, sourceID string) (data.SourceState, error)
	Save(ctx context.Context, res data.FetchResult) (data.SaveStats, error)
	Known(ctx context.Context, sourceID string, keys []string) (map[string]data.Item, error)
	Prune(ctx context.Context, sourceID string, maxAge time.Duration, maxItems int) (int, error)
}

// Getter performs one HTTP GET. *web.Getter implements it.
type Getter interface {
	Get(ctx context.Context, r web.Request) (*web.Response, error)
}

// Retention is how long a source's items are kept.
type Retention struct {
	MaxAge   time.Duration // 0 = no age limit
	MaxItems int           // 0 = no count limit
}
