package clean

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// rewriteTree is rewriteLinks by the HTML parser: it builds the tree of
// safe as a fragment of a body, fixes its links and images, and renders
// it, which closes every element whatever the nesting. rewriteLinks uses
// it for the markup rewrite cannot close.
func rewriteTree(safe string, base *url.URL) string {
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
			n.Attr = fixLink(n.Attr, base)
		case atom.Img:
			if !fixImage(n.Attr, base) {
				drop = append(drop, n)
			}
		}
	}
	for _, n := range drop {
		n.Parent.RemoveChild(n)
	}
	var b strings.Builder
	b.Grow(outputSize(safe, base))
	for c := body.FirstChild; c != nil; c = c.NextSibling {
		if err := html.Render(&b, c); err != nil {
			return ""
		}
	}
	return b.String()
}
