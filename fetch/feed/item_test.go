package feed

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govfeed/govfeed/data"
)

func TestParseSanitizesHTMLFields(t *testing.T) {
	body := []byte(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>T</title><link>https://www.cq.gov.cn/ywdt/</link>
<item><title>有链接 &lt;i&gt;x&lt;/i&gt;</title><link>jrcq/1.html</link>
<description>&lt;img src="a.png"&gt;摘要</description>
<content:encoded><![CDATA[<p>正文<script>x()</script></p>]]></content:encoded></item>
<item><title>无链接</title><description>只有摘要</description></item>
</channel></rss>`)
	type call struct{ HTML, Base string }
	var calls []call
	o := options(t, "https://www.cq.gov.cn/rss.xml")
	o.Sanitize = func(h, base string) string {
		calls = append(calls, call{h, base})
		return "[clean]" + h
	}
	f, err := Parse(body, "", o)
	if err != nil {
		t.Fatalf("Parse() error = %v", err)
	}
	wantCalls := []call{
		{`<p>正文<script>x()</script></p>`, "https://www.cq.gov.cn/ywdt/jrcq/1.html"},
		{`<img src="a.png">摘要`, "https://www.cq.gov.cn/ywdt/jrcq/1.html"},
		{"只有摘要", "https://www.cq.gov.cn/ywdt/"}, // no link: the feed's
	}
	if diff := cmp.Diff(wantCalls, calls); diff != "" {
		t.Errorf("Sanitize calls (-want +got):\n%s", diff)
	}
	want := []data.Item{
		{Title: "有链接 x", Link: "https://www.cq.gov.cn/ywdt/jrcq/1.html", Content: "[clean]<p>正文<script>x()</script></p>", Summary: `[clean]<img src="a.png">摘要`},
		{Title: "无链接", Summary: "[clean]只有摘要"},
	}
	if diff := cmp.Diff(want, f.Items); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
}

func TestParseDoesNotAssignKeys(t *testing.T) {
	f, err := Parse(readFixture(t, "rss-repeated-guids.xml"), "", options(t, ""))
	if err != nil {
		t.Fatalf("Parse() error = %v", err)
	}
	for i, it := range f.Items {
		if it.Key != "" || it.SourceID != "" {
			t.Errorf("items[%d] has Key %q, SourceID %q; the caller sets them", i, it.Key, it.SourceID)
		}
	}
	// The caller's rule then falls back to the links for the repeated GUID.
	data.AssignKeys(f.Items)
	if f.Items[0].Key == f.Items[1].Key {
		t.Errorf("items with a repeated GUID share the key %q", f.Items[0].Key)
	}
}

func TestParseDefaults(t *testing.T) {
	// No Location: naive dates are Beijing time. No Now: the real clock.
	f, err := Parse(readFixture(t, "rss-wuhu.xml"), "", Options{})
	if err != nil {
		t.Fatalf("Parse() error = %v", err)
	}
	if got, want := f.Items[0].Published, utc("2026-10-03T17:39:11Z"); !got.Equal(want) {
		t.Errorf("Published = %v, want %v", got, want)
	}
	if f.Items[0].Link != "https://www.wuhu.gov.cn/zwzx/wuhu/8849021.html" {
		t.Errorf("Link = %q", f.Items[0].Link)
	}
}

func TestReaderDate(t *testing.T) {
	r := &reader{loc: beijing(t), now: testNow}
	at := func(s string) *time.Time { v := utc(s); return &v }
	tests := map[string]struct {
		raw    string
		parsed *time.Time // what gofeed made of raw
		want   string     // RFC 3339 UTC, "" for zero
	}{
		"naive wuhu pubDate":     {"2026-10-04 01:39:11.0", at("2026-10-04T01:39:11Z"), "2026-10-03T17:39:11Z"},
		"naive meta PubDate":     {"2026-06-17 17:28:45", at("2026-06-17T17:28:45Z"), "2026-06-17T09:28:45Z"},
		"date only":              {"2026-10-04", at("2026-10-04T00:00:00Z"), "2026-10-03T16:00:00Z"},
		"RFC 1123 with offset":   {"Sun, 04 Oct 2026 01:39:11 +0800", at("2026-10-03T17:39:11Z"), "2026-10-03T17:39:11Z"},
		"RFC 3339 Z":             {"2026-10-04T01:39:11Z", at("2026-10-04T01:39:11Z"), "2026-10-04T01:39:11Z"},
		"GMT":                    {"Sun, 04 Oct 2026 01:39:11 GMT", at("2026-10-04T01:39:11Z"), "2026-10-04T01:39:11Z"},
		"Java CST is China time": {"Sun Oct 04 01:39:11 CST 2026", at("2026-10-04T07:39:11Z"), "2026-10-03T17:39:11Z"},
		"EST":                    {"Sun, 04 Oct 2026 01:39:11 EST", at("2026-10-04T06:39:11Z"), "2026-10-04T06:39:11Z"},
		"gofeed could not parse": {"2026年10月04日 01:39", nil, "2026-10-03T17:39:00Z"},
		"only gofeed could":      {"x 01:39 y", at("2026-10-04T01:39:00Z"), "2026-10-03T17:39:00Z"},
		"nobody could":           {"上周五", nil, ""},
		"empty":                  {"", nil, ""},
		"before 1990":            {"1970-01-01T00:00:00Z", at("1970-01-01T00:00:00Z"), ""},
		"more than a year ahead": {"2030-01-01T00:00:00Z", at("2030-01-01T00:00:00Z"), ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := r.date(tc.raw, tc.parsed)
			var want time.Time
			if tc.want != "" {
				want = utc(tc.want)
			}
			if !got.Equal(want) || (!got.IsZero() && got.Location() != time.UTC) {
				t.Errorf("date(%q) = %v, want %v (UTC)", tc.raw, got, want)
			}
		})
	}
}

func TestZoneOf(t *testing.T) {
	tests := map[string]zone{
		"2026-10-04 01:39:11.0":                      zoneNone,
		"2026-10-04":                                 zoneNone,
		"2026-06-17-17:00:00":                        zoneNone,
		"Sun, 04 Oct 2026 01:39:11":                  zoneNone,
		"Sun, 04 Oct 2026 01:39:11 +0800":            zoneNumeric,
		"2026-10-04T01:39:11+08:00":                  zoneNumeric,
		"2026-10-04T01:39:11.000Z":                   zoneNumeric,
		"Sun, 04 Oct 2026 01:39:11 GMT":              zoneNumeric,
		"Sun, 04 Oct 2026 01:39:11 UTC+8":            zoneNumeric,
		"Sun Oct 04 01:39:11 CST 2026":               zoneNamed,
		"Sun, 04 Oct 2026 01:39:11 EST":              zoneNamed,
		"10/04/2026 01:39 PM":                        zoneNone,
		"10/04/2026 01:39 PM EDT":                    zoneNamed,
		"10/04/2026 01:39 pm -0500":                  zoneNumeric,
		"Sun Oct 04 2026 01:39:11 GMT+0800 (中国标准时间)": zoneNumeric,
	}
	for in, want := range tests {
		t.Run(in, func(t *testing.T) {
			if got := zoneOf(in); got != want {
				t.Errorf("zoneOf(%q) = %d, want %d", in, got, want)
			}
		})
	}
}

func TestPlainText(t *testing.T) {
	tests := map[string]string{
		"  芜湖市政府   召开\n常务会议 ":                           "芜湖市政府 召开 常务会议",
		"第<b>100</b>次常务会议":                              "第100次常务会议",
		"<p>第一段</p><p>第二段</p>":                          "第一段 第二段",
		"上行<br>下行":                                      "上行 下行",
		"&quot;十四五&quot;规划":                             `"十四五"规划`,
		"&nbsp;标题&nbsp;":                                "标题",
		"\u3000\u3000通知":                                "通知",
		"<script>alert(1)</script>标题<style>b{}</style>": "标题",
		"a < b": "a < b",
		"AT&T":  "AT&T",
		"":      "",
	}
	for in, want := range tests {
		t.Run(in, func(t *testing.T) {
			if got := plainText(in); got != want {
				t.Errorf("plainText(%q) = %q, want %q", in, got, want)
			}
		})
	}
}

func TestNormLang(t *testing.T) {
	tests := map[string]string{
		"zh-cn":      "zh-CN",
		"zh_CN":      "zh-CN",
		" EN ":       "en",
		"zh-Hans":    "zh-Hans",
		"":           "",
		"not a tag!": "",
	}
	for in, want := range tests {
		t.Run(in, func(t *testing.T) {
			if got := normLang(in); got != want {
				t.Errorf("normLang(%q) = %q, want %q", in, got, want)
			}
		})
	}
}
