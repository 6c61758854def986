package publish

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/publish/atom"
)

// Namespaces of the name-based (version 5) UUIDs in entry ids. They are the
// version 5 UUIDs of the URLs https://github.com/govfeed/govfeed#entry and
// #status in the URL namespace, and must never change: readers recognise
// entries by their ids.
var (
	entryNamespace  = uuid.MustParse("b4086c01-d045-5e5b-8f30-493872501b01")
	statusNamespace = uuid.MustParse("2c1a278b-8530-5d62-bf8b-07dac786409d")
)

// generatorName names govfeed in atom:generator and as a fallback author.
const generatorName = "govfeed"

// EntryID returns the atom:id of the item with the given source id and
// deduplication key: "urn:uuid:" + UUIDv5(entry namespace,
// sourceID + "\x00" + key).
func EntryID(sourceID, key string) string {
	return "urn:uuid:" + uuid.NewSHA1(entryNamespace, []byte(sourceID+"\x00"+key)).String()
}

// feed reads the items and states feed v shows and builds it.
func (p *Publisher) feed(ctx context.Context, v view) (*atom.Feed, error) {
	states, err := p.store.States(ctx)
	if err != nil {
		return nil, fmt.Errorf("read source states for %s: %w", feedName(v.key), err)
	}
	var items []data.Item
	if len(v.sources) > 0 {
		ids := make([]string, len(v.sources))
		for i, s := range v.sources {
			ids[i] = s.ID
		}
		items, err = p.store.Recent(ctx, data.Query{Limit: p.opts.Entries, SourceIDs: ids})
		if err != nil {
			return nil, fmt.Errorf("read items for %s: %w", feedName(v.key), err)
		}
	}
	return p.buildFeed(v, items, states), nil
}

// buildFeed turns items (newest first) and source states into feed v.
// Items of sources v does not show are skipped.
func (p *Publisher) buildFeed(v view, items []data.Item, states []data.SourceState) *atom.Feed {
	srcs := make(map[string]data.Source, len(v.sources))
	for _, s := range v.sources {
		srcs[s.ID] = s
	}
	st := make(map[string]data.SourceState, len(states))
	for _, s := range states {
		st[s.SourceID] = s
	}
	self := p.opts.BaseURL + "/" + feedPath(v.key)
	f := &atom.Feed{
		ID:      self,
		Title:   p.opts.Title,
		Authors: []atom.Person{{Name: p.opts.Title}},
		Links: []atom.Link{
			{Rel: atom.RelSelf, Href: self, Type: atom.MediaType},
			{Rel: atom.RelAlternate, Href: p.opts.BaseURL + "/"},
		},
		Icon:      p.opts.Icon,
		Logo:      p.opts.Logo,
		Generator: &atom.Generator{Name: generatorName, URI: "https://github.com/govfeed/govfeed"},
		Entries:   make([]atom.Entry, 0, len(items)+1),
	}
	if v.key == "" {
		f.ID = p.opts.ID
	} else {
		src := srcs[v.key]
		f.Title = sourceName(src)
		if t := st[v.key].Title; t != "" && t != f.Title {
			f.Subtitle = t
		}
	}
	if strings.TrimSpace(f.Authors[0].Name) == "" {
		f.Authors[0].Name = generatorName
	}

	// The newest change per source, for atom:source and the feed's updated.
	newest := map[string]time.Time{}
	for _, it := range items {
		if _, ok := srcs[it.SourceID]; ok {
			newest[it.SourceID] = later(newest[it.SourceID], changedAt(it))
		}
	}
	var updated time.Time
	for _, s := range v.sources {
		if e, ok := p.statusEntry(s, st[s.ID], v.changed); ok {
			e.Source = p.atomSource(s, st[s.ID], newest[s.ID])
			f.Entries = append(f.Entries, e)
			updated = later(updated, e.Updated)
		}
	}
	for _, it := range items {
		s, ok := srcs[it.SourceID]
		if !ok {
			continue
		}
		e := p.entry(it, s, st[s.ID], v.changed)
		e.Source = p.atomSource(s, st[s.ID], newest[s.ID])
		f.Entries = append(f.Entries, e)
		updated = later(updated, newest[s.ID])
	}
	if updated.IsZero() {
		updated = v.changed
	}
	f.Updated = updated
	return f
}

// entry maps one stored item to an Atom entry.
func (p *Publisher) entry(it data.Item, src data.Source, st data.SourceState, changed time.Time) atom.Entry {
	key := it.Key
	if key == "" { // not expected from the store; the row id is never reused
		key = "id:" + strconv.FormatInt(it.ID, 10)
	}
	published := firstSet(it.Published, it.FirstSeen, it.Modified, changed)
	updated := later(firstSet(it.Updated, published), published)
	e := atom.Entry{
		ID:         EntryID(it.SourceID, key),
		Title:      it.Title,
		Lang:       it.Lang,
		Published:  published,
		Updated:    updated,
		Authors:    []atom.Person{{Name: firstText(it.Author, sourceName(src))}},
		Content:    firstText(it.Content, it.Summary),
		Categories: categories(it.Categories, src.Tags),
	}
	if it.Content != "" && it.Summary != "" && it.Summary != it.Content {
		e.Summary = it.Summary
	}
	// An entry needs an alternate link or content; without either, point
	// at the upstream site rather than lose the item.
	if link := it.Link; link != "" || e.Content == "" {
		e.Links = append(e.Links, atom.Link{Rel: atom.RelAlternate, Href: firstText(link, siteURL(src, st))})
	}
	if e.Title == "" {
		e.Title = it.Link
	}
	for _, enc := range it.Enclosures {
		e.Links = append(e.Links, atom.Link{Rel: atom.RelEnclosure, Href: enc.URL, Type: enc.Type, Length: enc.Length, Title: enc.Title})
	}
	return e
}

// atomSource describes src's own feed for entries copied from it.
func (p *Publisher) atomSource(src data.Source, st data.SourceState, updated time.Time) *atom.Source {
	self := p.opts.BaseURL + "/" + feedPath(src.ID)
	return &atom.Source{
		ID:    self,
		Title: sourceName(src),
		Links: []atom.Link{
			{Rel: atom.RelAlternate, Href: siteURL(src, st)},
			{Rel: atom.RelSelf, Href: self, Type: atom.MediaType},
		},
		Updated: updated,
	}
}

// categories joins an item's categories and its source's tags, each once.
func categories(lists ...[]string) []atom.Category {
	var out []atom.Category
	seen := map[string]bool{}
	for _, l := range lists {
		for _, t := range l {
			t = strings.TrimSpace(t)
			if t != "" && !seen[t] {
				seen[t] = true
				out = append(out, atom.Category{Term: t})
			}
		}
	}
	return out
}

// feedPath is the URL path, without the leading slash, of feed key.
func feedPath(key string) string {
	if key == "" {
		return "feed.atom"
	}
	return "sources/" + url.PathEscape(key) + ".atom"
}

// sourceName is the configured name of src, else its id.
func sourceName(src data.Source) string {
	return firstText(strings.TrimSpace(src.Name), src.ID)
}

// siteURL is the upstream site of src: the link its feed gives, else the
// configured URL.
func siteURL(src data.Source, st data.SourceState) string {
	return firstText(st.Link, src.URL)
}

// changedAt is when govfeed last changed it, else its best date.
func changedAt(it data.Item) time.Time {
	return firstSet(it.Modified, it.Date())
}

func firstText(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func firstSet(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
