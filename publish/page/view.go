package page

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/govfeed/govfeed/data"
)

const (
	// pageItems is the number of stories on the page.
	pageItems = 50
	// maxQueryRunes bounds the search text.
	maxQueryRunes = 200
	// maxErrorRunes bounds a last error in the health table.
	maxErrorRunes = 300
)

// filter is what the request selects: a search and a source and/or tag.
type filter struct {
	Q, Source, Tag string
}

// parseFilter reads the q, source and tag parameters.
func parseFilter(v url.Values) filter {
	q := cleanText(v.Get("q"))
	if utf8.RuneCountInString(q) > maxQueryRunes {
		q = strings.TrimSpace(string([]rune(q)[:maxQueryRunes]))
	}
	return filter{
		Q:      q,
		Source: strings.TrimSpace(v.Get("source")),
		Tag:    strings.TrimSpace(v.Get("tag")),
	}
}

// active reports whether f selects anything less than everything.
func (f filter) active() bool { return f.Q != "" || f.Source != "" || f.Tag != "" }

// query returns f as a query string ("q=…&source=…"), empty fields left out.
func (f filter) query() string {
	v := url.Values{}
	for _, kv := range [][2]string{{"q", f.Q}, {"source", f.Source}, {"tag", f.Tag}} {
		if kv[1] != "" {
			v.Set(kv[0], kv[1])
		}
	}
	return v.Encode()
}

// pageHref is the page showing f, relative to the page.
func (f filter) pageHref() string {
	if q := f.query(); q != "" {
		return "?" + q
	}
	return "./"
}

// view is everything the template shows.
type view struct {
	Title    string
	CSS      string // stylesheet URL
	BaseURL  string
	Filter   filter
	Filtered bool
	// SourceName names Filter.Source when it is configured.
	SourceName string
	FilterFeed string // Atom feed of the current filter; empty when unfiltered
	Notices    []string
	Items      []itemView
	Sources    []sourceView
	Tags       []tagView
	AllHref    string // the page without source and tag filters, keeping the search
	Generated  stamp
}

// itemView is one story.
type itemView struct {
	Title      string
	Link       string // empty unless an http(s) URL
	Lang       string
	SourceName string
	SourceHref string
	Date       stamp
	Excerpt    string
}

// sourceView is one configured source: its filter link, feed and health.
type sourceView struct {
	ID, Name   string
	Href       string // the page filtered to this source, keeping the search
	Current    bool
	FeedHref   string
	Kind       string
	Tags       []string
	Badges     []badge
	Fetched    bool // the store has a state for it
	Success    stamp
	Attempt    stamp
	Items      string // count, or "" when unknown
	Failures   int
	LastError  string
	ErrorClass string
	NextRun    stamp
	Backoff    stamp // NextAttempt, when it is later than now
}

// badge is a status label in the health table.
type badge struct{ Text, Class string }

// tagView is one tag of the configured sources.
type tagView struct {
	Tag, Href, FeedHref string
	Current             bool
}

// build reads the store and assembles the page for f, with the HTTP
// status to send: 404 for an unknown source or tag, 500 when the stories
// could not be read.
func (p *Page) build(ctx context.Context, f filter) (view, int) {
	now := p.now()
	var sources []data.Source
	if p.opts.Sources != nil {
		sources = p.opts.Sources()
	}
	v := view{
		Title:     p.opts.Title,
		CSS:       p.cssURL,
		BaseURL:   strings.TrimSuffix(p.opts.BaseURL, "/"),
		Filter:    f,
		Filtered:  f.active(),
		AllHref:   filter{Q: f.Q}.pageHref(),
		Generated: makeStamp(now, p.loc, now, false),
	}
	if v.Filtered {
		v.FilterFeed = "feed.atom?" + f.query()
	}
	status := http.StatusOK

	var ids []string
	knownSource, knownTag := false, false
	for _, s := range sources {
		if s.ID == f.Source {
			knownSource = true
			v.SourceName = displayName(s)
		}
		hasTag := slices.Contains(s.Tags, f.Tag)
		knownTag = knownTag || hasTag
		if (f.Source == "" || s.ID == f.Source) && (f.Tag == "" || hasTag) {
			ids = append(ids, s.ID)
		}
	}
	if f.Source != "" && !knownSource {
		v.Notices = append(v.Notices, fmt.Sprintf("There is no source with the id %q.", f.Source))
		status = http.StatusNotFound
	}
	if f.Tag != "" && !knownTag {
		v.Notices = append(v.Notices, fmt.Sprintf("No source has the tag %q.", f.Tag))
		status = http.StatusNotFound
	}
	if knownSource && knownTag && len(ids) == 0 {
		v.Notices = append(v.Notices, fmt.Sprintf("The source %q does not have the tag %q.", f.Source, f.Tag))
	}

	names := make(map[string]string, len(sources))
	for _, s := range sources {
		names[s.ID] = displayName(s)
	}
	if len(ids) > 0 {
		items, err := p.store.Recent(ctx, data.Query{Limit: pageItems, SourceIDs: ids, Text: f.Q})
		if err != nil {
			p.log.Error("page: read recent items", "query", f.query(), "err", err)
			v.Notices = append(v.Notices, "The stories could not be read; please try again later.")
			status = http.StatusInternalServerError
		}
		for _, it := range items {
			v.Items = append(v.Items, p.itemView(it, names, now))
		}
	}

	v.Sources = p.sourceViews(ctx, sources, f, now)
	v.Tags = tagViews(sources, f)
	return v, status
}

// itemView prepares one stored item: text only, never its HTML.
func (p *Page) itemView(it data.Item, names map[string]string, now time.Time) itemView {
	title := cleanText(it.Title)
	if title == "" {
		title = "(untitled)"
	}
	excerpt := plainText(it.Summary, excerptRunes)
	if excerpt == "" {
		excerpt = plainText(it.Content, excerptRunes)
	}
	name := names[it.SourceID]
	if name == "" {
		name = it.SourceID
	}
	return itemView{
		Title:      title,
		Link:       webURL(it.Link),
		Lang:       it.Lang,
		SourceName: name,
		SourceHref: filter{Source: it.SourceID}.pageHref(),
		Date:       makeStamp(it.SortDate(), p.loc, now, false),
		Excerpt:    truncate(excerpt, excerptRunes),
	}
}

// sourceViews joins the configured sources with their stored state, item
// counts and next runs. A failed read is logged and leaves its columns
// empty: the table is most needed when something is wrong.
func (p *Page) sourceViews(ctx context.Context, sources []data.Source, f filter, now time.Time) []sourceView {
	states := map[string]data.SourceState{}
	if sts, err := p.store.States(ctx); err != nil {
		p.log.Error("page: read source states", "err", err)
	} else {
		for _, st := range sts {
			states[st.SourceID] = st
		}
	}
	var counts map[string]int
	if p.opts.ItemCounts != nil {
		c, err := p.opts.ItemCounts(ctx)
		if err != nil {
			p.log.Error("page: count items per source", "err", err)
		}
		counts = c
	}
	out := make([]sourceView, 0, len(sources))
	for _, s := range sources {
		st, fetched := states[s.ID]
		sv := sourceView{
			ID:         s.ID,
			Name:       displayName(s),
			Href:       filter{Q: f.Q, Source: s.ID}.pageHref(),
			Current:    s.ID == f.Source,
			FeedHref:   "sources/" + url.PathEscape(s.ID) + ".atom",
			Kind:       string(s.Kind),
			Tags:       s.Tags,
			Fetched:    fetched,
			Success:    makeStamp(st.LastSuccess, p.loc, now, true),
			Attempt:    makeStamp(st.LastAttempt, p.loc, now, true),
			Failures:   st.Failures,
			LastError:  truncate(cleanText(st.LastError), maxErrorRunes),
			ErrorClass: string(st.ErrorClass),
			Badges:     badges(st, fetched),
		}
		if counts != nil {
			sv.Items = fmt.Sprint(counts[s.ID])
		}
		if p.opts.NextRun != nil {
			sv.NextRun = makeStamp(p.opts.NextRun(s.ID), p.loc, now, true)
		}
		if st.NextAttempt.After(now) {
			sv.Backoff = makeStamp(st.NextAttempt, p.loc, now, true)
		}
		out = append(out, sv)
	}
	return out
}

// badges are the status labels of a source: BROKEN when it yielded items
// before and yields none now, BLOCKED when its last fetch met an anti-bot
// answer, FAILING for other failures, NEW before its first fetch, else OK.
// (The feeds announce a blocked source only after several blocked
// fetches; the operator's table shows it at once.)
func badges(st data.SourceState, fetched bool) []badge {
	var b []badge
	if st.Broken {
		b = append(b, badge{"BROKEN", "broken"})
	}
	if st.ErrorClass == data.ErrBlocked {
		b = append(b, badge{"BLOCKED", "blocked"})
	}
	switch {
	case len(b) > 0:
	case !fetched || st.LastAttempt.IsZero():
		b = append(b, badge{"NEW", "new"})
	case st.Failures > 0 || st.ErrorClass != data.ErrNone:
		b = append(b, badge{"FAILING", "failing"})
	default:
		b = append(b, badge{"OK", "ok"})
	}
	return b
}

// tagViews lists the tags of the sources, sorted, with their links.
func tagViews(sources []data.Source, f filter) []tagView {
	var tags []string
	for _, s := range sources {
		tags = append(tags, s.Tags...)
	}
	slices.Sort(tags)
	tags = slices.Compact(tags)
	out := make([]tagView, 0, len(tags))
	for _, t := range tags {
		if t == "" {
			continue
		}
		out = append(out, tagView{
			Tag:      t,
			Href:     filter{Q: f.Q, Tag: t}.pageHref(),
			FeedHref: "tags/" + url.PathEscape(t) + ".atom",
			Current:  t == f.Tag,
		})
	}
	return out
}

// displayName is a source's configured name, else its id.
func displayName(s data.Source) string {
	if n := cleanText(s.Name); n != "" {
		return n
	}
	return s.ID
}

// webURL returns raw if it is an absolute http(s) URL, else "": a
// javascript:, data: or relative link from upstream is not followed.
func webURL(raw string) string {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return raw
	}
	return ""
}
