package clean

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

func TestScanTag(t *testing.T) {
	accepted := map[string]struct {
		in   string
		want tag
	}{
		"start":              {`<p>x`, tag{atom: atom.P, next: 3}},
		"end":                {`</p>x`, tag{atom: atom.P, end: true, next: 4}},
		"digit in name":      {`<h2>`, tag{atom: atom.H2, next: 4}},
		"self-closing":       {`<br/>`, tag{atom: atom.Br, next: 5}},
		"unknown name":       {`<foo>`, tag{atom: 0, next: 5}},
		"attributes":         {`<td colspan="2" rowspan="3">x`, tag{atom: atom.Td, attrs: ` colspan="2" rowspan="3"`, next: 28}},
		"self-closing attrs": {`<img src="a.png" alt=""/>x`, tag{atom: atom.Img, attrs: ` src="a.png" alt=""`, next: 25}},
		// The tokenizer too reads a quoted value up to its quote.
		"bracket in value": {`<a title="a>b">`, tag{atom: atom.A, attrs: ` title="a>b"`, next: 15}},
	}
	for name, tc := range accepted {
		t.Run(name, func(t *testing.T) {
			if got, ok := scanTag(tc.in, 0); !ok || got != tc.want {
				t.Errorf("scanTag(%q) = %+v, %v; want %+v, true", tc.in, got, ok, tc.want)
			}
		})
	}
	rejected := map[string]string{
		"comment":                 `<!-- x -->`,
		"doctype":                 `<!DOCTYPE html>`,
		"processing instruction":  `<?xml version="1.0"?>`,
		"empty end tag":           `</>`,
		"end tag without name":    `</ p>`,
		"digit first":             `<1p>`,
		"space first":             `< p>`,
		"bare less-than":          `<`,
		"upper-case name":         `<P>`,
		"mixed-case name":         `<pA>`,
		"upper-case key":          `<p CLASS="x">`,
		"tab":                     "<p\tclass=\"x\">",
		"unquoted value":          `<p class=x>`,
		"single-quoted value":     `<p class='x'>`,
		"key without value":       `<p hidden>`,
		"space before bracket":    `<p class="x" >`,
		"two spaces":              `<p  class="x">`,
		"no space between":        `<p class="x"title="y">`,
		"equals-sign key":         `<p =x="y">`,
		"NUL in key":              "<p cl\x00ass=\"x\">",
		"NUL in name":             "<p\x00>",
		"space before slash":      `<br />`,
		"slash without bracket":   `<a href="x"/ >`,
		"end tag with attributes": `</p class="x">`,
		"self-closing end tag":    `</p/>`,
		"name too long":           `<abcdefghijklm>`,
		"unterminated name":       `<p`,
		"unterminated end tag":    `</p`,
		"unterminated value":      `<p class="x>`,
		"unterminated tag":        `<p class="x"`,
	}
	for name, in := range rejected {
		t.Run(name, func(t *testing.T) {
			if got, ok := scanTag(in, 0); ok {
				t.Errorf("scanTag(%q) = %+v, true; want false", in, got)
			}
		})
	}
}

func TestScanTagOffset(t *testing.T) {
	s := `甲<b>乙</b>`
	i := strings.IndexByte(s, '<')
	got, ok := scanTag(s, i)
	if want := (tag{atom: atom.B, next: i + 3}); !ok || got != want {
		t.Errorf("scanTag(%q, %d) = %+v, %v; want %+v, true", s, i, got, ok, want)
	}
}

func TestAppendAttrs(t *testing.T) {
	scratch := []html.Attribute{{Key: "href", Val: "old"}}
	tests := map[string]struct {
		attrs string
		want  []html.Attribute
		ok    bool
	}{
		"none":  {``, []html.Attribute{}, true},
		"plain": {` href="a.html" title="标题"`, []html.Attribute{{Key: "href", Val: "a.html"}, {Key: "title", Val: "标题"}}, true},
		"escape's references": {
			` title="&#34;&lt;x&gt;&amp;&#39;&#13;"`,
			[]html.Attribute{{Key: "title", Val: "\"<x>&'\r"}}, true,
		},
		"query": {` href="?a=1&amp;b=2"`, []html.Attribute{{Key: "href", Val: "?a=1&b=2"}}, true},
		// The tokenizer keeps the first of repeated keys.
		"repeated key":    {` href="1" title="t" href="2"`, []html.Attribute{{Key: "href", Val: "1"}, {Key: "title", Val: "t"}}, true},
		"bare ampersand":  {` href="?a=1&b=2"`, nil, false},
		"named reference": {` title="&nbsp;"`, nil, false},
		"upper-case name": {` title="&AMP;"`, nil, false},
		"hex reference":   {` title="&#x41;"`, nil, false},
		"no semicolon":    {` title="&amp"`, nil, false},
		"ampersand last":  {` title="x&"`, nil, false},
		"carriage return": {" title=\"a\rb\"", nil, false},
		"NUL":             {" title=\"a\x00b\"", nil, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, ok := appendAttrs(scratch[:0], tc.attrs)
			if ok != tc.ok {
				t.Fatalf("appendAttrs(%q) ok = %v, want %v", tc.attrs, ok, tc.ok)
			}
			if ok {
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("appendAttrs(%q) (-want +got):\n%s", tc.attrs, diff)
				}
			}
		})
	}
}

// TestRewriteGivesUp checks that markup outside the sanitizer's form makes
// rewrite give up, and that rewriteLinks then renders the parser's tree.
func TestRewriteGivesUp(t *testing.T) {
	base := parseBase(testBase)
	tests := map[string]struct{ safe, want string }{
		"comment":           {`<p>甲<!-- 注 --></p>`, `<p>甲<!-- 注 --></p>`},
		"bare less-than":    {`<p>1 < 2</p>`, `<p>1 &lt; 2</p>`},
		"upper-case tag":    {`<P>甲</P>`, `<p>甲</p>`},
		"single quotes":     {`<a href='x.html'>甲</a>`, `<a href="https://www.gov.cn/zhengce/zuixin/x.html" rel="nofollow noopener">甲</a>`},
		"unterminated tag":  {`<p>甲</p><b`, `<p>甲</p>`},
		"bare ampersand":    {`<img src="i?a=1&b=2">`, `<img src="https://www.gov.cn/zhengce/zuixin/i?a=1&amp;b=2"/>`},
		"tag after closing": {`<b>甲</b>乙<br  />`, `<b>甲</b>乙<br/>`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got, closed := rewrite(tc.safe, base); closed || got != "" {
				t.Errorf("rewrite(%q) = %q, %v; want \"\", false", tc.safe, got, closed)
			}
			if got := rewriteLinks(tc.safe, base); got != tc.want {
				t.Errorf("rewriteLinks(%q)\n got %q\nwant %q", tc.safe, got, tc.want)
			}
		})
	}
}

// scannable reports whether rewrite's scanner accepts all of s: each tag,
// and the attributes of each a and img.
func scannable(s string) bool {
	for i := 0; ; {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 {
			return true
		}
		t, ok := scanTag(s, i+j)
		if !ok {
			return false
		}
		if !t.end && (t.atom == atom.A || t.atom == atom.Img) {
			if _, ok := appendAttrs(nil, t.attrs); !ok {
				return false
			}
		}
		i = t.next
	}
}

// checkScanner runs rewrite and the tokenizer's rewriteTokens on markup
// and fails unless rewrite gives the same bytes when it closes the markup,
// and gives up only where rewriteTokens does or where it cannot scan; it
// reports whether rewrite closed the markup.
func checkScanner(t *testing.T, markup string, base *url.URL) (closed bool) {
	t.Helper()
	got, closed := rewrite(markup, base)
	want, wantClosed := rewriteTokens(markup, base)
	switch {
	case closed && (!wantClosed || got != want):
		t.Fatalf("rewrite differs from the tokenizer's\nmarkup %q\n   got %q, %v\n  want %q, %v", markup, got, closed, want, wantClosed)
	case !closed && got != "":
		t.Fatalf("rewrite(%q) gave up but returned %q", markup, got)
	case !closed && wantClosed && scannable(markup):
		t.Fatalf("rewrite gives up on scannable markup the tokenizer closes\nmarkup %q\n  want %q", markup, want)
	}
	return closed
}

// FuzzRewriteScanner checks the scanner against the tokenizer it replaced:
// on the sanitizer's output of the input, which it must always accept
// (the facts in scan.go), and on the input itself, where it may give up.
func FuzzRewriteScanner(f *testing.F) {
	addRewriteSeeds(f)
	s := NewSanitizer()
	f.Fuzz(func(t *testing.T, in string, b uint8) {
		base := fuzzBase(b)
		safe := s.policy.Sanitize(in)
		if !scannable(safe) {
			t.Fatalf("the scanner rejects the sanitizer's output\n  in %q\nsafe %q", in, safe)
		}
		checkScanner(t, safe, base)
		checkScanner(t, in, base)
	})
}

// TestRewriteFallbackRate runs the scanner on the sanitizer's output of
// every fragment the tests know (the package's corpora, the article and
// list page fixtures, the items of the feed fixtures): it must accept all
// of it and match the tokenizer's rewrite. It logs how often rewrite
// gives up all the same (closer does not follow the markup) and
// rewriteLinks falls back to the tree.
func TestRewriteFallbackRate(t *testing.T) {
	s := NewSanitizer()
	base := parseBase(testBase)
	for _, set := range []struct {
		name   string
		inputs []string
		min    int
	}{
		{"test corpora", seedInputs(t), 90},
		{"other packages' fixtures", fixtureFragments(t), 50},
	} {
		n, fallbacks := 0, 0
		for _, in := range set.inputs {
			safe := s.policy.Sanitize(in)
			if strings.TrimSpace(safe) == "" {
				continue
			}
			n++
			if !scannable(safe) {
				t.Errorf("the scanner rejects the sanitizer's output\n  in %q\nsafe %q", in, safe)
			}
			if !checkScanner(t, safe, base) {
				fallbacks++
			}
		}
		if n < set.min {
			t.Fatalf("%s: only %d fragments", set.name, n)
		}
		t.Logf("%s: %d of %d fragments (%.1f%%) fall back to the tree, none for the scanner",
			set.name, fallbacks, n, 100*float64(fallbacks)/float64(n))
	}
}

// fixtureFragments returns the HTML of the other packages' fixtures: list
// and article pages whole, the article extractor's fuzz corpus, feeds item
// by item (description and content, as the ingest sanitizes them), the
// publish fixtures' summaries.
func fixtureFragments(t *testing.T) []string {
	t.Helper()
	var out []string
	glob := func(pattern string) []string {
		files, err := filepath.Glob(filepath.Join("..", "..", pattern))
		if err != nil || len(files) == 0 {
			t.Fatalf("fixtures %s: %v, %d found", pattern, err, len(files))
		}
		return files
	}
	read := func(f string) []byte {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, f := range append(glob("fetch/listing/testdata/*.html"), glob("fetch/testdata/*.html")...) {
		out = append(out, string(read(f)))
	}
	feeds := append(glob("fetch/feed/testdata/*.xml"), glob("fetch/feed/testdata/*.json")...)
	feeds = append(feeds, glob("fetch/testdata/malformed/*.xml")...)
	p := gofeed.NewParser()
	for _, f := range feeds {
		feed, err := p.Parse(bytes.NewReader(read(f)))
		if err != nil {
			continue // malformed on purpose
		}
		for _, it := range feed.Items {
			out = append(out, it.Description, it.Content)
		}
	}
	// The article extractor's fuzz corpus: one quoted page per file.
	for _, f := range glob("fetch/article/testdata/fuzz/FuzzExtract/*") {
		for _, line := range strings.Split(string(read(f)), "\n") {
			line = strings.TrimSuffix(strings.TrimPrefix(line, "[]byte("), ")")
			if v, err := strconv.Unquote(line); err == nil {
				out = append(out, v)
			}
		}
	}
	for _, f := range glob("publish/page/testdata/*.json") {
		var items []map[string]any
		if err := json.Unmarshal(read(f), &items); err != nil {
			continue
		}
		for _, it := range items {
			for _, v := range it {
				if s, ok := v.(string); ok && strings.Contains(s, "<") {
					out = append(out, s)
				}
			}
		}
	}
	return out
}
