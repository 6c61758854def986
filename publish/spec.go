package publish

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/govfeed/govfeed/data"
)

// kind is what a feed selects.
type kind uint8

const (
	kindCombined kind = iota // /feed: one entry per story, every configured source
	kindSource               // /sources/{id}: every item of one source
	kindTag                  // /tags/{tag}: one entry per story of the sources with a tag
	kindFilter               // /feed?q=&source=&tag=&since=: every matching item
	kindArchive              // /archive/{n}: the items with ids in page n
)

// direction says which page of a paged feed (RFC 5005 section 3) a
// document is.
type direction uint8

const (
	pageHead  direction = iota // the newest entries
	pageOlder                  // ?before=cursor: the entries just older than the cursor
	pageNewer                  // ?after=cursor: the entries just newer than the cursor
)

// spec says which document a request asks for, whatever its format. Two
// requests with equal specs get the same bytes.
type spec struct {
	kind   kind
	name   string // source id (kindSource) or tag (kindTag)
	page   int64  // archive page number (kindArchive)
	filter filter // kindFilter only
	dir    direction
	cursor data.Cursor // the position paged from, unless dir is pageHead
	// static marks documents written by WriteStatic, which must not link
	// to URLs with a query string: a file server ignores the query.
	static bool
}

// filter is the selection of a filtered feed, normalised so that equal
// selections have equal values.
type filter struct {
	text    string   // full-text query, white space collapsed
	sources []string // source ids, sorted, unique
	tags    []string // tags, sorted, unique
	// sinceParam is the since parameter as the self link repeats it (a
	// duration such as "7d", a date or an RFC 3339 time); since is its
	// absolute value, whole minutes for a duration.
	sinceParam string
	since      time.Time
}

func (f filter) empty() bool {
	return f.text == "" && len(f.sources) == 0 && len(f.tags) == 0 && f.sinceParam == ""
}

// values is f as query parameters.
func (f filter) values() url.Values {
	v := url.Values{}
	if f.text != "" {
		v.Set("q", f.text)
	}
	if len(f.sources) > 0 {
		v.Set("source", strings.Join(f.sources, ","))
	}
	if len(f.tags) > 0 {
		v.Set("tag", strings.Join(f.tags, ","))
	}
	if f.sinceParam != "" {
		v.Set("since", f.sinceParam)
	}
	return v
}

// head is s without its page cursor: the newest page of the same feed.
func (s spec) head() spec {
	s.dir, s.cursor = pageHead, data.Cursor{}
	return s
}

// paged returns the page of s's feed in direction dir from c.
func (s spec) paged(dir direction, c data.Cursor) spec {
	s.dir, s.cursor = dir, c
	return s
}

// path is the URL path of s's document without the format extension.
func (s spec) path() string {
	switch s.kind {
	case kindSource:
		return "/sources/" + url.PathEscape(s.name)
	case kindTag:
		return "/tags/" + url.PathEscape(s.name)
	case kindArchive:
		return "/archive/" + strconv.FormatInt(s.page, 10)
	default:
		return "/feed"
	}
}

// query is s's canonical query string: the filter, then the cursor.
func (s spec) query() string {
	v := s.filter.values()
	switch s.dir {
	case pageOlder:
		v.Set("before", encodeCursor(s.cursor))
	case pageNewer:
		v.Set("after", encodeCursor(s.cursor))
	}
	return v.Encode()
}

// fixed reports whether s is the head document of a feed that exists as
// long as its source or tag is configured; such documents are never
// evicted from the cache.
func (s spec) fixed() bool {
	return s.dir == pageHead && !s.static && (s.kind == kindCombined || s.kind == kindSource || s.kind == kindTag)
}

// combinedKeys are the keys of the combined feed's head documents, by
// format: what keyOf returns for them, without building strings on every
// request.
var combinedKeys = [...]string{formatAtom: "/feed.atom?", formatRSS: "/feed.rss?", formatJSON: "/feed.json?"}

// key identifies s's document in format f in the cache.
func (s spec) key(f format) string {
	if s.kind == kindCombined && s.dir == pageHead && !s.static && int(f) < len(combinedKeys) {
		return combinedKeys[f]
	}
	return s.keyOf(f)
}

// keyOf builds the key of s's document in format f.
func (s spec) keyOf(f format) string {
	k := s.path() + "." + f.ext() + "?" + s.query()
	if !s.filter.since.IsZero() {
		k += "#since=" + strconv.FormatInt(s.filter.since.UnixNano(), 10)
	}
	if s.static {
		k += "#static"
	}
	return k
}

// fileName is the path of s's document in format f below a static
// directory, with slashes and unescaped, as a file server maps the URL.
func (s spec) fileName(f format) string {
	var p string
	switch s.kind {
	case kindSource:
		p = "sources/" + s.name
	case kindTag:
		p = "tags/" + s.name
	case kindArchive:
		p = "archive/" + strconv.FormatInt(s.page, 10)
	default:
		p = "feed"
	}
	return p + "." + f.ext()
}

// url returns the absolute URL of s's document in format f.
func (p *Publisher) url(s spec, f format) string {
	u := p.opts.BaseURL + s.path() + "." + f.ext()
	if q := s.query(); q != "" {
		u += "?" + q
	}
	return u
}
