package clean

import (
	"strings"

	"golang.org/x/net/html/atom"
)

// closer follows the HTML tree-construction algorithm (WHATWG HTML,
// 13.2.6, in a no-quirks document) for the allow-listed elements just far
// enough to know the stack of open elements, so that finish can close what
// the markup leaves open. It models only markup where that stack is exact
// and every active formatting element is still open; on anything else
// (formatting elements misnested across blocks, content foster-parented
// out of a table) it sets lost and finish adds nothing, leaving
// the markup as it is. Should it keep an element the parser has closed,
// the extra end tag is ignored by the parser, except </p>, which makes an
// empty paragraph: p is followed exactly. FuzzRewriteEquivalent checks
// the model against the parser.
//
// A table start tag closes an open p only in no-quirks mode; start has
// the caller write the </p> so that quirks mode builds the same tree.
//
// The tokens it sees are the ones rewrite emits: a dropped image is not
// seen. The stack is a handful of atoms; a zero closer is ready to use.
type closer struct {
	stack []atom.Atom // open elements, current node last; implied tbody, tr and colgroup included
	lost  bool        // the model no longer matches the parser's
}

// finish writes an end tag for every open element, innermost first, and
// reports whether the markup is now closed. Each end tag closes the current
// node and nothing else, so the tree the markup parses to is unchanged.
func (c *closer) finish(b *strings.Builder) bool {
	if c.lost {
		return false
	}
	for i := len(c.stack) - 1; i >= 0; i-- {
		b.WriteString("</")
		b.WriteString(c.stack[i].String())
		b.WriteByte('>')
	}
	return true
}

func (c *closer) top() atom.Atom {
	if len(c.stack) == 0 {
		return 0
	}
	return c.stack[len(c.stack)-1]
}

func (c *closer) push(a atom.Atom) { c.stack = append(c.stack, a) }

// popTo pops the elements above index i and the element at i. Formatting
// elements popped that way would stay active (and be reconstructed by
// later content), which the model does not follow.
func (c *closer) popTo(i int) {
	for _, a := range c.stack[i+1:] {
		if isFormatting(a) {
			c.lost = true
		}
	}
	c.stack = c.stack[:i]
}

// find returns the index of the innermost open a that is in the scope
// bounded by boundary, or -1.
func (c *closer) find(a atom.Atom, boundary func(atom.Atom) bool) int {
	for i := len(c.stack) - 1; i >= 0; i-- {
		switch n := c.stack[i]; {
		case n == a:
			return i
		case boundary(n):
			return -1
		}
	}
	return -1
}

// closeP closes a p element in button scope, as many start tags do, and
// reports whether there was one.
func (c *closer) closeP() bool {
	i := c.find(atom.P, inScopeBoundary)
	if i >= 0 {
		c.popTo(i)
	}
	return i >= 0
}

// text follows the raw (still escaped) text between two tags.
func (c *closer) text(raw string) {
	if c.lost || c.top() != atom.Colgroup {
		return
	}
	// In a column group only white space stays; anything else closes
	// it. Raw bytes may hold character references: rather than decode
	// them, give up on anything but plain white space.
	for i := 0; i < len(raw); i++ {
		switch raw[i] {
		case ' ', '\t', '\n', '\r', '\f':
		default:
			c.lost = true
			return
		}
	}
}

// start follows a start (or self-closing) tag. endP asks the caller to
// write "</p>" before the tag.
func (c *closer) start(a atom.Atom) (endP bool) {
	if c.lost {
		return false
	}
	if isTablePart(a) {
		c.tablePart(a)
		return false
	}
	if t := c.top(); t == atom.Table || t == atom.Tbody || t == atom.Thead || t == atom.Tfoot ||
		t == atom.Tr || t == atom.Colgroup {
		c.lost = true // foster parenting, or a table closed by a table
		return false
	}
	switch {
	case a == atom.A:
		// An open a after the last marker is closed by the adoption
		// agency algorithm first.
		if i := c.find(atom.A, isMarker); i >= 0 {
			if i != len(c.stack)-1 {
				c.lost = true
				return false
			}
			c.stack = c.stack[:i]
		}
		c.push(a)
	case isFormatting(a), isPhrasing(a): // a is handled above
		c.push(a)
	case a == atom.Br, a == atom.Img:
		// void; reconstructing active formatting elements is a no-op
		// while all of them are open
	case a == atom.Hr:
		c.closeP()
	case a == atom.Table:
		// A table closes an open p only in a no-quirks document:
		// the caller closes it explicitly, so that quirks mode builds
		// the same tree.
		endP = c.closeP()
		c.push(a)
	case isBlock(a):
		c.closeP()
		c.push(a)
	case isHeading(a):
		c.closeP()
		if isHeading(c.top()) {
			c.stack = c.stack[:len(c.stack)-1]
		}
		c.push(a)
	case a == atom.Li, a == atom.Dd, a == atom.Dt:
		c.closeListItem(a)
		c.closeP()
		c.push(a)
	default:
		c.lost = true
	}
	return endP
}

// closeListItem closes an open li (for li) or dd/dt (for dd and dt) that a
// new one ends, as the "li" and "dd, dt" start tag steps do.
func (c *closer) closeListItem(a atom.Atom) {
	for i := len(c.stack) - 1; i >= 0; i-- {
		n := c.stack[i]
		if n == a || (a != atom.Li && (n == atom.Dd || n == atom.Dt)) {
			c.popTo(i)
			return
		}
		if isSpecial(n) && n != atom.Div && n != atom.P {
			return
		}
	}
}

// tablePart follows caption, colgroup, col, tbody, thead, tfoot, tr, td
// and th start tags, in whatever table insertion mode the stack implies.
func (c *closer) tablePart(a atom.Atom) {
	for {
		i, mode := c.tableMode()
		switch mode {
		case 0: // in body: ignored
			return
		case atom.Td, atom.Th, atom.Caption:
			// Close the cell or caption (clearing the active formatting
			// elements it opened) and reprocess.
			c.stack = c.stack[:i]
		case atom.Tr:
			if a == atom.Td || a == atom.Th {
				c.push(a)
				return
			}
			c.stack = c.stack[:i]
		case atom.Tbody, atom.Thead, atom.Tfoot:
			switch a {
			case atom.Tr:
				c.push(a)
				return
			case atom.Td, atom.Th:
				c.push(atom.Tr)
			default:
				c.stack = c.stack[:i]
			}
		case atom.Colgroup:
			if a == atom.Col {
				return
			}
			c.stack = c.stack[:i]
		case atom.Table:
			if i != len(c.stack)-1 {
				c.lost = true // foster-parented content still open
				return
			}
			switch a {
			case atom.Caption, atom.Colgroup, atom.Tbody, atom.Thead, atom.Tfoot:
				c.push(a)
				return
			case atom.Col:
				c.push(atom.Colgroup)
			default: // tr, td, th
				c.push(atom.Tbody)
			}
		}
	}
}

// tableMode returns the innermost open table element and its index, which
// is what the insertion mode is reset to, or 0 (in body).
func (c *closer) tableMode() (int, atom.Atom) {
	for i := len(c.stack) - 1; i >= 0; i-- {
		switch n := c.stack[i]; n {
		case atom.Td, atom.Th, atom.Tr, atom.Tbody, atom.Thead, atom.Tfoot,
			atom.Caption, atom.Colgroup, atom.Table:
			return i, n
		}
	}
	return -1, 0
}

// end follows an end tag.
func (c *closer) end(a atom.Atom) {
	if c.lost {
		return
	}
	if c.top() == atom.Colgroup && a != atom.Colgroup && a != atom.Col {
		c.stack = c.stack[:len(c.stack)-1] // anything else ends a column group
	}
	switch {
	case a == atom.Col, a == atom.Img, a == atom.Hr, a == atom.Br:
		// void: the end tag is ignored, or (</br>) read as a <br>
	case a == atom.Table, isTablePart(a): // col is handled above
		// In table scope these close everything inside; formatting
		// elements opened in a cell or caption go with its marker.
		if i := c.find(a, isTable); i >= 0 {
			c.stack = c.stack[:i]
		}
	case isBlock(a), a == atom.Dd, a == atom.Dt:
		if i := c.find(a, inScopeBoundary); i >= 0 {
			c.popTo(i)
		}
	case a == atom.Li:
		if i := c.find(a, inListItemScopeBoundary); i >= 0 {
			c.popTo(i)
		}
	case isHeading(a):
		// Any heading end tag closes the innermost heading in scope.
		for i := len(c.stack) - 1; i >= 0; i-- {
			n := c.stack[i]
			if isHeading(n) {
				c.popTo(i)
				return
			}
			if inScopeBoundary(n) {
				return
			}
		}
	case isFormatting(a):
		// The adoption agency algorithm: simple when no special
		// element sits above the formatting element.
		i := c.find(a, inScopeBoundary)
		if i < 0 {
			return // not open, or out of scope: ignored
		}
		for _, n := range c.stack[i+1:] {
			if isSpecial(n) {
				c.lost = true
				return
			}
		}
		c.popTo(i)
	case isPhrasing(a):
		// "Any other end tag": the innermost such element, unless a
		// special element comes first.
		if i := c.find(a, isSpecial); i >= 0 {
			c.popTo(i)
		}
	default:
		c.lost = true
	}
}

// isFormatting reports the allow-listed formatting elements (those on the
// list of active formatting elements).
func isFormatting(a atom.Atom) bool {
	switch a {
	case atom.A, atom.B, atom.Big, atom.Code, atom.Em, atom.Font, atom.I, atom.S, atom.Small,
		atom.Strike, atom.Strong, atom.Tt, atom.U:
		return true
	}
	return false
}

// isSpecial reports the allow-listed elements of the "special" category:
// the blocks, headings and table parts, and a few more.
func isSpecial(a atom.Atom) bool {
	switch a {
	case atom.Br, atom.Dd, atom.Dt, atom.Hr, atom.Img, atom.Li, atom.Table:
		return true
	}
	return isBlock(a) || isHeading(a) || isTablePart(a)
}

// isTablePart reports the start tags that the table insertion modes handle
// and the body insertion mode ignores.
func isTablePart(a atom.Atom) bool {
	switch a {
	case atom.Caption, atom.Colgroup, atom.Col, atom.Tbody, atom.Thead, atom.Tfoot,
		atom.Tr, atom.Td, atom.Th:
		return true
	}
	return false
}

// isBlock reports the allow-listed block elements whose start tag closes
// an open p and which an end tag closes when in scope.
func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Blockquote, atom.Center, atom.Figure, atom.Figcaption,
		atom.Dl, atom.Ol, atom.Ul, atom.Pre:
		return true
	}
	return false
}

// isPhrasing reports the allow-listed inline elements that are neither
// formatting nor special: an end tag closes the innermost one.
func isPhrasing(a atom.Atom) bool {
	switch a {
	case atom.Span, atom.Abbr, atom.Cite, atom.Q, atom.Dfn, atom.Kbd, atom.Samp, atom.Var,
		atom.Mark, atom.Del, atom.Ins, atom.Sub, atom.Sup:
		return true
	}
	return false
}

func isHeading(a atom.Atom) bool {
	switch a {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
}

// isMarker reports the allow-listed elements that put a marker on the list
// of active formatting elements.
func isMarker(a atom.Atom) bool { return a == atom.Td || a == atom.Th || a == atom.Caption }

// inScopeBoundary bounds "in scope" and "in button scope" (the same for
// the allow-listed elements).
func inScopeBoundary(a atom.Atom) bool { return a == atom.Table || isMarker(a) }

// inListItemScopeBoundary bounds "in list item scope".
func inListItemScopeBoundary(a atom.Atom) bool {
	return inScopeBoundary(a) || a == atom.Ol || a == atom.Ul
}

// isTable bounds "in table scope".
func isTable(a atom.Atom) bool { return a == atom.Table }
