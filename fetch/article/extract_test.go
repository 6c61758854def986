package article

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/fetch/clean"
)

// testNow is after every fixture's date.
var testNow = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// golden is the hand-written expectation for one fixture page.
type golden struct {
	file, url   string
	title       string
	published   string // RFC 3339 in UTC; "" for none
	dateOnly    bool
	source      string
	author      string
	keywords    []string
	guid        string
	contains    []string // substrings of Content
	excludes    []string // substrings that must not be in Content
	attachments []data.Enclosure
	rules       map[string]string
}

// alwaysExcluded may never appear in any extracted body.
var alwaysExcluded = []string{"<script", "javascript:", "onerror", "onclick", "onload", "style=", "<iframe", "<form"}

func goldens() map[string]golden {
	return map[string]golden{
		"F1 Sichuan English template A (Updated: line, readability)": {
			file:      "sc_en_template_a.html",
			url:       "https://www.sc.gov.cn/10462/10758/10760/10765/2018/3/2/10445992.shtml",
			title:     "Sichuan to Build 100 Characteristic Towns by 2020",
			published: "2018-03-01T16:00:00Z", dateOnly: true,
			guid: "www.sc.gov.cn/10445992",
			contains: []string{
				"Sichuan Province will build 100 “characteristic towns”",
				"“We want towns people are proud to live in,”",
				"Local governments will evaluate the towns every year",
			},
			excludes: []string{"Navigator", "Open Governance", "Related News", "Chengdu opens new metro line",
				"Hosted by", "Website Operation and Maintenance", "China Telecom", "Updated:", "stat.gif"},
			rules: map[string]string{"title": "h1", "date": "line Updated", "content": "readability", "guid": "url"},
		},
		"F1 Sichuan English template B (title suffix, URL date, footer inside body)": {
			file:      "sc_en_template_b.html",
			url:       "https://www.sc.gov.cn/10462/10758/10760/10765/2017/12/28/10441831.shtml",
			title:     "Sichuan Issues Plan on Rural Revitalization",
			published: "2017-12-27T16:00:00Z", dateOnly: true,
			guid: "www.sc.gov.cn/10441831",
			contains: []string{
				"has issued a plan to advance rural revitalization",
				"Mr. Yin Li, Vice Secretary of the Provincial Party Committee",
			},
			excludes: []string{"Simp. Chinese", "Trad. Chinese", "Copyright held by", "All Rights Reserved",
				"Technical Support", "Website Maintenance", "Tel:86", ">Sichuan Issues Plan on Rural Revitalization<"},
			rules: map[string]string{"title": "title", "date": "url", "content": "readability", "guid": "url"},
		},
		"F1 Sichuan English template C (meta PubDate, cmsArticleContent)": {
			file:      "sc_en_template_c.html",
			url:       "https://www.sc.gov.cn/10462/10758/10760/10765/2024/2/7/af03c6a54b374b77a9f47960d6c85922.shtml",
			title:     "Sichuan and Chongqing Sign 20 Cooperation Agreements",
			published: "2024-02-07T01:30:12Z",
			source:    "Sichuan Daily",
			keywords:  []string{"Sichuan", "Chongqing", "Chengdu-Chongqing economic circle"},
			guid:      "www.sc.gov.cn/af03c6a54b374b77a9f47960d6c85922",
			contains: []string{
				"signed 20 cooperation agreements on Wednesday",
				`<img src="https://www.sc.gov.cn/10462/10758/10760/10765/2024/2/7/images/W020240207593012345678.jpg"`,
			},
			excludes: []string{"Copyright held by", "en-logo", "Services"},
			rules: map[string]string{"title": "meta ArticleTitle", "date": "meta PubDate", "source": "meta ContentSource",
				"keywords": "meta Keywords", "content": "#cmsArticleContent", "guid": "url"},
		},
		"F2 Sichuan policy (contText, docx attachment, widgets around)": {
			file:      "sc_policy.html",
			url:       "https://www.sc.gov.cn/10462/c102914/2026/6/17/5f3b2d8c9e0a4b1c8d7e6f5a4b3c2d1e.shtml",
			title:     "四川省人民政府关于印发《四川省推动大规模设备更新和消费品以旧换新实施方案》的通知",
			published: "2026-06-17T09:28:45Z",
			source:    "四川省人民政府",
			keywords:  []string{"设备更新", "以旧换新", "实施方案"},
			guid:      "www.sc.gov.cn/5f3b2d8c9e0a4b1c8d7e6f5a4b3c2d1e",
			contains: []string{
				"川府发〔2026〕12号",
				"现将《四川省推动大规模设备更新和消费品以旧换新实施方案》印发给你们",
				`<a href="https://www.sc.gov.cn/10462/c102914/2026/6/17/W020260617567890123456.docx" rel="nofollow noopener">`,
			},
			excludes: []string{"责任编辑", "王五", "字体", "打印", "分享到", "微信", "ewm", "主办单位", "网站标识码", "当前位置"},
			attachments: []data.Enclosure{{
				URL:   "https://www.sc.gov.cn/10462/c102914/2026/6/17/W020260617567890123456.docx",
				Type:  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
				Title: "四川省推动大规模设备更新重点任务分工表.docx",
			}},
			rules: map[string]string{"title": "meta ArticleTitle", "date": "meta PubDate", "source": "meta ContentSource",
				"keywords": "meta Keywords", "content": ".contText", "guid": "url"},
		},
		"F2 Sichuan news (cmsArticleContent > UCAPCONTENT, relative img, editor in body)": {
			file:      "sc_news.html",
			url:       "https://www.sc.gov.cn/10462/10464/10797/2026/6/18/9a8b7c6d5e4f40312a1b2c3d4e5f6a7b.shtml",
			title:     "成都至自贡高铁今日全线开通运营",
			published: "2026-06-17T23:05:00Z",
			source:    "四川日报",
			keywords:  []string{"成自高铁", "开通运营", "交通"},
			guid:      "www.sc.gov.cn/9a8b7c6d5e4f40312a1b2c3d4e5f6a7b",
			contains: []string{
				"成都天府站至自贡站最快50分钟通达",
				`<img src="https://www.sc.gov.cn/10462/10464/10797/2026/6/18/images/W020260618345678901234.jpg" alt="首发列车驶出成都天府站" width="600"/>`,
				"“一小时交通圈”",
			},
			excludes: []string{"责任编辑", "李四", "相关新闻", "川南城际铁路", "<p> </p>", "<p>\u00a0</p>", "版权所有"},
			rules: map[string]string{"title": "meta ArticleTitle", "date": "meta PubDate", "source": "meta ContentSource",
				"keywords": "meta Keywords", "content": "#cmsArticleContent", "guid": "url"},
		},
		"F2 Sichuan legacy 2015 (decoded GB2312, articleattribute, print widget)": {
			file:      "sc_legacy.html",
			url:       "http://www.sc.gov.cn/10462/10464/10797/2015/11/26/10360279.shtml",
			title:     "四川省召开全省脱贫攻坚工作推进会",
			published: "2015-11-26T02:30:00Z",
			source:    "四川日报",
			guid:      "www.sc.gov.cn/10360279",
			contains: []string{
				"全省脱贫攻坚工作推进会在成都召开",
				"层层压实责任。",
			},
			excludes: []string{"字体", "打印本页", "关闭窗口", "【", "】", "版权所有", "ICP"},
			rules: map[string]string{"title": "title", "date": "#articleattribute", "source": "line 来源",
				"content": "#cmsArticleContent", "guid": "url"},
		},
		"F3 Chongqing TRS with PDF attachment and trailing logo": {
			file:      "cq_article_pdf.html",
			url:       "https://www.cq.gov.cn/ywdt/jrcq/202606/t20260616_15758457.html",
			title:     "重庆市人民政府办公厅关于印发重庆市优化营商环境三年行动计划的通知",
			published: "2026-06-16T10:07:00Z",
			source:    "市政府办公厅",
			author:    "刘洋",
			keywords:  []string{"营商环境", "政务服务"},
			guid:      "www.cq.gov.cn/t20260616_15758457",
			contains: []string{
				"渝府办发〔2026〕45号",
				"政务服务事项全程网办率达到90%以上",
				`<a href="https://www.cq.gov.cn/ywdt/jrcq/202606/P020260616512345678901.pdf" rel="nofollow noopener">重庆市优化营商环境三年行动计划.pdf</a>`,
			},
			excludes: []string{"head-logo", "<img", "分享到", "字体", "要闻动态", "版权所有", "oldsrc"},
			attachments: []data.Enclosure{{
				URL:   "https://www.cq.gov.cn/ywdt/jrcq/202606/P020260616512345678901.pdf",
				Type:  "application/pdf",
				Title: "重庆市优化营商环境三年行动计划.pdf",
			}},
			rules: map[string]string{"title": "meta ArticleTitle", "date": "meta PubDate", "source": "meta ContentSource",
				"author": "meta Author", "keywords": "meta Keywords", "content": ".TRS_UEDITOR", "guid": "url"},
		},
		"F3 Chongqing TRS_Editor with 终审 line and full-width keyword separators": {
			file:      "cq_article.html",
			url:       "https://www.cq.gov.cn/ywdt/jrcq/202606/t20260617_15761020.html",
			title:     "重庆中欧班列开行量突破3万列",
			published: "2026-06-17T01:15:00Z",
			source:    "重庆日报",
			keywords:  []string{"中欧班列", "西部陆海新通道", "开放"},
			guid:      "www.cq.gov.cn/t20260617_15761020",
			contains: []string{
				"标志着中欧班列（成渝）开行量突破3万列",
				`<a href="https://www.cq.gov.cn/ywdt/jrcq/202606/t20260610_15741234.html" rel="nofollow noopener">`,
			},
			excludes: []string{"终审", "张敏", "head-logo", "当前位置"},
			rules: map[string]string{"title": "meta ArticleTitle", "date": "meta PubDate", "source": "meta ContentSource",
				"keywords": "meta Keywords", "content": ".TRS_Editor", "guid": "url"},
		},
		"F3 Chongqing English twin": {
			file:      "cq_english.html",
			url:       "https://english.cq.gov.cn/latestnews/Editor/202606/t20260608_15735957.html",
			title:     "Chongqing Opens New Cargo Route to Southeast Asia",
			published: "2026-06-08T08:45:00Z",
			source:    "iChongqing",
			keywords:  []string{"New Western Land-Sea Corridor", "logistics", "ASEAN"},
			guid:      "english.cq.gov.cn/t20260608_15735957",
			contains: []string{
				"opening a new rail route on the New Western Land-Sea Corridor",
				`<img src="https://english.cq.gov.cn/latestnews/Editor/202606/W020260608412345678901.jpg"`,
			},
			excludes: []string{"logo_en", "About Chongqing", "All Rights Reserved"},
			rules: map[string]string{"title": "meta ArticleTitle", "date": "meta PubDate", "source": "meta ContentSource",
				"keywords": "meta Keywords", "content": ".TRS_UEDITOR", "guid": "url"},
		},
		"F4 Guangdong (时间  :  and 来源  :  lines, zw-title, div.zw)": {
			file:      "gd_article.html",
			url:       "http://www.gd.gov.cn/gdywdt/bmdt/content/post_4906500.html",
			title:     "广州推出20条措施支持低空经济发展",
			published: "2026-06-04T02:13:50Z",
			source:    "广州日报",
			guid:      "www.gd.gov.cn/post_4906500",
			contains: []string{
				"发布《广州市支持低空经济高质量发展的若干措施》",
				"低空经济规模超过1500亿元",
			},
			excludes: []string{"分享", "微信", "qrcode", "二维码", "要闻动态", "版权所有", "主办单位", "时间"},
			rules: map[string]string{"title": "h3.zw-title", "date": "line 时间", "source": "line 来源",
				"content": "div.zw", "guid": "url"},
		},
		"F5 Zhejiang Hanweb (#zoom, 发布日期 with time, empty paragraphs)": {
			file:      "zj_article_meeting.html",
			url:       "https://www.zj.gov.cn/col/col1554467/art/2026/art_a5c0ac3429044dffb39c2d848f985520.html",
			title:     "省政府党组第104次会议暨省政府第127次常务会议召开",
			published: "2026-10-01T11:30:00Z",
			source:    "浙江日报",
			keywords:  []string{"常务会议"},
			guid:      "www.zj.gov.cn/art_a5c0ac3429044dffb39c2d848f985520",
			contains: []string{
				"省政府党组第104次会议暨省政府第127次常务会议在杭州召开",
				`<img src="https://www.zj.gov.cn/art/2026/10/1/art_1554467_59001234_0.jpg" alt=""/>`,
				"《浙江省数据要素市场化配置改革实施方案》",
			},
			excludes: []string{"<p>　　</p>", "<p><br/></p>", "<br", "分享到", "打印本页", "浏览次数", "浙ICP"},
			rules: map[string]string{"title": "meta ArticleTitle", "date": "line 发布日期", "source": "line 来源",
				"keywords": "meta Keywords", "content": "#zoom", "guid": "url"},
		},
		"F5 Zhejiang Hanweb full title in h1, date-only 发布日期, 信息来源": {
			file:      "zj_article_fulltitle.html",
			url:       "https://www.zj.gov.cn/col/col1554467/art/2026/art_0f1e2d3c4b5a69788796a5b4c3d2e1f0.html",
			title:     "省政府召开第125次常务会议 研究部署迎峰度夏能源保供和防汛防台工作",
			published: "2026-09-27T16:00:00Z", dateOnly: true,
			source: "浙江省人民政府办公厅",
			guid:   "www.zj.gov.cn/art_0f1e2d3c4b5a69788796a5b4c3d2e1f0",
			contains: []string{
				"9月27日，省政府召开第125次常务会议",
				"做好电力、天然气和成品油保供。",
			},
			excludes: []string{"主办单位", "您当前的位置"},
			rules: map[string]string{"title": "h1", "date": "line 发布日期", "source": "line 来源",
				"content": "#zoom", "guid": "url"},
		},
		"F6 gov.cn (firstpublishedtime, manuscriptId, pages_content, editor)": {
			file:      "govcn_policy.html",
			url:       "https://www.gov.cn/zhengce/content/202606/content_7012345.htm",
			title:     "国务院办公厅关于进一步扩大内需促进消费的若干意见",
			published: "2026-06-17T09:00:00Z",
			source:    "新华社",
			author:    "国务院办公厅",
			keywords:  []string{"宏观经济", "扩大内需"},
			guid:      "www.gov.cn/manuscript_7012345",
			contains: []string{
				"为进一步扩大内需、促进消费，经国务院同意",
				"二、培育壮大新型消费。",
			},
			excludes: []string{"责任编辑", "刘亮", "我要纠错", "字体", "打印", "主办单位", "版权所有", "BreadcrumbNav"},
			rules: map[string]string{"title": "div.share-title", "date": "meta firstpublishedtime", "source": "line 来源",
				"author": "meta Author", "keywords": "meta Keywords", "content": "#UCAP-CONTENT", "guid": "meta manuscriptId"},
		},
		"F6 gov.cn xxgk-detail (发布日期 after 成文日期, <title> with column, editor inside body)": {
			file:      "govcn_xxgk.html",
			url:       "https://www.gov.cn/zhengce/content/202606/content_7012399.htm",
			title:     "国务院关于进一步优化政务服务提升行政效能的指导意见",
			published: "2026-06-16T16:00:00Z", dateOnly: true,
			keywords: []string{"国务院文件", "营商环境"},
			guid:     "www.gov.cn/content_7012399",
			contains: []string{
				"国发〔2026〕11号",
				"是建设人民满意的服务型政府的重要举措",
			},
			excludes: []string{"责任编辑", "王洁", "索 引 号", "成文日期", "<strong>国务院关于进一步优化政务服务提升行政效能的指导意见</strong>"},
			attachments: []data.Enclosure{
				{URL: "https://www.gov.cn/zhengce/content/202606/W020260617512345678901.ofd", Type: "application/ofd", Title: "指导意见（OFD版）"},
				{URL: "https://www.gov.cn/zhengce/content/202606/W020260617512345678902.wps", Type: "application/vnd.ms-works", Title: "指导意见（WPS版）"},
			},
			rules: map[string]string{"title": "title", "date": "line 发布日期", "keywords": "meta Keywords",
				"content": "#UCAP-CONTENT", "guid": "url"},
		},
		"readability fallback on unknown county markup": {
			file:      "readability_county.html",
			url:       "http://www.mouxian.gov.cn/zwgk/zwdt/202610/t20261012_88123.html",
			title:     "我县启动2026年秋季森林防火专项行动",
			published: "2026-10-12T08:20:00Z",
			source:    "县应急管理局",
			guid:      "www.mouxian.gov.cn/t20261012_88123",
			contains: []string{
				"正式启动为期三个月的森林防火专项行动",
				"提升早期火情处置能力。",
			},
			excludes: []string{"网站首页", "通知公告", "当前位置", "发布时间", "打印本页", "友情链接", "中国政府网", "版权所有", "主办单位"},
			rules: map[string]string{"title": "meta og:title", "date": "line 发布时间", "source": "line 来源",
				"content": "readability", "guid": "url"},
		},
		"meta Description when the body is rendered by script": {
			file:      "description_only.html",
			url:       "https://www.x.gov.cn/col/col1/art/2026/art_00112233445566778899aabbccddeeff.html",
			title:     "2026年国庆假期全省接待游客5200万人次",
			published: "2026-10-08T03:00:00Z",
			guid:      "www.x.gov.cn/art_00112233445566778899aabbccddeeff",
			contains:  []string{"<p>国庆假期全省共接待游客5200万人次，同比增长8.6%。</p>"},
			excludes:  []string{"请启用JavaScript"},
			rules: map[string]string{"title": "meta ArticleTitle", "date": "meta PubDate",
				"content": "meta Description", "guid": "url"},
		},
	}
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestExtractFixtures(t *testing.T) {
	san := clean.NewSanitizer()
	for name, g := range goldens() {
		t.Run(name, func(t *testing.T) {
			a, err := Extract(readFixture(t, g.file), Options{URL: g.url, Now: func() time.Time { return testNow }, Sanitizer: san})
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			if a.Title != g.title {
				t.Errorf("Title = %q, want %q", a.Title, g.title)
			}
			if got := rfc3339(a.Published); got != g.published {
				t.Errorf("Published = %s, want %s", got, g.published)
			}
			if a.Published.Location() != time.UTC {
				t.Errorf("Published zone = %v, want UTC", a.Published.Location())
			}
			if a.DateOnly != g.dateOnly {
				t.Errorf("DateOnly = %v, want %v", a.DateOnly, g.dateOnly)
			}
			if a.Source != g.source {
				t.Errorf("Source = %q, want %q", a.Source, g.source)
			}
			if a.Author != g.author {
				t.Errorf("Author = %q, want %q", a.Author, g.author)
			}
			if diff := cmp.Diff(g.keywords, a.Keywords); diff != "" {
				t.Errorf("Keywords (-want +got):\n%s", diff)
			}
			if a.GUID != g.guid {
				t.Errorf("GUID = %q, want %q", a.GUID, g.guid)
			}
			if a.URL != g.url {
				t.Errorf("URL = %q, want %q", a.URL, g.url)
			}
			for _, s := range g.contains {
				if !strings.Contains(a.Content, s) {
					t.Errorf("Content lacks %q", s)
				}
			}
			for _, s := range append(g.excludes, alwaysExcluded...) {
				if strings.Contains(a.Content, s) {
					t.Errorf("Content contains %q", s)
				}
			}
			if diff := cmp.Diff(g.attachments, a.Attachments); diff != "" {
				t.Errorf("Attachments (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(g.rules, a.Rules); diff != "" {
				t.Errorf("Rules (-want +got):\n%s", diff)
			}
			if t.Failed() {
				t.Logf("Content:\n%s", a.Content)
			}
		})
	}
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

func TestExtractHostilePageIsInert(t *testing.T) {
	a, err := Extract(readFixture(t, "hostile.html"), Options{URL: "https://www.hostile.gov.cn/art/2026/9/15/art_1_2.html"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "关于开展网络安全宣传周活动的通知" {
		t.Errorf("Title = %q", a.Title)
	}
	lower := strings.ToLower(a.Content)
	for _, bad := range []string{"<script", "alert", "javascript", "vbscript", "data:", "onerror", "onclick",
		"onload", "<iframe", "srcdoc", "<svg", "<form", "<input", "<button", "<object", "<embed", "<base",
		"style=", "evil.example", "steal"} {
		if strings.Contains(lower, bad) {
			t.Errorf("Content contains %q:\n%s", bad, a.Content)
		}
	}
	for _, good := range []string{"为提升全民网络安全意识", "活动时间为9月15日至21日", "联系人：张三",
		`<a href="https://www.hostile.gov.cn/files/notice.pdf" rel="nofollow noopener">通知附件</a>`} {
		if !strings.Contains(a.Content, good) {
			t.Errorf("Content lacks %q:\n%s", good, a.Content)
		}
	}
	want := []data.Enclosure{{URL: "https://www.hostile.gov.cn/files/notice.pdf", Type: "application/pdf", Title: "通知附件"}}
	if diff := cmp.Diff(want, a.Attachments); diff != "" {
		t.Errorf("Attachments (-want +got):\n%s", diff)
	}
}

func TestExtractNoArticle(t *testing.T) {
	tests := map[string][]byte{
		"navigation and footer only": readFixture(t, "no_article.html"),
		"empty input":                nil,
		"empty document":             []byte("<html><head></head><body></body></html>"),
		"only widgets":               []byte(`<html><body><div id="zoom">【字体：<a href="javascript:;">大</a> <a href="javascript:;">中</a> <a href="javascript:;">小</a>】【打印本页】</div></body></html>`),
	}
	for name, page := range tests {
		t.Run(name, func(t *testing.T) {
			a, err := Extract(page, Options{URL: "https://www.x.gov.cn/a.html"})
			if !errors.Is(err, ErrNoArticle) {
				t.Fatalf("Extract = %+v, %v; want ErrNoArticle", a, err)
			}
			if !strings.Contains(err.Error(), "https://www.x.gov.cn/a.html") {
				t.Errorf("error %q does not name the URL", err)
			}
		})
	}
}

func TestExtractSelectorsOverride(t *testing.T) {
	page := []byte(`<html><head><meta name="ArticleTitle" content="元数据标题"><meta name="PubDate" content="2026-06-01 08:00"></head><body>
<div class="bt">选择器标题</div><div class="sj">发稿：17.06.2026 08:30</div>
<div id="zoom"><p>不该被选中的正文。</p></div>
<div class="nr"><p>选择器正文第一段。</p><div class="ad">广告内容</div><p>选择器正文第二段。</p></div>
</body></html>`)
	a, err := Extract(page, Options{
		URL:        "https://www.x.gov.cn/art/2026/6/17/art_1_9.html",
		Selectors:  data.Selectors{Title: ".bt", Date: ".sj", Content: ".nr", Remove: ".ad"},
		DateFormat: "发稿：02.01.2006 15:04",
	})
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "选择器标题" {
		t.Errorf("Title = %q, want the selector's", a.Title)
	}
	if got, want := rfc3339(a.Published), "2026-06-17T00:30:00Z"; got != want {
		t.Errorf("Published = %s, want %s", got, want)
	}
	if want := "<p>选择器正文第一段。</p><p>选择器正文第二段。</p>"; a.Content != want {
		t.Errorf("Content = %q, want %q", a.Content, want)
	}
	wantRules := map[string]string{"title": "selector .bt", "date": "selector .sj", "content": "selector .nr", "guid": "url"}
	if diff := cmp.Diff(wantRules, a.Rules); diff != "" {
		t.Errorf("Rules (-want +got):\n%s", diff)
	}
}

// TestExtractDateEvidence checks each date rule on a minimal page, in the
// order of evidence.
func TestExtractDateEvidence(t *testing.T) {
	const body = `<div id="zoom"><p>正文内容，会议时间：2020年1月1日。</p></div>`
	tests := map[string]struct {
		head, top, url string
		want           string
		dateOnly       bool
		rule           string
	}{
		"meta PubDate beats visible line": {
			head: `<meta name="PubDate" content="2026-06-17 17:28:45">`, top: `<p>发布时间：2026-01-01 08:00</p>`,
			want: "2026-06-17T09:28:45Z", rule: "meta PubDate",
		},
		"meta firstpublishedtime with dash before the time": {
			head: `<meta name="firstpublishedtime" content="2026-06-17-17:00:00">`,
			want: "2026-06-17T09:00:00Z", rule: "meta firstpublishedtime",
		},
		"meta pubdate lower case (Hanweb 2016)": {
			head: `<meta name="pubdate" content="2016-10-19 09:12:00">`,
			want: "2016-10-19T01:12:00Z", rule: "meta PubDate",
		},
		"meta publishdate date only": {
			head: `<meta name="publishdate" content="2026-06-17">`,
			want: "2026-06-16T16:00:00Z", dateOnly: true, rule: "meta publishdate",
		},
		"article:published_time keeps its zone": {
			head: `<meta property="article:published_time" content="2026-06-17T10:00:00+02:00">`,
			want: "2026-06-17T08:00:00Z", rule: "meta article:published_time",
		},
		"time datetime": {
			top:  `<time datetime="2026-06-17T08:00:00Z">6月17日</time>`,
			want: "2026-06-17T08:00:00Z", rule: "time[datetime]",
		},
		"发布时间 line": {
			top:  `<div class="info">发布时间：2026-01-22 11:40:11 来源：深圳市人民政府</div>`,
			want: "2026-01-22T03:40:11Z", rule: "line 发布时间",
		},
		"发布日期 wins over an earlier 成文日期": {
			top:  `<table><tr><td>成文日期：</td><td>2026年06月15日</td></tr><tr><td>发布日期：</td><td>2026年06月17日</td></tr></table>`,
			want: "2026-06-16T16:00:00Z", dateOnly: true, rule: "line 发布日期",
		},
		"value on the next line (dt/dd)": {
			top:  `<dl><dt>发布日期：</dt><dd>2026-06-17</dd></dl>`,
			want: "2026-06-16T16:00:00Z", dateOnly: true, rule: "line 发布日期",
		},
		"时间 with spaced half-width colon": {
			top:  `<span>时间  :  2026-06-04 10:13:50</span>`,
			want: "2026-06-04T02:13:50Z", rule: "line 时间",
		},
		"有效时间 is not 时间": {
			top: `<p>有效时间：2030-01-01</p>`, url: "https://www.cq.gov.cn/a/202606/t20260616_1.html",
			want: "2026-06-15T16:00:00Z", dateOnly: true, rule: "url",
		},
		"Updated line": {
			top:  `<div>Updated:2018.03.02</div>`,
			want: "2018-03-01T16:00:00Z", dateOnly: true, rule: "line Updated",
		},
		"日期 line": {
			top:  `<p>日期：2020 年 02 月 14 日</p>`,
			want: "2020-02-13T16:00:00Z", dateOnly: true, rule: "line 日期",
		},
		"articleattribute without a label": {
			top:  `<ul id="articleattribute"><li>2015年11月26日 10时30分 来源：四川日报</li></ul>`,
			want: "2015-11-26T02:30:00Z", rule: "#articleattribute",
		},
		"date in the URL last": {
			url:  "https://www.sc.gov.cn/10462/10464/10797/2026/1/2/0a1b2c3d4e5f60718293a4b5c6d7e8f9.shtml",
			want: "2026-01-01T16:00:00Z", dateOnly: true, rule: "url",
		},
		"prose date inside the body is not used": {
			url: "https://www.x.gov.cn/a.html",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			page := "<html><head><title>标题</title>" + tc.head + "</head><body>" + tc.top + body + "</body></html>"
			u := tc.url
			if u == "" {
				u = "https://www.x.gov.cn/a.html"
			}
			a, err := Extract([]byte(page), Options{URL: u, Now: func() time.Time { return testNow }})
			if err != nil {
				t.Fatal(err)
			}
			if got := rfc3339(a.Published); got != tc.want {
				t.Errorf("Published = %s, want %s", got, tc.want)
			}
			if a.DateOnly != tc.dateOnly {
				t.Errorf("DateOnly = %v, want %v", a.DateOnly, tc.dateOnly)
			}
			if a.Rules["date"] != tc.rule {
				t.Errorf("date rule = %q, want %q", a.Rules["date"], tc.rule)
			}
		})
	}
}

func TestExtractLocation(t *testing.T) {
	page := []byte(`<html><head><meta name="ArticleTitle" content="T"><meta name="PubDate" content="2026-06-17 17:28:45"></head><body></body></html>`)
	a, err := Extract(page, Options{URL: "https://x.gov.cn/a.html", Location: time.FixedZone("UTC+5", 5*3600)})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rfc3339(a.Published), "2026-06-17T12:28:45Z"; got != want {
		t.Errorf("Published = %s, want %s (naive time read in Options.Location)", got, want)
	}
}

func TestArticleItem(t *testing.T) {
	pub := time.Date(2026, 6, 16, 10, 7, 0, 0, time.UTC)
	att := []data.Enclosure{{URL: "https://www.cq.gov.cn/a.pdf", Type: "application/pdf", Title: "附件"}}
	a := &Article{
		URL: "https://www.cq.gov.cn/ywdt/jrcq/202606/t20260616_15758457.html", Title: "标题", Source: "市政府办公厅",
		Keywords: []string{"营商环境", "政务服务"}, Published: pub, Content: "<p>正文</p>",
		Attachments: att, GUID: "www.cq.gov.cn/t20260616_15758457",
	}
	want := data.Item{
		SourceID: "cq-jrcq", GUID: "www.cq.gov.cn/t20260616_15758457", Title: "标题",
		Link: "https://www.cq.gov.cn/ywdt/jrcq/202606/t20260616_15758457.html", Content: "<p>正文</p>",
		Author: "市政府办公厅", Categories: []string{"营商环境", "政务服务"}, Enclosures: att, Published: pub,
	}
	got := a.Item("cq-jrcq")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Item without author (-want +got):\n%s", diff)
	}
	got.Categories[0] = "changed"
	if a.Keywords[0] != "营商环境" {
		t.Error("Item shares the Keywords slice with the Article")
	}
	a.Author = "刘洋"
	if got := a.Item("cq-jrcq").Author; got != "刘洋" {
		t.Errorf("Item author = %q, want the article's author", got)
	}
}

func TestExtractDateLinesInsideBody(t *testing.T) {
	long := "时间：2020年1月1日上午，全县召开经济工作会议，总结过去一年的工作，分析当前面临的形势，部署今年的重点任务，会议由县长主持，各乡镇和县级部门主要负责人参加了会议并作了交流发言。"
	tests := map[string]struct {
		body, want, rule string
		gone             string // text removed from Content, "" for none
	}{
		"short byline inside the body is read and removed": {
			body: `<p>发布时间：2026-03-05 09:12　来源：县政府办</p><p>正文第一段，内容足够长。</p>`,
			want: "2026-03-05T01:12:00Z", rule: "line 发布时间", gone: "发布时间",
		},
		"long prose line starting with a label is not a date line": {
			body: "<p>" + long + "</p>",
			want: "2026-06-15T16:00:00Z", rule: "url",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			page := `<html><head><meta name="ArticleTitle" content="标题"></head><body><div id="zoom">` + tc.body + `</div></body></html>`
			a, err := Extract([]byte(page), Options{URL: "https://www.cq.gov.cn/a/202606/t20260616_1.html", Now: func() time.Time { return testNow }})
			if err != nil {
				t.Fatal(err)
			}
			if got := rfc3339(a.Published); got != tc.want || a.Rules["date"] != tc.rule {
				t.Errorf("Published = %s by %q, want %s by %q", got, a.Rules["date"], tc.want, tc.rule)
			}
			if tc.gone != "" && strings.Contains(a.Content, tc.gone) {
				t.Errorf("Content still has %q: %s", tc.gone, a.Content)
			}
			if !strings.Contains(a.Content, "<p>") {
				t.Errorf("Content lost its paragraphs: %q", a.Content)
			}
		})
	}
}

func TestExtractBylineBlockWithBodyTextIsKept(t *testing.T) {
	para := strings.Repeat("这是正文内容，", 30)
	page := `<html><head><meta name="ArticleTitle" content="标题"></head><body><div id="zoom"><div>发布时间：2026-03-05 09:12<br>` + para + `</div></div></body></html>`
	a, err := Extract([]byte(page), Options{URL: "https://www.x.gov.cn/a.html", Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	if a.Rules["date"] != "line 发布时间" {
		t.Errorf("date rule = %q, want line 发布时间", a.Rules["date"])
	}
	if !strings.Contains(a.Content, para) {
		t.Errorf("body text after the byline was dropped: %q", a.Content)
	}
}
