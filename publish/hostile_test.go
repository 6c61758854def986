package publish_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/data/cluster"
	"github.com/govfeed/govfeed/data/sqlite"
	"github.com/govfeed/govfeed/fetch"
	"github.com/govfeed/govfeed/fetch/web"
	"github.com/govfeed/govfeed/publish"
	"github.com/govfeed/govfeed/publish/page"
)

// Hostile content end to end: three upstream feeds (RSS, Atom, JSON Feed)
// whose entries carry well-known XSS vectors in every field are fetched by
// a real Runner into a real store, with story clustering on (the JSON
// items share the RSS items' links, so stories list hostile "also
// reported by" titles). Then every document the Publisher serves or writes
// as a static file, in every format, is parsed and checked: the HTML in
// content and summary has no active element, no event handler, no style
// and no script URL; every link is an absolute http(s) URL; titles and
// other text fields are plain text. The web page renders the same store
// without active content.

// hostileNow is the clock of the test: 2026-07-10 12:00 Beijing time.
var hostileNow = time.Date(2026, 7, 10, 4, 0, 0, 0, time.UTC)

// hostileVectors are script-injection payloads from the OWASP XSS filter
// evasion cheat sheet and mutation-XSS reports against sanitizers.
var hostileVectors = []string{
	`<script>alert(1)</script>`,
	`<SCRIPT SRC=//evil.example/x.js></SCRIPT>`,
	`<scr<script>ipt>alert(1)</script>`,
	`<img src=x onerror=alert(1)>`,
	`<IMG SRC=javascript:alert('XSS')>`,
	"<img src=`javascript:alert(1)`>",
	`<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">`,
	`<img src="https://www.example.gov.cn/a.png" srcset="javascript:alert(1)">`,
	`<svg onload=alert(1)>`,
	`<svg><script>alert(1)</script></svg>`,
	`<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>`,
	`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
	`<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
	`<template><img src=x onerror=alert(1)></template>`,
	`<a href="javascript:alert(1)">x</a>`,
	`<a href="JaVaScRiPt:alert(1)">x</a>`,
	`<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>`,
	`<a href="&#x6A;avascript:alert(1)">x</a>`,
	`<a href="javascript&colon;alert(1)">x</a>`,
	`<a href="jav&#x09;ascript:alert(1)">x</a>`,
	`<a href=" &#14;  javascript:alert(1)">x</a>`,
	`<a href="vbscript:msgbox(1)">x</a>`,
	`<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>`,
	`<a href="https://www.gov.cn/" onclick="alert(1)">ok</a>`,
	`<div onmouseover="alert(1)">hover</div>`,
	`<details open ontoggle=alert(1)>`,
	`<body onload=alert(1)>x</body>`,
	`<div style="background:url(javascript:alert(1))">x</div>`,
	`<div style="width: expression(alert(1))">x</div>`,
	`<style>@import "https://evil.example/x.css"; body{background:url("javascript:alert(1)")}</style>x`,
	`<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`,
	`<base href="javascript:alert(1)//"><a href="x.html">x</a>`,
	`<link rel=stylesheet href="https://evil.example/x.css">`,
	`<iframe srcdoc="<script>alert(1)</script>"></iframe>`,
	`<iframe src="javascript:alert(1)"></iframe>`,
	`<form action="javascript:alert(1)"><input type=submit value=go><button formaction="javascript:alert(1)">b</button></form>`,
	`<object data="javascript:alert(1)"></object>`,
	`<embed src="javascript:alert(1)">`,
	`<video><source onerror="alert(1)"></video>`,
	`"><script>alert(1)</script>`,
	`<!--<script>alert(1)</script>--><p>x</p>`,
	`<![CDATA[<script>alert(1)</script>]]>`,
	`<input autofocus onfocus=alert(1)>`,
	`<isindex action=javascript:alert(1) type=image>`,
	`<table background="javascript:alert(1)"><tr><td>x</td></tr></table>`,
	`<xss:script xmlns:xss="http://www.w3.org/1999/xhtml">alert(1)</xss:script>`,
	`<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>`,
	`<marquee onstart=alert(1)>x</marquee>`,
	`<frameset onload=alert(1)>`,
	`<applet code="x.class"></applet>`,
	`<a href="https://www.gov.cn/" target="_blank">tab</a>`,
	"<p>控制字符\x0b\x1f\ufffe</p>",
}

// hostileURLs are link and enclosure URLs: script schemes with case,
// white space and entity obfuscation, and web URLs that carry markup.
var hostileURLs = []string{
	"javascript:alert(1)",
	"JAVASCRIPT:alert(1)",
	" javascript:alert(1)",
	"java\tscript:alert(1)",
	"java\nscript:alert(1)",
	"vbscript:msgbox(1)",
	"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
	"https://www.example.gov.cn/hostile/%d.html?a=\"><script>alert(1)</script>",
	"https://www.example.gov.cn/hostile/%d.html#<img src=x onerror=alert(1)>",
	"https://www.example.gov.cn/hostile/%d.html?q=' onmouseover='alert(1)",
}

// hostileLink is the link of item i: a hostile URL, with i in the web ones
// so that every item has its own link.
func hostileLink(i int) string {
	u := hostileURLs[i%len(hostileURLs)]
	if strings.Contains(u, "%d") {
		u = fmt.Sprintf(u, i)
	}
	return u
}

func xmlText(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s)) // writes to a buffer: cannot fail
	return b.String()
}

// hostileRSS is an RSS 2.0 feed with one item per vector, the vector in
// every field.
func hostileRSS() string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>` + xmlText(`<script>alert("channel")</script>恶意频道`) + `</title><link>https://www.example.gov.cn/</link><description>x</description>
`)
	for i, v := range hostileVectors {
		fmt.Fprintf(&b, "<item><title>%s</title><link>%s</link><guid isPermaLink=\"false\">rss-%d</guid><pubDate>%s</pubDate>"+
			"<dc:creator>%s</dc:creator><category>%s</category><description>%s</description>"+
			"<content:encoded>%s</content:encoded><enclosure url=\"%s\" type=\"%s\" length=\"1\"/></item>\n",
			xmlText(fmt.Sprintf("要闻 %d %s", i, v)), xmlText(hostileLink(i)), i, hostileNow.Add(-time.Duration(i+1)*time.Hour).Format(time.RFC1123Z),
			xmlText(v), xmlText(v), xmlText(v),
			xmlText("<p>正文 "+fmt.Sprint(i)+"</p>"+v), xmlText(hostileLink(i+3)), xmlText(`application/pdf" onclick="alert(1)`))
	}
	b.WriteString("</channel></rss>\n")
	return b.String()
}

// hostileAtom is an Atom feed with one entry per vector: HTML title,
// summary and content, author, category and enclosure.
func hostileAtom() string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title type="html">` + xmlText(`<img src=x onerror=alert(1)>恶意 Atom`) + `</title><id>urn:hostile:atom</id><updated>2026-07-10T04:00:00Z</updated>
<link href="javascript:alert(1)"/>
`)
	for i, v := range hostileVectors {
		fmt.Fprintf(&b, `<entry><title type="html">%s</title><id>urn:hostile:atom:%d</id><link href="%s"/><link rel="enclosure" href="%s" type="application/pdf"/>`+
			`<updated>%s</updated><author><name>%s</name><uri>javascript:alert(1)</uri></author><category term="%s" label="%s"/>`+
			`<summary type="html">%s</summary><content type="html">%s</content></entry>`+"\n",
			xmlText(fmt.Sprintf("Atom %d %s", i, v)), i, xmlText(hostileLink(i+5)), xmlText(hostileLink(i+1)),
			hostileNow.Add(-time.Duration(i+1)*time.Hour-time.Minute).Format(time.RFC3339),
			xmlText(v), xmlText(v), xmlText(v), xmlText("摘要 "+v), xmlText("<p>正文</p>"+v))
	}
	b.WriteString("</feed>\n")
	return b.String()
}

// hostileJSON is a JSON Feed whose items share the RSS items' links (so
// that they join the RSS items' stories), with the vectors in every field.
func hostileJSON() string {
	type author struct {
		Name string `json:"name"`
		URL  string `json:"url"`
	}
	type attachment struct {
		URL  string `json:"url"`
		Type string `json:"mime_type"`
	}
	type item struct {
		ID          string       `json:"id"`
		URL         string       `json:"url"`
		ExternalURL string       `json:"external_url"`
		Title       string       `json:"title"`
		ContentHTML string       `json:"content_html"`
		Summary     string       `json:"summary"`
		Date        string       `json:"date_published"`
		Authors     []author     `json:"authors"`
		Tags        []string     `json:"tags"`
		Attachments []attachment `json:"attachments"`
	}
	doc := struct {
		Version string `json:"version"`
		Title   string `json:"title"`
		Home    string `json:"home_page_url"`
		Items   []item `json:"items"`
	}{Version: "https://jsonfeed.org/version/1.1", Title: `<script>alert(1)</script>恶意 JSON`, Home: "javascript:alert(1)"}
	for i, v := range hostileVectors {
		doc.Items = append(doc.Items, item{
			ID: fmt.Sprintf("json-%d", i), URL: hostileLink(i), ExternalURL: "javascript:alert(1)",
			Title: fmt.Sprintf("转载 %d %s", i, v), ContentHTML: "<p>转载正文</p>" + v, Summary: v,
			Date:        hostileNow.Add(-time.Duration(i+1)*time.Hour + time.Minute).Format(time.RFC3339),
			Authors:     []author{{Name: v, URL: "javascript:alert(1)"}},
			Tags:        []string{v},
			Attachments: []attachment{{URL: hostileLink(i + 7), Type: "application/pdf"}},
		})
	}
	b, err := json.Marshal(doc)
	if err != nil {
		panic(err) // strings and slices always marshal
	}
	return string(b)
}

// hostileSources are the three sources, all tagged "hostile".
func hostileSources(base string, loc *time.Location) []data.Source {
	mk := func(id, path string) data.Source {
		return data.Source{
			ID: id, Name: "恶意 " + id, URL: base + path, Kind: data.KindFeed, Schedule: "@every 1h",
			Tags: []string{"hostile"}, Location: loc, Timeout: time.Minute,
		}
	}
	return []data.Source{mk("hostile-rss", "/feed.rss"), mk("hostile-atom", "/feed.atom"), mk("hostile-json", "/feed.json")}
}

// hostileStore fetches the three hostile feeds into a new store.
func hostileStore(t *testing.T) (*sqlite.Store, []data.Source) {
	t.Helper()
	docs := map[string]struct{ body, ct string }{
		"/feed.rss":  {hostileRSS(), "application/rss+xml"},
		"/feed.atom": {hostileAtom(), "application/atom+xml"},
		"/feed.json": {hostileJSON(), "application/feed+json"},
	}
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d, ok := docs[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", d.ct)
		_, _ = io.WriteString(w, d.body)
	}))
	t.Cleanup(up.Close)

	now := func() time.Time { return hostileNow }
	st, err := sqlite.Open(context.Background(), t.TempDir(), sqlite.Options{Now: now, Cluster: cluster.DefaultOptions()})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	client := web.NewClient(web.ClientOptions{})
	t.Cleanup(client.CloseIdleConnections)
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	srcs := hostileSources(up.URL, loc)
	r := fetch.NewRunner(fetch.Options{Now: now}, &web.Getter{Client: client, Now: now}, st)
	for _, src := range srcs {
		rep := r.Run(context.Background(), src, false)
		if rep.Outcome != fetch.OutcomeNew || rep.Stats.New != len(hostileVectors) {
			t.Fatalf("fetch %s: outcome %s, stats %+v, error %v; want %d new items", src.ID, rep.Outcome, rep.Stats, rep.Err, len(hostileVectors))
		}
	}
	return st, srcs
}

func TestHostileContentInEveryOutput(t *testing.T) {
	if len(hostileVectors) < 40 {
		t.Fatalf("only %d vectors", len(hostileVectors))
	}
	st, srcs := hostileStore(t)
	stories, err := st.RecentStories(context.Background(), data.Query{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	merged := 0
	for _, s := range stories {
		if len(s.Items) > 1 {
			merged++
		}
	}
	if merged == 0 {
		t.Errorf("no story joins two hostile reports: the \"also reported by\" list goes untested")
	}

	p := publish.New(publish.Options{Title: "govfeed hostile", BaseURL: "https://feeds.example.org", Entries: 500, Now: func() time.Time { return hostileNow }}, st)
	p.SetSources(srcs)
	srv := httptest.NewServer(p.Handler())
	t.Cleanup(srv.Close)

	var paths []string
	for _, f := range []string{"atom", "rss", "json"} {
		for _, doc := range []string{"/feed", "/sources/hostile-rss", "/sources/hostile-atom", "/sources/hostile-json", "/tags/hostile", "/archive/0"} {
			paths = append(paths, doc+"."+f)
		}
		paths = append(paths, "/feed."+f+"?q=alert", "/feed."+f+"?source=hostile-json&since=30d")
	}
	checked := 0
	for _, path := range paths {
		t.Run("served "+path, func(t *testing.T) {
			res, err := http.Get(srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, err := io.ReadAll(res.Body)
			if err != nil || res.StatusCode != http.StatusOK {
				t.Fatalf("status %d, error %v", res.StatusCode, err)
			}
			if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
			}
			n := checkHostileDocument(t, formatOf(path), body)
			if n == 0 {
				t.Errorf("the document has no entry: nothing hostile was checked")
			}
			checked += n
		})
	}

	dir, static := t.TempDir(), 0
	if _, err := p.WriteStatic(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f := formatOf(path)
		if f == "" {
			return nil
		}
		rel, _ := filepath.Rel(dir, path)
		t.Run("static "+filepath.ToSlash(rel), func(t *testing.T) {
			body, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			checked += checkHostileDocument(t, f, body)
			static++
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("hostile: %d vectors x 3 upstream formats, %d stories (%d merged), %d entries checked in %d served documents and %d static files",
		len(hostileVectors), len(stories), merged, checked, len(paths), static)
}

// formatOf is the feed format of a path or URL, by its extension; "" for
// other files.
func formatOf(path string) string {
	path, _, _ = strings.Cut(path, "?")
	switch filepath.Ext(path) {
	case ".atom":
		return "atom"
	case ".rss":
		return "rss"
	case ".json":
		return "json"
	}
	return ""
}

// checkHostileDocument checks one feed document and returns how many
// entries it holds.
func checkHostileDocument(t *testing.T, format string, body []byte) int {
	t.Helper()
	if format == "json" {
		return checkHostileJSON(t, body)
	}
	root, err := parseXML(body)
	if err != nil {
		t.Fatalf("the %s document is not well-formed XML: %v", format, err)
	}
	entries := 0
	root.walk(func(n *xmlNode, parent *xmlNode) {
		local := n.name.Local
		if local == "entry" || local == "item" {
			entries++
		}
		where := parent.name.Local + "/" + local
		switch {
		case format == "atom" && (local == "title" || local == "subtitle" || local == "rights" || local == "name"):
			if typ := n.attr("type"); typ != "" && typ != "text" {
				t.Errorf("%s has type %q, want plain text", where, typ)
			}
			checkPlain(t, where, n.text)
		case format == "atom" && (local == "summary" || local == "content"):
			switch n.attr("type") {
			case "html":
				checkHTML(t, where, n.text)
			case "", "text":
				checkPlain(t, where, n.text)
			default:
				t.Errorf("%s has type %q, want html or text", where, n.attr("type"))
			}
		case format == "atom" && local == "category":
			checkPlain(t, where+"@term", n.attr("term"))
			checkPlain(t, where+"@label", n.attr("label"))
		case local == "link" && n.attr("href") != "":
			checkURL(t, where+"@href", n.attr("href"))
		case format == "atom" && (local == "uri" || local == "icon" || local == "logo"):
			checkURL(t, where, n.text)
		case format == "rss" && (local == "title" || local == "author" || local == "creator" || local == "category"):
			checkPlain(t, where, n.text)
		case format == "rss" && (local == "description" || local == "encoded"):
			checkHTML(t, where, n.text)
		case format == "rss" && (local == "link" || local == "comments" || local == "docs"):
			checkURL(t, where, n.text)
		case format == "rss" && (local == "enclosure" || local == "source"):
			checkURL(t, where+"@url", n.attr("url"))
		}
		if local == "enclosure" || (local == "link" && n.attr("rel") == "enclosure") {
			for _, a := range []string{"type", "title"} {
				checkPlain(t, where+"@"+a, n.attr(a))
			}
		}
	})
	return entries
}

// checkHostileJSON checks a JSON Feed: content_html is HTML, a string
// under a URL key is an absolute http(s) URL, and every other string is
// plain text without markup, except summary and content_text: JSON Feed
// defines them as plain text, and govfeed keeps text that an upstream
// escaped (such as "&lt;b&gt;") as that text there.
func checkHostileJSON(t *testing.T, body []byte) int {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("the JSON Feed does not decode: %v", err)
	}
	items, _ := doc["items"].([]any)
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				walk(k, x)
			}
		case []any:
			for _, x := range v {
				walk(key, x)
			}
		case string:
			switch {
			case key == "content_html":
				checkHTML(t, key, v)
			case key == "url" || strings.HasSuffix(key, "_url") || key == "icon" || key == "favicon" || key == "image" || key == "banner_image" || key == "about":
				checkURL(t, key, v)
			case key == "summary" || key == "content_text":
			default:
				checkPlain(t, key, v)
			}
		}
	}
	walk("", doc)
	return len(items)
}

// activeElements can run script, load resources or change how the page
// around them behaves; none may survive in published HTML.
var activeElements = map[string]bool{
	"script": true, "style": true, "iframe": true, "frame": true, "frameset": true, "object": true, "embed": true,
	"applet": true, "form": true, "input": true, "button": true, "textarea": true, "select": true, "isindex": true,
	"base": true, "meta": true, "link": true, "svg": true, "math": true, "template": true, "noscript": true,
	"video": true, "audio": true, "source": true, "details": true, "marquee": true,
}

// urlAttrs hold URLs that a browser follows or loads.
var urlAttrs = map[string]bool{
	"href": true, "src": true, "action": true, "formaction": true, "srcset": true, "poster": true,
	"background": true, "data": true, "xlink:href": true, "codebase": true, "cite": true, "longdesc": true,
}

// checkHTML fails t for every problem htmlProblems finds in s.
func checkHTML(t *testing.T, where, s string) {
	t.Helper()
	for _, p := range htmlProblems(s) {
		t.Errorf("%s: %s in %q", where, p, s)
	}
}

// checkURL fails t when urlProblem finds one in s.
func checkURL(t *testing.T, where, s string) {
	t.Helper()
	if p := urlProblem(s); p != "" {
		t.Errorf("%s: %s", where, p)
	}
}

// checkPlain fails t when plainProblem finds one in s.
func checkPlain(t *testing.T, where, s string) {
	t.Helper()
	if p := plainProblem(s); p != "" {
		t.Errorf("%s: %s", where, p)
	}
}

// htmlProblems parses s as a browser parses the body of a page and lists
// anything active: an active element, a comment (conditional comments run
// in old browsers), an event handler, a style attribute, or a URL
// attribute with a scheme other than http(s) or mailto.
func htmlProblems(s string) []string {
	nodes, err := html.ParseFragment(strings.NewReader(s), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return []string{"HTML does not parse: " + err.Error()}
	}
	var out []string
	for _, top := range nodes {
		out = append(out, nodeProblems(top)...)
		for n := range top.Descendants() {
			out = append(out, nodeProblems(n)...)
		}
	}
	// The tree of a fragment drops what a page would keep or merge, such
	// as <body onload> (which sets the page's own handler) and <frameset>:
	// the tags themselves must not be there either.
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, more := z.TagName()
		tag := string(name)
		if activeElements[tag] || pageElements[tag] || strings.Contains(tag, ":") {
			out = append(out, fmt.Sprintf("tag <%s>", tag))
		}
		for more {
			var k []byte
			k, _, more = z.TagAttr()
			if bytes.HasPrefix(k, []byte("on")) {
				out = append(out, fmt.Sprintf("event handler %s on tag <%s>", k, tag))
			}
		}
	}
}

// pageElements are the page's own elements, which no content may bring.
var pageElements = map[string]bool{"html": true, "head": true, "body": true, "title": true}

// nodeProblems lists what is active in one node (not its children).
func nodeProblems(n *html.Node) []string {
	switch n.Type {
	case html.CommentNode:
		return []string{fmt.Sprintf("comment <!--%s-->", n.Data)}
	case html.ElementNode:
	default:
		return nil
	}
	var out []string
	if activeElements[n.Data] || n.Namespace != "" {
		out = append(out, fmt.Sprintf("element <%s>", n.Data))
	}
	for _, a := range n.Attr {
		key := strings.ToLower(a.Key)
		if a.Namespace != "" {
			key = a.Namespace + ":" + key
		}
		switch {
		case strings.HasPrefix(key, "on"):
			out = append(out, fmt.Sprintf("event handler %s=%q on <%s>", a.Key, a.Val, n.Data))
		case key == "style":
			out = append(out, fmt.Sprintf("style=%q on <%s>", a.Val, n.Data))
		case urlAttrs[key] && !safeURL(a.Val):
			out = append(out, fmt.Sprintf("%s=%q on <%s> has a scheme other than http(s) or mailto", a.Key, a.Val, n.Data))
		}
	}
	return out
}

// safeURL reports whether v, read as a browser reads an attribute URL
// (tabs and newlines removed, leading and trailing spaces and controls
// trimmed), is relative or has the scheme http, https or mailto.
func safeURL(v string) bool {
	v = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, v)
	v = strings.TrimFunc(v, func(r rune) bool { return r <= ' ' })
	u, err := url.Parse(v)
	if err != nil {
		return false
	}
	s := strings.ToLower(u.Scheme)
	return s == "" || s == "http" || s == "https" || s == "mailto"
}

// urlProblem says why s, a link of a feed, is not empty or an absolute
// http(s) URL; "" when it is.
func urlProblem(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Sprintf("%q is not an absolute http(s) URL", s)
	}
	return ""
}

// plainProblem says why s, a plain-text field, would hold markup for a
// careless reader that takes it for HTML: a tag, a comment or a doctype;
// "" when it holds none.
func plainProblem(s string) string {
	z := html.NewTokenizerFragment(strings.NewReader(s), "div")
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken, html.CommentToken, html.DoctypeToken:
			return fmt.Sprintf("%q is not plain text: it holds markup %q", s, z.Raw())
		}
	}
}

// TestHostileCheckersDetect checks the checkers: unsanitized, the vectors
// are caught (but for the few that are inert even raw), and so are script
// URLs and titles with markup.
func TestHostileCheckersDetect(t *testing.T) {
	inertRaw := map[string]bool{
		`<a href="https://www.gov.cn/" target="_blank">tab</a>`: true,
		`<scr<script>ipt>alert(1)</script>`:                     true, // a tag named "scr<script"
		`<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>`:          true,
		"<p>控制字符\x0b\x1f\ufffe</p>":                             true,
	}
	for _, v := range hostileVectors {
		if got := htmlProblems(v); len(got) == 0 && !inertRaw[v] {
			t.Errorf("htmlProblems(%q) found nothing in a raw vector", v)
		}
	}
	for _, u := range hostileURLs {
		if strings.Contains(u, "%d") {
			continue // web URLs carrying markup are valid links
		}
		if urlProblem(u) == "" {
			t.Errorf("urlProblem(%q) found nothing", u)
		}
	}
	for s, bad := range map[string]bool{
		"要闻 <script>alert(1)</script>": true, `<p title=" ">`: true, "<!-- x -->": true,
		"a < b": false, "1<2": false, "《通知》": false, "": false,
	} {
		if got := plainProblem(s) != ""; got != bad {
			t.Errorf("plainProblem(%q) found a problem: %v, want %v", s, got, bad)
		}
	}
}

// xmlNode is an element of a parsed XML document.
type xmlNode struct {
	name     xml.Name
	attrs    []xml.Attr
	text     string
	children []*xmlNode
}

func (n *xmlNode) attr(local string) string {
	for _, a := range n.attrs {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// walk calls fn on every element below n with its parent.
func (n *xmlNode) walk(fn func(n, parent *xmlNode)) {
	for _, c := range n.children {
		fn(c, n)
		c.walk(fn)
	}
}

// parseXML parses a whole document strictly into a tree under an unnamed
// root.
func parseXML(b []byte) (*xmlNode, error) {
	d := xml.NewDecoder(bytes.NewReader(b))
	root := &xmlNode{}
	stack := []*xmlNode{root}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return root, nil
		}
		if err != nil {
			return nil, err
		}
		top := stack[len(stack)-1]
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &xmlNode{name: tok.Name, attrs: tok.Attr}
			top.children = append(top.children, n)
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			top.text += string(tok)
		}
	}
}

// TestHostilePage renders the web page over the hostile store: no
// script, frame, object, form action elsewhere, handler or script URL,
// and the strict Content-Security-Policy.
func TestHostilePage(t *testing.T) {
	st, srcs := hostileStore(t)
	pg := page.New(page.Options{Sources: func() []data.Source { return srcs }, Now: func() time.Time { return hostileNow }}, st)
	for _, path := range []string{"/", "/?q=alert", "/?source=hostile-atom", "/?tag=hostile"} {
		t.Run(path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			pg.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d", rec.Code)
			}
			csp := rec.Header().Get("Content-Security-Policy")
			for _, d := range []string{"default-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'"} {
				if !strings.Contains(csp, d) {
					t.Errorf("Content-Security-Policy %q lacks %q", csp, d)
				}
			}
			if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "script-src") {
				t.Errorf("Content-Security-Policy %q allows scripts", csp)
			}
			doc, err := html.Parse(rec.Body)
			if err != nil {
				t.Fatal(err)
			}
			forms, items := 0, 0
			for n := range doc.Descendants() {
				if n.Type != html.ElementNode {
					continue
				}
				switch n.Data {
				case "form":
					forms++ // the page's own search form, checked below
					if a := attrOf(n, "action"); a != "" && !strings.HasPrefix(a, "/") && !strings.HasPrefix(a, "?") && !strings.HasPrefix(a, "./") {
						t.Errorf("form action %q leaves the page", a)
					}
					continue
				case "meta":
					if attrOf(n, "http-equiv") != "" && !strings.EqualFold(attrOf(n, "http-equiv"), "content-type") {
						t.Errorf("page has <meta http-equiv=%q>", attrOf(n, "http-equiv"))
					}
					continue
				case "link":
					if h := attrOf(n, "href"); !strings.HasPrefix(h, "static/") && !strings.HasPrefix(h, "/static/") && !strings.HasPrefix(h, "feed.") && !strings.HasPrefix(h, "/feed.") {
						t.Errorf("page links %q", h)
					}
					continue
				case "input", "button", "select", "html", "head", "body":
					continue // the search form and the page's frame
				case "li", "article":
					items++
				}
				for _, p := range nodeProblems(n) {
					t.Errorf("page: %s", p)
				}
			}
			if forms > 1 {
				t.Errorf("page has %d forms, want only its search form", forms)
			}
			if items == 0 {
				t.Errorf("page shows no item: the hostile store was not rendered")
			}
		})
	}
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}
