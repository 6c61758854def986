package opml

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/govfeed/govfeed/config"
	"github.com/govfeed/govfeed/data"
)

// configured is the configuration the generated entries are appended to:
// its sources are the existing ones.
const configured = `listen: 127.0.0.1:8080
sources:
  - id: ndrc-xwfb
    name: 国家发展改革委 新闻发布
    url: https://www.ndrc.gov.cn/xwdt/xwfb/rss.xml
  - id: the-go-blog
    url: https://example.org/other.xml
`

func existingSources(t *testing.T) []data.Source {
	t.Helper()
	c, err := config.Parse("govfeed.yaml", []byte(configured))
	if err != nil {
		t.Fatal(err)
	}
	return c.Sources
}

// parseAppended appends out under the sources of configured and parses the
// result as govfeed does.
func parseAppended(t *testing.T, out []byte) *config.Config {
	t.Helper()
	c, err := config.Parse("govfeed.yaml", append([]byte(configured), out...))
	if err != nil {
		t.Fatalf("appended YAML does not parse: %v\n%s", err, out)
	}
	return c
}

func TestSourcesYAMLFeedly(t *testing.T) {
	outlines, err := readFile(t, "feedly.opml")
	if err != nil {
		t.Fatal(err)
	}
	out, skipped, err := SourcesYAML(outlines, existingSources(t))
	if err != nil {
		t.Fatal(err)
	}
	want := `  - id: zj-gov-cn
    name: 浙江省政府常务会议
    url: http://www.zj.gov.cn/module/rss/rssfeed.jsp?colid=1554467
    kind: feed
    tags: [policy, zhejiang]
  - id: the-go-blog-2
    name: The Go Blog
    url: https://go.dev/blog/feed.atom
    kind: feed
`
	if diff := cmp.Diff(want, string(out)); diff != "" {
		t.Errorf("YAML mismatch (-want +got):\n%s", diff)
	}
	wantSkipped := []string{
		`outline "国家发展改革委 新闻发布": https://www.ndrc.gov.cn/xwdt/xwfb/rss.xml is already configured as source "ndrc-xwfb"`,
		`outline "浙江省政府常务会议": http://www.zj.gov.cn/module/rss/rssfeed.jsp?colid=1554467 is listed twice; kept once as source "zj-gov-cn"`,
	}
	if diff := cmp.Diff(wantSkipped, skipped); diff != "" {
		t.Errorf("skipped mismatch (-want +got):\n%s", diff)
	}

	c := parseAppended(t, out)
	var ids []string
	for _, s := range c.Sources {
		ids = append(ids, s.ID)
	}
	if diff := cmp.Diff([]string{"ndrc-xwfb", "the-go-blog", "zj-gov-cn", "the-go-blog-2"}, ids); diff != "" {
		t.Errorf("parsed ids mismatch (-want +got):\n%s", diff)
	}
	zj, _ := c.Source("zj-gov-cn")
	if zj.Kind != data.KindFeed || zj.Name != "浙江省政府常务会议" || !cmp.Equal(zj.Tags, []string{"policy", "zhejiang"}) {
		t.Errorf("parsed zj-gov-cn = kind %q name %q tags %v", zj.Kind, zj.Name, zj.Tags)
	}
}

func TestSourcesYAMLCases(t *testing.T) {
	tests := map[string]struct {
		outlines    []Outline
		wantIDs     []string
		wantTags    map[string][]string
		wantNames   map[string]string
		wantURLs    map[string]string
		wantSkipped int
		wantInYAML  []string
	}{
		"scheme and tracking parameters do not make a new feed": {
			outlines: []Outline{{Title: "NDRC", XMLURL: "http://www.ndrc.gov.cn/xwdt/xwfb/rss.xml?utm_source=feedly#top"}},
			wantIDs:  []string{}, wantSkipped: 1,
		},
		"chinese titles on one host get host ids made unique": {
			outlines: []Outline{
				{Title: "今日四川", XMLURL: "https://www.sc.gov.cn/jrsc.xml"},
				{Title: "四川要闻", XMLURL: "https://www.sc.gov.cn/scyw.xml"},
				{Title: "四川政策", XMLURL: "https://www.sc.gov.cn/zc.xml"},
			},
			wantIDs: []string{"sc-gov-cn", "sc-gov-cn-2", "sc-gov-cn-3"},
		},
		"bad URLs are skipped": {
			outlines: []Outline{
				{Title: "relative", XMLURL: "/rss.xml"},
				{Title: "file", XMLURL: "file:///etc/passwd"},
				{Title: "ftp", XMLURL: "ftp://example.org/rss.xml"},
			},
			wantIDs: []string{}, wantSkipped: 3,
		},
		"nested folders become tags, chinese folders a comment": {
			outlines: []Outline{{Title: "Guangdong Dept. News", XMLURL: "https://www.gd.gov.cn/rss.xml", Category: "China/广东/Gov News"}},
			wantIDs:  []string{"guangdong-dept-news"},
			wantTags: map[string][]string{"guangdong-dept-news": {"china", "gov-news"}},
			wantInYAML: []string{`  # OPML folder "广东": add a tag by hand
  - id: guangdong-dept-news`},
		},
		"children of folder outlines are walked": {
			outlines: []Outline{{Text: "Tech", Children: []Outline{
				{Title: "LWN.net", XMLURL: "https://lwn.net/headlines/rss"},
				{Text: "Go", Children: []Outline{{Title: "Go Blog", XMLURL: "https://go.dev/blog/feed.atom"}}},
			}}},
			wantIDs:  []string{"lwn-net", "go-blog"},
			wantTags: map[string][]string{"lwn-net": {"tech"}, "go-blog": {"tech", "go"}},
		},
		"long titles are cut to a valid slug": {
			outlines: []Outline{
				{Title: strings.Repeat("Provincial Government ", 6), XMLURL: "https://a.example/1.xml"},
				{Title: strings.Repeat("Provincial Government ", 6), XMLURL: "https://a.example/2.xml"},
			},
			wantIDs: []string{"provincial-government-provincial-government-provincial", "provincial-government-provincial-government-provincial-2"},
		},
		"quoting: names with YAML syntax and URLs with #": {
			outlines:  []Outline{{Title: "Notice: #1 - [draft]", XMLURL: "https://a.example/rss?q=a:b&x=#y"}},
			wantIDs:   []string{"notice-1-draft"},
			wantNames: map[string]string{"notice-1-draft": "Notice: #1 - [draft]"},
			wantURLs:  map[string]string{"notice-1-draft": "https://a.example/rss?q=a:b&x=#y"},
		},
		"a name equal to the id is left out": {
			outlines:   []Outline{{Title: "lwn", XMLURL: "https://lwn.net/headlines/rss"}},
			wantIDs:    []string{"lwn"},
			wantNames:  map[string]string{"lwn": "lwn"}, // config's default name is the id
			wantInYAML: []string{"  - id: lwn\n    url: https://lwn.net/headlines/rss\n    kind: feed\n"},
		},
		"no title and no usable host": {
			outlines: []Outline{{XMLURL: "http://192.168.1.1/rss"}, {XMLURL: "http://[::1]/rss"}},
			wantIDs:  []string{"192-168-1-1", "1"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			out, skipped, err := SourcesYAML(tc.outlines, existingSources(t))
			if err != nil {
				t.Fatal(err)
			}
			if len(skipped) != tc.wantSkipped {
				t.Errorf("skipped %q, want %d", skipped, tc.wantSkipped)
			}
			for _, s := range tc.wantInYAML {
				if !strings.Contains(string(out), s) {
					t.Errorf("YAML lacks %q:\n%s", s, out)
				}
			}
			c := parseAppended(t, out)
			ids := []string{}
			for _, s := range c.Sources[2:] {
				ids = append(ids, s.ID)
				if want, ok := tc.wantTags[s.ID]; ok && !cmp.Equal(want, s.Tags) {
					t.Errorf("tags of %s = %v, want %v", s.ID, s.Tags, want)
				}
				if want, ok := tc.wantNames[s.ID]; ok && want != s.Name {
					t.Errorf("name of %s = %q, want %q", s.ID, s.Name, want)
				}
				if want, ok := tc.wantURLs[s.ID]; ok && want != s.URL {
					t.Errorf("url of %s = %q, want %q", s.ID, s.URL, want)
				}
			}
			if diff := cmp.Diff(tc.wantIDs, ids); diff != "" {
				t.Errorf("ids mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSourcesYAMLNothingNew(t *testing.T) {
	out, skipped, err := SourcesYAML(nil, existingSources(t))
	if err != nil || len(out) != 0 || len(skipped) != 0 {
		t.Errorf("SourcesYAML(nil) = %q, %q, %v; want nothing", out, skipped, err)
	}
	parseAppended(t, out)
}

func TestSourcesYAMLEmptySourcesKey(t *testing.T) {
	out, _, err := SourcesYAML([]Outline{{Title: "LWN.net", XMLURL: "https://lwn.net/headlines/rss", Category: "Tech"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := config.Parse("new.yaml", append([]byte("sources:\n"), out...))
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := []string{"lwn-net", "LWN.net", "https://lwn.net/headlines/rss", "tech"}
	s := c.Sources[0]
	if diff := cmp.Diff(want, []string{s.ID, s.Name, s.URL, strings.Join(s.Tags, ",")}); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}
