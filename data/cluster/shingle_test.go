package cluster

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// specShingles is how the shingles were hashed first: the text lower-cased
// whole, then each shingle's tokens gathered and hashed by hashTokens.
func specShingles(text, lang string) []uint32 {
	text = strings.ToLower(text)
	var m minHasher
	if lang == "zh" {
		specZhShingles(text, &m)
	} else {
		specEnShingles(text, &m)
	}
	return m.sum()
}

func specZhShingles(text string, m *minHasher) {
	var (
		toks [zhGram]string
		n    int
	)
	for i := 0; i < len(text); {
		r, rn := utf8.DecodeRuneInString(text[i:])
		var tok string
		switch {
		case isHan(r):
			tok = text[i : i+rn]
			i += rn
		case isWordRune(r):
			j := i + rn
			for j < len(text) {
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
		default:
			if n > 0 && n < zhGram {
				m.add(hashTokens(toks[:n]))
			}
			n = 0
			i += rn
			continue
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

func specEnShingles(text string, m *minHasher) {
	var ws []string
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !isWordRune(r) || isHan(r) }) {
		if enStop[w] {
			continue
		}
		switch {
		case len(w) > 4 && strings.HasSuffix(w, "ies"):
			w = w[:len(w)-3] + "y"
		case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us"):
			w = w[:len(w)-1]
		}
		ws = append(ws, w)
	}
	for i := 1; i < len(ws); i++ {
		m.add(hashTokens(ws[i-1 : i+1]))
	}
	if len(ws) == 1 {
		m.add(hashTokens(ws))
	}
}

// shingleSeeds mix case, scripts, invalid UTF-8 and runes whose lower case
// is longer or shorter than they are.
var shingleSeeds = []string{
	"",
	"四川省人民政府办公厅关于印发《方案》的通知。GDP增长5.2%，PM2.5浓度下降",
	"The Governor's OFFICE said Sichuan's cities were growing; Studies show 12 STUDIES",
	"İstanbul \u212aelvin ſeventh ΣΊΣΥΦΟΣ Ⱥⱥ Ω ǅ ǈ ß ẞ ﬁ ＡＢＣ ａｂｃ",
	"\xff\xfe中\xe4\xb8文\xe4 ab\x80cd 第\xe5三",
	"a", "Abc", "中", "中文", "中文字", "，中，文，", "x y z w", "the and of",
	"㐀㐁𠀀𠀁 \u3400 Ⅻ ⅻ ① ⓐ Ⓐ 𝐀𝐁 \U0001F600 ٣٤ Ａ１",
	strings.Repeat("Word ", 50) + strings.Repeat("词语", 50),
}

// FuzzShingles checks shingleMinHash against specShingles; go test runs
// it on the seeds, which include the scans' and testdata/fuzz/texts.
func FuzzShingles(f *testing.F) {
	for _, s := range slices.Concat(shingleSeeds, scanSeeds, fuzzTexts(f)) {
		f.Add(s)
	}
	f.Fuzz(checkShingles)
}

func checkShingles(t *testing.T, s string) {
	t.Helper()
	for _, lang := range []string{"zh", "en"} {
		if diff := cmp.Diff(specShingles(s, lang), shingleMinHash([]byte(s), lang)); diff != "" {
			t.Errorf("shingleMinHash(%q, %s) (-spec +got):\n%s", s, lang, diff)
		}
	}
}

// TestLowerRuneClasses checks what lowerRune's callers rely on: every rune
// lower-cases to one rune (strings.ToLower maps rune by rune).
func TestLowerRuneClasses(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if r >= 0xd800 && r <= 0xdfff {
			continue
		}
		s := string(r)
		l := strings.ToLower(s)
		if lr, n := lowerRune([]byte(s), 0); string(lr) != l || n != len(s) {
			t.Fatalf("lowerRune(%U) = %U, %d; ToLower %+q", r, lr, n, l)
		}
	}
}
