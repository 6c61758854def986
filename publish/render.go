package publish

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/govfeed/govfeed/publish/atom"
)

// encode renders d in format f.
func (p *Publisher) encode(d *document, f format) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	switch f {
	case formatRSS:
		err = p.encodeRSS(&buf, d)
	case formatJSON:
		err = p.encodeJSON(&buf, d)
	default:
		err = atom.Encode(&buf, p.atomFeed(d))
	}
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", d.spec.fileName(f), err)
	}
	return buf.Bytes(), nil
}

// link is a link of a feed document, in the terms of atom:link.
type link struct {
	rel, href, typ string
}

// links are the links of d in format f: self, the alternates (the web
// page and the same document in the other formats), the WebSub hub, and
// the RFC 5005 links, which stay in format f.
func (p *Publisher) links(d *document, f format) []link {
	ls := []link{
		{atom.RelSelf, p.url(d.spec, f), f.mediaType()},
		{atom.RelAlternate, d.home, "text/html"},
	}
	for _, o := range formats {
		if o != f {
			ls = append(ls, link{atom.RelAlternate, p.url(d.spec, o), o.mediaType()})
		}
	}
	if p.opts.Hub != "" {
		ls = append(ls, link{rel: atom.RelHub, href: p.opts.Hub})
	}
	for _, n := range d.nav {
		ls = append(ls, link{n.rel, p.url(n.target, f), f.mediaType()})
	}
	return ls
}

// atomFeed is d as an Atom feed.
func (p *Publisher) atomFeed(d *document) *atom.Feed {
	f := &atom.Feed{
		ID:        d.id,
		Title:     d.title,
		Subtitle:  d.subtitle,
		Updated:   d.updated,
		Authors:   []atom.Person{{Name: p.author()}},
		Icon:      p.icon,
		Logo:      p.logo,
		Generator: &atom.Generator{Name: generatorName, URI: generatorURI},
		Archive:   d.archive,
		Entries:   make([]atom.Entry, len(d.entries)),
	}
	for _, l := range p.links(d, formatAtom) {
		f.Links = append(f.Links, atom.Link{Rel: l.rel, Href: l.href, Type: l.typ})
	}
	for i, e := range d.entries {
		f.Entries[i] = e.Entry
		f.Entries[i].Source = p.atomSource(e.source)
	}
	return f
}

// atomSource describes the source feed of entries copied from a source.
func (p *Publisher) atomSource(r sourceRef) *atom.Source {
	self := p.url(spec{kind: kindSource, name: r.id}, formatAtom)
	return &atom.Source{
		ID:    self,
		Title: r.name,
		Links: []atom.Link{
			{Rel: atom.RelAlternate, Href: r.site},
			{Rel: atom.RelSelf, Href: self, Type: atom.MediaType},
		},
		Updated: r.updated,
	}
}

// author is the feed-level author: the combined feed's title.
func (p *Publisher) author() string {
	if strings.TrimSpace(p.opts.Title) == "" {
		return generatorName
	}
	return p.opts.Title
}
