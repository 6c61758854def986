package publish

import (
	"html"
	"net/url"
	"strings"

	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/publish/atom"
)

// storyHead is the story's first stored item, whose id the story has: its
// entry id never changes as reports join. A story the store returns
// without it falls back to its primary.
func storyHead(s data.Story) data.Item {
	for _, it := range s.Items {
		if it.ID == s.ID {
			return it
		}
	}
	if len(s.Items) == 0 {
		return data.Item{ID: s.ID}
	}
	return s.Items[0]
}

// storyEntry maps a story to one entry: the primary report's title,
// content and dates under the first stored report's id, updated when a
// report joins or changes, and the other reports listed in the content
// ("Also reported by") and as related links. Reports of sources that are
// not configured are left out; a story with none left has no entry.
func (p *Publisher) storyEntry(s data.Story, v view, st map[string]data.SourceState) (entry, bool) {
	var reports []data.Item
	for _, it := range s.Items {
		if _, ok := v.byID[it.SourceID]; ok {
			reports = append(reports, it)
		}
	}
	if len(reports) == 0 {
		return entry{}, false
	}
	primary := reports[0]
	src := v.byID[primary.SourceID]
	e := entry{
		Entry:  p.itemEntry(primary, src, st[src.ID], v.changed),
		source: ref(src, st[src.ID]).withItem(primary),
	}
	e.ID = itemEntryID(storyHead(s))
	if u := s.Updated(); !u.IsZero() {
		e.Updated = later(u, e.Published)
	}
	tags := [][]string{primary.Categories, src.Tags}
	for _, it := range reports[1:] {
		rs := v.byID[it.SourceID]
		r := report{
			id:        itemEntryID(it),
			title:     it.Title,
			link:      it.Link,
			source:    ref(rs, st[rs.ID]).withItem(it),
			published: firstSet(it.Published, it.FirstSeen),
		}
		e.related = append(e.related, r)
		if webLink(r.link) {
			e.Links = append(e.Links, atom.Link{Rel: atom.RelRelated, Href: r.link, Type: "text/html", Title: r.source.name})
		}
		tags = append(tags, rs.Tags)
	}
	e.Categories = categories(tags...)
	if len(e.related) > 0 {
		e.Content += reportsHTML(e.related)
	}
	return e, true
}

// reportsHTML lists the other reports of a story, each with its source's
// name, linked to the report, and its title; everything escaped.
func reportsHTML(rs []report) string {
	var b strings.Builder
	b.WriteString("\n<hr>\n<p>Also reported by:</p>\n<ul>\n")
	for _, r := range rs {
		b.WriteString("<li>")
		name := html.EscapeString(r.source.name)
		if webLink(r.link) {
			b.WriteString(`<a href="` + html.EscapeString(r.link) + `">` + name + "</a>")
		} else {
			b.WriteString(name)
		}
		if r.title != "" {
			b.WriteString(": " + html.EscapeString(r.title))
		}
		b.WriteString("</li>\n")
	}
	b.WriteString("</ul>")
	return b.String()
}

// webLink reports whether s is an absolute http(s) URL, safe as an href.
func webLink(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
