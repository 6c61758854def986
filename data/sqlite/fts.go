package sqlite

import (
	"context"
	"database/sql"
	"fmt"
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

// ftsQuery turns a user's search words into an FTS5 MATCH expression: every
// word must match (AND); a CJK word matches as the phrase of its bigrams, a
// lone CJK character as a prefix, other words as quoted tokens (so FTS5
// operators and punctuation in user input are never interpreted). It
// returns "" when the input has no searchable word.
func ftsQuery(q string) string {
	var terms []string
	for _, word := range strings.FieldsFunc(q, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || isCJK(r))
	}) {
		terms = append(terms, wordTerms(word)...)
	}
	return strings.Join(terms, " AND ")
}

// wordTerms splits one word into CJK runs and other runs, each a term.
func wordTerms(word string) []string {
	var terms []string
	var cur []rune
	cjk := false
	emit := func() {
		if len(cur) == 0 {
			return
		}
		switch {
		case cjk && len(cur) == 1:
			terms = append(terms, `"`+string(cur)+`"*`)
		case cjk:
			terms = append(terms, `"`+strings.TrimSpace(bigrams(cur))+`"`)
		default:
			terms = append(terms, `"`+strings.ToLower(string(cur))+`"`)
		}
		cur = cur[:0]
	}
	for _, r := range word {
		if c := isCJK(r); c != cjk && len(cur) > 0 {
			emit()
		}
		cjk = isCJK(r)
		cur = append(cur, r)
	}
	emit()
	return terms
}

// indexAll indexes every stored item, for a database that predates the
// full-text index (schema version 1).
func indexAll(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("index items: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	rows, err := tx.QueryContext(ctx, `SELECT id, title, summary, content FROM items`)
	if err != nil {
		return fmt.Errorf("index items: %w", err)
	}
	type doc struct {
		id                      int64
		title, summary, content string
	}
	var docs []doc
	for rows.Next() {
		var d doc
		if err := rows.Scan(&d.id, &d.title, &d.summary, &d.content); err != nil {
			_ = rows.Close()
			return fmt.Errorf("index items: %w", err)
		}
		docs = append(docs, d)
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("index items: %w", err)
	}
	for _, d := range docs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO items_fts (rowid, body) VALUES (?, ?)`,
			d.id, ftsText(d.title, d.summary, d.content)); err != nil {
			return fmt.Errorf("index item %d: %w", d.id, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("index items: %w", err)
	}
	return nil
}
