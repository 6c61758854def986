package article

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/fetch/clean"
	"github.com/govfeed/govfeed/fetch/dates"
	"golang.org/x/net/html"
)

// ErrNoArticle is returned (wrapped) by Extract when a page has neither a
// title nor a body.
var ErrNoArticle = errors.New("no title and no content")

// Options say how to read one article page.
type Options struct {
	// URL is the page's final URL: the base for relative links, the source
	// of the fallback date and GUID, and Article.URL.
	URL string
	// Location is the zone of naive times; nil means Asia/Shanghai.
	Location *time.Location
	// Now is the clock used to infer the year of month-day dates; nil
	// means time.Now.
	Now func() time.Time
	// Selectors override the built-in rules: Title, Date, Content, Remove
	// (the other fields are for list pages and ignored here).
	Selectors data.Selectors
	// DateFormat is a Go layout tried before the built-in date parser.
	DateFormat string
	// Sanitizer cleans the body; nil means a new clean.Sanitizer per call.
	Sanitizer *clean.Sanitizer
}

// Article is what Extract found on a page.
type Article struct {
	URL      string // Options.URL
	Title    string
	Source   string // ContentSource / 来源
	Author   string
	Keywords []string
	// Published is in UTC; zero when no date was found.
	Published time.Time
	// DateOnly says Published came from a date without a time of day
	// (midnight in the page's zone).
	DateOnly bool
	// Content is sanitized HTML with absolute links.
	Content string
	// Attachments are the document links in the body (PDF, DOC(X), XLS(X),
	// ZIP, WPS, OFD), absolute, with a MIME type from the extension.
	Attachments []data.Enclosure
	// GUID is the gov.cn manuscriptId (host-qualified) or
	// data.ArticleID(URL); empty when neither exists.
	GUID string
	// Rules maps each field found ("title", "date", "source", "author",
	// "keywords", "content", "guid") to the rule that produced it, e.g.
	// "meta ArticleTitle", "line 发布时间", "#cmsArticleContent", "url".
	Rules map[string]string
}

// page is the state of one extraction.
type page struct {
	doc  *goquery.Document
	meta metas
	o    Options
	loc  *time.Location
	now  func() time.Time
	base *url.URL
	// outside are the visible lines of the page around the body, inside
	// the lines of the body; labelled fields (发布时间：, 来源：) are looked
	// for in outside first.
	outside, inside []line
}

// Extract reads the article in a UTF-8 HTML page. It fails, with an error
// wrapping ErrNoArticle, only when neither a title nor a body is found.
func Extract(htmlUTF8 []byte, o Options) (*Article, error) {
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(htmlUTF8))
	if err != nil {
		return nil, fmt.Errorf("parse article %s: %w", o.URL, err)
	}
	p := &page{doc: doc, o: o, loc: o.Location, now: o.Now}
	if p.loc == nil {
		p.loc = dates.DefaultLocation()
	}
	if p.now == nil {
		p.now = time.Now
	}
	if u, err := url.Parse(o.URL); err == nil && u.IsAbs() {
		p.base = u
	}
	doc.Find("script, style, template").Remove()
	p.meta = readMetas(doc)

	a := &Article{URL: o.URL, Rules: map[string]string{}}
	body, bodyRule := p.body()
	if root := doc.Find("body").Get(0); root != nil {
		p.outside = lines(root, body)
	}
	if body != nil {
		p.inside = lines(body, nil)
	}
	title, titleRule, heading := p.title()
	if title != "" {
		a.Title, a.Rules["title"] = title, titleRule
	}
	drop := []*html.Node{heading}
	if f, ok := p.published(); ok {
		a.Published, a.DateOnly, a.Rules["date"] = f.t, f.dateOnly, f.rule
		drop = append(drop, f.block)
	}
	drop = append(drop, p.byline(a)...)
	if v, name := p.meta.first("Keywords"); v != "" {
		if kw := splitKeywords(v); len(kw) > 0 {
			a.Keywords, a.Rules["keywords"] = kw, "meta "+name
		}
	}
	if body != nil {
		p.cleanBody(body, drop)
		removeTitleCopy(body, a.Title)
		a.Attachments = attachments(body, p.base)
		raw, err := goquery.NewDocumentFromNode(body).Html()
		if err != nil {
			return nil, fmt.Errorf("render article body %s: %w", o.URL, err)
		}
		s := o.Sanitizer
		if s == nil {
			s = clean.NewSanitizer()
		}
		if c := strings.TrimSpace(s.HTML(raw, o.URL)); clean.Text(c) != "" || strings.Contains(c, "<img") {
			a.Content, a.Rules["content"] = c, bodyRule
		}
	}
	p.guid(a)
	if a.Title == "" && a.Content == "" {
		return nil, fmt.Errorf("extract article %s: %w", o.URL, ErrNoArticle)
	}
	return a, nil
}

// byline sets Source and Author and returns the body lines they came from.
func (p *page) byline(a *Article) []*html.Node {
	var drop []*html.Node
	if v, name := p.meta.first("ContentSource"); v != "" {
		a.Source, a.Rules["source"] = v, "meta "+name
	} else if v, block := byline(p.outside, p.inside, label{text: "来源"}); v != "" {
		a.Source, a.Rules["source"] = v, "line 来源"
		drop = append(drop, block)
	}
	if v, name := p.meta.first("Author"); v != "" {
		a.Author, a.Rules["author"] = v, "meta "+name
	} else if v, block := byline(p.outside, p.inside, label{text: "作者"}); v != "" {
		a.Author, a.Rules["author"] = v, "line 作者"
		drop = append(drop, block)
	}
	return drop
}

// guid sets the GUID from meta manuscriptId, else from the URL.
func (p *page) guid(a *Article) {
	if id, _ := p.meta.first("manuscriptId"); id != "" {
		host := ""
		if p.base != nil {
			host = p.base.Hostname() + "/"
		}
		a.GUID, a.Rules["guid"] = host+"manuscript_"+id, "meta manuscriptId"
		return
	}
	if id := data.ArticleID(p.o.URL); id != "" {
		a.GUID, a.Rules["guid"] = id, "url"
	}
}

// Item maps the article onto a data.Item of the source sourceID: Author is
// the author, else the source; Categories are the keywords; Key is left for
// data.AssignKeys.
func (a *Article) Item(sourceID string) data.Item {
	author := a.Author
	if author == "" {
		author = a.Source
	}
	return data.Item{
		SourceID:   sourceID,
		GUID:       a.GUID,
		Title:      a.Title,
		Link:       a.URL,
		Content:    a.Content,
		Author:     author,
		Categories: append([]string(nil), a.Keywords...),
		Enclosures: append([]data.Enclosure(nil), a.Attachments...),
		Published:  a.Published,
	}
}
