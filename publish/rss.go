package publish

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/gorilla/feeds"

	"github.com/govfeed/govfeed/publish/atom"
)

// RSS 2.0 starts from gorilla/feeds' RssFeed and RssItem, as Atom does
// from its AtomFeed, and embeds them in wire structs that add what gorilla
// lacks: guid isPermaLink="false" for the urn:uuid ids, <source url>,
// several categories, dc:creator (RSS's author must be an e-mail address,
// which government sources never give), an enclosure of unknown length,
// atom:link for self, hub and the RFC 5005 links, and fh:archive. An outer
// field with the XML name of an embedded one replaces it.

// Namespaces declared on <rss>.
const (
	nsContent = "http://purl.org/rss/1.0/modules/content/"
	nsAtom    = "http://www.w3.org/2005/Atom"
	nsDC      = "http://purl.org/dc/elements/1.1/"
)

type rssDoc struct {
	XMLName   xml.Name    `xml:"rss"`
	Version   string      `xml:"version,attr"`
	ContentNS string      `xml:"xmlns:content,attr"`
	AtomNS    string      `xml:"xmlns:atom,attr"`
	DCNS      string      `xml:"xmlns:dc,attr"`
	HistoryNS string      `xml:"xmlns:fh,attr,omitempty"`
	Channel   *rssChannel `xml:"channel"`
}

// rssChannel is <channel>; Items must stay its last field.
type rssChannel struct {
	*feeds.RssFeed
	AtomLinks []rssAtomLink `xml:"atom:link"`
	Archive   *struct{}     `xml:"fh:archive,omitempty"`
	Items     []rssItem     `xml:"item"` // replaces []*feeds.RssItem
}

type rssAtomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
}

type rssItem struct {
	*feeds.RssItem
	Creator    string     `xml:"dc:creator,omitempty"`
	Categories []string   `xml:"category"` // replaces the single Category
	Source     *rssSource `xml:"source"`   // replaces the text-only Source
}

type rssSource struct {
	URL  string `xml:"url,attr"`
	Name string `xml:",chardata"`
}

// rssDate is RFC 822 with a four-digit year, in UTC, as RSS 2.0 wants.
func rssDate(t time.Time) string {
	return t.UTC().Format(time.RFC1123Z)
}

// encodeRSS writes d as an RSS 2.0 document.
func (p *Publisher) encodeRSS(w io.Writer, d *document) error {
	c := atom.Clean
	gf := &feeds.Feed{
		Title:       c(d.title),
		Link:        &feeds.Link{Href: c(d.home)},
		Description: c(firstText(d.subtitle, d.title)),
		Updated:     d.updated.UTC(),
		Image:       &feeds.Image{Url: c(p.icon), Title: c(d.title), Link: c(d.home)},
		Items:       make([]*feeds.Item, len(d.entries)),
	}
	for i, e := range d.entries {
		it := &feeds.Item{
			Id:          c(e.ID),
			IsPermaLink: "false",
			Title:       c(e.Title),
			Description: c(firstText(e.Summary, e.Content)),
			Created:     e.Published.UTC(),
			Updated:     e.Updated.UTC(),
		}
		if e.Summary != "" && e.Content != "" {
			it.Content = c(e.Content)
		}
		if l, ok := firstLink(e.Links, atom.RelAlternate); ok {
			it.Link = &feeds.Link{Href: c(l.Href)}
		}
		gf.Items[i] = it
	}
	rf := (&feeds.Rss{Feed: gf}).RssFeed()
	rf.PubDate, rf.LastBuildDate = rssDate(d.updated), rssDate(d.updated)
	rf.Generator = generatorName + " (" + generatorURI + ")"
	rf.Docs = "https://www.rssboard.org/rss-specification"
	rf.Ttl = int((p.opts.MaxAge + time.Minute - 1) / time.Minute)
	ch := &rssChannel{RssFeed: rf, Items: make([]rssItem, len(rf.Items))}
	for _, l := range p.links(d, formatRSS) {
		if l.typ != "text/html" { // the web page is <link>
			ch.AtomLinks = append(ch.AtomLinks, rssAtomLink{Href: c(l.href), Rel: l.rel, Type: l.typ})
		}
	}
	doc := &rssDoc{Version: "2.0", ContentNS: nsContent, AtomNS: nsAtom, DCNS: nsDC, Channel: ch}
	if d.archive {
		doc.HistoryNS, ch.Archive = atom.HistoryNS, &struct{}{}
	}
	for i, ri := range rf.Items {
		e := d.entries[i]
		ri.PubDate = rssDate(e.Published)
		x := rssItem{
			RssItem: ri,
			Source:  &rssSource{URL: c(p.url(spec{kind: kindSource, name: e.source.id}, formatRSS)), Name: c(e.source.name)},
		}
		if len(e.Authors) > 0 {
			x.Creator = c(e.Authors[0].Name)
		}
		for _, cat := range e.Categories {
			x.Categories = append(x.Categories, c(cat.Term))
		}
		if l, ok := firstLink(e.Links, atom.RelEnclosure); ok {
			// RSS allows one enclosure, whose length and type are required:
			// 0 and application/octet-stream say "unknown".
			ri.Enclosure = &feeds.RssEnclosure{Url: c(l.Href), Length: strconv.FormatInt(max(l.Length, 0), 10), Type: c(firstText(l.Type, "application/octet-stream"))}
		}
		ch.Items[i] = x
	}
	rf.Items = nil // replaced by ch.Items
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("rss: encode feed %s: %w", d.id, err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// firstLink returns the first link with relation rel.
func firstLink(ls []atom.Link, rel string) (atom.Link, bool) {
	for _, l := range ls {
		if firstText(l.Rel, atom.RelAlternate) == rel && l.Href != "" {
			return l, true
		}
	}
	return atom.Link{}, false
}
