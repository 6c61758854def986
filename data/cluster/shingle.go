package cluster

import (
	"bytes"
	"strings"
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

// shingleMinHash returns the MinHash of the shingles of a cleaned text in
// language lang, or nil when it has none. The shingles are those of the
// lower-cased text, strings.ToLower(text): the shinglers lower-case each
// rune as they read it (lowerRune), which is the same, since ToLower maps
// each rune of text, or invalid byte, to one rune.
func shingleMinHash(text []byte, lang string) []uint32 {
	var m minHasher
	if lang == "zh" {
		zhShingles(text, &m)
	} else {
		enShingles(text, &m)
	}
	return m.sum()
}

// lowerRune returns the lower-case form of the rune at text[i] as
// strings.ToLower writes it (utf8.RuneError for an invalid byte), and the
// length of the rune in text.
func lowerRune(text []byte, i int) (rune, int) {
	if c := text[i]; c < utf8.RuneSelf {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		return rune(c), 1
	}
	if isHanAt(text, i) {
		return hanRune(text, i), 3
	}
	r, n := decodeRune(text[i:])
	return toLower(r), n
}

// fnv3 folds the UTF-8 form of r into three FNV states.
func fnv3(x2, x1, x0 uint64, r rune) (uint64, uint64, uint64) {
	if r < utf8.RuneSelf {
		return (x2 ^ uint64(r)) * fnvPrime, (x1 ^ uint64(r)) * fnvPrime, (x0 ^ uint64(r)) * fnvPrime
	}
	var b [utf8.UTFMax]byte
	for _, c := range b[:utf8.EncodeRune(b[:], r)] {
		x2, x1, x0 = (x2^uint64(c))*fnvPrime, (x1^uint64(c))*fnvPrime, (x0^uint64(c))*fnvPrime
	}
	return x2, x1, x0
}

// zhShingles hashes token trigrams within each punctuation-delimited
// segment of the lower-cased text; a segment shorter than zhGram (3) is
// one shingle. A token is an ideograph or a run of other letters and
// digits. The hash of a shingle is hashTokens of its tokens, computed as
// the tokens come: h1 and h2 are the FNV states of the last token and of
// the last two, so each token is folded into three states at once.
func zhShingles(text []byte, m *minHasher) {
	var (
		h1, h2 uint64 // FNV states of the segment's last token, last two tokens
		n      int    // tokens in the segment
	)
	for i := 0; i < len(text); {
		var x2, x1, x0 uint64 // h2, h1 and a new state, each with the next token
		if isHanAt(text, i) {
			c0, c1, c2 := uint64(text[i]), uint64(text[i+1]), uint64(text[i+2])
			x2 = ((((h2^0x1f)*fnvPrime^c0)*fnvPrime^c1)*fnvPrime ^ c2) * fnvPrime
			x1 = ((((h1^0x1f)*fnvPrime^c0)*fnvPrime^c1)*fnvPrime ^ c2) * fnvPrime
			x0 = (((fnvOffset^c0)*fnvPrime^c1)*fnvPrime ^ c2) * fnvPrime
			i += 3
		} else {
			r, rn := lowerRune(text, i)
			switch info := runeInfo(r); {
			case info&rcHan != 0:
				x2, x1, x0 = fnv3(fnvNext(h2), fnvNext(h1), fnvOffset, r)
				i += rn
			case info&rcWord != 0:
				x2, x1, x0 = fnv3(fnvNext(h2), fnvNext(h1), fnvOffset, r)
				for i += rn; i < len(text); i += rn {
					if c := text[i]; c < utf8.RuneSelf {
						if !isASCIIAlnum(c) {
							break
						}
						if 'A' <= c && c <= 'Z' {
							c += 'a' - 'A'
						}
						x2, x1, x0 = (x2^uint64(c))*fnvPrime, (x1^uint64(c))*fnvPrime, (x0^uint64(c))*fnvPrime
						rn = 1
						continue
					}
					if r, rn = lowerRune(text, i); runeInfo(r)&(rcWord|rcHan) != rcWord {
						break
					}
					x2, x1, x0 = fnv3(x2, x1, x0, r)
				}
			case info&rcSpace != 0:
				i += rn
				continue
			default: // punctuation ends the segment
				addShort(m, n, h1, h2)
				n = 0
				i += rn
				continue
			}
		}
		if n++; n >= zhGram {
			m.add(mix64(x2))
		}
		h2, h1 = x1, x0
	}
	addShort(m, n, h1, h2)
}

// addShort adds the shingle of a segment of one or two tokens, whose FNV
// states are h1 and h2.
func addShort(m *minHasher, n int, h1, h2 uint64) {
	switch n {
	case 1:
		m.add(mix64(h1))
	case 2:
		m.add(mix64(h2))
	}
}

// enWords calls f with each content word of the lower-cased text: the
// runs of letters and digits other than Han, lower-cased, stop words
// dropped. w is valid until f returns.
func enWords(text []byte, f func(w []byte)) {
	var buf [64]byte
	w := buf[:0]
	for i := 0; i < len(text); {
		if c := text[i]; c < utf8.RuneSelf {
			if !isASCIIAlnum(c) {
				i++
				continue
			}
		} else if r, n := lowerRune(text, i); runeInfo(r)&(rcWord|rcHan) != rcWord {
			i += n
			continue
		}
		start := i // of a word
		for i < len(text) && isASCIIAlnum(text[i]) {
			i++
		}
		w = lowerASCII(append(w[:0], text[start:i]...))
		for i < len(text) { // the rest, rune by rune
			r, n := rune(text[i]), 1
			if r >= utf8.RuneSelf {
				r, n = lowerRune(text, i)
			} else if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			if runeInfo(r)&(rcWord|rcHan) != rcWord {
				break
			}
			w = utf8.AppendRune(w, r)
			i += n
		}
		if !isStopWord(w) {
			f(w)
		}
	}
}

// lowerASCII lower-cases the ASCII letters of b in place.
func lowerASCII(b []byte) []byte {
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return b
}

// isStopWord reports whether w is one of enStop.
func isStopWord(w []byte) bool {
	return enStopFilter.mayHave(w) && enStop[string(w)]
}

// enStopFilter holds the words of enStop: a cheap test before it.
var enStopFilter = func() (f wordFilter) {
	for w := range enStop {
		f.add(w)
	}
	return f
}()

// enShingles hashes bigrams of stemmed content words; a text of one word
// is one shingle. As in zhShingles, h1 is the FNV state of the last word.
func enShingles(text []byte, m *minHasher) {
	var h1 uint64
	n := 0
	enWords(text, func(w []byte) {
		base, y := stem(w)
		x1, x0 := fnvNext(h1), uint64(fnvOffset)
		for _, c := range base {
			x1, x0 = (x1^uint64(c))*fnvPrime, (x0^uint64(c))*fnvPrime
		}
		if y {
			x1, x0 = (x1^'y')*fnvPrime, (x0^'y')*fnvPrime
		}
		if n++; n >= enGram {
			m.add(mix64(x1))
		}
		h1 = x0
	})
	if n == 1 {
		m.add(mix64(h1))
	}
}

// stem removes a plural or possessive ending: the stem is base, followed
// by a 'y' when y is set.
func stem(w []byte) (base []byte, y bool) {
	switch {
	case len(w) > 4 && bytes.HasSuffix(w, []byte("ies")):
		return w[:len(w)-3], true
	case len(w) > 3 && w[len(w)-1] == 's' && !bytes.HasSuffix(w, []byte("ss")) && !bytes.HasSuffix(w, []byte("us")):
		return w[:len(w)-1], false
	}
	return w, false
}

// hashTokens hashes a token sequence with FNV-1a and a final mix. The
// function is part of the persisted sketch format: never change it.
func hashTokens(ts []string) uint64 {
	h := uint64(fnvOffset)
	for i, t := range ts {
		if i > 0 {
			h = fnvNext(h)
		}
		for j := 0; j < len(t); j++ {
			h ^= uint64(t[j])
			h *= fnvPrime
		}
	}
	return mix64(h)
}

// The FNV-1a parameters of hashTokens.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// fnvNext folds the separator between two tokens (0x1f) into h.
func fnvNext(h uint64) uint64 { return (h ^ 0x1f) * fnvPrime }

// mix64 is the splitmix64 finaliser.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
