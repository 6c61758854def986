package cluster

import (
	"slices"
	"strings"
	"unicode"
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

// shingles returns the distinct 64-bit hashes of the shingles of a cleaned,
// lower-cased text in language lang.
func shingles(text, lang string) []uint64 {
	var hs []uint64
	if lang == "zh" {
		hs = zhShingles(text)
	} else {
		hs = enShingles(text)
	}
	slices.Sort(hs)
	return slices.Compact(hs)
}

// zhShingles hashes token trigrams within each punctuation-delimited
// segment; a segment shorter than zhGram is one shingle.
func zhShingles(text string) []uint64 {
	var hs []uint64
	seg := make([]string, 0, 64)
	flush := func() {
		if len(seg) == 0 {
			return
		}
		if len(seg) < zhGram {
			hs = append(hs, hashTokens(seg))
		}
		for i := 0; i+zhGram <= len(seg); i++ {
			hs = append(hs, hashTokens(seg[i:i+zhGram]))
		}
		seg = seg[:0]
	}
	for i := 0; i < len(text); {
		r, n := decodeRune(text[i:])
		switch {
		case isHan(r):
			seg = append(seg, text[i:i+n])
			i += n
		case isWordRune(r):
			j := i + n
			for j < len(text) {
				r2, n2 := decodeRune(text[j:])
				if !isWordRune(r2) || isHan(r2) {
					break
				}
				j += n2
			}
			seg = append(seg, text[i:j])
			i = j
		case unicode.IsSpace(r):
			i += n
		default:
			flush()
			i += n
		}
	}
	flush()
	return hs
}

// enWords returns the content words of a lower-cased English text.
func enWords(text string) []string {
	var ws []string
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !isWordRune(r) || isHan(r) }) {
		if enStop[w] {
			continue
		}
		ws = append(ws, stem(w))
	}
	return ws
}

// enShingles hashes word bigrams of content words; a text of one word is
// one shingle.
func enShingles(text string) []uint64 {
	ws := enWords(text)
	if len(ws) == 0 {
		return nil
	}
	if len(ws) < enGram {
		return []uint64{hashTokens(ws)}
	}
	hs := make([]uint64, 0, len(ws))
	for i := 0; i+enGram <= len(ws); i++ {
		hs = append(hs, hashTokens(ws[i:i+enGram]))
	}
	return hs
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
func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

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
