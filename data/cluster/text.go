package cluster

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxTextRunes caps the cleaned title+body that is shingled and searched for
// entities: near-duplicates show in the head of a text, and the cap bounds
// the cost of NewSketch on long policy documents.
const maxTextRunes = 4000

// titleSep splits a page title into its own part and the site name(s).
var titleSep = regexp.MustCompile(`\s*(?:_|\||｜|\s-\s|\s—\s)\s*`)

// titleTag is a leading tag such as 【图文】, [视频] or 转发：.
var titleTag = regexp.MustCompile(`^\s*(?:[【\[][^】\]]{1,6}[】\]]|(?:转发|转载|转自)\s*[:：])\s*`)

// cleanTitle strips site-name suffixes ("…_四川省人民政府", "… - 四川省人民政府网站",
// "…_宏观经济_中国政府网") and leading tags.
func cleanTitle(t string) string {
	t = strings.TrimSpace(nfkcString(t))
	for mayHaveTitleTag(t) {
		u := titleTag.ReplaceAllString(t, "")
		if u == t {
			break
		}
		t = u
	}
	// titleSep.Split(t, -1)[0], when there is a separator.
	if strings.ContainsAny(t, "_|｜-—") {
		if m := titleSep.FindStringIndex(t); m != nil && utf8.RuneCountInString(t[:m[0]]) >= 4 {
			t = t[:m[0]]
		}
	}
	return strings.TrimSpace(t)
}

// mayHaveTitleTag reports whether titleTag can match t: after ASCII white
// space, t must start with 【, [ or 转.
func mayHaveTitleTag(t string) bool {
	t = strings.TrimLeft(t, "\t\n\f\r ")
	return strings.HasPrefix(t, "【") || strings.HasPrefix(t, "[") || strings.HasPrefix(t, "转")
}

// prefixLen returns the length of the longest prefix of s of at most n
// bytes that ends on a rune boundary.
func prefixLen(s []byte, n int) int {
	if len(s) <= n {
		return len(s)
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return n
}

// truncateRunes returns at most n runes of s.
func truncateRunes(s string, n int) string {
	if len(s) <= n { // bytes >= runes
		return s
	}
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

// isHan reports whether r is a CJK ideograph (unicode.Han).
func isHan(r rune) bool {
	switch {
	case r < 0x2e80:
		return false
	case r >= 0x4e00 && r <= 0x9fff:
		return true
	}
	return unicode.Is(unicode.Han, r)
}

// detectLang returns "zh" when Chinese characters make up at least a fifth
// of the letters (a Han character carries about as much as a whole English
// word), "en" when there are Latin letters and no such share of Han, and ""
// for text with neither.
func detectLang(s string) string {
	han, latin := 0, 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if isASCIILetter(c) {
				latin++
			}
			i++
			continue
		}
		if isHanAt(s, i) {
			han++
			i += 3
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if isHan(r) {
			han++
		}
		i += n
	}
	return langOf(han, latin)
}

// langOf is detectLang's rule on the counts of Han runes and ASCII letters.
func langOf(han, latin int) string {
	switch {
	case han > 0 && han*5 >= han+latin:
		return "zh"
	case latin > 0:
		return "en"
	}
	return ""
}

func isASCIILetter(b byte) bool { return (b|0x20) >= 'a' && (b|0x20) <= 'z' }
