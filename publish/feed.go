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

const (
	// generatorName names govfeed in atom:generator and as a fallback author.
	generatorName = "govfeed"
	generatorURI  = "https://github.com/govfeed/govfeed"
)

// EntryID returns the entry id of the item with the given source id and
// deduplication key: "urn:uuid:" + UUIDv5(entry namespace,
// sourceID + "\x00" + key). It is the atom:id, the RSS guid and the JSON
// Feed id of the item, in every feed that shows it.
func EntryID(sourceID, key string) string {
	return "urn:uuid:" + uuid.NewSHA1(entryNamespace, []byte(sourceID+"\x00"+key)).String()
}

// itemEntryID is it's EntryID; an item without a key (not expected from
// the store) is named by its row id, which is never reused.
func itemEntryID(it data.Item) string {
	key := it.Key
	if key == "" {
		key = "id:" + strconv.FormatInt(it.ID, 10)
	}
	return EntryID(it.SourceID, key)
}

// document reads what feed document v shows and builds it.
func (p *Publisher) document(ctx context.Context, v view) (*document, error) {
	if v.spec.kind == kindArchive {
		return p.archiveDocument(ctx, v)
	}
	states, err := p.store.States(ctx)
	if err != nil {
		return nil, fmt.Errorf("read source states for %s: %w", v.name(), err)
	}
	st := make(map[string]data.SourceState, len(states))
	for _, s := range states {
		st[s.SourceID] = s
	}
	d := p.frame(v, st)
	if v.spec.dir == pageHead && v.spec.kind != kindFilter {
		for _, s := range v.sources {
			if e, ok := p.statusEntry(s, st[s.ID], v.changed); ok {
				d.entries = append(d.entries, entry{Entry: e, source: ref(s, st[s.ID])})
			}
		}
	}
	if len(v.sources) > 0 { // no source selected: nothing to read
		if err := p.readEntries(ctx, v, st, d); err != nil {
			return nil, fmt.Errorf("read items for %s: %w", v.name(), err)
		}
	}
	if v.spec.kind == kindCombined && v.spec.dir == pageHead {
		newest, err := p.store.MaxItemID(ctx)
		if err != nil {
			return nil, fmt.Errorf("read the newest item id for %s: %w", v.name(), err)
		}
		if n := newestFullArchive(newest); n >= 0 {
			d.nav = append(d.nav, navLink{rel: atom.RelPrevArchive, target: spec{kind: kindArchive, page: n}})
		}
	}
	finish(d, v.changed)
	return d, nil
}

// readEntries reads the page v shows, stories or items, into d.
func (p *Publisher) readEntries(ctx context.Context, v view, st map[string]data.SourceState, d *document) error {
	q := data.Query{SourceIDs: make([]string, len(v.sources))}
	for i, s := range v.sources {
		q.SourceIDs[i] = s.ID
	}
	switch v.spec.kind {
	case kindCombined, kindTag:
		l := lister[data.Story]{list: p.store.RecentStories, pos: storyPos}
		pg, err := readPage(ctx, l, q, v.spec, p.opts.Entries)
		if err != nil {
			return err
		}
		for _, s := range pg.rows {
			if e, ok := p.storyEntry(s, v, st); ok {
				d.entries = append(d.entries, e)
			}
		}
		d.nav = append(d.nav, pageLinks(v.spec, pg, storyPos)...)
	default:
		q.Text, q.Since = v.spec.filter.text, v.spec.filter.since
		l := lister[data.Item]{list: p.store.Recent, pos: itemPos}
		pg, err := readPage(ctx, l, q, v.spec, p.opts.Entries)
		if err != nil {
			return err
		}
		for _, it := range pg.rows {
			if src, ok := v.byID[it.SourceID]; ok {
				d.entries = append(d.entries, entry{Entry: p.itemEntry(it, src, st[src.ID], v.changed), source: ref(src, st[src.ID]).withItem(it)})
			}
		}
		d.nav = append(d.nav, pageLinks(v.spec, pg, itemPos)...)
	}
	return nil
}

// frame starts the document of v: its ids, titles and home page.
func (p *Publisher) frame(v view, st map[string]data.SourceState) *document {
	s := v.spec
	d := &document{spec: s, id: p.opts.ID, title: p.opts.Title, home: p.opts.BaseURL + "/"}
	switch s.kind {
	case kindSource:
		src := v.sources[0]
		d.id = p.url(spec{kind: kindSource, name: src.ID}, formatAtom)
		d.title = sourceName(src)
		if t := st[src.ID].Title; t != d.title {
			d.subtitle = t // the upstream's own title
		}
		d.home = p.opts.BaseURL + "/?" + url.Values{"source": {src.ID}}.Encode()
	case kindTag:
		d.id = p.url(spec{kind: kindTag, name: s.name}, formatAtom)
		d.title = p.opts.Title + " · " + s.name
		d.home = p.opts.BaseURL + "/?" + url.Values{"tag": {s.name}}.Encode()
	case kindFilter:
		f := s.filter
		d.id = p.url(spec{kind: kindFilter, filter: f}, formatAtom)
		d.title = p.opts.Title + " (" + f.describe() + ")"
		page := f.values()
		page.Del("since") // the page has no since filter
		if len(page) > 0 {
			d.home += "?" + page.Encode()
		}
	}
	if strings.TrimSpace(d.title) == "" {
		d.title = generatorName
	}
	return d
}

// describe names the selection of f for a feed title.
func (f filter) describe() string {
	var parts []string
	if f.text != "" {
		parts = append(parts, strconv.Quote(f.text))
	}
	if len(f.sources) > 0 {
		parts = append(parts, "source: "+strings.Join(f.sources, ", "))
	}
	if len(f.tags) > 0 {
		parts = append(parts, "tag: "+strings.Join(f.tags, ", "))
	}
	if f.sinceParam != "" {
		parts = append(parts, "since: "+f.sinceParam)
	}
	return strings.Join(parts, "; ")
}

// finish sets the document's updated time and each entry's source updated
// time from the entries: the newest change of each source's items, and
// the newest of those and of the entries' own updated times. An empty
// document takes changed.
func finish(d *document, changed time.Time) {
	newest := map[string]time.Time{}
	for _, e := range d.entries {
		newest[e.source.id] = later(newest[e.source.id], e.source.updated)
		for _, r := range e.related {
			newest[r.source.id] = later(newest[r.source.id], r.source.updated)
		}
	}
	var updated time.Time
	for i := range d.entries {
		e := &d.entries[i]
		e.source.updated = newest[e.source.id]
		updated = later(updated, later(e.Updated, e.source.updated))
	}
	if updated.IsZero() {
		updated = changed
	}
	d.updated = updated
}

// itemEntry maps one stored item to an Atom entry.
func (p *Publisher) itemEntry(it data.Item, src data.Source, st data.SourceState, changed time.Time) atom.Entry {
	published := firstSet(it.Published, it.FirstSeen, it.Modified, changed)
	updated := later(firstSet(it.Updated, published), published)
	e := atom.Entry{
		ID:         itemEntryID(it),
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

// ref names src for the entries of its items. Its updated time is the
// newest change of the items given to withItem.
func ref(src data.Source, st data.SourceState) sourceRef {
	return sourceRef{id: src.ID, name: sourceName(src), site: siteURL(src, st)}
}

// withItem returns r with it's change counted in r.updated.
func (r sourceRef) withItem(it data.Item) sourceRef {
	r.updated = later(r.updated, changedAt(it))
	return r
}

// categories joins an item's categories and its sources' tags, each once.
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
