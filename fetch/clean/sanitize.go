// Package clean turns untrusted HTML from feeds and government pages into
// markup that is safe to republish (an allow-list sanitizer that also makes
// links absolute) or into plain text.
package clean

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Sanitizer cleans HTML fragments with a fixed allow-list. Build it once
// with NewSanitizer; it is safe for concurrent use.
type Sanitizer struct {
	policy *bluemonday.Policy
}

// number matches width/height/colspan values: digits, optionally a percent.
var number = regexp.MustCompile(`^[0-9]{1,5}%?$`)

// NewSanitizer builds the allow-list: text formatting, p/br/div/span,
// headings, lists, tables, a[href] (http, https, mailto), img[src] (http,
// https), figure/figcaption, blockquote, pre/code, sub/sup. Everything else
// (script, style, iframe, object, embed, form, input, base, meta, link, svg,
// math, event handlers, style attributes, javascript:/vbscript:/data: URLs)
// is removed; script, style, svg, math and similar lose their content too.
func NewSanitizer() *Sanitizer {
	p := bluemonday.NewPolicy()
	p.AllowElements(
		"p", "br", "div", "span", "hr",
		"h1", "h2", "h3", "h4", "h5", "h6",
		"b", "strong", "i", "em", "u", "s", "strike", "del", "ins", "small", "big", "mark",
		"abbr", "cite", "q", "dfn", "kbd", "samp", "var", "tt", "font", "center",
		"ul", "ol", "li", "dl", "dt", "dd",
		"table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup", "col",
		"figure", "figcaption", "blockquote", "pre", "code", "sub", "sup",
	)
	p.AllowAttrs("colspan", "rowspan").Matching(number).OnElements("td", "th")
	p.AllowAttrs("span").Matching(number).OnElements("col", "colgroup")
	p.AllowAttrs("title").OnElements("a", "abbr", "img", "dfn")
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("src", "alt").OnElements("img")
	p.AllowAttrs("width", "height").Matching(number).OnElements("img")
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(true)
	p.SkipElementsContent("svg", "math", "template", "select", "textarea", "button", "datalist")
	return &Sanitizer{policy: p}
}

// HTML sanitizes fragment and makes every link and image absolute against
// base (a <base> element inside the fragment is ignored). Links get
// rel="nofollow noopener"; links whose resolved URL is not http, https or
// mailto lose their href, and images whose source is not http or https are
// dropped. When base is not an absolute http(s) URL, relative URLs are kept
// as they are.
func (s *Sanitizer) HTML(fragment, base string) string {
	safe := s.policy.Sanitize(fragment)
	if strings.TrimSpace(safe) == "" {
		return ""
	}
	return rewriteLinks(safe, parseBase(base))
}

// parseBase returns base as an absolute http(s) URL, or nil.
func parseBase(base string) *url.URL {
	u, err := url.Parse(strings.TrimSpace(base))
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil
	}
	return u
}

// rewriteLinks re-parses sanitized markup, resolves a[href] and img[src]
// against base, checks their schemes again and sets rel on links.
func rewriteLinks(safe string, base *url.URL) string {
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(safe), body)
	if err != nil {
		return ""
	}
	for _, n := range nodes {
		body.AppendChild(n)
	}
	var drop []*html.Node
	for n := range body.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch n.DataAtom {
		case atom.A:
			fixLink(n, base)
		case atom.Img:
			if !fixImage(n, base) {
				drop = append(drop, n)
			}
		}
	}
	for _, n := range drop {
		n.Parent.RemoveChild(n)
	}
	var b strings.Builder
	b.Grow(len(safe) + len(safe)/8) // rel attributes and absolute URLs add a little
	for c := body.FirstChild; c != nil; c = c.NextSibling {
		if err := html.Render(&b, c); err != nil {
			return ""
		}
	}
	return b.String()
}

// fixLink resolves href, removes it when the result is not http(s) or
// mailto, and sets rel="nofollow noopener" on links that keep one.
func fixLink(n *html.Node, base *url.URL) {
	attrs := n.Attr[:0]
	href, ok := "", false
	for _, a := range n.Attr {
		switch a.Key {
		case "href":
			href, ok = resolve(a.Val, base, "http", "https", "mailto")
		case "rel", "target":
			// replaced below / never kept
		default:
			attrs = append(attrs, a)
		}
	}
	if ok {
		attrs = append(attrs, html.Attribute{Key: "href", Val: href}, html.Attribute{Key: "rel", Val: "nofollow noopener"})
	}
	n.Attr = attrs
}

// fixImage resolves src and reports whether the image may stay.
func fixImage(n *html.Node, base *url.URL) bool {
	keep := false
	for i, a := range n.Attr {
		if a.Key == "src" {
			n.Attr[i].Val, keep = resolve(a.Val, base, "http", "https")
		}
	}
	return keep
}

// resolve cleans raw as a browser would (tab and newline removed, C0
// controls and spaces trimmed), resolves it against base and reports
// whether the result is usable: one of schemes, or relative when there is
// no base.
func resolve(raw string, base *url.URL, schemes ...string) (string, bool) {
	raw = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, raw)
	raw = strings.TrimFunc(raw, func(r rune) bool { return r <= ' ' })
	if raw == "" {
		return "", false
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", false
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme == "" {
		// Only possible without a base: a relative reference is harmless.
		return u.String(), true
	}
	for _, s := range schemes {
		if scheme == s {
			if (s == "http" || s == "https") && u.Host == "" {
				return "", false
			}
			return u.String(), true
		}
	}
	return "", false
}
