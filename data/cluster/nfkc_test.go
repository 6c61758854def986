package cluster

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// TestNFKCFastRunes checks fastNFKC's table against norm for every rune it
// handles: appendFast gives the rune's NFKC form, and the rune starts an
// NFKC segment (nothing before it can change).
func TestNFKCFastRunes(t *testing.T) {
	n := 0
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		k := fastNFKC(r)
		if k == nfkcSlow {
			continue
		}
		n++
		s := string(r)
		if got, want := string(appendFast(nil, k, r, s)), norm.NFKC.String(s); got != want {
			t.Errorf("%U: fast NFKC %q, norm %q", r, got, want)
		}
		if !norm.NFKC.PropertiesString(s).BoundaryBefore() {
			t.Errorf("%U does not start an NFKC segment", r)
		}
	}
	if n < 20000 {
		t.Errorf("only %d runes handled without norm", n)
	}
	for c := range utf8.RuneSelf {
		if s := string(rune(c)); norm.NFKC.String(s) != s || !norm.NFKC.PropertiesString(s).BoundaryBefore() {
			t.Errorf("ASCII %q is not its own NFKC segment", s)
		}
	}
}

// nfkcSeeds mix the fast runes with runes that combine with them.
var nfkcSeeds = []string{
	"",
	"总产量稳定在１２５亿斤以上（含）",
	"ＡＢＣ\u0301 e\u0301 ｶﾞ か\u3099 Å \u1100\u1161\u11a8 한",
	"…﹣①⑴㍿ﬁⅫ²½\u00a0\u3000\u2028",
	"a" + strings.Repeat("\u0301", 40) + "b" + strings.Repeat("\u0323\u0301", 20),
	"\xe4\xb8\n\xff\u0301\xc0\xaf中\xe4",
	"\u0f73\u0345ｶ\u3099\u309a\u0301中\u0301【\u0301】",
	"Ｋelvin \u212a ſ İ",
	"00000000000000000000000000000000000\xf7\u037e0", // norm copies the incomplete \xf7\u037e at the end
	"a\xe4\u037e\nb\xf7\u037e",
}

func TestNFKCMatchesNorm(t *testing.T) {
	for _, s := range append(nfkcSeeds, scanSeeds...) {
		checkNFKC(t, s)
	}
}

func FuzzNFKC(f *testing.F) {
	for _, s := range nfkcSeeds {
		f.Add(s)
	}
	f.Fuzz(checkNFKC)
}

func checkNFKC(t *testing.T, s string) {
	if got, want := nfkcString(s), norm.NFKC.String(s); got != want {
		t.Errorf("nfkcString(%q) = %+q, want %+q", s, got, want)
	}
	s = strings.ToValidUTF8(s, "") // appendNFKC and the line by line NFKC need valid UTF-8
	if got, want := string(appendNFKC([]byte("x"), s)), "x"+norm.NFKC.String(s); got != want {
		t.Errorf("appendNFKC(%q) = %+q, want %+q", s, got[1:], want[1:])
	}
	// Lines are normalised one by one: a newline starts a segment and no
	// rune's NFKC form has one.
	var lines []string
	for l := range strings.SplitSeq(s, "\n") {
		lines = append(lines, norm.NFKC.String(l))
	}
	if got, want := strings.Join(lines, "\n"), norm.NFKC.String(s); got != want {
		t.Errorf("NFKC line by line of %q = %q, want %q", s, got, want)
	}
}

// TestRuneHelpers checks the rune tests of the hot loops against unicode
// and utf8, exhaustively.
func TestRuneHelpers(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if got, want := isHan(r), unicode.Is(unicode.Han, r); got != want {
			t.Fatalf("isHan(%U) = %v, want %v", r, got, want)
		}
		if got, want := isWordRune(r), unicode.IsLetter(r) || unicode.IsDigit(r); got != want {
			t.Fatalf("isWordRune(%U) = %v, want %v", r, got, want)
		}
		if l := unicode.ToLower(r); r >= utf8.RuneSelf && l < utf8.RuneSelf && r != 'İ' && r != '\u212a' {
			t.Errorf("%U lower-cases to ASCII %q: nextWord must know it", r, l)
		}
		if s := string(r); strings.Contains(norm.NFKC.String(s), "\n") != (r == '\n') {
			t.Errorf("NFKC of %U has a newline", r)
		}
	}
	// Three-byte sequences, valid or not.
	var b [3]byte
	for c0 := 0xe0; c0 <= 0xef; c0++ {
		for c1 := range 256 {
			for c2 := range 256 {
				b = [3]byte{byte(c0), byte(c1), byte(c2)}
				s := string(b[:])
				r, n := decodeRune(s)
				wr, wn := utf8.DecodeRuneInString(s)
				if r != wr || n != wn {
					t.Fatalf("decodeRune(%q) = %U, %d; want %U, %d", s, r, n, wr, wn)
				}
				if isHanAt(s, 0) != (wn == 3 && wr >= 0x4e00 && wr <= 0x9fff) || isHanAt(s, 0) && hanRune(s, 0) != wr {
					t.Fatalf("isHanAt(%q) wrong", s)
				}
			}
		}
	}
}

// TestFoldOrbits checks that ſ and the Kelvin sign are the only non-ASCII runes that
// case-insensitive patterns match as ASCII letters (extractor.fold).
func TestFoldOrbits(t *testing.T) {
	for c := rune('a'); c <= 'z'; c++ {
		for r := unicode.SimpleFold(c); r != c; r = unicode.SimpleFold(r) {
			if r >= utf8.RuneSelf && r != 'ſ' && r != '\u212a' {
				t.Errorf("%q folds to %U", c, r)
			}
		}
	}
}
