package atom

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gorilla/feeds"
)

// Encode writes f to w as an Atom 1.0 document in UTF-8. It fails, writing
// nothing, when f breaks a rule of RFC 4287 that cannot be mended by
// dropping a value (see the package comment).
func Encode(w io.Writer, f *Feed) error {
	doc, err := build(f)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("atom: write feed %s: %w", doc.Id, err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("atom: encode feed %s: %w", doc.Id, err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("atom: write feed %s: %w", doc.Id, err)
	}
	return nil
}

// build checks f and turns it into wire structs, starting from gorilla's.
func build(f *Feed) (*xmlFeed, error) {
	if f == nil {
		return nil, errors.New("atom: nil feed")
	}
	id := Clean(f.ID)
	if !isIRI(id) {
		return nil, fmt.Errorf("atom: feed id %q is not an absolute IRI", f.ID)
	}
	if f.Updated.IsZero() {
		return nil, fmt.Errorf("atom: feed %s has no updated time", id)
	}
	gf := &feeds.Feed{
		Title:       Clean(f.Title),
		Description: Clean(f.Subtitle),
		Updated:     f.Updated.UTC(),
		Items:       make([]*feeds.Item, len(f.Entries)),
	}
	for i := range f.Entries {
		e := &f.Entries[i]
		eid := Clean(e.ID)
		if !isIRI(eid) {
			return nil, fmt.Errorf("atom: feed %s: entry %d: id %q is not an absolute IRI", id, i, e.ID)
		}
		if e.Updated.IsZero() {
			return nil, fmt.Errorf("atom: feed %s: entry %s has no updated time", id, eid)
		}
		gf.Items[i] = &feeds.Item{
			Id:          eid,
			Title:       Clean(e.Title),
			Description: Clean(e.Summary),
			Content:     Clean(e.Content),
			Updated:     e.Updated.UTC(),
		}
	}
	af := (&feeds.Atom{Feed: gf}).AtomFeed()
	af.Id = id
	af.Updated = timestamp(f.Updated)
	af.Icon = Clean(f.Icon)
	af.Logo = Clean(f.Logo)
	doc := &xmlFeed{
		AtomFeed:   af,
		Lang:       optional(f.Lang, langPattern),
		Authors:    persons(f.Authors),
		Links:      links(f.Links),
		Categories: categories(f.Categories),
		Generator:  generator(f.Generator),
		Entries:    make([]xmlEntry, len(af.Entries)),
	}
	if f.Archive {
		doc.HistoryNS, doc.Archive = HistoryNS, &struct{}{}
	}
	for i, ae := range af.Entries {
		e, err := entry(&f.Entries[i], ae, len(doc.Authors) > 0)
		if err != nil {
			return nil, fmt.Errorf("atom: feed %s: %w", id, err)
		}
		doc.Entries[i] = e
	}
	af.Entries = nil // replaced by doc.Entries
	return doc, nil
}

// entry completes gorilla's entry ae with what e has beyond it.
func entry(e *Entry, ae *feeds.AtomEntry, feedAuthor bool) (xmlEntry, error) {
	ae.Updated = timestamp(e.Updated)
	if !e.Published.IsZero() {
		ae.Published = timestamp(e.Published)
	}
	ae.Links = nil // replaced by x.Links; gorilla's field is not named "link"
	x := xmlEntry{
		AtomEntry:  ae,
		Lang:       optional(e.Lang, langPattern),
		Authors:    persons(e.Authors),
		Links:      oneAlternate(links(e.Links)),
		Categories: categories(e.Categories),
		Source:     source(e.Source),
	}
	if len(x.Authors) == 0 && !feedAuthor {
		return x, fmt.Errorf("entry %s has no author and neither has the feed", ae.Id)
	}
	if ae.Content == nil && !hasAlternate(x.Links) {
		return x, fmt.Errorf("entry %s has neither an alternate link nor content", ae.Id)
	}
	return x, nil
}

// links converts ls, dropping links without an href or with a malformed
// rel; malformed type and hreflang values are dropped alone.
func links(ls []Link) []xmlLink {
	out := make([]xmlLink, 0, len(ls))
	for _, l := range ls {
		href := Clean(l.Href)
		rel := Clean(l.Rel)
		if rel == "" {
			rel = RelAlternate
		}
		if href == "" || !validRel(rel) {
			continue
		}
		x := xmlLink{
			AtomLink: feeds.AtomLink{Href: href, Rel: rel, Type: optional(l.Type, mediaPattern)},
			HrefLang: optional(l.HrefLang, langPattern),
			Title:    Clean(l.Title),
		}
		if l.Length > 0 {
			x.Length = strconv.FormatInt(l.Length, 10)
		}
		out = append(out, x)
	}
	return out
}

// validRel reports whether rel is an NCName-like token or an absolute IRI.
func validRel(rel string) bool {
	if strings.Contains(rel, ":") {
		return isIRI(rel)
	}
	return !strings.ContainsFunc(rel, func(r rune) bool { return r <= 0x20 })
}

// oneAlternate keeps the first alternate link of each type/hreflang pair.
func oneAlternate(ls []xmlLink) []xmlLink {
	type key struct{ typ, lang string }
	seen := map[key]bool{}
	out := ls[:0]
	for _, l := range ls {
		if l.Rel == RelAlternate {
			k := key{strings.ToLower(l.Type), strings.ToLower(l.HrefLang)}
			if seen[k] {
				continue
			}
			seen[k] = true
		}
		out = append(out, l)
	}
	return out
}

func hasAlternate(ls []xmlLink) bool {
	for _, l := range ls {
		if l.Rel == RelAlternate {
			return true
		}
	}
	return false
}

// persons converts ps, dropping people without a name.
func persons(ps []Person) []feeds.AtomAuthor {
	out := make([]feeds.AtomAuthor, 0, len(ps))
	for _, p := range ps {
		name := Clean(p.Name)
		if strings.TrimSpace(name) == "" {
			continue
		}
		out = append(out, feeds.AtomAuthor{AtomPerson: feeds.AtomPerson{
			Name:  name,
			Uri:   Clean(p.URI),
			Email: optional(p.Email, emailPattern),
		}})
	}
	return out
}

// categories converts cs, dropping categories without a term.
func categories(cs []Category) []xmlCategory {
	out := make([]xmlCategory, 0, len(cs))
	for _, c := range cs {
		term := Clean(c.Term)
		if strings.TrimSpace(term) == "" {
			continue
		}
		out = append(out, xmlCategory{Term: term, Scheme: Clean(c.Scheme), Label: Clean(c.Label)})
	}
	return out
}

func generator(g *Generator) *xmlGenerator {
	if g == nil {
		return nil
	}
	return &xmlGenerator{URI: Clean(g.URI), Version: Clean(g.Version), Name: Clean(g.Name)}
}

func source(s *Source) *xmlSource {
	if s == nil {
		return nil
	}
	x := &xmlSource{Title: Clean(s.Title), Links: links(s.Links)}
	if id := Clean(s.ID); isIRI(id) {
		x.ID = id
	}
	if !s.Updated.IsZero() {
		x.Updated = timestamp(s.Updated)
	}
	return x
}
