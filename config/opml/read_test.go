package opml

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func readFile(t *testing.T, name string) ([]Outline, error) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return Read(f)
}

func TestReadExports(t *testing.T) {
	const zj = "http://www.zj.gov.cn/module/rss/rssfeed.jsp?colid=1554467"
	tests := map[string]struct {
		file string
		want []Outline
	}{
		"feedly: OPML 1.0, one folder level, a feed in two folders": {"feedly.opml", []Outline{
			{Text: "国家发展改革委 新闻发布", Title: "国家发展改革委 新闻发布", Type: "rss", XMLURL: "https://www.ndrc.gov.cn/xwdt/xwfb/rss.xml", HTMLURL: "https://www.ndrc.gov.cn/xwdt/xwfb/", Category: "Policy"},
			{Text: "浙江省政府常务会议", Title: "浙江省政府常务会议", Type: "rss", XMLURL: zj, HTMLURL: "http://www.zj.gov.cn/col/col1554467/index.html", Category: "Policy"},
			{Text: "浙江省政府常务会议", Title: "浙江省政府常务会议", Type: "rss", XMLURL: zj, HTMLURL: "http://www.zj.gov.cn/col/col1554467/index.html", Category: "Zhejiang"},
			{Text: "Go Blog", Title: "The Go Blog", Type: "rss", XMLURL: "https://go.dev/blog/feed.atom", HTMLURL: "https://go.dev/blog"},
		}},
		"miniflux: OPML 2.0 without type, Chinese folder": {"miniflux.opml", []Outline{
			{Text: "Sichuan News (English)", Title: "Sichuan News (English)", Type: "rss", XMLURL: "https://www.sc.gov.cn/10462/10758/10760/10765/rss.xml", HTMLURL: "https://www.sc.gov.cn/", Category: "All"},
			{Text: "国家统计局 最新发布", Title: "国家统计局 最新发布", Type: "rss", XMLURL: "http://www.stats.gov.cn/tjsj/zxfb/rss.xml?utm_source=miniflux", HTMLURL: "http://www.stats.gov.cn/", Category: "中央"},
		}},
		"netnewswire: nested folders, feed:// URL": {"netnewswire.opml", []Outline{
			{Text: "广东 部门动态", Title: "广东 部门动态", Type: "rss", XMLURL: "https://www.gd.gov.cn/gdywdt/bmdt/rss.xml", HTMLURL: "https://www.gd.gov.cn/", Category: "China/Guangdong"},
			{Text: "Daring Fireball", Title: "Daring Fireball", Type: "rss", XMLURL: "http://daringfireball.net/feeds/main", HTMLURL: "https://daringfireball.net/"},
		}},
		"newsboat: title only, no folders": {"newsboat.opml", []Outline{
			{Text: "中国政府网 最新政策", Title: "中国政府网 最新政策", Type: "rss", XMLURL: "https://www.gov.cn/zhengce/zuixin/rss.xml", HTMLURL: "https://www.gov.cn/zhengce/zuixin/"},
			{Text: "LWN.net", Title: "LWN.net", Type: "rss", XMLURL: "https://lwn.net/headlines/rss", HTMLURL: "https://lwn.net"},
			{Text: "中国政府网 最新政策 (again)", Title: "中国政府网 最新政策 (again)", Type: "rss", XMLURL: "https://www.gov.cn/zhengce/zuixin/rss.xml#newsboat", HTMLURL: "https://www.gov.cn/zhengce/zuixin/"},
		}},
		"old exports: attribute case, HTML entities, url attribute, category attribute, notes and links skipped": {"opml1-lowercase.opml", []Outline{
			{Text: "Café\u00a0news", Title: "Café\u00a0news", Type: "rss", XMLURL: "http://example.org/caf%C3%A9.rss", HTMLURL: "http://example.org/"},
			{Text: "Typed url", Title: "Typed url", Type: "rss", XMLURL: "http://example.org/typed.xml"},
			{Text: "Mixed case", Title: "Mixed case", Type: "rss", XMLURL: "https://example.org/mixed.xml", HTMLURL: "https://example.org/m", Category: "Tech/Go"},
		}},
		"GBK encoded": {"gbk.opml", []Outline{
			{Text: "浙江政务", Title: "浙江政务", Type: "rss", XMLURL: "http://www.zj.gov.cn/rss.xml"},
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := readFile(t, tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Read(%s) mismatch (-want +got):\n%s", tc.file, diff)
			}
		})
	}
}

func TestReadRejects(t *testing.T) {
	tests := map[string]struct {
		in      string
		notOPML bool // errors.Is(err, ErrNotOPML); otherwise any error
	}{
		"rss feed":       {mustRead(t, "not-opml.rss"), true},
		"html page":      {mustRead(t, "not-opml.html"), false},
		"json":           {`{"feeds": ["https://example.org/rss"]}`, true},
		"empty":          {"", true},
		"truncated opml": {`<opml version="2.0"><body><outline text="a" xmlUrl="https://a.example/rss">`, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := Read(strings.NewReader(tc.in))
			if err == nil {
				t.Fatalf("Read succeeded with %v, want an error", got)
			}
			if tc.notOPML && !errors.Is(err, ErrNotOPML) {
				t.Errorf("error %q is not ErrNotOPML", err)
			}
			if !strings.HasPrefix(err.Error(), "read opml: ") {
				t.Errorf("error %q does not name what failed", err)
			}
		})
	}
}

func TestReadEmptyBody(t *testing.T) {
	got, err := Read(strings.NewReader(`<?xml version="1.0"?><opml version="2.0"><head><title>none</title></head><body/></opml>`))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Errorf("Read of an empty body = %v, want no outlines", got)
	}
}

func mustRead(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
