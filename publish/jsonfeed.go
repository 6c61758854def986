package publish

import (
	"encoding/json"
	"io"
	"strings"
	"time"

	"github.com/gorilla/feeds"
	"golang.org/x/net/html"

	"github.com/govfeed/govfeed/publish/atom"
)

// JSON Feed 1.1 starts from gorilla/feeds' JSONFeed and JSONItem and
// embeds them in wire structs whose outer fields replace what gorilla gets
// wrong for 1.1 (the deprecated author, attachments' "size" instead of
// size_in_bytes, items omitted when empty) or lacks (item language and the
// _govfeed extension objects). encoding/json, like encoding/xml, keeps the
// shallower of two fields with one name.

// extensionAbout documents the _govfeed extension, as JSON Feed asks.
const extensionAbout = "https://github.com/govfeed/govfeed#json-feed-extension"

type jsonFeed struct {
	*feeds.JSONFeed
	Author  *feeds.JSONAuthor `json:"author,omitempty"` // always nil: deprecated in 1.1
	Items   []jsonItem        `json:"items"`            // required, even when empty
	Govfeed *jsonFeedExt      `json:"_govfeed,omitempty"`
}

// jsonFeedExt carries the RFC 5005 links, which JSON Feed lacks except
// next_url.
type jsonFeedExt struct {
	About          string `json:"about"`
	Archive        bool   `json:"archive,omitempty"`
	FirstURL       string `json:"first_url,omitempty"`
	PreviousURL    string `json:"previous_url,omitempty"`
	CurrentURL     string `json:"current_url,omitempty"`
	PrevArchiveURL string `json:"prev_archive_url,omitempty"`
	NextArchiveURL string `json:"next_archive_url,omitempty"`
}

type jsonItem struct {
	*feeds.JSONItem
	Author      *feeds.JSONAuthor `json:"author,omitempty"` // always nil: deprecated in 1.1
	Language    string            `json:"language,omitempty"`
	Attachments []jsonAttachment  `json:"attachments,omitempty"`
	Govfeed     *jsonItemExt      `json:"_govfeed"`
}

type jsonAttachment struct {
	URL      string `json:"url"`
	MIMEType string `json:"mime_type"`
	Title    string `json:"title,omitempty"`
	Size     int64  `json:"size_in_bytes,omitempty"`
}

// jsonItemExt names the source of an item and, for a story, its other
// reports.
type jsonItemExt struct {
	Source  jsonSource   `json:"source"`
	Related []jsonReport `json:"related,omitempty"`
}

type jsonSource struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	URL     string `json:"url,omitempty"` // the upstream site
	FeedURL string `json:"feed_url"`      // govfeed's feed of the source
}

type jsonReport struct {
	ID            string     `json:"id"`
	Title         string     `json:"title,omitempty"`
	URL           string     `json:"url,omitempty"`
	DatePublished *time.Time `json:"date_published,omitempty"`
	Source        jsonSource `json:"source"`
}

// encodeJSON writes d as a JSON Feed 1.1 document. Its text is cleaned as
// the XML formats' is, so that every format shows the same text.
func (p *Publisher) encodeJSON(w io.Writer, d *document) error {
	c := atom.Clean
	gf := &feeds.Feed{
		Title:       c(d.title),
		Link:        &feeds.Link{Href: d.home},
		Description: c(d.subtitle),
		Items:       make([]*feeds.Item, len(d.entries)),
	}
	for i, e := range d.entries {
		it := &feeds.Item{
			Id:          e.ID,
			Title:       c(e.Title),
			Description: c(plainText(e.Summary)),
			Content:     c(e.Content),
			Created:     e.Published.UTC().Truncate(time.Second),
			Updated:     e.Updated.UTC().Truncate(time.Second),
		}
		if len(e.Authors) > 0 {
			it.Author = &feeds.Author{Name: c(e.Authors[0].Name)}
		}
		if l, ok := firstLink(e.Links, atom.RelAlternate); ok {
			it.Link = &feeds.Link{Href: c(l.Href)}
		}
		gf.Items[i] = it
	}
	jf := (&feeds.JSON{Feed: gf}).JSONFeed()
	jf.Author = nil
	jf.Authors = []*feeds.JSONAuthor{{Name: p.author()}}
	jf.Icon, jf.Favicon = p.icon, p.icon
	doc := &jsonFeed{JSONFeed: jf, Items: make([]jsonItem, len(jf.Items))}
	ext := &jsonFeedExt{About: extensionAbout, Archive: d.archive}
	for _, l := range p.links(d, formatJSON) {
		switch l.rel {
		case atom.RelSelf:
			jf.FeedUrl = l.href
		case atom.RelHub:
			jf.Hubs = append(jf.Hubs, &feeds.JSONHub{Type: "WebSub", Url: l.href})
		case atom.RelNext:
			jf.NextUrl = l.href
		case atom.RelFirst:
			ext.FirstURL = l.href
		case atom.RelPrevious:
			ext.PreviousURL = l.href
		case atom.RelCurrent:
			ext.CurrentURL = l.href
		case atom.RelPrevArchive:
			ext.PrevArchiveURL = l.href
		case atom.RelNextArchive:
			ext.NextArchiveURL = l.href
		}
	}
	if *ext != (jsonFeedExt{About: extensionAbout}) {
		doc.Govfeed = ext
	}
	for i, ji := range jf.Items {
		e := d.entries[i]
		ji.Author = nil
		ji.Image = "" // gorilla's guess from the enclosure type; govfeed has no item image
		x := jsonItem{
			JSONItem: ji,
			Language: c(e.Lang),
			Govfeed:  &jsonItemExt{Source: p.jsonSource(e.source)},
		}
		for _, cat := range e.Categories {
			ji.Tags = append(ji.Tags, c(cat.Term))
		}
		for _, l := range e.Links {
			if l.Rel == atom.RelEnclosure && l.Href != "" {
				x.Attachments = append(x.Attachments, jsonAttachment{URL: c(l.Href), MIMEType: c(firstText(l.Type, "application/octet-stream")), Title: c(l.Title), Size: max(l.Length, 0)})
			}
		}
		for _, r := range e.related {
			jr := jsonReport{ID: r.id, Title: c(r.title), URL: c(r.link), Source: p.jsonSource(r.source)}
			if !r.published.IsZero() {
				t := r.published.UTC().Truncate(time.Second)
				jr.DatePublished = &t
			}
			x.Govfeed.Related = append(x.Govfeed.Related, jr)
		}
		doc.Items[i] = x
	}
	jf.Items = nil // replaced by doc.Items
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // served as application/feed+json, never inside HTML
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

func (p *Publisher) jsonSource(r sourceRef) jsonSource {
	c := atom.Clean
	return jsonSource{ID: r.id, Name: c(r.name), URL: c(r.site), FeedURL: p.url(spec{kind: kindSource, name: r.id}, formatJSON)}
}

// plainText returns the text of an HTML fragment with its white space
// collapsed: JSON Feed's summary is plain text.
func plainText(fragment string) string {
	if fragment == "" {
		return ""
	}
	z := html.NewTokenizer(strings.NewReader(fragment))
	var b strings.Builder
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.Join(strings.Fields(b.String()), " ")
		case html.TextToken:
			b.Write(z.Text())
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			b.WriteByte(' ')
		}
	}
}
