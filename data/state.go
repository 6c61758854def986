package data

import "time"

// ErrorClass says what kind of failure a fetch met, for the operator and for
// backoff decisions.
type ErrorClass string

// The classes of fetch failure.
const (
	ErrNone     ErrorClass = ""
	ErrNetwork  ErrorClass = "network"   // DNS, refused, reset, TLS
	ErrTimeout  ErrorClass = "timeout"   // no answer in time
	ErrHTTP     ErrorClass = "http"      // an unexpected HTTP status
	ErrParse    ErrorClass = "parse"     // the body is not what the kind expects
	ErrTooLarge ErrorClass = "too_large" // the body exceeds the configured cap
	ErrBlocked  ErrorClass = "blocked"   // 403/405/412/521 anti-bot answers
	ErrBroken   ErrorClass = "broken"    // yielded items before, none now
	ErrStore    ErrorClass = "store"     // the local database failed
)

// SourceState is what govfeed remembers about a source between fetches.
type SourceState struct {
	SourceID string
	// Validators for conditional GET.
	ETag         string
	LastModified string

	LastAttempt time.Time
	LastSuccess time.Time
	// Failures counts consecutive failed fetches; reset on success.
	Failures   int
	LastError  string
	ErrorClass ErrorClass
	// NextAttempt is the earliest time the next fetch may start (backoff or
	// Retry-After). Zero means no restriction.
	NextAttempt time.Time

	// What the upstream says about itself, for atom:source.
	Title string
	Link  string

	// LastYield is the number of items the last successful parse produced.
	// A source that yielded items before and yields none now is broken.
	LastYield int
	Broken    bool
}

// FetchResult is everything one fetch of one source produced. The store
// writes it in one transaction.
type FetchResult struct {
	State SourceState
	// Items are keyed (AssignKeys has run). Nil for a 304 or a failure.
	Items []Item
}

// SaveStats says what storing one FetchResult changed.
type SaveStats struct {
	New       int
	Updated   int
	Unchanged int
	// Skipped counts items that retention removed earlier and that the
	// upstream still lists; they stay removed.
	Skipped int
}
