package cluster

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Shingle sizes. Chinese text is shingled as overlapping runs of zhGram
// tokens, where a token is one Han character or one run of Latin letters or
// digits; runs do not cross punctuation. English text is shingled as
// overlapping runs of enGram content words (stop words dropped, plural -s
// removed), across punctuation.
const (
	zhGram = 3
	enGram = 2
)

// enStop are English function words and the commonest words of government
// news, dropped before shingling.
var enStop = func() map[string]bool {
	m := map[string]bool{}
	for w := range strings.FieldsSeq(`a an the and or but of to in on at by for with from as is are was were be been
	being it its this that these those which who whom whose what when where while will would shall should
	can could may might must has have had do does did not no nor so than then there their they them he she
	his her we our you your i me my also into over under about after before during between through up down
	out more most other such only own same too very s t just now said says say according`) {
		m[w] = true
	}
	return m
}()

// shingleMinHash returns the MinHash of the shingles of a cleaned,
// lower-cased text in language lang, or nil when it has none.
func shingleMinHash(text, lang string) []uint32 {
	var m minHasher
	if lang == "zh" {
		zhShingles(text, &m)
	} else {
		enShingles(text, &m)
	}
	return m.sum()
}

// zhShingles hashes token trigrams within each punctuation-delimited
// segment; a segment shorter than zhGram is one shingle.
func zhShingles(text string, m *minHasher) {
	var (
		toks [zhGram]string // the last tokens of the segment
		n    int            // tokens in the segment
	)
	for i := 0; i < len(text); {
		var tok string
		if isHanAt(text, i) {
			tok = text[i : i+3]
			i += 3
		} else {
			var (
				r  rune
				rn = 1
			)
			if c := text[i]; c < utf8.RuneSelf {
				r = rune(c)
			} else {
				r, rn = utf8.DecodeRuneInString(text[i:])
			}
			switch {
			case isHan(r):
				tok = text[i : i+rn]
				i += rn
			case isWordRune(r):
				j := i + rn
				for j < len(text) {
					if c := text[j]; c < utf8.RuneSelf {
						if !isASCIIAlnum(c) {
							break
						}
						j++
						continue
					}
					r2, n2 := utf8.DecodeRuneInString(text[j:])
					if !isWordRune(r2) || isHan(r2) {
						break
					}
					j += n2
				}
				tok = text[i:j]
				i = j
			case unicode.IsSpace(r):
				i += rn
				continue
			default: // punctuation ends the segment
				if n > 0 && n < zhGram {
					m.add(hashTokens(toks[:n]))
				}
				n = 0
				i += rn
				continue
			}
		}
		if n < zhGram {
			toks[n] = tok
		} else {
			copy(toks[:], toks[1:])
			toks[zhGram-1] = tok
		}
		if n++; n >= zhGram {
			m.add(hashTokens(toks[:]))
		}
	}
	if n > 0 && n < zhGram {
		m.add(hashTokens(toks[:n]))
	}
}

// enWords calls f with each content word of a lower-cased English text:
// the runs of letters and digits other than Han, stop words dropped,
// stemmed.
func enWords(text string, f func(w string)) {
	start := -1
	for i := 0; i <= len(text); {
		word, n := false, 1
		if i < len(text) {
			if c := text[i]; c < utf8.RuneSelf {
				word = isASCIIAlnum(c)
			} else {
				var r rune
				r, n = utf8.DecodeRuneInString(text[i:])
				word = isWordRune(r) && !isHan(r)
			}
		}
		switch {
		case word && start < 0:
			start = i
		case !word && start >= 0:
			if w := text[start:i]; !enStop[w] {
				f(stem(w))
			}
			start = -1
		}
		i += n
	}
}

// enShingles hashes word bigrams of content words; a text of one word is
// one shingle.
func enShingles(text string, m *minHasher) {
	var ws [enGram]string
	n := 0
	enWords(text, func(w string) {
		if n < enGram {
			ws[n] = w
		} else {
			copy(ws[:], ws[1:])
			ws[enGram-1] = w
		}
		if n++; n >= enGram {
			m.add(hashTokens(ws[:]))
		}
	})
	if n > 0 && n < enGram {
		m.add(hashTokens(ws[:n]))
	}
}

// stem removes a plural or possessive ending.
func stem(w string) string {
	switch {
	case len(w) > 4 && strings.HasSuffix(w, "ies"):
		return w[:len(w)-3] + "y"
	case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us"):
		return w[:len(w)-1]
	}
	return w
}

// isWordRune reports whether r is part of a word: a letter or digit.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return isASCIIAlnum(byte(r))
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// lowerText is strings.ToLower(s), faster on Chinese text: ASCII and CJK
// ideographs are handled without unicode's tables.
func lowerText(s string) string {
	i := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				break
			}
			i++
			continue
		}
		if isHanAt(s, i) {
			i += 3
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r != utf8.RuneError && unicode.ToLower(r) == r {
			i += n
			continue
		}
		break
	}
	if i == len(s) {
		return s
	}
	b := make([]byte, i, len(s)+utf8.UTFMax)
	copy(b, s[:i])
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b = append(b, c)
			i++
			continue
		}
		if isHanAt(s, i) {
			b = append(b, s[i:i+3]...)
			i += 3
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		b = utf8.AppendRune(b, unicode.ToLower(r))
		i += n
	}
	return string(b)
}

// hashTokens hashes a token sequence with FNV-1a and a final mix. The
// function is part of the persisted sketch format: never change it.
func hashTokens(ts []string) uint64 {
	h := uint64(14695981039346656037)
	for i, t := range ts {
		if i > 0 {
			h ^= 0x1f
			h *= 1099511628211
		}
		for j := 0; j < len(t); j++ {
			h ^= uint64(t[j])
			h *= 1099511628211
		}
	}
	return mix64(h)
}

// mix64 is the splitmix64 finaliser.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
