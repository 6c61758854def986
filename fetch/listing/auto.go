package listing

import (
	"net/url"

	"github.com/govfeed/govfeed/data"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// anchor is one article link found by the zero-config scan.
type anchor struct {
	node      *html.Node
	link      *url.URL
	id        string // data.ArticleID
	datastore bool
}

// auto extracts every link whose URL has a government CMS article shape,
// in page order, looking inside Hanweb datastore scripts too.
func (x *extractor) auto(roots []root) {
	var found []anchor
	for _, r := range roots {
		found = x.scan(r.node, r.datastore, found)
	}
	ids := make(map[*html.Node]string, len(found))
	for _, a := range found {
		ids[a.node] = a.id
	}
	for _, a := range found {
		e := Entry{Link: a.link.String(), Rule: "auto:" + family(a.link)}
		if a.datastore {
			e.Rule += "+datastore"
		}
		e.Title, e.TitleTruncated = titleOf(a.node)
		c := container(a.node, func(n *html.Node) string { return ids[n] })
		var fromURL bool
		e.Date, e.DateOnly, fromURL = x.dateNear(a.node, c, e.Link)
		x.add(a.id, e, fromURL)
	}
}

// scan appends the article anchors under n in document order, expanding
// Hanweb <script type="text/xml"> datastores where they stand.
func (x *extractor) scan(n *html.Node, datastore bool, found []anchor) []anchor {
	if n.Type == html.ElementNode {
		switch n.DataAtom {
		case atom.A:
			if a, ok := x.article(n, datastore); ok {
				found = append(found, a)
			}
		case atom.Script:
			if isXMLScript(n) {
				return x.scan(datastoreRoot(textContent(n)), true, found)
			}
			return found
		case atom.Style, atom.Template, atom.Noscript:
			return found
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		found = x.scan(c, datastore, found)
	}
	return found
}

// article reports whether a is a link to a government article.
func (x *extractor) article(a *html.Node, datastore bool) (anchor, bool) {
	href, ok := attr(a, "href")
	if !ok {
		return anchor{}, false
	}
	u, ok := resolve(x.base, href)
	if !ok || excludedHosts[u.Hostname()] {
		return anchor{}, false
	}
	id := data.ArticleID(u.String())
	if id == "" {
		return anchor{}, false
	}
	return anchor{node: a, link: u, id: id, datastore: datastore}, true
}

// container returns the list item around an article link: the nearest
// li, tr, dt or dd, else the largest ancestor (up to five levels, below
// body) holding no other article. It returns nil when the link sits
// directly in the body. idOf gives the article id of an anchor node, or "".
func container(a *html.Node, idOf func(*html.Node) string) *html.Node {
	n := a.Parent
	for depth := 0; n != nil && n.Type == html.ElementNode && depth < 5; depth++ {
		switch n.DataAtom {
		case atom.Li, atom.Tr, atom.Dt, atom.Dd:
			return n
		case atom.Body, atom.Html:
			return nil
		}
		p := n.Parent
		if p == nil || p.Type != html.ElementNode || p.DataAtom == atom.Body || articlesUnder(p, idOf) > 1 {
			return n
		}
		n = p
	}
	if n != nil && n.Type == html.ElementNode && n.DataAtom != atom.Body && n.DataAtom != atom.Html {
		return n
	}
	return nil
}

// articlesUnder counts the distinct articles linked under n, stopping at 2.
func articlesUnder(n *html.Node, idOf func(*html.Node) string) int {
	first := ""
	for d := range n.Descendants() {
		if d.Type != html.ElementNode || d.DataAtom != atom.A {
			continue
		}
		id := idOf(d)
		switch {
		case id == "" || id == first:
		case first == "":
			first = id
		default:
			return 2
		}
	}
	if first == "" {
		return 0
	}
	return 1
}
