package publish

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/publish/atom"
)

// ArchivePageSize is the number of item ids in one archive page:
// /archive/{n} holds the items with ids n*ArchivePageSize+1 to
// (n+1)*ArchivePageSize.
const ArchivePageSize = 100

// newestFullArchive is the newest archive page that can gain no item, given
// the newest item id, or -1 when there is none. Page n is full once an
// item id above its range exists.
func newestFullArchive(maxID int64) int64 {
	if maxID <= 0 {
		return -1
	}
	return (maxID-1)/ArchivePageSize - 1
}

// archiveDocument builds archive page v.spec.page (RFC 5005 section 4):
// every item of a configured source whose id lies in the page's range,
// newest first, one entry per item as in the source feeds. Ids are never
// reused, so a page's membership is fixed once it is full; a full page is
// an archive document (fh:archive) served as immutable. Its bytes still
// change when one of its items is edited upstream (a new ETag, the same
// entries), when retention removes one, or when its source is removed
// from the configuration. The newest page, not yet full, is served like
// the current feed and is not marked fh:archive.
func (p *Publisher) archiveDocument(ctx context.Context, v view) (*document, error) {
	maxID, err := p.store.MaxItemID(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the newest item id for %s: %w", v.name(), err)
	}
	n := v.spec.page
	from, to := n*ArchivePageSize+1, (n+1)*ArchivePageSize
	if n < 0 || from > maxID {
		return nil, errNotFound
	}
	items, err := p.store.ItemsBetween(ctx, from, to)
	if err != nil {
		return nil, fmt.Errorf("read items for %s: %w", v.name(), err)
	}
	states, err := p.store.States(ctx)
	if err != nil {
		return nil, fmt.Errorf("read source states for %s: %w", v.name(), err)
	}
	st := make(map[string]data.SourceState, len(states))
	for _, s := range states {
		st[s.SourceID] = s
	}
	d := &document{
		spec:     v.spec,
		id:       p.opts.ID,
		title:    p.opts.Title,
		subtitle: fmt.Sprintf("Archive page %d: items %d to %d", n, from, to),
		home:     p.opts.BaseURL + "/",
		complete: maxID > to,
	}
	if d.title == "" {
		d.title = generatorName
	}
	d.archive = d.complete
	d.nav = append(d.nav, navLink{rel: atom.RelCurrent, target: spec{kind: kindCombined}})
	if n > 0 {
		d.nav = append(d.nav, navLink{rel: atom.RelPrevArchive, target: spec{kind: kindArchive, page: n - 1}})
	}
	if maxID > to {
		d.nav = append(d.nav, navLink{rel: atom.RelNextArchive, target: spec{kind: kindArchive, page: n + 1}})
	}
	items = slices.DeleteFunc(items, func(it data.Item) bool {
		_, ok := v.byID[it.SourceID]
		return !ok || it.ID < from || it.ID > to
	})
	slices.SortFunc(items, func(a, b data.Item) int { return cmp.Compare(b.ID, a.ID) })
	for _, it := range items {
		src := v.byID[it.SourceID]
		d.entries = append(d.entries, entry{Entry: p.itemEntry(it, src, st[src.ID], v.changed), source: ref(src, st[src.ID]).withItem(it)})
	}
	finish(d, v.changed)
	return d, nil
}
