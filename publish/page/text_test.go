package page

import (
	"strings"
	"testing"
	"time"
)

func TestPlainText(t *testing.T) {
	tests := map[string]struct{ in, want string }{
		"plain":               {"  省政府   召开\n会议 ", "省政府 召开 会议"},
		"inline tags join":    {"研究<b>防汛</b>工作", "研究防汛工作"},
		"blocks separate":     {"<p>first</p><p>second</p>", "first second"},
		"CJK blocks join":     {"<p>第一段。</p>\n<p>第二段！</p> <p>end</p>", "第一段。第二段！end"},
		"CJK words keep":      {"<p>第一段</p><p>第二段</p>", "第一段 第二段"},
		"br separates":        {"a<br>b<br/>c", "a b c"},
		"entities decoded":    {"&lt;script&gt; &amp; &#20013;", "<script> & 中"},
		"script dropped":      {"a<script>alert(1)</script>b", "ab"},
		"style dropped":       {"<style>p{color:red}</style>text", "text"},
		"nested hidden":       {"<noscript><p>x</p></noscript>y", "y"},
		"svg dropped":         {`<svg onload="x"><text>svg</text></svg>ok`, "ok"},
		"attributes dropped":  {`<img src=x onerror=alert(1)>pic`, "pic"},
		"unclosed tag":        {"<p>open <b>bold", "open bold"},
		"bidi override":       {"a\u202eb\u202cc", "abc"},
		"control characters":  {"a\x00b\x1bc", "a b c"},
		"empty":               {"", ""},
		"only markup":         {"<p><br></p>", ""},
		"comment dropped":     {"a<!-- secret -->b", "ab"},
		"text stays verbatim": {"1 < 2 and 3 > 2", "1 < 2 and 3 > 2"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := plainText(tc.in, 1000); got != tc.want {
				t.Errorf("plainText(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestPlainTextStopsEarlyWithEnough(t *testing.T) {
	long := "<p>" + strings.Repeat("政务公开 ", 10000) + "</p><p>END</p>"
	got := plainText(long, 10)
	if strings.Contains(got, "END") {
		t.Errorf("plainText read the whole fragment though 10 runes were enough")
	}
	if n := len([]rune(got)); n <= 10 {
		t.Errorf("plainText returned %d runes, want more than 10 so the caller knows to cut", n)
	}
}

func TestTruncate(t *testing.T) {
	tests := map[string]struct {
		in   string
		n    int
		want string
	}{
		"short":            {"abc", 5, "abc"},
		"exact":            {"abcde", 5, "abcde"},
		"cut":              {"abcdefgh", 5, "abcd…"},
		"cut CJK by runes": {"一二三四五六七八", 5, "一二三四…"},
		"trailing punct":   {"一二三，四五六", 5, "一二三…"},
		"trailing space":   {"ab cdefg", 4, "ab…"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := truncate(tc.in, tc.n); got != tc.want {
				t.Errorf("truncate(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
			}
		})
	}
}

func TestRelative(t *testing.T) {
	tests := map[string]struct {
		d    time.Duration // t - now
		want string
	}{
		"just now":       {-30 * time.Second, "just now"},
		"soon":           {30 * time.Second, "in under a minute"},
		"minutes":        {-59 * time.Minute, "59 min ago"},
		"hours":          {-90 * time.Minute, "1 h ago"},
		"under two days": {-47 * time.Hour, "47 h ago"},
		"days":           {-50 * time.Hour, "2 d ago"},
		"future minutes": {15 * time.Minute, "in 15 min"},
		"future days":    {72 * time.Hour, "in 3 d"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := relative(now, now.Add(tc.d)); got != tc.want {
				t.Errorf("relative(now, now%+v) = %q, want %q", tc.d, got, tc.want)
			}
		})
	}
}

func TestMakeStamp(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	s := makeStamp(time.Date(2026, 1, 31, 17, 5, 0, 0, time.UTC), loc, now, false)
	want := stamp{Set: true, ISO: "2026-01-31T17:05:00Z", Local: "2026-02-01 01:05"}
	if s != want {
		t.Errorf("makeStamp = %+v, want %+v", s, want)
	}
	if z := makeStamp(time.Time{}, loc, now, true); z.Set {
		t.Errorf("zero time gave a set stamp %+v", z)
	}
}

func TestWebURL(t *testing.T) {
	tests := map[string]struct{ in, want string }{
		"https":             {"https://www.gov.cn/a.htm", "https://www.gov.cn/a.htm"},
		"http trimmed":      {" http://www.gd.gov.cn/x.html ", "http://www.gd.gov.cn/x.html"},
		"javascript":        {"javascript:alert(1)", ""},
		"mixed case js":     {"JaVaScRiPt:alert(1)", ""},
		"data":              {"data:text/html,<script>x</script>", ""},
		"relative":          {"/a/b.html", ""},
		"protocol-relative": {"//evil.example/x", ""},
		"vbscript":          {"vbscript:msgbox", ""},
		"ftp":               {"ftp://a.gov.cn/x", ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := webURL(tc.in); got != tc.want {
				t.Errorf("webURL(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
