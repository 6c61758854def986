package cluster

import (
	"bytes"
	"math"
	"os"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/text/unicode/norm"
)

// specHTMLText is how HTML became text before htmlLines: the whole
// fragment at once, one line per block element.
func specHTMLText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			tag := string(name)
			if tag == "script" || tag == "style" {
				if z.Token().Type == html.StartTagToken {
					skip++
				} else if skip > 0 {
					skip--
				}
				continue
			}
			if isBlockTag(tag) {
				b.WriteByte('\n')
			}
		}
	}
}

// specTitleSep splits a page title into its own part and the site name(s).
var specTitleSep = regexp.MustCompile(`\s*(?:_|\||｜|\s-\s|\s—\s)\s*`)

// specCleanTitle is cleanTitle as it was written first.
func specCleanTitle(t string) string {
	t = strings.TrimSpace(norm.NFKC.String(t))
	for {
		u := titleTag.ReplaceAllString(t, "")
		if u == t {
			break
		}
		t = u
	}
	if parts := specTitleSep.Split(t, -1); len(parts) > 1 && utf8.RuneCountInString(parts[0]) >= 4 {
		t = parts[0]
	}
	return strings.TrimSpace(t)
}

// checkCleaning checks the cleaning shortcuts on one body: htmlLines
// against specHTMLText, and a cleaner with a limit (cleaning long lines by
// their head) against cleanBody.
func checkCleaning(t *testing.T, body string, limit, long int) {
	t.Helper()
	if looksHTML(body) {
		var b, line []byte
		htmlLines(body, long, func(piece []byte, end bool) bool {
			if !bytes.HasPrefix(piece, line) && !end {
				t.Errorf("unfinished line %q does not extend %q", piece, line)
			}
			line = append(line[:0], piece...)
			if end {
				b = append(append(b, piece...), '\n')
				line = line[:0]
			}
			return true
		})
		if got, want := strings.TrimSuffix(string(b), "\n"), specHTMLText(body); got != want {
			t.Errorf("htmlLines(%.80q) = %q, want %q", body, got, want)
		}
	}
	full := cleanBody(body)
	c := cleaner{limit: limit, long: long}
	c.body(body)
	got := string(c.out)
	if !strings.HasPrefix(full, got) {
		t.Errorf("cleaner(limit %d, long %d) of %.80q = %q, not a prefix of cleanBody's %q", limit, long, body, got, full)
	} else if got != full && utf8.RuneCountInString(got) < limit {
		t.Errorf("cleaner(limit %d, long %d) of %.80q stopped at %d runes", limit, long, body, utf8.RuneCountInString(got))
	}
}

// cleaningSeeds are bodies with long lines, widgets near the cut, markup.
func cleaningSeeds(t *testing.T) []string {
	zh, err := os.ReadFile("testdata/bench/zh_article.html")
	if err != nil {
		t.Fatal(err)
	}
	en, err := os.ReadFile("testdata/bench/en_article.html")
	if err != nil {
		t.Fatal(err)
	}
	line := strings.Repeat("成渝地区双城经济圈建设，川渝合作。", 40)
	return append(append([]string{
		string(zh), string(en),
		strings.ReplaceAll(string(zh), "\n", " "),
		strings.Repeat(line, 5),
		"来源：四川日报 " + strings.Repeat(line, 3),
		strings.Repeat("字体 大 中 小 【字体】来源：x，", 100),
		strings.Repeat("a, 【"+strings.Repeat("b", 30)+"】 来源 :   "+strings.Repeat(" ", 300)+"c; ", 50),
		"<p>" + strings.Repeat("<span>"+line+"</span>", 6) + "</p><p>end</p>",
		"<div>" + strings.Repeat("&nbsp;x，y。<br>", 300) + "</div>",
		strings.Repeat("ｶﾞ\u0301，", 500),
	}, scanSeeds...), fuzzTexts(t)...)
}

func TestCleanerLimit(t *testing.T) {
	for _, body := range cleaningSeeds(t) {
		for _, limit := range []int{-1, 0, 1, 10, 100, 400, 1000, 4000} {
			for _, long := range []int{1, 64, 1000, 0} {
				checkCleaning(t, body, limit, long)
			}
		}
	}
}

func FuzzCleaner(f *testing.F) {
	f.Add("<p>来源：x</p>"+strings.Repeat("字，", 200), uint16(50), uint16(8))
	f.Add(strings.Repeat("a, b; c。", 300), uint16(300), uint16(100))
	f.Fuzz(func(t *testing.T, body string, limit, long uint16) {
		checkCleaning(t, body, int(limit), int(long)+1)
		checkCleaning(t, strings.ToValidUTF8(body, ""), int(limit), int(long)+1)
	})
}

func TestCleanTitleShortcuts(t *testing.T) {
	titles := []string{"  [图] 【转载】转发：关于 _ x", "a - b — c | d｜e_f", "通知_四川", "【】_", "\t转自:  x", "[abcdefg] t", "no separator",
		"abcd -x - y", "abcd  —  e", "四川省人民政府 -", "a b c\t-\td", "ab cd ｜x", "中文标题 - -x", "标题 x-y —z — w", "标题名称\xe2\x80 — x", "标题名称 \xef｜x", "__", " _ "}
	for _, s := range append(titles, scanSeeds...) {
		if got, want := cleanTitle(s), specCleanTitle(s); got != want {
			t.Errorf("cleanTitle(%q) = %q, want %q", s, got, want)
		}
	}
}

// htmlSeeds are the tag shapes the tokenizer reads in its own way.
var htmlSeeds = []string{
	`<p>a</p><P CLASS=x>b<br/>c<BR>d</P>`,
	`<p a="x>y" b='1"2' c=d/ e = "f" g h=>i</p>j`,
	`<p =x =>a<p/a>b<p/ >c<a<b>d</a<b>e`,
	`<a href=../../x/1.html title="<b>">t</a>&amp;&nbsp;&nbsp&#12289;&#x3000;&lt;p&gt;&bogus;`,
	"<div>\u3000\u3000第一段。<span>正文</span></div>\n<ul><li>1<li>2</ul>",
	`x < y, a <1 b, <` + "\n" + `<`,
	`a</script>b</style>c<pÄ>d</PÄ>`,
	`<script>x<p>y</script>z`, `<STYLE>p{}</STYLE>q`, `<title>t</title>`, `<textarea><p></textarea>`,
	`</>a`, `</ p>a`, `<!-- c -->a`, `<!DOCTYPE html>a`, `<?xml?>a`, `a</`, `a</p`, `<p`, `<p a`, `<p a=`, `<p a="x`, `<p a=x`,
	"a\r\nb", "a\x00b",
}

func FuzzHTML(f *testing.F) {
	for _, s := range htmlSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var b []byte
		htmlLines(s, math.MaxInt, func(line []byte, end bool) bool {
			b = append(append(b, line...), '\n')
			return true
		})
		if got, want := string(b[:len(b)-1]), specHTMLText(s); got != want {
			t.Errorf("htmlLines(%q) = %q, want %q (fast path %v)", s, got, want, htmlTags(s, nil, nil))
		}
	})
}

func TestHTMLTags(t *testing.T) {
	simple := 0
	for _, s := range htmlSeeds {
		if htmlTags(s, nil, nil) {
			simple++
		}
		checkCleaning(t, s, -1, 0)
	}
	if simple < 7 {
		t.Errorf("only %d seeds read without the tokenizer", simple)
	}
}
