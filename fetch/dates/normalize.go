package dates

import (
	"strings"
	"unicode"
)

// normalize folds the full-width forms Chinese pages use for digits and
// punctuation (２０２６－０６－１７, ：) into ASCII, turns every kind of
// white space into a plain space and drops zero-width characters, so that
// one set of patterns covers both spellings.
func normalize(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= '０' && r <= '９':
			b.WriteRune('0' + (r - '０'))
		case r >= 'Ａ' && r <= 'Ｚ':
			b.WriteRune('A' + (r - 'Ａ'))
		case r >= 'ａ' && r <= 'ｚ':
			b.WriteRune('a' + (r - 'ａ'))
		case r == '：':
			b.WriteByte(':')
		case r == '－' || r == '‐' || r == '‑' || r == '–' || r == '—' || r == '―':
			b.WriteByte('-')
		case r == '／':
			b.WriteByte('/')
		case r == '．' || r == '。':
			b.WriteByte('.')
		case r == '（':
			b.WriteByte('(')
		case r == '）':
			b.WriteByte(')')
		case r == '［' || r == '【':
			b.WriteByte('[')
		case r == '］' || r == '】':
			b.WriteByte(']')
		case r == '＋':
			b.WriteByte('+')
		case r == '，':
			b.WriteByte(',')
		case r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\ufeff':
			// zero-width characters: drop
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
