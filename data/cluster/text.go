package cluster

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// maxTextRunes caps the cleaned title+body that is shingled and searched for
// entities: near-duplicates show in the head of a text, and the cap bounds
// the cost of NewSketch on long policy documents.
const maxTextRunes = 4000

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
	if i := titleSep(t); i >= 0 && utf8.RuneCountInString(t[:i]) >= 4 {
		t = t[:i]
	}
	return strings.TrimSpace(t)
}

// titleSep returns where the first separator between a page title's own
// part and the site name(s) starts, or -1: the index of the leftmost match
// of \s*(?:_|\||｜|\s-\s|\s—\s)\s*. Such a match is a separator (_, |,
// ｜, or a dash with white space on both sides) and the white space before
// it; the first separator gives the leftmost match, since white space
// before a later one cannot reach back past the first.
func titleSep(t string) int {
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case c == '_' || c == '|' || c == 0xef && strings.HasPrefix(t[i:], "｜"):
		case (c == '-' || c == 0xe2 && strings.HasPrefix(t[i:], "—")) && i > 0 && isSpaceByte(t[i-1]):
			n := 1
			if c != '-' {
				n = len("—")
			}
			if i+n >= len(t) || !isSpaceByte(t[i+n]) {
				continue
			}
		default:
			continue
		}
		for i > 0 && isSpaceByte(t[i-1]) {
			i--
		}
		return i
	}
	return -1
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

// runePrefix returns the length of the first n runes of s, as a range
// loop counts them (an invalid byte is a rune).
func runePrefix[T string | []byte](s T, n int) int {
	if len(s) <= n { // bytes >= runes
		return len(s)
	}
	i := 0
	for ; n > 0 && i < len(s); n-- {
		switch {
		case s[i] < utf8.RuneSelf:
			i++
		case isHanAt(s, i):
			i += 3
		default:
			_, k := decodeRune(s[i:])
			i += k
		}
	}
	return i
}

// truncateRunes returns at most n runes of s.
func truncateRunes(s string, n int) string { return s[:runePrefix(s, n)] }

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
