package listing

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/govfeed/govfeed/data"
)

// golden is the hand-written expectation for one fixture page.
type golden struct {
	Base    string
	Now     time.Time
	Entries []Entry
	Pages   int      // n passed to NextPages
	Next    []string // its expected answer
}

// beijing is Asia/Shanghai, or a fixed UTC+8 zone without tzdata.
func beijing(t testing.TB) *time.Location {
	t.Helper()
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}

// load reads testdata/<name>.html and its golden file.
func load(t *testing.T, name string) ([]byte, golden) {
	t.Helper()
	page, err := os.ReadFile(filepath.Join("testdata", name+".html"))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join("testdata", name+".golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	var g golden
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatalf("%s.golden.json: %v", name, err)
	}
	return page, g
}

func options(t *testing.T, g golden) Options {
	return Options{BaseURL: g.Base, Location: beijing(t), Now: func() time.Time { return g.Now }}
}

// fixtures imitate GOVSITES §6 F1–F6 list pages.
var fixtures = []string{
	"f1_sc_english_list",
	"f2_sc_policy_list_a",
	"f2_sc_policy_list_b",
	"f3_cq_list",
	"f4_gd_list",
	"f5_zj_list",
	"f5_zj_dataproxy",
	"f6_govcn_list",
	"f6_govcn_redesign",
}

func TestExtractZeroConfig(t *testing.T) {
	for _, name := range fixtures {
		t.Run(name, func(t *testing.T) {
			page, g := load(t, name)
			got, err := Extract(page, options(t, g))
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			if diff := cmp.Diff(g.Entries, got); diff != "" {
				t.Errorf("Extract mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNextPages(t *testing.T) {
	for _, name := range fixtures {
		t.Run(name, func(t *testing.T) {
			page, g := load(t, name)
			got := NextPages(page, g.Base, g.Pages)
			if diff := cmp.Diff(g.Next, got, cmpEmpty); diff != "" {
				t.Errorf("NextPages(n=%d) mismatch (-want +got):\n%s", g.Pages, diff)
			}
		})
	}
}

// cmpEmpty treats nil and empty slices as equal.
var cmpEmpty = cmp.Comparer(func(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
})

func TestExtractSelectors(t *testing.T) {
	tests := map[string]struct {
		fixture string
		sel     data.Selectors
		want    func(g golden) []Entry
	}{
		"Sichuan list B by its 2024 selectors": {
			"f2_sc_policy_list_b",
			data.Selectors{Item: "div.biaobody li", Link: "div.lie2 a", Date: "div.lie4"},
			func(g golden) []Entry { return withRule(g.Entries, "selector") },
		},
		"Chongqing by RSSHub-style selectors keeps the WeChat link": {
			"f3_cq_list",
			data.Selectors{Item: "ul.tab-item > li", Link: "a[title]", Date: "span"},
			func(g golden) []Entry {
				e := withRule(g.Entries, "selector")
				wx := Entry{Link: "https://mp.weixin.qq.com/s/Xy7AbCdEf123", Title: "一图读懂2026年重庆民生实事",
					Date: time.Date(2026, 6, 13, 16, 0, 0, 0, time.UTC), DateOnly: true, Rule: "selector"}
				return append(e[:2:2], append([]Entry{wx}, e[2:]...)...)
			},
		},
		"Zhejiang selectors reach the datastore records": {
			"f5_zj_list",
			data.Selectors{Item: "li", Date: "span"},
			func(g golden) []Entry { return withRule(g.Entries, "selector") },
		},
		"link selector alone": {
			"f4_gd_list",
			data.Selectors{Link: "span.til a"},
			func(g golden) []Entry { return withRule(g.Entries, "selector") },
		},
		"old selectors on a redesigned page find nothing": {
			"f6_govcn_redesign",
			data.Selectors{Item: "div.news_box .list li", Link: "h4 > a", Date: "span.date"},
			func(golden) []Entry { return nil },
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			page, g := load(t, tc.fixture)
			o := options(t, g)
			o.Selectors = tc.sel
			got, err := Extract(page, o)
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			if diff := cmp.Diff(tc.want(g), got, cmpopts()); diff != "" {
				t.Errorf("Extract mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// cmpopts treats nil and empty entry slices as equal.
func cmpopts() cmp.Option {
	return cmp.FilterValues(func(a, b []Entry) bool { return len(a) == 0 && len(b) == 0 }, cmp.Ignore())
}

func withRule(es []Entry, rule string) []Entry {
	out := make([]Entry, len(es))
	for i, e := range es {
		e.Rule = rule
		out[i] = e
	}
	return out
}

func TestExtractSmallCases(t *testing.T) {
	now := time.Date(2026, 6, 20, 12, 0, 0, 0, beijing(t))
	const base = "https://www.cq.gov.cn/ywdt/jrcq/index.html"
	tests := map[string]struct {
		page   string
		layout string
		want   []Entry
	}{
		"date inside the link is not part of the title": {
			`<ul><li><a href="./202606/t20260601_1.html">重庆市政府新闻发布会<i>2026-06-01</i></a></li></ul>`, "",
			[]Entry{{Link: "https://www.cq.gov.cn/ywdt/jrcq/202606/t20260601_1.html", Title: "重庆市政府新闻发布会",
				Date: time.Date(2026, 5, 31, 16, 0, 0, 0, time.UTC), DateOnly: true, Rule: "auto:trs"}},
		},
		"bracketed date before the link, title-looking year ignored": {
			`<div><p>[2026-06-02] <a href="./202606/t20260602_2.html">2026年重庆市政府工作要点</a></p><p>[2026-06-01] <a href="./202606/t20260601_3.html">其他</a></p></div>`, "",
			[]Entry{
				{Link: "https://www.cq.gov.cn/ywdt/jrcq/202606/t20260602_2.html", Title: "2026年重庆市政府工作要点",
					Date: time.Date(2026, 6, 1, 16, 0, 0, 0, time.UTC), DateOnly: true, Rule: "auto:trs"},
				{Link: "https://www.cq.gov.cn/ywdt/jrcq/202606/t20260601_3.html", Title: "其他",
					Date: time.Date(2026, 5, 31, 16, 0, 0, 0, time.UTC), DateOnly: true, Rule: "auto:trs"},
			},
		},
		"configured layout": {
			`<ul><li><a href="./202606/t20260617_4.html" title="通知">通知</a><em>17/06/2026 09:30</em></li></ul>`, "02/01/2006 15:04",
			[]Entry{{Link: "https://www.cq.gov.cn/ywdt/jrcq/202606/t20260617_4.html", Title: "通知",
				Date: time.Date(2026, 6, 17, 1, 30, 0, 0, time.UTC), Rule: "auto:trs"}},
		},
		"base element": {
			`<html><head><base href="https://www.cq.gov.cn/zwgk/"></head><body><a href="202606/t20260603_5.html">公开</a></body></html>`, "",
			[]Entry{{Link: "https://www.cq.gov.cn/zwgk/202606/t20260603_5.html", Title: "公开",
				Date: time.Date(2026, 6, 2, 16, 0, 0, 0, time.UTC), DateOnly: true, Rule: "auto:trs"}},
		},
		"junk links only": {
			`<a href="index.html">首页</a><a href="/a.css">css</a><a href="/b.png">png</a><a href="javascript:go('t20260601_1.html')">js</a>` +
				`<a href="mailto:a@cq.gov.cn">mail</a><a href="https://mp.weixin.qq.com/s/abc">wx</a><a href="#top">top</a><a href="https://www.gov.cn/">gov</a>`, "",
			nil,
		},
		"data.ArticleID dedups across columns, later duplicate fills title and list date": {
			`<ul><li><a href="/ywdt/jrcq/202606/t20260616_15758457.html">重庆市召开...</a></li>` +
				`<li><a href="/ywdt/bmts/202606/t20260616_15758457.html?from=bmts">重庆市召开推动工作会议</a><span>2026-06-16 18:07</span></li></ul>`, "",
			[]Entry{{Link: "https://www.cq.gov.cn/ywdt/jrcq/202606/t20260616_15758457.html", Title: "重庆市召开推动工作会议",
				Date: time.Date(2026, 6, 16, 10, 7, 0, 0, time.UTC), Rule: "auto:trs"}},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := Extract([]byte(tc.page), Options{BaseURL: base, DateFormat: tc.layout, Location: beijing(t), Now: func() time.Time { return now }})
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			if diff := cmp.Diff(tc.want, got, cmpopts()); diff != "" {
				t.Errorf("Extract mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExtractErrors(t *testing.T) {
	tests := map[string]Options{
		"relative base":  {BaseURL: "/ywdt/index.html"},
		"empty base":     {},
		"bad item":       {BaseURL: "https://a.gov.cn/", Selectors: data.Selectors{Item: "li[", Link: "a"}},
		"bad date":       {BaseURL: "https://a.gov.cn/", Selectors: data.Selectors{Item: "li", Date: ":nope("}},
		"bad link alone": {BaseURL: "https://a.gov.cn/", Selectors: data.Selectors{Link: "a)"}},
	}
	for name, o := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := Extract([]byte("<li><a href='/t20260101_1.html'>x</a></li>"), o); !errors.Is(err, ErrBadOptions) {
				t.Errorf("Extract error = %v, want ErrBadOptions", err)
			}
		})
	}
}

func TestNextPagesSmallCases(t *testing.T) {
	tests := map[string]struct {
		page, base string
		n          int
		want       []string
	}{
		"TRS from a later page": {
			`<script>createPageHTML(5, 2, "index", "html");</script>`, "https://www.cq.gov.cn/ywdt/jrcq/index_2.html", 10,
			[]string{"https://www.cq.gov.cn/ywdt/jrcq/index_3.html", "https://www.cq.gov.cn/ywdt/jrcq/index_4.html"},
		},
		"TRS with element id": {
			`<script>createPageHTML('page_div', 3, 0, 'index', 'shtml', 45);</script>`, "https://a.gov.cn/x/", 10,
			[]string{"https://a.gov.cn/x/index_1.shtml", "https://a.gov.cn/x/index_2.shtml"},
		},
		"last TRS page": {
			`<script>createPageHTML(3, 2, "index", "html");</script>`, "https://a.gov.cn/x/index_2.html", 10, nil,
		},
		"next link only": {
			`<div><a href="?page=2">下一页</a></div>`, "https://a.gov.cn/list.jsp?page=1", 5,
			[]string{"https://a.gov.cn/list.jsp?page=2"},
		},
		"rel next and English": {
			`<a rel="next" href="/news/p2">2</a><a href="/news/p3">Next</a>`, "https://a.gov.cn/news/", 5,
			[]string{"https://a.gov.cn/news/p2", "https://a.gov.cn/news/p3"},
		},
		"javascript next ignored": {
			`<a href="javascript:goPage(2)">下一页</a>`, "https://a.gov.cn/list.html", 5, nil,
		},
		"n limits": {
			`<script>createPageHTML(50, 0, "index", "html");</script>`, "https://a.gov.cn/", 2,
			[]string{"https://a.gov.cn/index_1.html", "https://a.gov.cn/index_2.html"},
		},
		"zero n":   {`<script>createPageHTML(5, 0, "index", "html");</script>`, "https://a.gov.cn/", 0, nil},
		"bad base": {`<a href="list_2.shtml">下页</a>`, "list.shtml", 3, nil},
		"article ids are not page numbers": {
			`<a href="post_4906500.html">x</a><a href="content_12.htm">y</a>`, "https://www.gd.gov.cn/gdywdt/bmdt/content/", 5, nil,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := NextPages([]byte(tc.page), tc.base, tc.n)
			if diff := cmp.Diff(tc.want, got, cmpEmpty); diff != "" {
				t.Errorf("NextPages mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLooksLikeDate(t *testing.T) {
	tests := map[string]bool{
		"2026-06-04": true, "(01-25)": true, "[2026-06-04]": true, "发布时间：2026-01-22 11:40:11": true,
		"2026年06月17日": true, "Updated:2018.03.02": true,
		"2026年政府工作要点": false, "川府发〔2026〕12号": false, "1": false, "": false,
		strings.Repeat("2026-06-04 ", 5): false,
	}
	for in, want := range tests {
		if got := looksLikeDate(in); got != want {
			t.Errorf("looksLikeDate(%q) = %v, want %v", in, got, want)
		}
	}
}

func BenchmarkExtract(b *testing.B) {
	page, err := os.ReadFile(filepath.Join("testdata", "f3_cq_list.html"))
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 6, 20, 12, 0, 0, 0, time.UTC)
	o := Options{BaseURL: "https://www.cq.gov.cn/ywdt/jrcq/index.html", Now: func() time.Time { return now }}
	for b.Loop() {
		if _, err := Extract(page, o); err != nil {
			b.Fatal(err)
		}
	}
}
