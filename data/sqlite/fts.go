package sqlite

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
)

// Full-text search over titles and bodies, for Chinese as well as English.
//
// FTS5's unicode61 tokenizer splits on spaces and punctuation, which suits
// English but leaves a run of Chinese characters as one token, so "四川"
// would not find "四川省人民政府". The text govfeed indexes, and every
// query, is therefore segmented the same way first: each run of CJK
// characters becomes its overlapping bigrams ("四川省" -> "四川 川省"), the
// standard approach of CJK search engines without a dictionary. A query
// word becomes the phrase of its bigrams, which matches exactly the pages
// containing that substring; a single CJK character becomes a prefix query.
// The index is contentless (it stores no copy of the text), keyed by the
// item's id.

// ftsSchema is migration 2.
const ftsSchema = `
CREATE VIRTUAL TABLE items_fts USING fts5(
	body,
	content = '',
	contentless_delete = 1,
	tokenize = 'unicode61 remove_diacritics 2'
);
`

// ftsText is what is indexed for an item: its title and the text of its
// summary and content, CJK runs segmented into bigrams.
func ftsText(title, summary, content string) string {
	var b strings.Builder
	b.WriteString(segment(title))
	for _, h := range []string{summary, content} {
		if h != "" {
			b.WriteByte('\n')
			b.WriteString(segment(htmlText(h)))
		}
	}
	return b.String()
}

// inline elements do not separate words: "<b>成渝</b>地区" is one run.
var inline = map[string]bool{
	"a": true, "abbr": true, "b": true, "em": true, "font": true, "i": true, "span": true,
	"strong": true, "sub": true, "sup": true, "u": true, "small": true, "big": true, "code": true,
}

// htmlText returns the text of an HTML fragment.
func htmlText(fragment string) string {
	z := html.NewTokenizer(strings.NewReader(fragment))
	var b strings.Builder
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			b.Write(z.Text())
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			if name, _ := z.TagName(); !inline[string(name)] {
				b.WriteByte(' ')
			}
		}
	}
}

// isCJK reports whether r belongs to a script written without spaces.
func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// segment replaces every run of CJK characters in s by its overlapping
// bigrams, separated by spaces; other text is left for the tokenizer.
func segment(s string) string {
	var b strings.Builder
	var run []rune
	flush := func() {
		b.WriteString(bigrams(run))
		run = run[:0]
	}
	for _, r := range s {
		if isCJK(r) {
			run = append(run, r)
			continue
		}
		if len(run) > 0 {
			flush()
		}
		b.WriteRune(r)
	}
	if len(run) > 0 {
		flush()
	}
	return b.String()
}

func bigrams(run []rune) string {
	if len(run) == 1 {
		return " " + string(run) + " "
	}
	var b strings.Builder
	b.WriteByte(' ')
	for i := 0; i+1 < len(run); i++ {
		b.WriteString(string(run[i : i+2]))
		b.WriteByte(' ')
	}
	return b.String()
}

// A term is one searchable run of a query word: a CJK run or another run
// of letters and digits.
type term struct {
	text string
	cjk  bool
}

// searchTerms splits a user's search words into terms: words are runs of
// letters and digits (FTS5 operators and punctuation in user input are
// never interpreted), and a word mixing scripts is split where the script
// changes. Every term must match (AND).
func searchTerms(q string) []term {
	var terms []term
	for _, word := range strings.FieldsFunc(q, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || isCJK(r))
	}) {
		var cur []rune
		cjk := false
		for _, r := range word {
			if c := isCJK(r); c != cjk && len(cur) > 0 {
				terms = append(terms, term{string(cur), cjk})
				cur = cur[:0]
			}
			cjk = isCJK(r)
			cur = append(cur, r)
		}
		if len(cur) > 0 {
			terms = append(terms, term{string(cur), cjk})
		}
	}
	return terms
}

// ftsQuery turns terms into an FTS5 MATCH expression: a CJK term matches
// as the phrase of its bigrams, a lone CJK character as a prefix, other
// terms as quoted tokens. It returns "" when there is no term.
func ftsQuery(terms []term) string {
	parts := make([]string, 0, len(terms))
	for _, t := range terms {
		run := []rune(t.text)
		switch {
		case t.cjk && len(run) == 1:
			parts = append(parts, `"`+t.text+`"*`)
		case t.cjk:
			parts = append(parts, `"`+strings.TrimSpace(bigrams(run))+`"`)
		default:
			parts = append(parts, `"`+strings.ToLower(t.text)+`"`)
		}
	}
	return strings.Join(parts, " AND ")
}

// queuedMatch is the SQL condition, and its arguments, that an item still
// queued for indexing (see ftsqueue.go) must meet: every term occurs in its
// title, summary or content, ASCII letters in any case. It approximates
// the index, for the seconds an item waits: an English term also matches
// inside a longer word, and a CJK term split by a tag is not found.
func queuedMatch(terms []term) (string, []any) {
	conds := make([]string, 0, len(terms))
	args := make([]any, 0, len(terms))
	for _, t := range terms {
		conds = append(conds, `instr(lower(title || ' ' || summary || ' ' || content), ?) > 0`)
		args = append(args, strings.ToLower(t.text))
	}
	return strings.Join(conds, " AND "), args
}
