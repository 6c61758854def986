package cluster

import (
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// appendNFKC appends the NFKC form of s to dst; it equals
// norm.NFKC.String(s) but handles the runes of Chinese and English news
// itself: ASCII, CJK ideographs and common punctuation stay as they are,
// full-width forms become ASCII, the ideographic space a space and the
// ellipsis three dots. Only stretches around other runes go through norm.
// Every rune handled here starts a normalisation segment (norm's
// BoundaryBefore), so the NFKC of the whole is the concatenation of the
// parts; TestNFKCFastRunes checks the table against norm and FuzzNFKC the
// whole function. That holds for valid UTF-8 only (see cleaner.body): s
// must be valid.
func appendNFKC[T string | []byte](dst []byte, s T) []byte {
	last, lastOut := -1, 0 // start of the last rune handled here, and len(dst) before it
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			last, lastOut = i, len(dst)
			dst = append(dst, c)
			i++
			continue
		}
		if isHanAt(s, i) {
			last, lastOut = i, len(dst)
			dst = append(dst, s[i:i+3]...)
			i += 3
			continue
		}
		r, n := decodeRune(s[i:])
		if k := fastNFKC(r); k != nfkcSlow {
			last, lastOut = i, len(dst)
			dst = appendFast(dst, k, r, s[i:i+n])
			i += n
			continue
		}
		// Normalise from the rune before (it may combine with what
		// follows) up to the next rune handled here.
		from := i
		if last >= 0 {
			from, dst = last, dst[:lastOut]
		}
		j := i + n
		for j < len(s) {
			if s[j] < utf8.RuneSelf {
				break
			}
			r, n := decodeRune(s[j:])
			if fastNFKC(r) != nfkcSlow {
				break
			}
			j += n
		}
		dst = appendNorm(dst, s[from:j])
		last, i = -1, j
	}
	return dst
}

// nfkcString returns norm.NFKC.String(s), by appendNFKC when s is valid
// UTF-8; it returns s itself when s is already in NFKC form.
func nfkcString(s string) string {
	if !utf8.ValidString(s) {
		return norm.NFKC.String(s)
	}
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		if isHanAt(s, i) {
			i += 3
			continue
		}
		r, n := decodeRune(s[i:])
		if fastNFKC(r) != nfkcSame {
			return string(appendNFKC(make([]byte, 0, len(s)), s))
		}
		i += n
	}
	return s
}

// How fastNFKC handles a non-ASCII rune.
const (
	nfkcSlow     = iota // left to norm
	nfkcSame            // its own NFKC form
	nfkcWide            // a full-width form of an ASCII character
	nfkcSpace           // U+3000 ideographic space, NFKC " "
	nfkcEllipsis        // U+2026 horizontal ellipsis, NFKC "..."
)

// fastNFKC classifies a non-ASCII rune for appendNFKC.
func fastNFKC(r rune) int {
	switch {
	case r >= 0x4e00 && r <= 0x9fff, r >= 0x3400 && r <= 0x4dbf: // CJK ideographs
		return nfkcSame
	case r >= 0xff01 && r <= 0xff5e:
		return nfkcWide
	case r >= 0x3001 && r <= 0x3029: // CJK punctuation: 、。〈〉《》「」【】〔〕…
		return nfkcSame
	case r >= 0x2012 && r <= 0x2016, r >= 0x2018 && r <= 0x2022, r == 0x2010, r == 0x2030, r == 0x00b7:
		return nfkcSame // dashes, quotes, bullets, per mille, middle dot
	case r == 0x3000:
		return nfkcSpace
	case r == 0x2026:
		return nfkcEllipsis
	}
	return nfkcSlow
}

// appendNorm appends norm.NFKC's form of s, normalised on its own (not
// with the end of dst, as norm's Append would).
func appendNorm[T string | []byte](dst []byte, s T) []byte {
	if b, ok := any(s).([]byte); ok {
		return append(dst, norm.NFKC.Bytes(b)...)
	}
	return append(dst, norm.NFKC.String(string(s))...)
}

// appendFast appends the NFKC form of the rune r, raw, of class k.
func appendFast[T string | []byte](dst []byte, k int, r rune, raw T) []byte {
	switch k {
	case nfkcWide:
		return append(dst, byte(r-0xfee0))
	case nfkcSpace:
		return append(dst, ' ')
	case nfkcEllipsis:
		return append(dst, "..."...)
	}
	return append(dst, raw...)
}
