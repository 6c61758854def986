package data

import (
	"net/url"
	"time"
)

// SourceKind says how a source is read.
type SourceKind string

// The kinds of source govfeed knows.
const (
	KindFeed SourceKind = "feed" // RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed
	KindHTML SourceKind = "html" // a government list page plus its article pages
	KindJSON SourceKind = "json" // a JSON list API with a field mapping
)

// Source is one configured upstream, as the fetcher needs it. It is built by
// the config package from the YAML file; defaults are already applied.
type Source struct {
	ID       string // stable slug; part of every stored key
	Name     string
	URL      string
	Kind     SourceKind
	Schedule string // cron spec or "@every 30m"
	Tags     []string
	// Location is the timezone naive upstream times are read in
	// (default Asia/Shanghai). Never nil once built by config.
	Location *time.Location
	// Timeout bounds one whole fetch of this source (all requests).
	Timeout time.Duration
	// MaxBodyBytes caps one response body; a larger body is an error.
	MaxBodyBytes int64
	// Headers and Cookies are sent with every request for this source.
	Headers map[string]string
	Cookies map[string]string
	// HTML and JSON hold the options of those kinds; nil for other kinds.
	HTML *HTMLRules
	JSON *JSONRules
}

// Host returns the lower-cased host of the source URL, the unit of
// per-host politeness. It is empty for an unparsable URL.
func (s Source) Host() string {
	u, err := url.Parse(s.URL)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// HTMLRules are the options of a kind: html source. Every field is optional:
// with none set, govfeed recognises the government CMS families by URL shape.
type HTMLRules struct {
	Pages      int       // follow this many more list pages (backfill)
	Selectors  Selectors // CSS selectors; empty means zero-config extraction
	DateFormat string    // Go layout for list/article dates, if unusual
	Encoding   string    // forced charset label (e.g. "gbk"); empty = detect
	// Delay is the least time between two requests to one host.
	Delay time.Duration
}

// Selectors are CSS selectors for list and article pages.
type Selectors struct {
	Item    string // one list entry
	Title   string // inside an item (or the article page)
	Link    string // inside an item
	Date    string // inside an item (or the article page)
	Content string // article body on the article page
	Remove  string // elements to drop from the body
}

// JSONRules map the fields of a JSON list API onto items. Each field is a
// dotted path into one element of the list at Items.
type JSONRules struct {
	Items     string // path to the array of items, e.g. "articles"
	Title     string
	Link      string
	Date      string
	ID        string
	Summary   string
	Author    string
	DateUnit  string // "s" (Unix seconds), "ms", or "" for a text date
	FetchBody bool   // fetch each item's page for its body
}
