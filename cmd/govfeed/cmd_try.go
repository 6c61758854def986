package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/govfeed/govfeed/config"
	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/fetch"
	"github.com/govfeed/govfeed/fetch/article"
	"github.com/govfeed/govfeed/fetch/charset"
	"github.com/govfeed/govfeed/fetch/clean"
	"github.com/govfeed/govfeed/fetch/feed"
	"github.com/govfeed/govfeed/fetch/listing"
	"github.com/govfeed/govfeed/fetch/web"
)

func tryCommand() command {
	c := command{
		name:    "try",
		summary: "fetch one URL and show what govfeed would extract, rule by rule",
		help: `NAME
    govfeed try - show what govfeed would extract from one URL

SYNOPSIS
    govfeed try URL [--kind html|feed|json] [--selector NAME=CSS ...]
                [--map FIELD=PATH ...] [--articles N] [--encoding LABEL]
                [--timezone ZONE] [--json]

DESCRIPTION
    Fetches URL once and prints what a source with these settings would
    yield: for a feed, its entries; for an html list page, the article links
    found on it (with the rule that found each: a selector, or the CMS URL
    shape such as auto:trs) and, for the first N articles, the title, date,
    source, author, attachments and the start of the body, each with the
    rule that produced it (meta ArticleTitle, line 发布时间, #zoom, ...).
    Nothing is stored. Use it to write a source entry in minutes: what works
    here works in the config.

OPTIONS
    --kind KIND          feed, html or json (default: detected from the
                         response)
    --selector NAME=CSS  a selector, as in the config: item, title, link,
                         date, content, remove (repeatable)
    --map FIELD=PATH     json field mapping: items, title, link, date, id,
                         summary, author, date_unit (repeatable)
    --articles N         article pages to fetch for an html list (default 3)
    --encoding LABEL     force the page charset (e.g. gbk)
    --timezone ZONE      zone of naive times (default Asia/Shanghai)
    --json               print the items as JSON instead of text
`,
	}
	c.run = func(ctx context.Context, e env, args []string) error {
		fs := flagSet(c, e)
		kind := fs.String("kind", "", "source kind")
		var sels, maps multiFlag
		fs.Var(&sels, "selector", "NAME=CSS")
		fs.Var(&maps, "map", "FIELD=PATH")
		articles := fs.Int("articles", 3, "article pages to fetch")
		encoding := fs.String("encoding", "", "forced charset")
		tz := fs.String("timezone", "Asia/Shanghai", "zone of naive times")
		asJSON := fs.Bool("json", false, "JSON output")
		// Accept the URL before or after the flags.
		var target string
		if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
			target, args = args[0], args[1:]
		}
		if err := parseFlags(fs, c, e, args); err != nil {
			return helpOK(err)
		}
		if target == "" && fs.NArg() > 0 {
			target = fs.Arg(0)
		}
		if target == "" {
			return usageError{"try: a URL is required"}
		}
		loc, err := time.LoadLocation(*tz)
		if err != nil {
			return usageError{fmt.Sprintf("try: --timezone %q: %v", *tz, err)}
		}
		t := &trier{
			ctx: ctx, out: e.stdout, loc: loc, encoding: *encoding, articles: *articles, json: *asJSON,
			get: &web.Getter{Client: web.NewClient(web.ClientOptions{DialAddr: e.getenv("GOVFEED_DIAL")}), UserAgent: defaultUA()},
			san: clean.NewSanitizer(),
		}
		if t.sel, err = parseSelectors(sels); err != nil {
			return err
		}
		if t.mapping, err = parseMapping(maps); err != nil {
			return err
		}
		return t.try(target, data.SourceKind(*kind))
	}
	return c
}

func defaultUA() string {
	return config.Defaults{UserAgent: config.DefaultUserAgent}.UserAgentFor(version)
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

var _ flag.Value = (*multiFlag)(nil)

func parseSelectors(kv []string) (data.Selectors, error) {
	var s data.Selectors
	for _, p := range kv {
		name, css, ok := strings.Cut(p, "=")
		if !ok || css == "" {
			return s, usageError{fmt.Sprintf("try: --selector %q: want NAME=CSS", p)}
		}
		switch name {
		case "item":
			s.Item = css
		case "title":
			s.Title = css
		case "link":
			s.Link = css
		case "date":
			s.Date = css
		case "content":
			s.Content = css
		case "remove":
			s.Remove = css
		default:
			return s, usageError{fmt.Sprintf("try: --selector %q: NAME is one of item, title, link, date, content, remove", p)}
		}
	}
	return s, nil
}

func parseMapping(kv []string) (data.JSONRules, error) {
	var m data.JSONRules
	fields := map[string]*string{"items": &m.Items, "title": &m.Title, "link": &m.Link, "date": &m.Date,
		"id": &m.ID, "summary": &m.Summary, "author": &m.Author, "date_unit": &m.DateUnit}
	for _, p := range kv {
		name, path, ok := strings.Cut(p, "=")
		dst := fields[name]
		if !ok || dst == nil {
			return m, usageError{fmt.Sprintf("try: --map %q: want FIELD=PATH with FIELD one of items, title, link, date, id, summary, author, date_unit", p)}
		}
		*dst = path
	}
	return m, nil
}

// trier runs one `govfeed try`.
type trier struct {
	ctx      context.Context
	out      io.Writer
	get      *web.Getter
	san      *clean.Sanitizer
	loc      *time.Location
	sel      data.Selectors
	mapping  data.JSONRules
	encoding string
	articles int
	json     bool
}

// tried is one extracted item with the rule behind each field.
type tried struct {
	Link        string            `json:"link"`
	Title       string            `json:"title"`
	Published   string            `json:"published,omitempty"`
	Source      string            `json:"source,omitempty"`
	Author      string            `json:"author,omitempty"`
	Content     string            `json:"content,omitempty"`
	Attachments []string          `json:"attachments,omitempty"`
	Key         string            `json:"key"`
	Rules       map[string]string `json:"rules"`
}

func (t *trier) try(target string, kind data.SourceKind) error {
	resp, err := t.get.Get(t.ctx, web.Request{URL: target})
	if err != nil {
		return fmt.Errorf("fetch %s: %w (class %s)", target, err, web.ClassOf(err))
	}
	ct := resp.Header.Get("Content-Type")
	if kind == "" {
		kind = detectKind(ct, resp.Body)
	}
	t.logf("URL:      %s\nstatus:   %d, %d bytes, Content-Type %q\nkind:     %s\n", resp.URL, resp.Status, len(resp.Body), ct, kind)
	var items []tried
	switch kind {
	case data.KindFeed:
		items, err = t.feed(resp)
	case data.KindJSON:
		items, err = t.jsonList(resp)
	case data.KindHTML:
		items, err = t.html(resp)
	default:
		return usageError{fmt.Sprintf("try: unknown --kind %q", kind)}
	}
	if err != nil {
		return err
	}
	if t.json {
		enc := json.NewEncoder(t.out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(items)
	}
	for i, it := range items {
		t.logf("\n%d. %s\n", i+1, it.Title)
		t.field("link", it.Link, it.Rules["link"])
		t.field("key", it.Key, "data.Key")
		t.field("published", it.Published, it.Rules["date"])
		t.field("source", it.Source, it.Rules["source"])
		t.field("author", it.Author, it.Rules["author"])
		t.field("title", it.Title, it.Rules["title"])
		if it.Content != "" {
			t.field("content", firstChars(clean.Text(it.Content), 160), it.Rules["content"])
		}
		for _, a := range it.Attachments {
			t.field("attachment", a, "")
		}
	}
	t.logf("\n%d items\n", len(items))
	return nil
}

func (t *trier) logf(format string, args ...any) {
	if !t.json {
		fmt.Fprintf(t.out, format, args...)
	}
}

func (t *trier) field(name, value, rule string) {
	if value == "" {
		return
	}
	if rule != "" {
		rule = "  [" + rule + "]"
	}
	fmt.Fprintf(t.out, "   %-10s %s%s\n", name+":", value, rule)
}

func (t *trier) feed(resp *web.Response) ([]tried, error) {
	f, err := feed.Parse(resp.Body, resp.Header.Get("Content-Type"), feed.Options{BaseURL: resp.URL, Location: t.loc, Sanitize: t.san.HTML})
	if err != nil {
		return nil, fmt.Errorf("parse %s as a feed: %w", resp.URL, err)
	}
	t.logf("feed:     %s <%s>\n", f.Title, f.Link)
	data.AssignKeys(f.Items)
	out := make([]tried, 0, len(f.Items))
	for _, it := range f.Items {
		out = append(out, fromItem(it, map[string]string{"title": "feed", "date": "feed", "link": "feed", "content": "feed"}))
	}
	return out, nil
}

func (t *trier) jsonList(resp *web.Response) ([]tried, error) {
	if t.mapping.Items == "" || t.mapping.Link == "" {
		return nil, usageError{"try: --kind json needs --map items=PATH and --map link=PATH"}
	}
	items, err := fetch.MapJSON(resp.Body, resp.URL, t.mapping, t.loc, time.Now())
	if err != nil {
		return nil, fmt.Errorf("map %s: %w", resp.URL, err)
	}
	t.logf("list:     %d items at %q\n", len(items), t.mapping.Items)
	data.AssignKeys(items)
	rule := func(path string) string { return "json " + path }
	out := make([]tried, 0, len(items))
	for _, it := range items {
		out = append(out, fromItem(it, map[string]string{"link": rule(t.mapping.Link), "title": rule(t.mapping.Title), "date": rule(t.mapping.Date)}))
	}
	return out, nil
}

func (t *trier) html(resp *web.Response) ([]tried, error) {
	body, label, err := charset.DecodeHTML(resp.Body, resp.Header.Get("Content-Type"), t.encoding)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", resp.URL, err)
	}
	t.logf("charset:  %s\n", label)
	entries, err := listing.Extract(body, listing.Options{BaseURL: resp.URL, Selectors: t.sel, Location: t.loc})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", resp.URL, err)
	}
	if next := listing.NextPages(body, resp.URL, 3); len(next) > 0 {
		t.logf("next:     %s\n", strings.Join(next, " "))
	}
	if len(entries) == 0 {
		// Maybe the URL is an article page itself.
		a, err := article.Extract(body, article.Options{URL: resp.URL, Location: t.loc, Selectors: t.sel, Sanitizer: t.san})
		if err != nil {
			return nil, fmt.Errorf("%s: no article links found (try --selector item=... --selector link=...), and not an article page: %w", resp.URL, err)
		}
		t.logf("list:     no article links; read as an article page\n")
		return []tried{fromArticle(a)}, nil
	}
	t.logf("list:     %d article links\n", len(entries))
	out := make([]tried, 0, len(entries))
	for i, e := range entries {
		it := tried{Link: e.Link, Title: e.Title, Rules: map[string]string{"link": e.Rule, "title": e.Rule, "date": e.Rule}}
		if !e.Date.IsZero() {
			it.Published = e.Date.Format(time.RFC3339)
		}
		guid := data.ArticleID(e.Link)
		it.Key = data.Key(guid, e.Link, e.Title, e.Date, guid != "")
		if i < t.articles {
			if a, err := t.article(e.Link, resp.URL); err != nil {
				it.Rules["content"] = "article failed: " + err.Error()
			} else {
				full := fromArticle(a)
				full.Key = it.Key
				full.Link = e.Link
				if full.Published == "" {
					full.Published = it.Published
				}
				it = full
			}
		}
		out = append(out, it)
	}
	return out, nil
}

func (t *trier) article(link, referer string) (*article.Article, error) {
	resp, err := t.get.Get(t.ctx, web.Request{URL: link, Referer: referer})
	if err != nil {
		return nil, err
	}
	body, _, err := charset.DecodeHTML(resp.Body, resp.Header.Get("Content-Type"), t.encoding)
	if err != nil {
		return nil, err
	}
	return article.Extract(body, article.Options{URL: resp.URL, Location: t.loc, Selectors: t.sel, Sanitizer: t.san})
}

func fromArticle(a *article.Article) tried {
	it := tried{Link: a.URL, Title: a.Title, Source: a.Source, Author: a.Author, Content: a.Content, Rules: a.Rules}
	if !a.Published.IsZero() {
		it.Published = a.Published.Format(time.RFC3339)
	}
	for _, e := range a.Attachments {
		it.Attachments = append(it.Attachments, e.URL)
	}
	it.Key = data.Key(a.GUID, a.URL, a.Title, a.Published, a.GUID != "")
	return it
}

func fromItem(it data.Item, rules map[string]string) tried {
	t := tried{Link: it.Link, Title: it.Title, Author: it.Author, Content: it.Content, Key: it.Key, Rules: rules}
	if t.Content == "" {
		t.Content = it.Summary
	}
	if !it.Published.IsZero() {
		t.Published = it.Published.Format(time.RFC3339)
	}
	for _, e := range it.Enclosures {
		t.Attachments = append(t.Attachments, e.URL)
	}
	return t
}

// detectKind guesses a source kind from a response.
func detectKind(contentType string, body []byte) data.SourceKind {
	ct := strings.ToLower(contentType)
	head := bytes.TrimSpace(body[:min(len(body), 512)])
	switch {
	case strings.Contains(ct, "json") || bytes.HasPrefix(head, []byte("{")) || bytes.HasPrefix(head, []byte("[")):
		if bytes.Contains(body[:min(len(body), 2048)], []byte("jsonfeed.org")) {
			return data.KindFeed
		}
		return data.KindJSON
	case strings.Contains(ct, "rss") || strings.Contains(ct, "atom") || bytes.Contains(head, []byte("<rss")) ||
		bytes.Contains(head, []byte("<feed")) || bytes.Contains(head, []byte("<rdf:RDF")):
		return data.KindFeed
	case strings.Contains(ct, "xml") && !bytes.Contains(bytes.ToLower(head), []byte("<html")):
		return data.KindFeed
	default:
		return data.KindHTML
	}
}

func firstChars(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
