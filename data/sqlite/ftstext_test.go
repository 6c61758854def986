package sqlite

import (
	"strings"
	"testing"
	"unicode"
)

// segment replaces every run of CJK characters in s by its overlapping
// bigrams, separated by spaces; other text is left for the tokenizer.
func segment(s string) string {
	var b strings.Builder
	var run []rune
	flush := func() {
		b.WriteString(bigrams(run))
		run = run[:0]
	}
	for _, r := range s {
		if isCJK(r) {
			run = append(run, r)
			continue
		}
		if len(run) > 0 {
			flush()
		}
		b.WriteRune(r)
	}
	if len(run) > 0 {
		flush()
	}
	return b.String()
}

// ftsTextOracle is what ftsText was before it became one pass, and what it
// must still return: the plain text segmented, split into fields, each
// field once in order of first appearance.
func ftsTextOracle(title, summary, content string) string {
	words := strings.Fields(segment(plainText(title, summary, content)))
	seen := make(map[string]bool, len(words))
	var b strings.Builder
	for _, w := range words {
		if !seen[w] {
			seen[w] = true
			b.WriteString(w)
			b.WriteByte(' ')
		}
	}
	return b.String()
}

func TestFTSText(t *testing.T) {
	tests := []struct {
		name, title, summary, content, want string
	}{
		{"bigrams of a run", "四川省", "", "", "四川 川省 "},
		{"a lone character", "省", "", "", "省 "},
		{"words and runs touching", "GDP增长5%以上", "", "", "GDP 增长 5% 以上 "},
		{"each token once", "成都 成都市 市", "", "", "成都 都市 市 "},
		{"content after title, tags apart", "标题", "", "<p>第一段</p><p>two <b>words</b>here</p>", "标题 第一 一段 two wordshere "},
		{"summary and content", "t", "<p>摘要</p>", "<p>正文</p>", "t 摘要 正文 "},
		{"other spaces split", "a\u00a0b\u3000c\td", "", "", "a b c d "},
		{"kana and hangul are CJK", "カタカナ한국", "", "", "カタ タカ カナ ナ한 한국 "},
		{"invalid bytes are U+FFFD", "a\xffb 省\xfe", "", "", "a\ufffdb 省 \ufffd "},
		{"empty", "", "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ftsText(tc.title, tc.summary, tc.content)
			if got != tc.want {
				t.Errorf("ftsText = %q, want %q", got, tc.want)
			}
			if oracle := ftsTextOracle(tc.title, tc.summary, tc.content); got != oracle {
				t.Errorf("ftsText = %q, the composition gives %q", got, oracle)
			}
		})
	}
}

func FuzzFTSText(f *testing.F) {
	for _, s := range []string{"四川省人民政府", "GDP增长5%以上", "<p>第一段</p><p>two <b>words</b>here</p>", "a\xffb 省\xfe", "カタカナ한국 x", "  成都\u00a0成都市 "} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, title, content string) {
		if got, want := ftsText(title, "", content), ftsTextOracle(title, "", content); got != want {
			t.Errorf("ftsText(%q, %q) = %q, the composition gives %q", title, content, got, want)
		}
	})
}

// isCJK answers from its tables, whatever its shortcuts.
func TestIsCJKIsItsTables(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune+1; r++ {
		if want := unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul); isCJK(r) != want {
			t.Fatalf("isCJK(%U) = %v, the tables say %v", r, !want, want)
		}
	}
}

func BenchmarkFTSText(b *testing.B) {
	title := "四川省人民政府关于印发《成渝地区双城经济圈建设规划纲要》实施方案的通知"
	content := strings.Repeat("<p>为深入贯彻落实党中央、国务院决策部署，推动成渝地区双城经济圈建设，2026年全省GDP增长5%以上。The plan covers <b>Chengdu</b> and Chongqing.</p>", 20)
	b.ReportAllocs()
	for b.Loop() {
		ftsText(title, "", content)
	}
}
