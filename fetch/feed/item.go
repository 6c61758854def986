package feed

import (
	"html"
	"net/url"
	"strconv"
	"strings"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	"github.com/mmcdole/gofeed/json"
	"github.com/mmcdole/gofeed/rss"

	"github.com/govfeed/govfeed/data"
)

// original is the wire form of one item, for what gofeed's universal item
// loses: whether an RSS guid is a permalink, whether Atom content is text,
// JSON Feed's content_text, plain-text summary and attachment titles.
type original struct {
	rss  *rss.Item
	atom *atom.Entry
	json *json.Item
}

// originalItems are a feed's wire items, in the order gofeed translated
// them (one universal item per wire item).
type originalItems struct {
	rss  []*rss.Item
	atom []*atom.Entry
	json []*json.Item
}

func originals(gf *gofeed.Feed) originalItems {
	switch f := gf.OriginalFeed().(type) {
	case *rss.Feed:
		return originalItems{rss: f.Items}
	case *atom.Feed:
		return originalItems{atom: f.Entries}
	case *json.Feed:
		return originalItems{json: f.Items}
	}
	return originalItems{}
}

func (o originalItems) at(i int) original {
	var w original
	if i < len(o.rss) {
		w.rss = o.rss[i]
	}
	if i < len(o.atom) {
		w.atom = o.atom[i]
	}
	if i < len(o.json) {
		w.json = o.json[i]
	}
	return w
}

// item maps one gofeed item.
func (r *reader) item(gi *gofeed.Item, w original, gf *gofeed.Feed) data.Item {
	it := data.Item{
		GUID:       strings.TrimSpace(gi.GUID),
		Title:      plainText(gi.Title),
		Author:     authors(gi.Authors, gi.Author),
		Categories: categories(gi.Categories),
		Published:  r.date(gi.Published, gi.PublishedParsed),
		Updated:    r.date(gi.Updated, gi.UpdatedParsed),
	}
	if it.Author == "" && w.rss == nil {
		// Atom and JSON Feed entries inherit the feed's author.
		it.Author = authors(gf.Authors, gf.Author)
	}
	if link := r.itemLink(gi, w); link != nil {
		it.Link = link.String()
	}

	content, summary := gi.Content, gi.Description
	if w.atom != nil && w.atom.Content != nil && isTextType(w.atom.Content.Type) {
		content = textToHTML(w.atom.Content.Value)
	}
	if w.json != nil {
		content = w.json.ContentHTML
		if strings.TrimSpace(content) == "" {
			content = textToHTML(w.json.ContentText)
		}
		summary = textToHTML(w.json.Summary) // plain text by the spec
		it.Lang = normLang(w.json.Language)
	}
	base := it.Link
	if base == "" && r.base != nil {
		base = r.base.String()
	}
	it.Content = r.sanitize(content, base)
	it.Summary = r.sanitize(summary, base)
	if it.Summary == it.Content || strings.TrimSpace(summary) == strings.TrimSpace(content) {
		it.Summary = ""
	}
	it.Enclosures = r.enclosures(gi, w)
	return it
}

// itemLink is the item's absolute link: its link, else its first link, else an
// RSS guid that is a permalink.
func (r *reader) itemLink(gi *gofeed.Item, w original) *url.URL {
	cands := []string{gi.Link}
	cands = append(cands, gi.Links...)
	if w.rss != nil && w.rss.GUID != nil && !strings.EqualFold(strings.TrimSpace(w.rss.GUID.IsPermalink), "false") {
		cands = append(cands, w.rss.GUID.Value)
	}
	for _, c := range cands {
		if strings.TrimSpace(c) == "" {
			continue
		}
		if u := absolute(r.base, c); u != nil {
			return u
		}
	}
	return nil
}

func (r *reader) sanitize(h, base string) string {
	h = strings.TrimSpace(h)
	if h == "" || r.o.Sanitize == nil {
		return h
	}
	return strings.TrimSpace(r.o.Sanitize(h, base))
}

func (r *reader) enclosures(gi *gofeed.Item, w original) []data.Enclosure {
	var out []data.Enclosure
	seen := map[string]bool{}
	add := func(e data.Enclosure) {
		if e.URL == "" || seen[e.URL] || len(out) == maxEnclosures {
			return
		}
		seen[e.URL] = true
		out = append(out, e)
	}
	if w.json != nil && w.json.Attachments != nil {
		for _, a := range *w.json.Attachments {
			if u := absolute(r.base, a.URL); u != nil {
				add(data.Enclosure{URL: u.String(), Type: strings.TrimSpace(a.MimeType), Length: max(a.SizeInBytes, 0), Title: plainText(a.Title)})
			}
		}
		return out
	}
	for _, e := range gi.Enclosures {
		if e == nil {
			continue
		}
		if u := absolute(r.base, e.URL); u != nil {
			n, _ := strconv.ParseInt(strings.TrimSpace(e.Length), 10, 64)
			add(data.Enclosure{URL: u.String(), Type: strings.TrimSpace(e.Type), Length: max(n, 0)})
		}
	}
	return out
}

// Bounds on what one item keeps of lists an upstream controls: a feed of
// a few megabytes must not turn into an item no reader wants or a
// quadratic amount of work.
const (
	maxAuthors    = 20
	maxCategories = 100
	maxEnclosures = 50
)

// authors joins the names (else e-mail addresses) of persons, each once and
// at most maxAuthors; fallback is gofeed's single author.
func authors(ps []*gofeed.Person, fallback *gofeed.Person) string {
	if len(ps) == 0 && fallback != nil {
		ps = []*gofeed.Person{fallback}
	}
	var names []string
	seen := map[string]bool{}
	for _, p := range ps {
		if len(names) == maxAuthors {
			break
		}
		if p == nil {
			continue
		}
		n := plainText(p.Name)
		if n == "" {
			n = strings.TrimSpace(p.Email)
		}
		if n != "" && !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	return strings.Join(names, ", ")
}

// categories returns the distinct categories in cs as plain text, at most
// maxCategories.
func categories(cs []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range cs {
		if len(out) == maxCategories {
			break
		}
		if c = plainText(c); c != "" && !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

// isTextType reports whether an Atom content type is plain text.
func isTextType(t string) bool {
	t = strings.ToLower(strings.TrimSpace(t))
	return t == "text" || t == "text/plain"
}

// textToHTML escapes plain text for an HTML field, keeping line breaks.
func textToHTML(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	return strings.ReplaceAll(html.EscapeString(s), "\n", "<br>\n")
}
