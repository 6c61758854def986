package article

import (
	"strings"
	"unicode"

	"github.com/PuerkitoBio/goquery"
)

// metas maps lower-cased meta names (name=, property= or itemprop=) to the
// first non-empty content seen for each.
type metas map[string]string

// readMetas collects the <meta> tags of doc.
func readMetas(doc *goquery.Document) metas {
	m := metas{}
	doc.Find("meta").Each(func(_ int, s *goquery.Selection) {
		content := collapse(s.AttrOr("content", ""))
		if content == "" {
			return
		}
		for _, key := range []string{"name", "property", "itemprop"} {
			k := strings.ToLower(strings.TrimSpace(s.AttrOr(key, "")))
			if k == "" {
				continue
			}
			if _, ok := m[k]; !ok {
				m[k] = content
			}
		}
	})
	return m
}

// first returns the first non-empty meta among names and the name that
// held it, as spelled by the caller (for rule names).
func (m metas) first(names ...string) (value, name string) {
	for _, n := range names {
		if v := m[strings.ToLower(n)]; v != "" {
			return v, n
		}
	}
	return "", ""
}

// splitKeywords splits a meta Keywords list on ASCII and full-width commas
// and semicolons and on 、 and |; a piece written in Chinese is also split on
// white space (CJK keyword lists are often space-separated), while a Latin
// phrase such as "Belt and Road" is kept whole. Empties and duplicates are
// dropped; order is kept.
func splitKeywords(s string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(k string) {
		k = collapse(k)
		if k == "" || seen[k] {
			return
		}
		seen[k] = true
		out = append(out, k)
	}
	for _, piece := range strings.FieldsFunc(s, func(r rune) bool {
		return strings.ContainsRune(",;，；、|｜", r)
	}) {
		if hasHan(piece) {
			for _, k := range strings.FieldsFunc(piece, isSpace) {
				add(k)
			}
			continue
		}
		add(piece)
	}
	return out
}

// hasHan reports whether s contains a Han character.
func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
