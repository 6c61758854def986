package listing

import (
	"github.com/PuerkitoBio/goquery"
	"github.com/govfeed/govfeed/data"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// selectors extracts the entries the configured CSS selectors pick. Item
// selects one entry each (when empty, each Link match is an entry); Link,
// Title and Date are looked up inside it. The selectors also run over the
// records of Hanweb datastores, which are not part of the visible page.
func (x *extractor) selectors(roots []root, sel data.Selectors) error {
	for what, s := range map[string]string{"item": sel.Item, "link": sel.Link, "title": sel.Title, "date": sel.Date} {
		if err := compile(what, s); err != nil {
			return err
		}
	}
	for _, r := range roots {
		for _, n := range expandDatastores(r.node) {
			doc := goquery.NewDocumentFromNode(n)
			items := doc.Find(sel.Link)
			if sel.Item != "" {
				items = doc.Find(sel.Item)
			}
			items.Each(func(_ int, item *goquery.Selection) { x.selected(item, sel) })
		}
	}
	return nil
}

// expandDatastores returns n followed by the synthetic roots of the
// datastore scripts under it.
func expandDatastores(n *html.Node) []*html.Node {
	out := []*html.Node{n}
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && isXMLScript(d) {
			out = append(out, datastoreRoot(textContent(d)))
		}
	}
	return out
}

// selected turns one selected item into an entry.
func (x *extractor) selected(item *goquery.Selection, sel data.Selectors) {
	a := item
	switch {
	case sel.Item != "" && sel.Link != "":
		a = item.Find(sel.Link).First()
	case sel.Item != "" && goquery.NodeName(item) != "a":
		a = item.Find("a[href]").First()
	}
	if a.Length() == 0 {
		return
	}
	if goquery.NodeName(a) != "a" && a.AttrOr("href", "") == "" {
		a = a.Find("a[href]").First()
	}
	href, ok := a.Attr("href")
	if !ok {
		return
	}
	u, ok := resolve(x.base, href)
	if !ok {
		return
	}
	e := Entry{Link: u.String(), Rule: "selector"}
	titleNode := a.Nodes[0]
	if sel.Title != "" {
		if t := item.Find(sel.Title).First(); t.Length() > 0 {
			titleNode = t.Nodes[0]
		}
	}
	e.Title, e.TitleTruncated = titleOf(titleNode)
	itemNode := item.Nodes[0]
	if sel.Item == "" || itemNode.DataAtom == atom.A {
		itemNode = listItem(a.Nodes[0])
	}
	fromURL := false
	if sel.Date != "" {
		if d := item.Find(sel.Date).First(); d.Length() > 0 {
			e.Date, e.DateOnly, fromURL = x.date(d.Text(), e.Link)
		}
	}
	if e.Date.IsZero() || fromURL {
		e.Date, e.DateOnly, fromURL = x.dateNear(a.Nodes[0], itemNode, e.Link)
	}
	x.add(key(e.Link), e, fromURL)
}

// listItem returns the nearest li, tr, dt or dd around a selected link (up
// to five levels), else its parent.
func listItem(a *html.Node) *html.Node {
	n := a.Parent
	for depth := 0; n != nil && n.Type == html.ElementNode && depth < 5; depth++ {
		switch n.DataAtom {
		case atom.Li, atom.Tr, atom.Dt, atom.Dd:
			return n
		}
		n = n.Parent
	}
	return a.Parent
}
