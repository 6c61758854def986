// Package listing finds the articles on a government list page: with CSS
// selectors when a source configures them, and otherwise with no
// configuration at all, by recognising the article URL shapes of the common
// government CMSs (TRS, Hanweb, NFCMS, UCAP, www.gov.cn) anywhere in the
// page, including Hanweb's <datastore> lists hidden in a script element.
// It also finds the URLs of further list pages for backfill.
package listing

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/andybalholm/cascadia"
	"github.com/govfeed/govfeed/data"
	"golang.org/x/net/html"
)

// Entry is one article found on a list page.
type Entry struct {
	Link  string // absolute
	Title string // plain text; may be empty when the list shows only an image
	// Date is the list date in UTC, zero when neither the list nor the URL
	// gives one. DateOnly says it has no time of day (midnight local).
	Date     time.Time
	DateOnly bool
	// Rule names what produced the entry: "selector", or "auto:<family>"
	// for zero-config extraction ("auto:trs", "auto:sichuan",
	// "auto:hanweb", "auto:nfcms", "auto:govcn", "auto:hex"), with
	// "+datastore" when the link came from a Hanweb datastore record.
	Rule string
	// TitleTruncated is true when the only title the list offers ends in
	// "..." or "…": the article page has the full one.
	TitleTruncated bool
}

// Options say how to read one list page.
type Options struct {
	// BaseURL is the page's own URL (after redirects); relative links are
	// resolved against it (or against the page's <base href>). Required.
	BaseURL string
	// Selectors, when Item or Link is set, pick the entries; otherwise
	// extraction is zero-config.
	Selectors data.Selectors
	// DateFormat is a Go time layout tried before the built-in formats.
	DateFormat string
	// Location is the zone of naive dates; nil means Beijing time.
	Location *time.Location
	// Now is the clock used to give month-day dates a year; nil means
	// time.Now.
	Now func() time.Time
}

// ErrBadOptions is returned (wrapped) for an unusable base URL or an
// invalid selector.
var ErrBadOptions = errors.New("bad listing options")

// Extract returns the articles of a UTF-8 list page in page order,
// deduplicated by data.ArticleID (else data.CanonicalURL): a later
// duplicate only fills in a missing or truncated title and a missing date
// (or replaces one read from the URL). It returns an empty result, not an
// error, when nothing matches: deciding that a source broke is the caller's.
func Extract(htmlUTF8 []byte, o Options) ([]Entry, error) {
	base, err := url.Parse(strings.TrimSpace(o.BaseURL))
	if err != nil || !base.IsAbs() || base.Host == "" {
		return nil, fmt.Errorf("base url %q is not absolute: %w", o.BaseURL, ErrBadOptions)
	}
	doc, err := html.Parse(bytes.NewReader(htmlUTF8))
	if err != nil {
		return nil, fmt.Errorf("parse list page %s: %w", o.BaseURL, err)
	}
	x := &extractor{
		base:   pageBase(doc, base),
		loc:    o.Location,
		now:    time.Now,
		layout: o.DateFormat,
		byKey:  map[string]int{},
	}
	if o.Now != nil {
		x.now = o.Now
	}
	roots := []root{{node: doc}}
	if bytes.Contains(htmlUTF8, []byte("<recordset")) && !hasXMLScript(doc) {
		// A bare dataproxy.jsp answer: the datastore is the whole body.
		roots = []root{{node: datastoreRoot(string(htmlUTF8)), datastore: true}}
	}
	sel := o.Selectors
	if sel.Item != "" || sel.Link != "" {
		if err := x.selectors(roots, sel); err != nil {
			return nil, fmt.Errorf("list page %s: %w", o.BaseURL, err)
		}
	} else {
		x.auto(roots)
	}
	return x.entries, nil
}

// root is a tree to scan: the page, or the records of a datastore.
type root struct {
	node      *html.Node
	datastore bool
}

// extractor holds the state of one Extract call.
type extractor struct {
	base    *url.URL
	loc     *time.Location
	now     func() time.Time
	layout  string
	entries []Entry
	urlDate []bool // entries[i].Date came from the URL, not the list text
	byKey   map[string]int
}

// add appends e, or merges it into an earlier entry with the same key: a
// later duplicate fills in a missing or truncated title, and a missing date
// or one only read from the URL.
func (x *extractor) add(key string, e Entry, dateFromURL bool) {
	i, ok := x.byKey[key]
	if !ok {
		x.byKey[key] = len(x.entries)
		x.entries = append(x.entries, e)
		x.urlDate = append(x.urlDate, dateFromURL)
		return
	}
	old := &x.entries[i]
	if e.Title != "" && (old.Title == "" || (old.TitleTruncated && !e.TitleTruncated)) {
		old.Title, old.TitleTruncated = e.Title, e.TitleTruncated
	}
	if !e.Date.IsZero() && (old.Date.IsZero() || (x.urlDate[i] && !dateFromURL)) {
		old.Date, old.DateOnly = e.Date, e.DateOnly
		x.urlDate[i] = dateFromURL
	}
}

// key is the deduplication key of a link.
func key(link string) string {
	if id := data.ArticleID(link); id != "" {
		return id
	}
	return data.CanonicalURL(link)
}

// compile checks a CSS selector.
func compile(what, sel string) error {
	if sel == "" {
		return nil
	}
	if _, err := cascadia.Compile(sel); err != nil {
		return fmt.Errorf("%s selector %q: %w: %w", what, sel, ErrBadOptions, err)
	}
	return nil
}
