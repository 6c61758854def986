package feed

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govfeed/govfeed/data"
)

// beijing is Asia/Shanghai, or UTC+8 without tzdata.
func beijing(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

// testNow is the clock of every test: after all fixture dates.
var testNow = time.Date(2026, 10, 10, 0, 0, 0, 0, time.UTC)

func options(t testing.TB, base string) Options {
	return Options{BaseURL: base, Location: beijing(t), Now: func() time.Time { return testNow }}
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParseFixtures(t *testing.T) {
	tests := map[string]struct {
		file, contentType, base string
		want                    *Feed
	}{
		"RSS 0.91": {
			file: "rss091.xml", base: "http://www.ndrc.gov.cn/xwzx/xwfb/rss.xml",
			want: &Feed{
				Title: "国家发展和改革委员会 - 新闻发布", Link: "http://www.ndrc.gov.cn/xwzx/xwfb/", Language: "zh-CN",
				Items: []data.Item{
					{Title: "国家发展改革委举行10月份新闻发布会", Link: "http://www.ndrc.gov.cn/xwzx/xwfb/202610/t20261016_1390000.html", Summary: "介绍宏观经济运行情况。", Lang: "zh-CN"},
					{Title: "关于做好2026年秋冬季能源保供工作的通知", Link: "http://www.ndrc.gov.cn/xwzx/xwfb/202610/t20261010_1389999.html", Lang: "zh-CN"},
				},
			},
		},
		"RSS 0.92": {
			file: "rss092.xml", base: "https://english.cq.gov.cn/rss.xml",
			want: &Feed{
				Title: "Chongqing Government", Link: "https://english.cq.gov.cn/",
				Items: []data.Item{{
					Title: "Chongqing hosts Smart China Expo", Link: "https://english.cq.gov.cn/news/202609/t20260907_15000001.html",
					Summary:    "<p>The expo opened on <b>Monday</b>.</p>",
					Categories: []string{"News"},
					Enclosures: []data.Enclosure{{URL: "https://english.cq.gov.cn/files/expo.pdf", Type: "application/pdf", Length: 204800}},
				}},
			},
		},
		"RSS 1.0 (RDF)": {
			file: "rss10-rdf.xml", base: "https://www.sc.gov.cn/rss.rdf",
			want: &Feed{
				Title: "四川省人民政府 - 今日四川", Link: "https://www.sc.gov.cn/10462/10464/10797/jrsc_list.shtml", Language: "zh-CN",
				Items: []data.Item{
					{
						Title: "省政府召开常务会议", Link: "https://www.sc.gov.cn/10462/10464/10797/2026/6/17/af03c6a54b374b77a9f47960d6c85922.shtml",
						Summary: "研究部署防汛救灾工作。", Author: "四川省人民政府办公厅",
						Published: utc("2026-06-17T09:28:45Z"), Updated: utc("2026-06-17T09:28:45Z"), Lang: "zh-CN",
					},
					{
						Title: "全省经济运行情况新闻发布会", Link: "https://www.sc.gov.cn/10462/10464/10797/2026/6/16/0f8a8e5c2b4d4e0f9a1b2c3d4e5f6a7b.shtml",
						Published: utc("2026-06-16T10:07:00Z"), Updated: utc("2026-06-16T10:07:00Z"), Lang: "zh-CN",
					},
				},
			},
		},
		"RSS 2.0": {
			file: "rss20.xml", base: "https://www.cq.gov.cn/rss/jrcq.xml",
			want: &Feed{
				Title: "重庆市人民政府 > 今日重庆", Link: "https://www.cq.gov.cn/ywdt/jrcq/", Language: "zh-CN",
				Items: []data.Item{
					{
						GUID:       "https://www.cq.gov.cn/ywdt/jrcq/202606/t20260616_15758457.html",
						Title:      "市政府召开第100次常务会议",
						Link:       "https://www.cq.gov.cn/ywdt/jrcq/202606/t20260616_15758457.html",
						Summary:    `会议研究了<a href="/zwgk/">政务公开</a>工作。`,
						Content:    `<p>会议研究了<a href="/zwgk/">政务公开</a>工作。</p><p>全文见附件。</p>`,
						Author:     "市政府办公厅",
						Categories: []string{"政务要闻", "常务会议"},
						Enclosures: []data.Enclosure{{URL: "https://www.cq.gov.cn/files/2026/0616.pdf", Type: "application/pdf", Length: 1024}},
						Published:  utc("2026-06-16T10:07:00Z"),
						Lang:       "zh-CN",
					},
					{
						GUID:  "cq-15750000",
						Title: "重庆：推进 成渝地区双城经济圈建设",
						Link:  "https://www.cq.gov.cn/ywdt/jrcq/202606/t20260615_15750000.html",
						// Summary equals Content: only Content is kept.
						Content: "<p>摘要与正文相同。</p>",
						// CST on a UTC+8 source is China Standard Time.
						Published: utc("2026-06-15T01:00:00Z"),
						Lang:      "zh-CN",
					},
					{
						GUID:      "https://www.cq.gov.cn/ywdt/jrcq/202606/t20260614_15740000.html",
						Title:     `"十四五"规划实施情况`,
						Link:      "https://www.cq.gov.cn/ywdt/jrcq/202606/t20260614_15740000.html", // from the permalink guid
						Published: utc("2026-06-14T10:00:00Z"),
						Lang:      "zh-CN",
					},
				},
			},
		},
		"Atom 0.3": {
			file: "atom03.xml", base: "https://www.zj.gov.cn/atom.xml",
			want: &Feed{
				Title: "浙江省人民政府", Link: "https://www.zj.gov.cn/", Language: "zh-CN",
				Items: []data.Item{{
					GUID:      "tag:zj.gov.cn,2026:art_a5c0ac3429044dffb39c2d848f985520",
					Title:     "省政府常务会议研究部署秋冬季工作",
					Link:      "https://www.zj.gov.cn/col/col1554467/art/2026/art_a5c0ac3429044dffb39c2d848f985520.html",
					Content:   "<p>会议指出……</p>",
					Author:    "浙江省人民政府办公厅",
					Published: utc("2026-09-11T01:00:00Z"),
					Updated:   utc("2026-09-11T02:30:00Z"),
					Lang:      "zh-CN",
				}},
			},
		},
		"Atom 1.0": {
			file: "atom10.xml", base: "https://www.gd.gov.cn/feed.atom",
			want: &Feed{
				Title: "广东省人民政府 <门户网站>", Link: "https://www.gd.gov.cn/gdywdt/bmdt/index.html", Language: "zh-Hans",
				Items: []data.Item{
					{
						GUID:       "urn:gd.gov.cn:post_4906500",
						Title:      "省发展改革委部署重点项目建设",
						Link:       "https://www.gd.gov.cn/gdywdt/bmdt/content/post_4906500.html", // xml:base
						Summary:    "<p>部署重点项目建设。</p>",
						Content:    "<p>部署重点项目建设。</p><p>正文。</p>",
						Author:     "广东省人民政府办公厅", // inherited from the feed
						Categories: []string{"部门动态", "重点项目"},
						Enclosures: []data.Enclosure{{URL: "https://www.gd.gov.cn/attachment/0/500/500000/4906500.pdf", Type: "application/pdf", Length: 2048}},
						Published:  utc("2026-06-04T02:13:50Z"),
						Updated:    utc("2026-06-05T08:00:00Z"),
						Lang:       "zh-Hans",
					},
					{
						GUID:      "urn:gd.gov.cn:post_4906600",
						Title:     "纯文本条目",
						Link:      "https://www.gd.gov.cn/gdywdt/gdyw/content/post_4906600.html",
						Content:   "第一行 a &lt; b<br>\n第二行", // type="text" is escaped
						Author:    "南方日报",
						Published: utc("2026-06-06T04:00:00Z"), // no published: updated
						Updated:   utc("2026-06-06T04:00:00Z"),
						Lang:      "zh-Hans",
					},
				},
			},
		},
		"JSON Feed 1.0": {
			file: "jsonfeed10.json", contentType: "application/feed+json", base: "https://www.wuhu.gov.cn/feed.json",
			want: &Feed{
				Title: "芜湖市人民政府 - 政务要闻", Link: "https://www.wuhu.gov.cn/",
				Items: []data.Item{
					{
						GUID:       "6787231-1",
						Title:      "芜湖市召开重点工作推进会",
						Link:       "https://www.wuhu.gov.cn/xwzx/wuhu/8000001.html",
						Content:    "<p>会议要求……</p>",
						Summary:    "会议要求 &lt;加快&gt; 推进", // plain text by the spec
						Author:     "芜湖市人民政府办公室",
						Categories: []string{"要闻", "会议"},
						Enclosures: []data.Enclosure{{URL: "https://www.wuhu.gov.cn/files/8000001.docx", Type: "application/msword", Length: 4096, Title: "附件1"}},
						Published:  utc("2026-10-04T01:39:11Z"),
						Updated:    utc("2026-10-04T02:00:00Z"),
					},
					{
						GUID:      "42",
						Link:      "https://www.wuhu.gov.cn/xwzx/wuhu/8000002.html",
						Content:   "无标题的纯文本条目",
						Author:    "芜湖市人民政府办公室",
						Published: utc("2026-10-03T00:00:00Z"),
					},
				},
			},
		},
		"JSON Feed 1.1": {
			file: "jsonfeed11.json", base: "https://www.sc.gov.cn/feed.json",
			want: &Feed{
				Title: "Sichuan Government", Link: "https://www.sc.gov.cn/10462/10758/index.shtml", Language: "en",
				Items: []data.Item{{
					GUID:      "https://www.sc.gov.cn/10462/10758/10760/10765/2024/2/7/af03c6a54b374b77a9f47960d6c85922.shtml",
					Title:     "Sichuan's foreign trade grows",
					Link:      "https://www.sc.gov.cn/10462/10758/10760/10765/2024/2/7/af03c6a54b374b77a9f47960d6c85922.shtml",
					Content:   "<p>Trade grew.</p>",
					Author:    "Xinhua, Sichuan Daily",
					Published: utc("2024-02-07T02:00:00Z"),
					Lang:      "en-GB",
				}},
			},
		},
		"GB2312 declared in the prolog": {
			file: "rss-gb2312-prolog.xml", contentType: "text/xml", base: "http://www.zj.gov.cn/module/rss/rssfeed.jsp?colid=1554467",
			want: &Feed{
				Title: "浙江省人民政府 - 省政府常务会议", Link: "http://www.zj.gov.cn/col/col1554467/index.html", Language: "zh-CN",
				Items: []data.Item{{
					Title: "省政府召开第十二次常务会议", Link: "http://www.zj.gov.cn/art/2016/10/19/art_5527_2187651.html",
					Summary: "会议研究部署全省防汛防台工作。", Published: utc("2016-10-19T01:30:00Z"), Lang: "zh-CN",
				}},
			},
		},
		"GBK declared only by Content-Type": {
			file: "rss-gbk-header.xml", contentType: "text/xml; charset=GBK", base: "http://www.stats.gov.cn/sj/zxfb/rss.xml",
			want: &Feed{
				Title: "国家统计局 - 最新发布", Link: "http://www.stats.gov.cn/sj/zxfb/",
				Items: []data.Item{{
					GUID: "stats-1957000", Title: "2026年9月份居民消费价格同比上涨",
					Link:   "http://www.stats.gov.cn/sj/zxfb/202610/t20261015_1957000.html",
					Author: "国家统计局城市司", Published: utc("2026-10-15T01:30:00Z"),
				}},
			},
		},
		"wuhu: padded CDATA titles and naive pubDate": {
			file: "rss-wuhu.xml", contentType: "text/xml;charset=ISO-8859-1", base: "https://www.wuhu.gov.cn/rss/rss.xml?siteId=6787231",
			want: &Feed{
				Title: "芜湖市人民政府", Link: "https://www.wuhu.gov.cn",
				Items: []data.Item{
					{Title: "芜湖市政府召开第45次常务会议", Link: "https://www.wuhu.gov.cn/zwzx/wuhu/8849021.html", Published: utc("2026-10-03T17:39:11Z")},
					{Title: "Wuhu hosts international robot fair", Link: "https://www.wuhu.gov.cn/English/news/8849000.html", Published: utc("2026-10-03T09:00:00Z")},
				},
			},
		},
		"relative links": {
			file: "rss-relative-links.xml", base: "https://www.hlj.gov.cn/rss/zwgk.xml",
			want: &Feed{
				Title: "黑龙江省人民政府 - 政务公开", Link: "https://www.hlj.gov.cn/zwgk/",
				Items: []data.Item{
					{Title: "A", Link: "https://www.hlj.gov.cn/zwgk/202610/t20261001_100001.html"},
					{Title: "B", Link: "https://www.hlj.gov.cn/zwgk/202610/t20261002_100002.html"},
					{Title: "C", Link: "https://www.hlj.gov.cn/xwfb/t20261003_100003.html"},
					{Title: "D", Link: "https://www.hlj.gov.cn/a.html"},
					{Title: "E"}, // javascript: is not a link
					{Title: "F", Link: "https://www.hlj.gov.cn/zwgk/t20261005_100005.html#top"},
					{
						Title: "G", Link: "https://www.hlj.gov.cn/zwgk/202610/t20261007_100007.html",
						Enclosures: []data.Enclosure{{URL: "https://www.hlj.gov.cn/files/g.pdf", Type: "application/pdf"}},
					},
				},
			},
		},
		"missing GUIDs": {
			file: "rss-missing-guids.xml", base: "https://www.stats.gov.cn/sj/zxfb/rss.xml",
			want: &Feed{
				Title: "国家统计局", Link: "https://www.stats.gov.cn/sj/zxfb/",
				Items: []data.Item{
					{Title: "2026年9月份工业生产者出厂价格", Link: "https://www.stats.gov.cn/sj/zxfb/202610/t20261015_1957001.html", Published: utc("2026-10-15T01:30:00Z")},
					{Title: "只有标题和日期的条目", Published: utc("2026-10-14T01:30:00Z")},
					// The empty <item></item> is dropped.
				},
			},
		},
		"repeated GUIDs are kept for AssignKeys": {
			file: "rss-repeated-guids.xml", base: "https://www.example.gov.cn/rss.xml",
			want: &Feed{
				Title: "某市人民政府", Link: "https://www.example.gov.cn/",
				Items: []data.Item{
					{GUID: "1", Title: "第一条", Link: "https://www.example.gov.cn/art/2026/10/1/art_1_1.html"},
					{GUID: "1", Title: "第二条", Link: "https://www.example.gov.cn/art/2026/10/2/art_1_2.html"},
				},
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := Parse(readFixture(t, tc.file), tc.contentType, options(t, tc.base))
			if err != nil {
				t.Fatalf("Parse(%s) error = %v", tc.file, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Parse(%s) mismatch (-want +got):\n%s", tc.file, diff)
			}
		})
	}
}
