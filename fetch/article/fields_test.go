package article

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestStripSiteSuffix(t *testing.T) {
	tests := map[string]struct{ in, column, want string }{
		"Sichuan":                  {"关于印发实施方案的通知_四川省人民政府", "", "关于印发实施方案的通知"},
		"Sichuan legacy":           {"四川省召开推进会 - 四川省人民政府网站", "", "四川省召开推进会"},
		"Chongqing":                {"重庆中欧班列开行量突破3万列_重庆市人民政府网", "", "重庆中欧班列开行量突破3万列"},
		"gov.cn":                   {"国务院常务会议召开_中国政府网", "", "国务院常务会议召开"},
		"Zhejiang":                 {"省政府常务会议召开_浙江省人民政府", "", "省政府常务会议召开"},
		"Guangdong":                {"广州推出20条措施_广东省人民政府门户网站", "", "广州推出20条措施"},
		"gov.cn column and site":   {"关于扩大内需的若干意见_宏观经济_中国政府网", "", "关于扩大内需的若干意见"},
		"column from meta":         {"关于扩大内需的若干意见_Macro Economy_中国政府网", "Macro Economy", "关于扩大内需的若干意见"},
		"English Sichuan":          {"Sichuan to Build Towns - Sichuan Provincial People's Government", "", "Sichuan to Build Towns"},
		"English curly apostrophe": {"Sichuan Plan - Sichuan Provincial People’s Government", "", "Sichuan Plan"},
		"generic county site":      {"我县启动森林防火行动-某某县人民政府", "", "我县启动森林防火行动"},
		"pipe and portal":          {"Notice on Holidays | Chongqing Government Portal", "", "Notice on Holidays"},
		"site then city site":      {"标题_某某区人民政府_某某市人民政府", "", "标题"},
		"em dash site":             {"通知—某某市政府", "", "通知"},
		"no suffix":                {"关于做好2026年春节期间安全工作的通知", "", "关于做好2026年春节期间安全工作的通知"},
		"subtitle with double dash": {"奋力谱写新篇章——写在省政府工作报告发布之际", "",
			"奋力谱写新篇章——写在省政府工作报告发布之际"},
		"hyphen inside a word":           {"Sichuan e-Government", "", "Sichuan e-Government"},
		"non-site segment kept":          {"Chengdu - Chongqing rail link opens", "", "Chengdu - Chongqing rail link opens"},
		"short Han segment without site": {"标题_宏观经济", "", "标题_宏观经济"},
		"only a site name":               {"四川省人民政府", "", "四川省人民政府"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := stripSiteSuffix(tc.in, tc.column); got != tc.want {
				t.Errorf("stripSiteSuffix(%q, %q) = %q, want %q", tc.in, tc.column, got, tc.want)
			}
		})
	}
}

func TestSplitKeywords(t *testing.T) {
	tests := map[string]struct {
		in   string
		want []string
	}{
		"semicolons with empties":  {"营商环境;政务服务;", []string{"营商环境", "政务服务"}},
		"full-width separators":    {"中欧班列，西部陆海新通道；开放", []string{"中欧班列", "西部陆海新通道", "开放"}},
		"space-separated Chinese":  {"成自高铁 开通运营　交通", []string{"成自高铁", "开通运营", "交通"}},
		"English phrases kept":     {"Belt and Road, New Western Land-Sea Corridor", []string{"Belt and Road", "New Western Land-Sea Corridor"}},
		"duplicates dropped":       {"a;b;a", []string{"a", "b"}},
		"enumeration comma":        {"设备更新、以旧换新", []string{"设备更新", "以旧换新"}},
		"nothing but separators":   {" ; ，；", nil},
		"mixed Chinese and spaces": {"宏观经济; 扩大内需 促进消费", []string{"宏观经济", "扩大内需", "促进消费"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, splitKeywords(tc.in)); diff != "" {
				t.Errorf("splitKeywords(%q) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestExtractTitleEvidence(t *testing.T) {
	tests := map[string]struct{ head, body, title, rule string }{
		"ArticleTitle beats og:title and h1": {
			head: `<meta name="ArticleTitle" content="元数据标题"><meta property="og:title" content="OG标题">`,
			body: `<h1>页面标题</h1>`, title: "元数据标题", rule: "meta ArticleTitle",
		},
		"og:title loses its site suffix": {
			head:  `<meta property="og:title" content="我县启动森林防火行动-某某县人民政府">`,
			title: "我县启动森林防火行动", rule: "meta og:title",
		},
		"og:title beats h1": {
			head: `<meta property="og:title" content="OG标题">`, body: `<h1>页面标题</h1>`,
			title: "OG标题", rule: "meta og:title",
		},
		"logo h1 in the header is skipped": {
			body:  `<div class="header"><h1 class="logo">四川省人民政府</h1></div><div class="main"><h1>真正的标题</h1></div>`,
			title: "真正的标题", rule: "h1",
		},
		"share-title before a logo h1": {
			body:  `<h1><img src="/logo.png" alt="中国政府网"></h1><div class="share-title">国务院文件标题</div>`,
			title: "国务院文件标题", rule: "div.share-title",
		},
		"h2.title": {
			body: `<h2 class="title">Chongqing News</h2>`, title: "Chongqing News", rule: "h2.title",
		},
		"<title> last, suffix removed": {
			head: `<title>通知公告_某某市人民政府</title>`, title: "通知公告", rule: "title",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			page := "<html><head>" + tc.head + "</head><body>" + tc.body + `<div id="zoom"><p>正文。</p></div></body></html>`
			a, err := Extract([]byte(page), Options{URL: "https://www.x.gov.cn/a.html"})
			if err != nil {
				t.Fatal(err)
			}
			if a.Title != tc.title || a.Rules["title"] != tc.rule {
				t.Errorf("title = %q by %q, want %q by %q", a.Title, a.Rules["title"], tc.title, tc.rule)
			}
		})
	}
}

func TestExtractByline(t *testing.T) {
	tests := map[string]struct{ head, top, source, sourceRule, author, authorRule string }{
		"meta ContentSource and Author beat lines": {
			head:   `<meta name="ContentSource" content="四川日报"><meta name="Author" content="张三">`,
			top:    `<p>来源：新华社 作者：李四</p>`,
			source: "四川日报", sourceRule: "meta ContentSource", author: "张三", authorRule: "meta Author",
		},
		"来源 before a font widget": {
			top:    `<li>2015年11月26日 10时30分 来源：四川日报 【字体：<a>大</a> <a>中</a> <a>小</a>】</li>`,
			source: "四川日报", sourceRule: "line 来源",
		},
		"来源 with spaced half-width colon": {
			top:    `<span class="time">时间  :  2026-06-04 10:13:50</span><span class="ly">来源  :  广州日报</span>`,
			source: "广州日报", sourceRule: "line 来源",
		},
		"信息来源 followed by another field": {
			top:    `<div>发布时间：2026-10-12 16:20　信息来源：县应急管理局　浏览次数：256</div>`,
			source: "县应急管理局", sourceRule: "line 来源",
		},
		"value on the next line": {
			top:    `<dl><dt>来源：</dt><dd>新华社</dd></dl>`,
			source: "新华社", sourceRule: "line 来源",
		},
		"作者 and 来源 on one line": {
			top:    `<p>来源：重庆日报 作者：王五</p>`,
			source: "重庆日报", sourceRule: "line 来源", author: "王五", authorRule: "line 作者",
		},
		"资金来源 in the body is not a byline": {},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			page := "<html><head><title>标题</title>" + tc.head + "</head><body>" + tc.top +
				`<div id="zoom"><p>本项目的资金来源：省级财政专项资金，共计五百万元，分两年拨付到位。</p></div></body></html>`
			a, err := Extract([]byte(page), Options{URL: "https://www.x.gov.cn/a.html"})
			if err != nil {
				t.Fatal(err)
			}
			if a.Source != tc.source || a.Rules["source"] != tc.sourceRule {
				t.Errorf("source = %q by %q, want %q by %q", a.Source, a.Rules["source"], tc.source, tc.sourceRule)
			}
			if a.Author != tc.author || a.Rules["author"] != tc.authorRule {
				t.Errorf("author = %q by %q, want %q by %q", a.Author, a.Rules["author"], tc.author, tc.authorRule)
			}
		})
	}
}
