package cluster

import (
	"unicode"
	"unicode/utf8"
)

// The classes of a rune (runeInfo).
const (
	rcHan   = 1 << iota // unicode.Han
	rcWord              // a letter or digit (isWordRune)
	rcSpace             // unicode.IsSpace
	rcCased             // unicode.ToLower changes it
)

// runeClasses holds the classes of the runes below U+3040: ASCII, the
// alphabets, general and CJK punctuation, the runes of news text besides
// the ideographs.
var runeClasses = func() (t [0x3040]uint8) {
	for r := range rune(len(t)) {
		t[r] = slowRuneInfo(r)
	}
	return t
}()

// runeInfo returns the classes of r.
func runeInfo(r rune) uint8 {
	if uint32(r) < uint32(len(runeClasses)) {
		return runeClasses[r]
	}
	return bigRuneInfo(r)
}

// bigRuneInfo is runeInfo for the runes from U+3040.
func bigRuneInfo(r rune) uint8 {
	if r >= 0x4e00 && r <= 0x9fff {
		return rcHan | rcWord
	}
	return slowRuneInfo(r)
}

// slowRuneInfo is runeInfo by the unicode tables.
func slowRuneInfo(r rune) uint8 {
	var c uint8
	if unicode.Is(unicode.Han, r) {
		c |= rcHan
	}
	if unicode.IsLetter(r) || unicode.IsDigit(r) {
		c |= rcWord
	}
	if unicode.IsSpace(r) {
		c |= rcSpace
	}
	if unicode.ToLower(r) != r {
		c |= rcCased
	}
	return c
}

// isHan reports whether r is a CJK ideograph (unicode.Han).
func isHan(r rune) bool { return runeInfo(r)&rcHan != 0 }

// isWordRune reports whether r is part of a word: a letter or digit.
func isWordRune(r rune) bool { return runeInfo(r)&rcWord != 0 }

// toLower is unicode.ToLower.
func toLower(r rune) rune {
	if runeInfo(r)&rcCased == 0 {
		return r
	}
	return unicode.ToLower(r)
}

// decodeRune is utf8.DecodeRuneInString, or utf8.DecodeRune, faster for
// ASCII and three-byte runes (the ideographs, CJK and general
// punctuation).
func decodeRune[T string | []byte](s T) (rune, int) {
	if len(s) > 0 && s[0] < utf8.RuneSelf {
		return rune(s[0]), 1
	}
	if len(s) >= 3 && s[0]&0xf0 == 0xe0 && s[1]&0xc0 == 0x80 && s[2]&0xc0 == 0x80 {
		// Valid unless overlong (E0 80-9F xx) or a surrogate (ED A0-BF xx).
		if r := rune(s[0]&0x0f)<<12 | rune(s[1]&0x3f)<<6 | rune(s[2]&0x3f); r >= 0x800 && (r < 0xd800 || r > 0xdfff) {
			return r, 3
		}
	}
	var b [utf8.UTFMax]byte
	return utf8.DecodeRune(b[:copy(b[:], s)])
}

// isHanAt reports whether s[i:] starts with a CJK ideograph of the main
// block, U+4E00 to U+9FFF: a valid three-byte sequence with lead byte E4
// (and second byte from B8) to E9. Hot loops test it before decoding.
func isHanAt[T string | []byte](s T, i int) bool {
	if i+2 >= len(s) {
		return false
	}
	c := s[i]
	return (c-0xe5 <= 0xe9-0xe5 || c == 0xe4 && s[i+1] >= 0xb8) && s[i+1]&0xc0 == 0x80 && s[i+2]&0xc0 == 0x80
}

// hanRune decodes the ideograph at s[i:] (isHanAt).
func hanRune[T string | []byte](s T, i int) rune {
	return rune(s[i]&0x0f)<<12 | rune(s[i+1]&0x3f)<<6 | rune(s[i+2]&0x3f)
}
