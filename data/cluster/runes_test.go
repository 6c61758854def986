package cluster

import (
	"testing"
	"unicode"
	"unicode/utf8"
)

// TestRuneInfo checks the rune classes against the unicode tables, for
// every rune.
func TestRuneInfo(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune+1; r++ {
		if got, want := isHan(r), unicode.Is(unicode.Han, r); got != want {
			t.Fatalf("isHan(%U) = %v", r, got)
		}
		if got, want := isWordRune(r), unicode.IsLetter(r) || unicode.IsDigit(r); got != want {
			t.Fatalf("isWordRune(%U) = %v", r, got)
		}
		if got, want := runeInfo(r)&rcSpace != 0, unicode.IsSpace(r); got != want {
			t.Fatalf("space(%U) = %v", r, got)
		}
		if got, want := toLower(r), unicode.ToLower(r); got != want {
			t.Fatalf("toLower(%U) = %U, want %U", r, got, want)
		}
	}
}

// TestDecodeRune checks decodeRune against utf8 on every sequence of up
// to two bytes, of three bytes with lead byte E0 to EF (its fast path),
// and on four-byte ones around the valid range.
func TestDecodeRune(t *testing.T) {
	check := func(b []byte) {
		t.Helper()
		wr, wn := utf8.DecodeRune(b)
		if r, n := decodeRune(b); r != wr || n != wn {
			t.Fatalf("decodeRune(%x) = %U, %d; want %U, %d", b, r, n, wr, wn)
		}
		if r, n := decodeRune(string(b)); r != wr || n != wn {
			t.Fatalf("decodeRune(%q) = %U, %d; want %U, %d", b, r, n, wr, wn)
		}
	}
	check(nil)
	for i := range 1 << 16 {
		check([]byte{byte(i >> 8), byte(i)})
		check([]byte{byte(i)})
	}
	for lead := 0xe0; lead <= 0xef; lead++ {
		for i := range 1 << 16 {
			check([]byte{byte(lead), byte(i >> 8), byte(i)})
		}
	}
	for _, lead := range []byte{0xef, 0xf0, 0xf4, 0xf5} {
		for i := range 1 << 16 {
			check([]byte{lead, byte(i >> 8), byte(i), 0x80})
		}
	}
}
