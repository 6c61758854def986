// Package feed turns the bytes of an RSS (0.9x, 1.0/RDF, 2.0), Atom (0.3,
// 1.0) or JSON Feed (1.0, 1.1) document into govfeed items, using gofeed
// for the syntax and doing the semantics here: charset, plain-text titles,
// absolute links, HTML fields passed through the caller's sanitizer, and
// dates read in the source's zone when the feed gives none.
//
// Parse does not compute deduplication keys: the caller runs
// data.AssignKeys on the items.
package feed

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/fetch/charset"
	"github.com/govfeed/govfeed/fetch/dates"
)

// ErrNotFeed is wrapped by Parse's error when the body is not a feed at all:
// an HTML page, an image, an empty body.
var ErrNotFeed = errors.New("not a feed")

// ErrMalformed is wrapped by Parse's error when the body is a feed that
// cannot be read: truncated or broken XML or JSON, or an unknown charset.
var ErrMalformed = errors.New("malformed feed")

// Feed is what a feed says about itself, and its items.
type Feed struct {
	Title    string // plain text
	Link     string // absolute; the site the feed describes
	Language string // BCP 47, "" when the feed gives none
	Items    []data.Item
}

// Options are the context a feed is read in.
type Options struct {
	// BaseURL is the URL the feed was fetched from (after redirects);
	// relative links resolve against the feed's own link, else this.
	BaseURL string
	// Location is the zone of dates that carry none; nil means Beijing time.
	Location *time.Location
	// Now is the clock that bounds plausible dates; nil means time.Now.
	Now func() time.Time
	// Sanitize cleans an HTML fragment, resolving its relative URLs
	// against base; nil keeps the HTML as the feed gives it.
	Sanitize func(html, base string) string
}

// Parse reads a feed body. contentType is the response's Content-Type, for
// its charset. The error wraps ErrNotFeed or ErrMalformed.
func Parse(body []byte, contentType string, o Options) (*Feed, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, fmt.Errorf("%w: empty body", ErrNotFeed)
	}
	utf, _, err := charset.DecodeXML(body, contentType)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	kind, why := sniff(utf, body)
	if kind == kindOther {
		return nil, fmt.Errorf("%w: %s", ErrNotFeed, why)
	}
	gf, err := parse(utf)
	switch {
	case errors.Is(err, gofeed.ErrFeedTypeNotDetected):
		return nil, fmt.Errorf("%w: %s: %w", ErrMalformed, why, err)
	case err != nil:
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if gf.FeedType == "json" && !strings.Contains(gf.FeedVersion, "jsonfeed.org/version/") {
		return nil, fmt.Errorf("%w: looks like JSON, not a JSON Feed", ErrNotFeed)
	}
	if kind == kindXML && len(gf.Items) == 0 && hasItemElements(utf) {
		return nil, fmt.Errorf("%w: %s: the document has <item> or <entry> elements, but none where the format puts them (a wrong namespace?)", ErrMalformed, why)
	}
	return newReader(o, gf).feed(gf), nil
}

// parse runs gofeed, turning its panics into errors: gofeed v1.4.2 panics
// on a JSON Feed whose first item is null, and a feed is untrusted input.
func parse(b []byte) (gf *gofeed.Feed, err error) {
	defer func() {
		if v := recover(); v != nil {
			gf, err = nil, fmt.Errorf("gofeed panicked: %v", v)
		}
	}()
	p := gofeed.NewParser()
	p.KeepOriginalFeed = true
	// govfeed does not use an item's image; finding it parses each RSS
	// item's HTML once more (4% of an ingest's CPU).
	p.RSSTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	return p.Parse(bytes.NewReader(b))
}

// reader holds what mapping one feed needs.
type reader struct {
	o    Options
	loc  *time.Location
	now  time.Time
	link *url.URL // the feed's own link, absolute; nil if none
	base *url.URL // for relative links: link, else BaseURL; may be nil
}

func newReader(o Options, gf *gofeed.Feed) *reader {
	r := &reader{o: o, loc: o.Location, now: time.Now()}
	if r.loc == nil {
		r.loc = dates.DefaultLocation()
	}
	if o.Now != nil {
		r.now = o.Now()
	}
	r.base = absolute(nil, o.BaseURL)
	if r.link = absolute(r.base, gf.Link); r.link != nil {
		r.base = r.link
	}
	return r
}

func (r *reader) feed(gf *gofeed.Feed) *Feed {
	f := &Feed{
		Title:    plainText(gf.Title),
		Language: normLang(gf.Language),
	}
	if r.link != nil {
		f.Link = r.link.String()
	}
	orig := originals(gf)
	for i, gi := range gf.Items {
		if gi == nil {
			continue
		}
		it := r.item(gi, orig.at(i), gf)
		if it.Title == "" && it.Link == "" && it.Content == "" && it.Summary == "" && it.GUID == "" {
			continue // an empty <item/>
		}
		if it.Lang == "" {
			it.Lang = f.Language
		}
		f.Items = append(f.Items, it)
	}
	return f
}
