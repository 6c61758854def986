package sqlite

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/govfeed/govfeed/data"
)

// Full-text search over titles and bodies, for Chinese as well as English.
//
// FTS5's unicode61 tokenizer splits on spaces and punctuation, which suits
// English but leaves a run of Chinese characters as one token, so "四川"
// would not find "四川省人民政府". The text govfeed indexes, and every
// query, is therefore segmented the same way first: each run of CJK
// characters becomes its overlapping bigrams ("四川省" -> "四川 川省"), the
// standard approach of CJK search engines without a dictionary.
//
// The index records which items hold a token, not where (detail=none), and
// each item's tokens once: a third of the size of a positional index and
// half the indexing time, measured on the benchmark corpus. A query word of
// one or two CJK characters, or a non-CJK word, is then answered by the
// index exactly (a lone CJK character as a prefix of a bigram). A longer
// CJK word becomes all its bigrams (ANDed), which the index answers, and
// each candidate is then checked for the word itself in its text
// (matchesText), so results stay exactly the items containing it. The index
// is contentless (it stores no copy of the text), keyed by the item's id.

// ftsSchema is migration 2.
const ftsSchema = `
CREATE VIRTUAL TABLE items_fts USING fts5(
	body,
	content = '',
	contentless_delete = 1,
	tokenize = 'unicode61 remove_diacritics 2'
);
`

// ftsBareSchema is migration 7: the index without positions, rebuilt from
// the items (queued for IndexAllQueued).
const ftsBareSchema = `
DROP TRIGGER items_fts_delete;
DROP TABLE items_fts;
CREATE VIRTUAL TABLE items_fts USING fts5(
	body,
	content = '',
	contentless_delete = 1,
	detail = none,
	tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
	DELETE FROM items_fts WHERE rowid = old.id;
END;
INSERT INTO fts_queue (item_id, reindex) SELECT id, 0 FROM items WHERE true
	ON CONFLICT (item_id) DO UPDATE SET reindex = 0;
`

// ftsMergeSchema is migration 11: merging later. Every indexing
// transaction adds a segment to the index, and FTS5 merges segments
// incrementally as they accumulate; with its default 'automerge' of 4 the
// merges took a third of the writer's time in indexing.
const ftsMergeSchema = `INSERT INTO items_fts (items_fts, rank) VALUES ('automerge', 16);`

// ftsText is what is indexed for an item: the words of plainText, CJK runs
// segmented into bigrams, each once (the index keeps no positions). It is
// segment, then strings.Fields, then a set, in one pass: the words and
// bigrams are substrings of the plain text and only the result is built
// (ftsTextOracle in the tests composes the three). Indexing 50,000 items
// spent 6.1 s of CPU in the composition.
func ftsText(title, summary, content string) string {
	s := plainText(title, summary, content)
	if !utf8.ValidString(s) {
		s = string([]rune(s)) // each invalid byte becomes U+FFFD, as ranging over s yields
	}
	var b strings.Builder
	b.Grow(2 * len(s))
	seen := make(map[string]struct{}, len(s)/16)
	emit := func(tok string) {
		if _, ok := seen[tok]; !ok {
			seen[tok] = struct{}{}
			b.WriteString(tok)
			b.WriteByte(' ')
		}
	}
	word := -1 // byte offset where the current non-CJK word starts
	last := -1 // byte offset of the current CJK run's last rune
	run := 0   // runes in the current CJK run
	endRun := func(end int) {
		if run == 1 {
			emit(s[last:end]) // a lone character is its own token
		}
		run = 0
	}
	for i, r := range s {
		switch {
		case isCJK(r):
			if word >= 0 {
				emit(s[word:i])
				word = -1
			}
			if run > 0 {
				emit(s[last : i+utf8.RuneLen(r)]) // the previous character and r
			}
			last = i
			run++
		case unicode.IsSpace(r):
			if run > 0 {
				endRun(i)
			}
			if word >= 0 {
				emit(s[word:i])
				word = -1
			}
		default:
			if run > 0 {
				endRun(i)
			}
			if word < 0 {
				word = i
			}
		}
	}
	if run > 0 {
		endRun(len(s))
	}
	if word >= 0 {
		emit(s[word:])
	}
	return b.String()
}

// plainText is the searchable text of an item: its title and the text of
// its summary and content.
func plainText(title, summary, content string) string {
	var b strings.Builder
	b.WriteString(title)
	for _, h := range []string{summary, content} {
		if h != "" {
			b.WriteByte('\n')
			b.WriteString(htmlText(h))
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
	// The four scripts start at U+1100 (Hangul), and U+4E00-U+9FFF (the
	// common ideographs) are all Han: most text needs no table look-up.
	switch {
	case r < 0x1100:
		return false
	case r >= 0x4E00 && r <= 0x9FFF:
		return true
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
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

// ftsQuery turns terms into an FTS5 MATCH expression: a CJK term of two
// characters or more matches all its bigrams, a lone CJK character as a
// prefix, other terms as quoted tokens. It returns "" when there is no
// term.
func ftsQuery(terms []term) string {
	parts := make([]string, 0, len(terms))
	for _, t := range terms {
		run := []rune(t.text)
		switch {
		case t.cjk && len(run) == 1:
			parts = append(parts, `"`+t.text+`"*`)
		case t.cjk:
			for _, bg := range strings.Fields(bigrams(run)) {
				parts = append(parts, `"`+bg+`"`)
			}
		default:
			parts = append(parts, `"`+strings.ToLower(t.text)+`"`)
		}
	}
	return strings.Join(parts, " AND ")
}

// textChecks returns the terms that the index cannot answer exactly: CJK
// words of three characters or more, whose bigrams may occur apart.
func textChecks(terms []term) []string {
	var out []string
	for _, t := range terms {
		if t.cjk && len([]rune(t.text)) > 2 {
			out = append(out, t.text)
		}
	}
	return out
}

// matchesText reports whether it contains every one of words in its text.
func matchesText(it data.Item, words []string) bool {
	text := plainText(it.Title, it.Summary, it.Content)
	for _, w := range words {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}

// queuedMatch is the SQL condition, and its arguments, that an item still
// queued for indexing (see ftsqueue.go) must meet: every term occurs in its
// title, summary or plain content, ASCII letters in any case. It
// approximates the index, for the seconds an item waits: an English term
// also matches inside a longer word, a CJK term split by a tag is not
// found, nor a term only in content stored compressed (body.go).
func queuedMatch(terms []term) (string, []any) {
	conds := make([]string, 0, len(terms))
	args := make([]any, 0, len(terms))
	for _, t := range terms {
		conds = append(conds, `instr(lower(title || ' ' || summary || ' ' || content), ?) > 0`)
		args = append(args, strings.ToLower(t.text))
	}
	return strings.Join(conds, " AND "), args
}
