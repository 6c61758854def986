package main

import (
	"bytes"
	"fmt"
	"html"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// The synthetic upstream's content: deterministic Chinese government prose,
// sized like the real sites' items, rendered as RSS 2.0, Atom 1.0 and TRS-like
// GBK list and article pages.

// prose is ordinary government prose; boilerplate phrases are cut from it.
const prose = `为深入贯彻落实党中央国务院决策部署进一步优化营商环境激发市场主体活力推动经济社会高质量发展各地区各部门要坚持问题导向强化责任落实加快推进重点项目建设` +
	`全面提升政务服务效能持续改善人居环境加强生态环境保护统筹发展和安全守牢安全生产底线扎实做好防汛救灾工作切实保障人民群众生命财产安全推进乡村全面振兴` +
	`培育壮大新质生产力促进数字经济和实体经济深度融合扩大有效投资提振消费信心稳定外贸外资基本盘深化重点领域改革完善现代化基础设施体系建设教育强省` +
	`健全社会保障体系兜牢民生底线做好高校毕业生等重点群体就业工作加强基层治理推进城市更新改造老旧小区完善养老托育服务促进文化旅游融合发展`

// Immutable tables of the generator.
var (
	proseRunes = []rune(prose)
	// places are where sources are: provinces, cities and districts, as
	// on the portals govfeed follows.
	places = strings.Fields(`四川省 重庆市 广东省 浙江省 江苏省 成都市 自贡市 攀枝花市 泸州市 德阳市 绵阳市 广元市 遂宁市 内江市 乐山市
		南充市 眉山市 宜宾市 广安市 达州市 雅安市 巴中市 资阳市 万州区 涪陵区 渝中区 江北区 沙坪坝区 九龙坡区 渝北区 巴南区 黔江区
		广州市 深圳市 珠海市 佛山市 东莞市 杭州市 宁波市 温州市 南京市 苏州市 无锡市`)
	columns   = []string{"要闻动态", "政务公开", "通知公告", "政策解读", "部门动态", "市县动态"}
	titleEnds = []string{"工作会议召开", "专题会议研究部署相关工作", "新闻发布会举行", "实施方案印发", "工作取得积极成效", "调研督导重点工作", "若干措施出台"}
	// words is a vocabulary of 6,000 words of two to four characters drawn
	// from the 3,755 common (GB2312 level 1) characters, used with a Zipf
	// distribution so that two unrelated items share only a few per cent
	// of their shingles, as real ones do.
	words = func() []string {
		var chars []rune
		dec := simplifiedchinese.GBK.NewDecoder()
		for hi := 0xB0; hi <= 0xD7; hi++ {
			for lo := 0xA1; lo <= 0xFE; lo++ {
				if hi == 0xD7 && lo > 0xF9 {
					break
				}
				r, err := dec.Bytes([]byte{byte(hi), byte(lo)})
				if err != nil {
					panic(err)
				}
				chars = append(chars, []rune(string(r))...)
			}
		}
		r := rand.New(rand.NewPCG(42, 42))
		z := rand.NewZipf(r, 1.05, 8, uint64(len(chars)-1))
		out := make([]string, 6000)
		for i := range out {
			n := 2
			switch x := r.IntN(20); {
			case x >= 17:
				n = 4
			case x >= 12:
				n = 3
			}
			w := make([]rune, n)
			for j := range w {
				w[j] = chars[z.Uint64()]
			}
			out[i] = string(w)
		}
		return out
	}()
)

// itemSpec is what one generated item says; its text is derived from seed.
type itemSpec struct {
	id    int       // unique within its feed or site, increasing with time
	seed  uint64    // drives the text
	size  int       // target bytes of the content HTML
	at    time.Time // publication time
	place string    // where the source is
}

// textGen writes prose from one seed.
type textGen struct {
	r *rand.Rand
	z *rand.Zipf
}

func newTextGen(seed uint64) textGen {
	r := rand.New(rand.NewPCG(seed, 0x676f76))
	return textGen{r: r, z: rand.NewZipf(r, 1.1, 4, uint64(len(words)-1))}
}

// phrase is a run of boilerplate.
func (g textGen) phrase() string {
	n := 4 + g.r.IntN(7)
	i := g.r.IntN(len(proseRunes) - n)
	return string(proseRunes[i : i+n])
}

// clause is a few vocabulary words.
func (g textGen) clause() string {
	var b strings.Builder
	for range 2 + g.r.IntN(5) {
		b.WriteString(words[g.z.Uint64()])
	}
	return b.String()
}

func (g textGen) title(place string) string {
	return place + g.clause() + titleEnds[g.r.IntN(len(titleEnds))]
}

// sentence is two to five clauses of words and boilerplate ending with a
// full stop, sometimes with a figure.
func (g textGen) sentence() string {
	var parts []string
	for range 2 + g.r.IntN(4) {
		if g.r.IntN(3) == 0 {
			parts = append(parts, g.phrase())
		} else {
			parts = append(parts, g.clause())
		}
	}
	if g.r.IntN(6) == 0 {
		parts = append(parts, fmt.Sprintf("完成投资%d亿元，同比增长%d.%d%%", 10+g.r.IntN(990), g.r.IntN(20), g.r.IntN(10)))
	}
	return strings.Join(parts, "，") + "。"
}

// content is an article body of about size bytes of UTF-8 HTML: a lead
// naming the place (and usually the day), then paragraphs of prose, some
// emphasis, a relative link and sometimes an image.
func (g textGen) content(size int, place string, at time.Time) string {
	var b strings.Builder
	b.Grow(size + 256)
	d := at.In(beijing)
	if g.r.IntN(5) < 3 {
		fmt.Fprintf(&b, "<p>%d月%d日，%s%s。", d.Month(), d.Day(), place, g.clause())
	} else {
		fmt.Fprintf(&b, "<p>近日，%s%s。", place, g.clause())
	}
	b.WriteString(g.sentence() + "</p>\n")
	for b.Len() < size {
		b.WriteString("<p>")
		for range 1 + g.r.IntN(4) {
			s := g.sentence()
			switch g.r.IntN(12) {
			case 0:
				s = "<strong>" + s + "</strong>"
			case 1:
				s = fmt.Sprintf(`<a href="../../zwgk/%d/t%d.html">%s</a>`, g.r.IntN(9000)+1000, g.r.IntN(900000)+100000, s)
			}
			b.WriteString(s)
		}
		b.WriteString("</p>\n")
		if g.r.IntN(15) == 0 {
			fmt.Fprintf(&b, `<p style="text-align:center"><img src="./W0%d.jpg" alt="%s" width="600"></p>`+"\n", g.r.IntN(9e8)+1e8, g.clause())
		}
	}
	return b.String()
}

// itemSize draws a content size between 500 B and 5 KB, log-uniformly:
// government items are mostly short notices and some long reports.
func itemSize(r *rand.Rand) int {
	return int(500 * math.Exp(r.Float64()*math.Log(10)))
}

// text returns the item's title, summary (plain text) and content (HTML).
func (it itemSpec) text() (title, summary, content string) {
	g := newTextGen(it.seed)
	return g.title(it.place), g.sentence(), g.content(it.size, it.place, it.at)
}

// feedFormat is how one synthetic feed is written.
type feedFormat int

const (
	rssRFC822 feedFormat = iota // RSS 2.0, RFC 1123 dates with +0800
	rssNaive                    // RSS 2.0, naive "2006-01-02 15:04:05" Beijing dates, as Chinese CMSs write
	rssGBK                      // RSS 2.0 in GBK, declared in the XML prolog
	atom10                      // Atom 1.0, RFC 3339 dates
)

// formatOf spreads the formats over feeds: 40% RSS with RFC 822 dates,
// 20% RSS with naive dates, 10% GBK RSS, 30% Atom.
func formatOf(i int) feedFormat {
	switch i % 10 {
	case 0, 1, 2, 3:
		return rssRFC822
	case 4, 5:
		return rssNaive
	case 6:
		return rssGBK
	default:
		return atom10
	}
}

func (f feedFormat) String() string {
	return [...]string{"rss", "rss-naive", "rss-gbk", "atom"}[f]
}

// path is the URL path of the feed.
func (f feedFormat) path() string {
	if f == atom10 {
		return "/atom.xml"
	}
	return "/rss.xml"
}

// contentType is the Content-Type the feed is served with; the GBK feed,
// like many real ones, names no charset in the header, only in the prolog.
func (f feedFormat) contentType() string {
	switch f {
	case atom10:
		return "application/atom+xml; charset=utf-8"
	case rssGBK:
		return "text/xml"
	default:
		return "application/rss+xml; charset=utf-8"
	}
}

// beijing is UTC+8, the zone of every synthetic site.
var beijing = time.FixedZone("CST", 8*3600)

// placeOf is where source i (feed or site) is.
func placeOf(i int) string { return places[i%len(places)] }

// feedHost is the host name of feed i (0-based): f0001.bench.test...
func feedHost(i int) string { return fmt.Sprintf("f%04d.bench.test", i+1) }

// siteHost is the host name of HTML site i: s0001.bench.test...
func siteHost(i int) string { return fmt.Sprintf("s%04d.bench.test", i+1) }

// articlePath is the TRS-style path of an item: /xwdt/YYYYMM/tYYYYMMDD_ID.html.
func articlePath(it itemSpec) string {
	d := it.at.In(beijing)
	return fmt.Sprintf("/xwdt/%s/t%s_%d.html", d.Format("200601"), d.Format("20060102"), it.id)
}

// renderFeed writes feed i with its items (newest first) in format f.
func renderFeed(i int, f feedFormat, items []itemSpec, updated time.Time) []byte {
	host := feedHost(i)
	var b bytes.Buffer
	b.Grow(len(items) * 2600)
	name := fmt.Sprintf("%s人民政府 %s 第%d栏目", placeOf(i), columns[i%len(columns)], i+1)
	if f == atom10 {
		fmt.Fprintf(&b, `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">
<title>%s</title>
<id>http://%s/</id>
<link rel="alternate" type="text/html" href="http://%s/"/>
<link rel="self" type="application/atom+xml" href="http://%s/atom.xml"/>
<updated>%s</updated>
<author><name>%s人民政府办公厅</name></author>
`, name, host, host, host, updated.In(beijing).Format(time.RFC3339), placeOf(i))
		for _, it := range items {
			title, sum, body := it.text()
			link := "http://" + host + articlePath(it)
			fmt.Fprintf(&b, `<entry>
<title>%s</title>
<link rel="alternate" type="text/html" href="%s"/>
<id>tag:%s,2026:%d</id>
<published>%s</published>
<updated>%s</updated>
<category term="%s"/>
<summary>%s</summary>
<content type="html">%s</content>
</entry>
`, html.EscapeString(title), link, host, it.id, it.at.In(beijing).Format(time.RFC3339), it.at.In(beijing).Format(time.RFC3339),
				columns[it.id%len(columns)], html.EscapeString(sum), html.EscapeString(body))
		}
		b.WriteString("</feed>\n")
		return b.Bytes()
	}
	enc := "UTF-8"
	if f == rssGBK {
		enc = "GBK"
	}
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="%s"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
<title>%s</title>
<link>http://%s/</link>
<description>%s</description>
<language>zh-CN</language>
<lastBuildDate>%s</lastBuildDate>
`, enc, name, host, name, updated.In(beijing).Format(time.RFC1123Z))
	for _, it := range items {
		title, sum, body := it.text()
		date := it.at.In(beijing).Format(time.RFC1123Z)
		if f == rssNaive {
			date = it.at.In(beijing).Format("2006-01-02 15:04:05")
		}
		fmt.Fprintf(&b, `<item>
<title><![CDATA[%s]]></title>
<link>http://%s%s</link>
<guid isPermaLink="false">%s-%d</guid>
<pubDate>%s</pubDate>
<category>%s</category>
<description><![CDATA[%s]]></description>
<content:encoded><![CDATA[%s]]></content:encoded>
</item>
`, title, host, articlePath(it), host, it.id, date, columns[it.id%len(columns)], sum, body)
	}
	b.WriteString("</channel>\n</rss>\n")
	if f == rssGBK {
		return toGBK(b.Bytes())
	}
	return b.Bytes()
}

// toGBK encodes UTF-8 text as GBK; the generated text has no character
// outside GBK.
func toGBK(utf []byte) []byte {
	out, err := simplifiedchinese.GBK.NewEncoder().Bytes(utf)
	if err != nil {
		panic(fmt.Sprintf("govbench: generated text is not GBK: %v", err)) // a bug in the generator
	}
	return out
}

// renderList writes site i's list page (GBK, charset in a meta tag), TRS
// style, items newest first.
func renderList(i int, items []itemSpec) []byte {
	host := siteHost(i)
	var b bytes.Buffer
	fmt.Fprintf(&b, `<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gbk">
<title>要闻动态_%s人民政府网</title>
<meta name="SiteName" content="%s人民政府网">
<meta name="ColumnName" content="要闻动态">
<link rel="stylesheet" href="../images/common.css">
<script src="../images/jquery.min.js"></script>
</head>
<body>
<div class="header"><a href="http://%s/">%s人民政府网</a> <a href="javascript:void(0)">无障碍</a></div>
<ul class="menu"><li><a href="../index.html">首页</a></li><li><a href="../xwdt/">要闻动态</a></li><li><a href="../zwgk/">政务公开</a></li></ul>
<div class="crumbs">当前位置：<a href="../">首页</a> &gt; 要闻动态</div>
<ul class="tab-item">
`, placeOf(i), placeOf(i), host, placeOf(i))
	for _, it := range items {
		t, _, _ := it.text()
		fmt.Fprintf(&b, `<li class="clearfix"><a href=".%s" target="_blank" title="%s">%s</a><span>%s</span></li>
`, strings.TrimPrefix(articlePath(it), "/xwdt"), html.EscapeString(t), html.EscapeString(t), it.at.In(beijing).Format("2006-01-02"))
	}
	b.WriteString(`</ul>
<div class="page"><script>createPageHTML(5, 0, "index", "html");</script></div>
<div class="footer"><p>主办：人民政府办公厅　网站标识码：5000000095</p></div>
</body>
</html>
`)
	return toGBK(b.Bytes())
}

// renderArticle writes one article page of site i (GBK), with the national
// metadata tags, navigation, scripts and a footer around the body.
func renderArticle(i int, it itemSpec) []byte {
	host := siteHost(i)
	title, _, body := it.text()
	date := it.at.In(beijing).Format("2006-01-02 15:04")
	var b bytes.Buffer
	fmt.Fprintf(&b, `<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gbk">
<meta name="SiteName" content="%s人民政府网">
<meta name="ColumnName" content="要闻动态">
<meta name="ArticleTitle" content="%s">
<meta name="PubDate" content="%s">
<meta name="ContentSource" content="%s人民政府办公厅">
<meta name="Url" content="http://%s%s">
<title>%s_%s人民政府网</title>
<script>var _maq = _maq || []; _maq.push(['_setAccount', 'gov']);</script>
</head>
<body>
<div class="header"><a href="http://%s/">%s人民政府网</a></div>
<ul class="nav"><li><a href="../../">首页</a></li><li><a href="../">要闻动态</a></li></ul>
<div class="article">
<h1 class="article-title">%s</h1>
<div class="article-info"><span>%s</span><span>来源：%s人民政府办公厅</span></div>
<div class="view TRS_UEDITOR trs_paper_default trs_word">
%s</div>
<div class="share"><span>分享到：</span><a href="javascript:;">微信</a></div>
</div>
<div class="footer"><p>主办：人民政府办公厅　网站标识码：5000000095</p></div>
</body>
</html>
`, placeOf(i), html.EscapeString(title), date, placeOf(i), host, articlePath(it),
		html.EscapeString(title), placeOf(i), host, placeOf(i),
		html.EscapeString(title), date, placeOf(i), body)
	return toGBK(b.Bytes())
}
