package listing

import (
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// pageBase returns the URL relative links resolve against: the page's
// <base href> when it is an http(s) URL, else the page URL.
func pageBase(doc *html.Node, page *url.URL) *url.URL {
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && n.DataAtom == atom.Base {
			if h, ok := attr(n, "href"); ok {
				if u, ok := resolve(page, h); ok {
					return u
				}
			}
			break
		}
	}
	return page
}

// resolve turns an href into an absolute http(s) URL, cleaning it the way
// browsers do (tabs and newlines removed, surrounding spaces trimmed).
func resolve(base *url.URL, href string) (*url.URL, bool) {
	href = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, href)
	href = strings.TrimFunc(href, func(r rune) bool { return r <= ' ' || r == '\u3000' })
	if href == "" || href[0] == '#' {
		return nil, false
	}
	u, err := url.Parse(href)
	if err != nil {
		return nil, false
	}
	u = base.ResolveReference(u)
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, false
	}
	u.Fragment, u.RawFragment = "", ""
	return u, true
}

// attr returns the value of an attribute of n.
func attr(n *html.Node, name string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val, true
		}
	}
	return "", false
}

// families names the CMS a zero-config article URL belongs to, for
// Entry.Rule. data.ArticleID decides whether a URL is an article; this only
// labels it.
var families = []struct {
	name string
	re   *regexp.Regexp
}{
	{"trs", regexp.MustCompile(`/t\d{8}_\d+\.s?html?$`)},
	{"nfcms", regexp.MustCompile(`/m?post_\d+\.html?$`)},
	{"govcn", regexp.MustCompile(`/content_\d+\.s?html?$`)},
	{"hanweb", regexp.MustCompile(`/art_(?:\d+_\d+|[0-9a-fA-F]{32})\.html?$`)},
	{"sichuan", regexp.MustCompile(`/\d{4}/\d{1,2}/\d{1,2}/(?:[0-9a-fA-F]{32}|\d{6,})\.s?html?$`)},
}

// family labels an article URL; "hex" for a bare 32-hex id.
func family(u *url.URL) string {
	for _, f := range families {
		if f.re.MatchString(u.Path) {
			return f.name
		}
	}
	return "hex"
}

// excludedHosts never hold list entries in zero-config mode: their links
// in government lists point to reposts on social platforms.
var excludedHosts = map[string]bool{
	"mp.weixin.qq.com": true,
}
