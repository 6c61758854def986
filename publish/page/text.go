package page

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// excerptRunes is the length of an item's excerpt on the page.
const excerptRunes = 200

// plainText returns the visible text of an HTML fragment with runs of
// white space folded to one space. Markup is dropped, entities decoded,
// and the contents of script, style, template and similar elements skipped;
// block boundaries become spaces so words of two paragraphs do not merge.
// It may stop reading once it has more than enough runes of text: callers
// want an excerpt, and a long article need not be read to its end.
func plainText(fragment string, enough int) string {
	if !strings.ContainsAny(fragment, "<&") {
		return cleanText(fragment)
	}
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(fragment))
	skip := 0                 // depth inside elements whose text is not shown
	check := 4 * (enough + 1) // buffer length at which to see whether there is enough
	for {
		switch z.Next() {
		case html.ErrorToken: // io.EOF: the fragment is a string, nothing else can fail
			return joinCJK(cleanText(b.String()))
		case html.TextToken:
			if skip > 0 {
				break
			}
			b.Write(z.Text())
			if b.Len() >= check {
				if t := joinCJK(cleanText(b.String())); utf8.RuneCountInString(t) > enough {
					return t
				}
				check *= 2
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			tt := z.Token()
			switch {
			case hidden(tt.DataAtom) && tt.Type == html.StartTagToken:
				skip++
			case hidden(tt.DataAtom) && tt.Type == html.EndTagToken && skip > 0:
				skip--
			}
			if block(tt.DataAtom) {
				b.WriteByte(' ')
			}
		}
	}
}

// hidden reports whether the text inside element a is not visible text.
func hidden(a atom.Atom) bool {
	switch a {
	case atom.Script, atom.Style, atom.Template, atom.Noscript, atom.Iframe,
		atom.Object, atom.Svg, atom.Math, atom.Textarea, atom.Title:
		return true
	}
	return false
}

// joinCJK drops a space after full-width punctuation ("工作。 会议"):
// Chinese text separates sentences and paragraphs without one.
func joinCJK(s string) string {
	if !strings.Contains(s, " ") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	var prev rune
	for _, r := range s {
		if r == ' ' && fullWidthPunct(prev) {
			continue
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// fullWidthPunct reports whether r is CJK or full-width punctuation.
func fullWidthPunct(r rune) bool {
	return (r >= 0x3000 && r <= 0x303f) || (r >= 0xff01 && r <= 0xff0f) ||
		(r >= 0xff1a && r <= 0xff20) || (r >= 0xff3b && r <= 0xff40) || (r >= 0xff5b && r <= 0xff65)
}

// block reports whether element a separates words: a block or a line
// break. Inline elements do not, so "研究<b>防汛</b>工作" stays one word.
func block(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Br, atom.Hr, atom.Li, atom.Ul, atom.Ol, atom.Dl, atom.Dt, atom.Dd,
		atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Table, atom.Tr, atom.Td, atom.Th,
		atom.Blockquote, atom.Pre, atom.Section, atom.Article, atom.Header, atom.Footer, atom.Aside,
		atom.Figure, atom.Figcaption, atom.Img, atom.Address, atom.Caption:
		return true
	}
	return false
}

// cleanText folds white space and removes control and bidirectional
// override characters, which could make one title look like another.
func cleanText(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == utf8.RuneError:
			return -1
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return ' '
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f:
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// truncate cuts s to at most n runes, ending in "…" when it cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n-1]
	return strings.TrimRight(string(r), " ,.;:，。；：、") + "…"
}
