package data

import (
	"testing"
	"time"
)

func TestCanonicalURL(t *testing.T) {
	tests := map[string]struct{ in, want string }{
		"lowercases scheme and host": {"HTTPS://WWW.SC.GOV.CN/a/B.shtml", "https://www.sc.gov.cn/a/B.shtml"},
		"drops fragment":             {"https://a.gov.cn/x.html#top", "https://a.gov.cn/x.html"},
		"drops default port":         {"http://a.gov.cn:80/x", "http://a.gov.cn/x"},
		"keeps other port":           {"http://a.gov.cn:8080/x", "http://a.gov.cn:8080/x"},
		"drops utm and sorts":        {"https://a.gov.cn/x?b=2&utm_source=wx&a=1&fbclid=z", "https://a.gov.cn/x?a=1&b=2"},
		"folds double slash":         {"https://www.sc.gov.cn/10462/c103046//2026/1/2/x.shtml", "https://www.sc.gov.cn/10462/c103046/2026/1/2/x.shtml"},
		"empty path":                 {"https://a.gov.cn", "https://a.gov.cn/"},
		"relative is not canonical":  {"/a/b.html", ""},
		"javascript is rejected":     {"javascript:alert(1)", ""},
		"mailto is rejected":         {"mailto:x@a.gov.cn", ""},
		"drops userinfo":             {"https://u:p@a.gov.cn/x", "https://a.gov.cn/x"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := CanonicalURL(tc.in); got != tc.want {
				t.Errorf("CanonicalURL(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestAssignKeysFallbacks(t *testing.T) {
	day := time.Date(2026, 6, 17, 9, 0, 0, 0, time.UTC)
	items := []Item{
		{GUID: "urn:a", Link: "https://a.gov.cn/1"},
		{GUID: "dup", Link: "https://a.gov.cn/2?utm_medium=x"},
		{GUID: "dup", Link: "https://a.gov.cn/3"},
		{GUID: "  ", Link: "http://A.gov.cn/4#x"},
		{Title: "no link", Published: day},
	}
	AssignKeys(items)
	want := []string{"g:urn:a", "u:a.gov.cn/2", "u:a.gov.cn/3", "u:a.gov.cn/4"}
	for i, w := range want {
		if items[i].Key != w {
			t.Errorf("items[%d].Key = %q, want %q", i, items[i].Key, w)
		}
	}
	if k := items[4].Key; len(k) != 2+32 || k[:2] != "h:" {
		t.Errorf("title/date fallback key = %q, want h:<32 hex>", k)
	}
	other := []Item{{Title: "no link", Published: day.Add(time.Hour)}}
	AssignKeys(other)
	if other[0].Key == items[4].Key {
		t.Errorf("different dates gave the same hash key %q", other[0].Key)
	}
}

func TestKeySchemeInsensitiveAndBounded(t *testing.T) {
	a := Key("", "http://a.gov.cn/x", "", time.Time{}, false)
	b := Key("", "https://a.gov.cn/x", "", time.Time{}, false)
	if a != b {
		t.Errorf("http and https keys differ: %q vs %q", a, b)
	}
	long := make([]byte, 400)
	for i := range long {
		long[i] = 'x'
	}
	if k := Key(string(long), "", "", time.Time{}, true); len(k) > maxKeyLen {
		t.Errorf("key length %d exceeds %d", len(k), maxKeyLen)
	}
}

func TestArticleID(t *testing.T) {
	tests := map[string]struct{ in, want string }{
		"TRS":                {"https://www.cq.gov.cn/ywdt/jrcq/202606/t20260616_15758457.html", "www.cq.gov.cn/t20260616_15758457"},
		"TRS other column":   {"https://www.cq.gov.cn/ywdt/bmts/202606/t20260616_15758457.html?utm_source=x", "www.cq.gov.cn/t20260616_15758457"},
		"Guangdong post":     {"http://www.gd.gov.cn/gdywdt/bmdt/content/post_4906500.html", "www.gd.gov.cn/post_4906500"},
		"gov.cn content":     {"https://www.gov.cn/zhengce/202606/content_7012345.htm", "www.gov.cn/content_7012345"},
		"Hanweb new":         {"https://www.zj.gov.cn/col/col1554467/art/2026/art_a5c0ac3429044dffb39c2d848f985520.html", "www.zj.gov.cn/art_a5c0ac3429044dffb39c2d848f985520"},
		"Hanweb old":         {"http://www.zj.gov.cn/art/2016/10/19/art_5527_2187651.html", "www.zj.gov.cn/art_5527_2187651"},
		"Sichuan hex":        {"https://www.sc.gov.cn/10462/10758/10760/10765/2024/2/7/af03c6a54b374b77a9f47960d6c85922.shtml", "www.sc.gov.cn/af03c6a54b374b77a9f47960d6c85922"},
		"Sichuan legacy":     {"https://www.sc.gov.cn/10462/10758/10760/10765/2018/3/2/10445992.shtml", "www.sc.gov.cn/10445992"},
		"list page has none": {"https://www.cq.gov.cn/ywdt/jrcq/index.html", ""},
		"relative has none":  {"./202606/t20260616_15758457.html", ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := ArticleID(tc.in); got != tc.want {
				t.Errorf("ArticleID(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestLinkKey(t *testing.T) {
	tests := map[string]struct{ a, b string }{
		"one TRS article under two columns": {"https://www.cq.gov.cn/ywdt/jrcq/202606/t20260616_15758457.html", "http://www.cq.gov.cn/ywdt/bmts/202606/t20260616_15758457.html"},
		"tracking parameters and scheme":    {"https://a.gov.cn/x.html?utm_source=rss", "http://a.gov.cn/x.html"},
	}
	for name, tc := range tests {
		if ka, kb := LinkKey(tc.a), LinkKey(tc.b); ka == "" || ka != kb {
			t.Errorf("%s: LinkKey %q vs %q, want equal and non-empty", name, ka, kb)
		}
	}
	if k := LinkKey("/relative.html"); k != "" {
		t.Errorf("LinkKey of a relative link = %q, want empty", k)
	}
	if LinkKey("https://a.gov.cn/x.html") == LinkKey("https://b.gov.cn/x.html") {
		t.Error("different hosts share a LinkKey")
	}
}
