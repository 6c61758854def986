package article

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// blockTags are the elements that start a new visible line.
var blockTags = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true,
	atom.Br: true, atom.Center: true, atom.Dd: true, atom.Div: true, atom.Dl: true,
	atom.Dt: true, atom.Fieldset: true, atom.Figcaption: true, atom.Figure: true,
	atom.Footer: true, atom.Form: true, atom.H1: true, atom.H2: true, atom.H3: true,
	atom.H4: true, atom.H5: true, atom.H6: true, atom.Header: true, atom.Hr: true,
	atom.Li: true, atom.Main: true, atom.Nav: true, atom.Ol: true, atom.P: true,
	atom.Pre: true, atom.Section: true, atom.Table: true, atom.Tbody: true,
	atom.Td: true, atom.Tfoot: true, atom.Th: true, atom.Thead: true, atom.Tr: true,
	atom.Ul: true,
}

// isBlock reports whether n is an element that starts a new line.
func isBlock(n *html.Node) bool {
	return n.Type == html.ElementNode && blockTags[n.DataAtom]
}

// collapse turns every run of white space (including NBSP and the
// ideographic space) into one ASCII space and trims the ends.
func collapse(s string) string {
	return strings.Join(strings.FieldsFunc(s, isSpace), " ")
}

// isSpace reports white space, including NBSP and U+3000.
func isSpace(r rune) bool {
	return unicode.IsSpace(r) || r == '\u00a0' || r == '\u3000' || r == '\u200b' || r == '\ufeff'
}

// nodeText returns the visible text of n with white space collapsed.
func nodeText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(c *html.Node) {
		switch c.Type {
		case html.TextNode:
			b.WriteString(c.Data)
		case html.ElementNode:
			if c.DataAtom == atom.Script || c.DataAtom == atom.Style || c.DataAtom == atom.Template {
				return
			}
			if isBlock(c) {
				b.WriteByte(' ')
			}
		}
		for k := c.FirstChild; k != nil; k = k.NextSibling {
			walk(k)
		}
		if isBlock(c) {
			b.WriteByte(' ')
		}
	}
	walk(n)
	return collapse(b.String())
}

// line is one visible line of a page and the innermost block element that
// holds it.
type line struct {
	text  string
	block *html.Node
}

// lines splits the visible text under n into lines at block boundaries
// (the cells of a table row share a line), skipping the subtree skip (may
// be nil). Empty lines are dropped.
func lines(n, skip *html.Node) []line {
	var out []line
	var cur strings.Builder
	var curBlock *html.Node
	flush := func() {
		if t := collapse(cur.String()); t != "" {
			out = append(out, line{text: t, block: curBlock})
		}
		cur.Reset()
	}
	var walk func(c, block *html.Node)
	walk = func(c, block *html.Node) {
		if c == skip {
			flush()
			return
		}
		switch c.Type {
		case html.TextNode:
			if cur.Len() == 0 {
				curBlock = block
			}
			cur.WriteString(c.Data)
			return
		case html.ElementNode:
			if c.DataAtom == atom.Script || c.DataAtom == atom.Style || c.DataAtom == atom.Template {
				return
			}
		}
		// Table cells of one row make one line: "发布日期：" and its value
		// often sit in neighbouring cells.
		cell := c.DataAtom == atom.Td || c.DataAtom == atom.Th
		split := isBlock(c) && !cell
		if cell {
			cur.WriteByte(' ')
		}
		if split {
			flush()
			block = c
		}
		for k := c.FirstChild; k != nil; k = k.NextSibling {
			walk(k, block)
		}
		if cell {
			cur.WriteByte(' ')
		}
		if split {
			flush()
		}
	}
	walk(n, n)
	flush()
	return out
}

// letters counts the Han characters and letters in s: the measure of
// "how much text" a block holds, independent of the script.
func letters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.Is(unicode.Han, r) || unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// attr returns the value of attribute key on n, or "".
func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// classID returns n's class and id attributes joined, for pattern tests.
func classID(n *html.Node) string {
	return attr(n, "class") + " " + attr(n, "id")
}

// contains reports whether node d is n or one of its descendants.
func contains(n, d *html.Node) bool {
	for ; d != nil; d = d.Parent {
		if d == n {
			return true
		}
	}
	return false
}

// remove detaches n from its parent, if it has one.
func remove(n *html.Node) {
	if n.Parent != nil {
		n.Parent.RemoveChild(n)
	}
}
