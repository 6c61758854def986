package fetch

// End-to-end tests of the html and json kinds (and the Hanweb RSS column)
// against fetch/govsim, the imitation government portals: a real sqlite
// store, a real web.Getter whose client dials every host to the simulator,
// and a Runner. Names here start with "sim" so they do not clash with the
// other test files of the package.

import (
	"context"
	"maps"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/data/sqlite"
	"github.com/govfeed/govfeed/fetch/govsim"
	"github.com/govfeed/govfeed/fetch/web"
)

// simNow is the tests' clock: after every fixture date.
var simNow = time.Date(2026, 10, 10, 8, 0, 0, 0, time.UTC)

// simEnv is one simulator, store and runner.
type simEnv struct {
	sim     *govsim.Sim
	store   *sqlite.Store
	runner  *Runner
	sources map[string]data.Source
}

// newSimEnv starts a simulator on loopback and a runner that reaches every
// imitated host through it.
func newSimEnv(t *testing.T, o govsim.Options) *simEnv {
	t.Helper()
	sim := govsim.New(o)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	now := func() time.Time { return simNow }
	st, err := sqlite.Open(context.Background(), t.TempDir(), sqlite.Options{Now: now})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	client := web.NewClient(web.ClientOptions{DialAddr: srv.Listener.Addr().String()})
	t.Cleanup(client.CloseIdleConnections)
	g := &web.Getter{Client: client, UserAgent: "govfeed-test (+https://github.com/govfeed/govfeed)"}
	e := &simEnv{
		sim:     sim,
		store:   st,
		runner:  NewRunner(Options{Delay: time.Millisecond, Now: now}, g, st),
		sources: map[string]data.Source{},
	}
	for _, sp := range sim.Sources() {
		e.sources[sp.ID] = sp.Source()
	}
	return e
}

// run fetches one source and fails the test on an unexpected outcome.
func (e *simEnv) run(t *testing.T, id string, want ...Outcome) Report {
	t.Helper()
	src, ok := e.sources[id]
	if !ok {
		t.Fatalf("govsim has no source %q", id)
	}
	rep := e.runner.Run(context.Background(), src, false)
	if len(want) > 0 && !slices.Contains(want, rep.Outcome) {
		t.Fatalf("Run(%s) = %s (class %q, err %v), want one of %v", id, rep.Outcome, rep.Class, rep.Err, want)
	}
	return rep
}

// items returns the stored items of a source, newest first.
func (e *simEnv) items(t *testing.T, id string) []data.Item {
	t.Helper()
	items, err := e.store.Recent(context.Background(), data.Query{SourceIDs: []string{id}, Limit: 500})
	if err != nil {
		t.Fatalf("Recent(%s): %v", id, err)
	}
	return items
}

// state returns the stored state of a source.
func (e *simEnv) state(t *testing.T, id string) data.SourceState {
	t.Helper()
	st, err := e.store.State(context.Background(), id)
	if err != nil {
		t.Fatalf("State(%s): %v", id, err)
	}
	return st
}

// simItem is the expected stored form of one article.
type simItem struct {
	link       string
	title      string
	published  string // RFC 3339, UTC
	author     string
	contains   []string // in Content or Summary
	excludes   []string // in neither
	enclosures []string // URLs, in order
}

// simGoldens are the items every source of the simulator must yield after
// one Run, written from the fixtures (sites/*/site.json) and GOVSITES §6:
// naive times are Beijing time, a date-only list date is midnight there.
var simGoldens = map[string][]simItem{
	// F1: www.sc.gov.cn's English tree redirects to english.sc.gov.cn; an
	// article listed under two columns is one item; template A dates from
	// "Updated:", template B from the list, template C from meta PubDate.
	"sc-en-news": {
		{link: "http://english.sc.gov.cn/10462/10758/10760/10765/2018/3/2/10445992.shtml",
			title: "Sichuan to Build 100 Characteristic Towns by 2020", published: "2018-03-01T16:00:00Z",
			contains: []string{"100 “characteristic towns”", "lose the title."},
			excludes: []string{"Hosted by", "Related News", "Navigator", "Updated:", "Panda base"}},
		{link: "http://english.sc.gov.cn/10462/10758/10760/10765/2024/2/7/af03c6a54b374b77a9f47960d6c85922.shtml",
			title: "Sichuan and Chongqing Sign 20 Cooperation Agreements", published: "2024-02-07T01:30:12Z", author: "Sichuan Daily",
			contains: []string{"signed 20 cooperation agreements", `src="http://english.sc.gov.cn/10462/10758/10760/10765/2024/2/7/images/W020240207593012345678.jpg"`},
			excludes: []string{"Copyright", "Open Governance"}},
		{link: "http://english.sc.gov.cn/10462/10758/10760/10765/2024/2/6/6b6e857283ba1c5477bb451915bc2e8f.shtml",
			title: "Sichuan Issues Measures to Boost Consumption", published: "2024-02-05T16:00:00Z",
			contains: []string{"subsidies of up to 10,000 yuan"}, excludes: []string{"Copyright"}},
		{link: "http://english.sc.gov.cn/10462/10758/10760/10765/2024/1/15/983dbf26fd03b99188b04a3c74e74afd.shtml",
			title: "Chengdu Metro Line 30 Opens to Passengers", published: "2024-01-15T10:20:00Z", author: "Chengdu Daily",
			contains: []string{"22 stations"}},
		{link: "http://english.sc.gov.cn/10462/10758/10760/10765/2017/12/28/10441831.shtml",
			title: "Sichuan Issues Plan on Rural Revitalization", published: "2017-12-27T16:00:00Z",
			contains: []string{"rural revitalization across the province", "reviewed every year."},
			excludes: []string{"Copyright held", "Technical Support", "Website Maintenance", "Simp. Chinese", "Password"}},
	},
	// F2: UCAPCONTENT news, a double-slash link, and the legacy GB2312 page.
	"sc-jrsc": {
		{link: "http://www.sc.gov.cn/10462/10464/10797/2026/6/18/5d8f3c2a9b7e4f6a8c1d0e2f3a4b5c6d.shtml",
			title: "成都至自贡高铁今日全线开通运营", published: "2026-06-17T23:05:00Z", author: "四川日报",
			contains: []string{"最快50分钟通达", `src="http://www.sc.gov.cn/10462/10464/10797/2026/6/18/images/W020260618345678901234.jpg"`},
			excludes: []string{"责任编辑", "版权所有", "相关新闻", "今日四川"}},
		{link: "http://www.sc.gov.cn/10462/10464/10797/2026/6/17/0a1b2c3d4e5f60718293a4b5c6d7e8f9.shtml",
			title: "川南城际铁路进入联调联试", published: "2026-06-17T08:42:10Z", author: "四川新闻网",
			contains: []string{"预计年内开通运营"}},
		{link: "http://www.sc.gov.cn/10462/10464/10797//2026/6/16/7c3e9a1f5b2d4e8a9f0c1b2d3e4f5a6b.shtml",
			title: "四川启动2026年“天府粮仓”建设行动", published: "2026-06-16T02:00:00Z", author: "四川省农业农村厅",
			contains: []string{"高标准农田400万亩"}},
		{link: "http://www.sc.gov.cn/10462/10464/10797/2015/11/26/10360279.shtml",
			title: "四川省召开全省脱贫攻坚工作推进会", published: "2015-11-26T02:30:00Z", author: "四川日报",
			contains: []string{"全省脱贫攻坚工作推进会在成都召开", "层层压实责任。"},
			excludes: []string{"字体", "打印本页", "关闭窗口", "版权所有", "ICP", "\ufffd"}},
	},
	// F2: a policy list over two pages (gfxwj_2.shtml), a truncated list
	// title, a .docx attachment.
	"sc-gfxwj": {
		{link: "http://www.sc.gov.cn/10462/zfwjts/2026/6/17/b2c70b5a4c91dc7ad3d9a76a4888ae57.shtml",
			title: "四川省人民政府关于印发《四川省推动大规模设备更新和消费品以旧换新实施方案》的通知", published: "2026-06-17T09:28:45Z",
			author: "四川省人民政府", contains: []string{"川府发〔2026〕12号", "设备投资规模较2023年增长25%以上"},
			excludes:   []string{"责任编辑", "分享到", "字体", "打印", "扫一扫", "版权所有"},
			enclosures: []string{"http://www.sc.gov.cn/10462/zfwjts/2026/6/17/W020260617567890123456.docx"}},
		{link: "http://www.sc.gov.cn/10462/zfwjts/2026/6/9/7b051d605509e96570c799e26d3cec94.shtml",
			title: "四川省人民政府办公厅关于加强耕地保护的意见", published: "2026-06-09T02:00:00Z", author: "四川省人民政府办公厅",
			contains: []string{"川办发〔2026〕20号", "非农化"}},
		{link: "http://www.sc.gov.cn/10462/zfwjts/2026/5/28/fbb12de433215fb8ce98539477a7089d.shtml",
			title: "四川省人民政府关于修改部分规章的决定", published: "2026-05-28T08:20:00Z", author: "四川省人民政府",
			contains: []string{"本决定自公布之日起施行。"}},
		{link: "http://www.sc.gov.cn/10462/zfwjts/2026/5/20/3f9e1d7c5b3a49e8b6d4c2a0f1e3d5c7.shtml",
			title: "四川省人民政府关于公布第五批省级非物质文化遗产代表性项目名录的通知", published: "2026-05-20T01:00:00Z",
			author: "四川省人民政府", contains: []string{"共126项"}},
		{link: "http://www.sc.gov.cn/10462/zfwjts/2026/5/12/9a8b7c6d5e4f40312a1b2c3d4e5f6a7b.shtml",
			title: "四川省人民政府办公厅关于印发四川省防汛抗旱应急预案的通知", published: "2026-05-12T07:00:00Z",
			author: "四川省人民政府办公厅", contains: []string{"请认真组织实施。"}},
	},
	// F3: TRS with selectors, index_1.html followed, an article listed on
	// both pages, a link to another subdomain and one to mp.weixin.qq.com
	// (selectors keep it; it has no date but the list's).
	"cq-jrcq": {
		{link: "http://www.cq.gov.cn/ywdt/jrcq/202606/t20260617_15760012.html",
			title: "重庆中欧班列开行量突破3万列", published: "2026-06-17T01:15:00Z", author: "重庆日报",
			contains: []string{"中欧班列（成渝）开行量突破3万列", "相关阅读"}, excludes: []string{"终审", "版权所有"}},
		{link: "http://www.cq.gov.cn/ywdt/jrcq/202606/t20260616_15758457.html",
			title: "重庆市人民政府办公厅关于印发重庆市优化营商环境三年行动计划的通知", published: "2026-06-16T10:07:00Z", author: "刘洋",
			contains:   []string{"渝府办发〔2026〕45号", "全程网办率达到90%以上"},
			excludes:   []string{"head-logo", "<img", "分享到", "字体", "版权所有", "要闻动态"},
			enclosures: []string{"http://www.cq.gov.cn/ywdt/jrcq/202606/P020260616512345678901.pdf"}},
		{link: "http://mp.weixin.qq.com/s/Xy7AbCdEf123",
			title: "一图读懂2026年重庆民生实事", published: "2026-06-13T16:00:00Z",
			contains: []string{"15件重点民生实事"}, excludes: []string{"阅读原文", "微信扫一扫"}},
		{link: "http://www.cq.gov.cn/ywdt/jrcq/202606/t20260615_15755123.html",
			title: "市政府常务会议研究部署防汛救灾工作", published: "2026-06-15T12:30:00Z", author: "重庆市人民政府网",
			contains: []string{"提前转移受威胁群众"}},
		{link: "http://www.cq.gov.cn/ywdt/jrcq/202606/t20260612_15748001.html",
			title: "重庆发布高温橙色预警", published: "2026-06-12T03:30:00Z", author: "重庆市气象台",
			contains: []string{"37℃以上"}},
		{link: "http://www.cq.gov.cn/ywdt/jrcq/202606/t20260610_15741234.html",
			title: "西部陆海新通道班列开行提速", published: "2026-06-10T00:50:00Z", author: "重庆日报",
			contains: []string{"127个国家和地区"}, excludes: []string{"终审"}},
		{link: "http://jtysw.cq.gov.cn/sy_240/bmdt/202602/t20260224_15449936.html",
			title: "市交通运输委召开2026年全市交通运输工作会议", published: "2026-02-24T09:10:00Z", author: "市交通运输委",
			contains: []string{"计划投资1200亿元"}, excludes: []string{"发布时间", "版权所有"}},
	},
	// F3: the English twin, zero-config.
	"cq-en-news": {
		{link: "http://english.cq.gov.cn/latestnews/activities/202607/t20260714_15821893.html",
			title: "Chongqing Hosts Smart China Expo 2026", published: "2026-07-14T02:20:00Z", author: "iChongqing",
			contains: []string{"more than 600 companies"}},
		{link: "http://english.cq.gov.cn/latestnews/Editor/202606/t20260608_15735957.html",
			title: "Chongqing Opens New Cargo Route to Southeast Asia", published: "2026-06-08T08:45:00Z", author: "iChongqing",
			contains: []string{"left Chongqing for Hanoi", `src="http://english.cq.gov.cn/latestnews/Editor/202606/W020260608412345678901.jpg"`},
			excludes: []string{"All Rights Reserved", "About Chongqing"}},
		{link: "http://english.cq.gov.cn/latestnews/Editor/202606/t20260605_15730001.html",
			title: "Yangtze River Cruise Season Opens in Chongqing", published: "2026-06-05T01:00:00Z", author: "Chongqing Daily",
			contains: []string{"Three Gorges"}},
	},
	// F4: NFCMS with selectors; a link with a tracking parameter keeps it
	// (the key does not).
	"gd-bmdt": {
		{link: "http://www.gd.gov.cn/gdywdt/bmdt/content/post_4906500.html",
			title: "广州推出20条措施支持低空经济发展", published: "2026-06-04T02:13:50Z", author: "广州日报",
			contains: []string{"低空经济规模超过1500亿元"}, excludes: []string{"分享", "二维码", "版权所有", "时间", "来源"}},
		{link: "http://www.gd.gov.cn/gdywdt/bmdt/content/post_4906321.html",
			title: "省商务厅部署外贸稳增长工作", published: "2026-06-03T08:40:00Z", author: "省商务厅",
			contains: []string{"扩大跨境电商出口"}},
		{link: "http://www.gd.gov.cn/gdywdt/bmdt/content/post_4906100.html?utm_source=wx",
			title: "省卫生健康委发布夏季健康提示", published: "2026-06-03T01:00:00Z", author: "省卫生健康委",
			contains: []string{"出现中暑症状应及时就医"}},
		{link: "http://www.gd.gov.cn/gdywdt/bmdt/content/post_4905988.html",
			title: "省交通运输厅：端午假期全省道路运输平稳有序", published: "2026-06-02T10:00:00Z", author: "省交通运输厅",
			contains: []string{"1260万人次"}},
	},
	// F4: the gkmlpt JSON API (Unix seconds = midnight Beijing), each
	// item's detail page fetched; one detail page shows no date.
	"gd-gkmlpt": {
		{link: "http://www.gd.gov.cn/gkmlpt/content/3/3255/post_3255421.html",
			title: "广东省人民政府办公厅关于印发广东省推进新型工业化实施方案的通知", published: "2026-07-06T16:00:00Z",
			author: "广东省人民政府办公厅", contains: []string{"三分之一以上"}, excludes: []string{"_CONFIG", "索引号", "版权所有"}},
		{link: "http://www.gd.gov.cn/gkmlpt/content/3/3254/post_3254990.html",
			title: "广东省人民政府关于公布第六批省级非物质文化遗产代表性项目名录的通知", published: "2026-07-03T08:00:00Z",
			author: "广东省人民政府", contains: []string{"共98项"},
			enclosures: []string{"http://www.gd.gov.cn/attachment/0/530/530112/3254990.pdf"}},
		{link: "http://www.gd.gov.cn/gkmlpt/content/3/3253/post_3253102.html",
			title: "广东省人民政府办公厅关于进一步加强森林防火工作的通知", published: "2026-06-28T02:00:00Z",
			author: "广东省人民政府办公厅", contains: []string{"保护森林资源"}},
	},
	// F5: Hanweb: the list hides in a datastore script, the next batch
	// comes from dataproxy.jsp (one record entity-escaped), a truncated
	// list title, the old art_COL_ID URL form.
	"zj-cwhy": {
		{link: "http://www.zj.gov.cn/col/col1554467/art/2026/art_a5c0ac3429044dffb39c2d848f985520.html",
			title: "省政府党组第104次会议暨省政府第127次常务会议召开", published: "2026-10-01T11:30:00Z", author: "浙江日报",
			contains: []string{"第四季度经济工作", `src="http://www.zj.gov.cn/art/2026/10/1/art_1554467_59001234_0.jpg"`},
			excludes: []string{"浏览次数", "分享到", "打印本页", "关闭窗口", "发布日期"}},
		{link: "http://www.zj.gov.cn/col/col1554467/art/2026/art_929b7f61b082034676251b969008c4ad.html",
			title: "省政府第126次常务会议研究部署秋冬季安全生产和森林防火工作", published: "2026-09-23T16:00:00Z",
			author: "浙江省人民政府办公厅", contains: []string{"严防重特大事故发生"}},
		{link: "http://www.zj.gov.cn/art/2026/9/17/art_1554467_59123456.html",
			title: "省政府第125次常务会议召开", published: "2026-09-17T10:00:00Z", author: "浙江日报",
			contains: []string{"迎峰度冬"}},
		{link: "http://www.zj.gov.cn/col/col1554467/art/2026/art_10bd1f168d8de0a14c7573025acbfbc1.html",
			title: "省政府第124次常务会议召开", published: "2026-09-10T09:45:00Z", author: "浙江日报",
			contains: []string{"教育强省"}},
		{link: "http://www.zj.gov.cn/col/col1554467/art/2026/art_c04625776799f98c4058943d912dd794.html",
			title: "省政府第123次常务会议召开", published: "2026-09-03T10:20:00Z", author: "浙江日报",
			contains: []string{"秋粮收购"}},
	},
	// F5: the same column as Hanweb RSS: CDATA titles padded with spaces,
	// non-RFC-822 dates in Beijing time.
	"zj-cwhy-rss": {
		{link: "http://www.zj.gov.cn/col/col1554467/art/2026/art_a5c0ac3429044dffb39c2d848f985520.html",
			title: "省政府党组第104次会议暨省政府第127次常务会议召开", published: "2026-10-01T11:30:00Z", author: "浙江日报",
			contains: []string{"在杭州召开"}},
		{link: "http://www.zj.gov.cn/col/col1554467/art/2026/art_929b7f61b082034676251b969008c4ad.html",
			title: "省政府第126次常务会议研究部署秋冬季安全生产和森林防火工作", published: "2026-09-23T16:00:00Z",
			author: "浙江省人民政府办公厅", contains: []string{"秋冬季安全生产"}},
		{link: "http://www.zj.gov.cn/art/2026/9/17/art_1554467_59123456.html",
			title: "省政府第125次常务会议召开", published: "2026-09-17T10:00:00Z", author: "浙江日报",
			contains: []string{"第125次常务会议"}},
		{link: "http://www.zj.gov.cn/col/col1554467/art/2026/art_10bd1f168d8de0a14c7573025acbfbc1.html",
			title: "省政府第124次常务会议召开", published: "2026-09-10T09:45:00Z", author: "浙江日报",
			contains: []string{"第124次常务会议"}},
		{link: "http://www.zj.gov.cn/col/col1554467/art/2026/art_c04625776799f98c4058943d912dd794.html",
			title: "省政府第123次常务会议召开", published: "2026-09-03T10:20:00Z", author: "浙江日报",
			contains: []string{"第123次常务会议"}},
	},
	// F6: www.gov.cn with selectors: firstpublishedtime 2026-06-17-17:00:00,
	// the xxgk template dated by its 发布日期 table cell, a link to another
	// column (zhengceku).
	"govcn-zuixin": {
		{link: "http://www.gov.cn/zhengce/zuixin/202606/content_7012345.htm",
			title: "国务院办公厅关于进一步扩大内需促进消费的若干意见", published: "2026-06-17T09:00:00Z", author: "国务院办公厅",
			contains: []string{"稳定和扩大传统消费", "2026年6月16日"}, excludes: []string{"责任编辑", "我要纠错", "字体", "打印", "版权所有"}},
		{link: "http://www.gov.cn/zhengce/zuixin/202606/content_7012290.htm",
			title: "国务院关于进一步优化政务服务提升行政效能的指导意见", published: "2026-06-16T16:00:00Z",
			contains: []string{"国发〔2026〕11号", "服务型政府"}, excludes: []string{"责任编辑", "索 引 号", "版权所有"},
			enclosures: []string{"http://www.gov.cn/zhengce/zuixin/202606/W020260617512345678901.ofd",
				"http://www.gov.cn/zhengce/zuixin/202606/W020260617512345678902.wps"}},
		{link: "http://www.gov.cn/zhengce/zhengceku/202606/content_7011876.htm",
			title: "国务院关于修改和废止部分行政法规的决定", published: "2026-06-13T08:30:00Z", author: "国务院",
			contains: []string{"对3部行政法规予以废止"}},
		{link: "http://www.gov.cn/zhengce/zuixin/202606/content_7011500.htm",
			title: "国务院办公厅关于印发《国家防汛抗旱应急预案》的通知", published: "2026-06-12T10:10:00Z", author: "国务院办公厅",
			contains: []string{"国家防汛抗旱应急预案"}},
	},
}

// checkSimItems compares a source's stored items with its golden items.
func checkSimItems(t *testing.T, id string, got []data.Item, want []simItem) {
	t.Helper()
	byLink := map[string]data.Item{}
	for _, it := range got {
		if _, dup := byLink[it.Link]; dup {
			t.Errorf("%s: link %s stored twice", id, it.Link)
		}
		byLink[it.Link] = it
		if it.SourceID != id || it.Key == "" || it.ID == 0 {
			t.Errorf("%s: item %s has SourceID %q, Key %q, ID %d", id, it.Link, it.SourceID, it.Key, it.ID)
		}
	}
	if len(got) != len(want) {
		links := make([]string, len(got))
		for i, it := range got {
			links[i] = it.Link
		}
		t.Errorf("%s: %d items stored, want %d; stored:\n%s", id, len(got), len(want), strings.Join(links, "\n"))
	}
	for _, w := range want {
		it, ok := byLink[w.link]
		if !ok {
			t.Errorf("%s: no item for %s", id, w.link)
			continue
		}
		if it.Title != w.title {
			t.Errorf("%s: %s: title %q, want %q", id, w.link, it.Title, w.title)
		}
		if p := it.Published.UTC().Format(time.RFC3339); it.Published.IsZero() || p != w.published {
			t.Errorf("%s: %s: published %s, want %s", id, w.link, p, w.published)
		}
		if it.Author != w.author {
			t.Errorf("%s: %s: author %q, want %q", id, w.link, it.Author, w.author)
		}
		body := it.Content + "\n" + it.Summary
		for _, s := range w.contains {
			if !strings.Contains(body, s) {
				t.Errorf("%s: %s: content lacks %q; content:\n%s", id, w.link, s, body)
			}
		}
		for _, s := range w.excludes {
			if strings.Contains(body, s) {
				t.Errorf("%s: %s: content holds %q; content:\n%s", id, w.link, s, body)
			}
		}
		var encs []string
		for _, e := range it.Enclosures {
			encs = append(encs, e.URL)
		}
		if !slices.Equal(encs, w.enclosures) {
			t.Errorf("%s: %s: enclosures %q, want %q", id, w.link, encs, w.enclosures)
		}
	}
}

// TestSimSourcesGolden runs every source of every family once and compares
// what is stored with the hand-written expectations.
func TestSimSourcesGolden(t *testing.T) {
	e := newSimEnv(t, govsim.Options{})
	if len(e.sources) != len(simGoldens) {
		t.Errorf("govsim has %d sources, the goldens cover %d", len(e.sources), len(simGoldens))
	}
	for _, sp := range e.sim.Sources() {
		t.Run(sp.ID, func(t *testing.T) {
			want, ok := simGoldens[sp.ID]
			if !ok {
				t.Fatalf("no golden items for source %s", sp.ID)
			}
			rep := e.run(t, sp.ID, OutcomeNew)
			if rep.Stats.New != len(want) {
				t.Errorf("Run: %d new items, want %d", rep.Stats.New, len(want))
			}
			checkSimItems(t, sp.ID, e.items(t, sp.ID), want)
			st := e.state(t, sp.ID)
			if st.ErrorClass != data.ErrNone || st.Failures != 0 || st.LastYield == 0 || st.ETag == "" {
				t.Errorf("state after a good run: class %q, failures %d, yield %d, etag %q",
					st.ErrorClass, st.Failures, st.LastYield, st.ETag)
			}
		})
	}
}

// simPathOf is the simulator's request-count key of a link: host and path.
func simPathOf(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatalf("parse %s: %v", link, err)
	}
	return u.Host + u.Path
}

// simListPaths are the list pages (and API, feed and dataproxy URLs) each
// source requests on a run without changes, as request-count keys.
var simListPaths = map[string][]string{
	"sc-en-news":   {"www.sc.gov.cn/10462/10758/10760/10765/list.shtml", "english.sc.gov.cn/10462/10758/10760/10765/list.shtml"},
	"sc-jrsc":      {"www.sc.gov.cn/10462/10464/10797/jrsc_list.shtml"},
	"sc-gfxwj":     {"www.sc.gov.cn/10462/c102914/gfxwj.shtml"},
	"cq-jrcq":      {"www.cq.gov.cn/ywdt/jrcq/"},
	"cq-en-news":   {"english.cq.gov.cn/latestnews/"},
	"gd-bmdt":      {"www.gd.gov.cn/gdywdt/bmdt/index.html"},
	"gd-gkmlpt":    {"www.gd.gov.cn/gkmlpt/api/all/5"},
	"zj-cwhy":      {"www.zj.gov.cn/col/col1554467/index.html"},
	"zj-cwhy-rss":  {"www.zj.gov.cn/module/rss/rssfeed.jsp"},
	"govcn-zuixin": {"www.gov.cn/zhengce/zuixin/"},
}

// simArticleCounts returns how often each golden article of id was
// requested.
func (e *simEnv) simArticleCounts(t *testing.T, id string) map[string]int {
	t.Helper()
	counts := map[string]int{}
	for _, w := range simGoldens[id] {
		counts[w.link] = e.sim.Requests(simPathOf(t, w.link))
	}
	return counts
}

// TestSimSecondRunFetchesNoArticles runs every source twice: the second
// run asks for the list again (answered 304 thanks to the stored ETag) and
// fetches no article page. After AddArticle, the next run fetches the one
// new article page and nothing else.
func TestSimSecondRunFetchesNoArticles(t *testing.T) {
	e := newSimEnv(t, govsim.Options{Now: func() time.Time { return simNow }})
	ids := slices.Sorted(maps.Keys(simGoldens))
	for _, id := range ids {
		e.run(t, id, OutcomeNew)
	}
	// Every article page was fetched once, whether it is listed twice
	// (sc-en-news, cq-jrcq) or by two sources (zj-cwhy and its RSS).
	before := map[string]map[string]int{}
	lists := map[string]int{}
	for _, id := range ids {
		before[id] = e.simArticleCounts(t, id)
		for link, n := range before[id] {
			if n != 1 {
				t.Errorf("%s: first runs requested %s %d times, want 1", id, link, n)
			}
		}
		for _, p := range simListPaths[id] {
			lists[p] = e.sim.Requests(p)
		}
	}
	for _, id := range ids {
		e.run(t, id, OutcomeNotModified)
		for _, p := range simListPaths[id] {
			if n := e.sim.Requests(p); n != lists[p]+1 {
				t.Errorf("%s: second run requested %s %d times, want 1", id, p, n-lists[p])
			}
		}
		if got := e.simArticleCounts(t, id); !maps.Equal(got, before[id]) {
			t.Errorf("%s: second run requested article pages: before %v, after %v", id, before[id], got)
		}
	}

	// One new article on each host with a main column.
	added := map[string]string{}
	for _, host := range []string{"english.sc.gov.cn", "www.sc.gov.cn", "www.cq.gov.cn", "english.cq.gov.cn",
		"www.gd.gov.cn", "www.zj.gov.cn", "www.gov.cn"} {
		if added[host] = e.sim.AddArticle(host); added[host] == "" {
			t.Fatalf("AddArticle(%s) returned no URL", host)
		}
	}
	hostOfSource := map[string]string{
		"sc-en-news": "english.sc.gov.cn", "sc-jrsc": "www.sc.gov.cn", "cq-jrcq": "www.cq.gov.cn",
		"cq-en-news": "english.cq.gov.cn", "gd-bmdt": "www.gd.gov.cn", "zj-cwhy": "www.zj.gov.cn",
		"zj-cwhy-rss": "www.zj.gov.cn", "govcn-zuixin": "www.gov.cn",
	}
	for _, id := range ids {
		host, changed := hostOfSource[id]
		if !changed {
			e.run(t, id, OutcomeNotModified) // sc-gfxwj, gd-gkmlpt: their columns did not change
			continue
		}
		rep := e.run(t, id, OutcomeNew)
		if rep.Stats.New != 1 {
			t.Errorf("%s: run after AddArticle stored %d new items, want 1", id, rep.Stats.New)
		}
		if got := e.simArticleCounts(t, id); !maps.Equal(got, before[id]) {
			t.Errorf("%s: run after AddArticle requested old article pages: before %v, after %v", id, before[id], got)
		}
		if items := e.items(t, id); len(items) == 0 || items[0].Link != added[host] || !items[0].Published.Equal(simNow) {
			t.Errorf("%s: the newest item is not %s dated %s", id, added[host], simNow)
		}
	}
	for _, link := range added {
		if n := e.sim.Requests(simPathOf(t, link)); n != 1 {
			t.Errorf("added article %s requested %d times, want 1", link, n)
		}
	}
}

// simGolden returns the golden item of source id with link.
func simGolden(t *testing.T, id, link string) simItem {
	t.Helper()
	for _, w := range simGoldens[id] {
		if w.link == link {
			return w
		}
	}
	t.Fatalf("no golden item %s in %s", link, id)
	return simItem{}
}

// simItemByLink returns the stored item of id with link.
func (e *simEnv) simItemByLink(t *testing.T, id, link string) data.Item {
	t.Helper()
	for _, it := range e.items(t, id) {
		if it.Link == link {
			return it
		}
	}
	t.Fatalf("%s: no stored item %s", id, link)
	return data.Item{}
}

// TestSimSameArticleTwoColumns: an article listed under two columns of one
// list page (sc-en-news), or on two list pages (cq-jrcq), is one item and
// its page is fetched once, at the first URL listed.
func TestSimSameArticleTwoColumns(t *testing.T) {
	e := newSimEnv(t, govsim.Options{})
	tests := map[string]struct {
		id            string
		fetched, skip string // request-count keys
		guid          string
	}{
		"two columns": {"sc-en-news",
			"english.sc.gov.cn/10462/10758/10760/10765/2024/2/7/af03c6a54b374b77a9f47960d6c85922.shtml",
			"english.sc.gov.cn/10462/10758/10760/10766/2024/2/7/af03c6a54b374b77a9f47960d6c85922.shtml",
			"english.sc.gov.cn/af03c6a54b374b77a9f47960d6c85922"},
		"two list pages": {"cq-jrcq", "www.cq.gov.cn/ywdt/jrcq/202606/t20260616_15758457.html", "",
			"www.cq.gov.cn/t20260616_15758457"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			e.run(t, tc.id, OutcomeNew)
			n := 0
			for _, it := range e.items(t, tc.id) {
				if it.GUID == tc.guid {
					n++
					if it.Key != "g:"+tc.guid {
						t.Errorf("item %s has key %q, want %q", it.Link, it.Key, "g:"+tc.guid)
					}
				}
			}
			if n != 1 {
				t.Errorf("%d items with GUID %s, want 1", n, tc.guid)
			}
			if got := e.sim.Requests(tc.fetched); got != 1 {
				t.Errorf("%s requested %d times, want 1", tc.fetched, got)
			}
			if tc.skip != "" && e.sim.Requests(tc.skip) != 0 {
				t.Errorf("%s requested, want the first listing only", tc.skip)
			}
		})
	}
}

// TestSimLegacyGB2312 reads the 2015 Sichuan page: GB2312 bytes, a
// Content-Type without charset and the meta charset after 1.2 KB of
// comments and scripts.
func TestSimLegacyGB2312(t *testing.T) {
	e := newSimEnv(t, govsim.Options{})
	e.run(t, "sc-jrsc", OutcomeNew)
	const link = "http://www.sc.gov.cn/10462/10464/10797/2015/11/26/10360279.shtml"
	checkSimItems(t, "sc-jrsc", []data.Item{e.simItemByLink(t, "sc-jrsc", link)}, []simItem{simGolden(t, "sc-jrsc", link)})
}

// TestSimScenarios switches www.gov.cn into each failure mode and runs
// govcn-zuixin against it.
func TestSimScenarios(t *testing.T) {
	const (
		id   = "govcn-zuixin"
		host = "www.gov.cn"
		list = "www.gov.cn/zhengce/zuixin/"
	)
	t.Run("412 challenge passed with the cookie and a Referer", func(t *testing.T) {
		e := newSimEnv(t, govsim.Options{})
		e.sim.SetScenario(host, govsim.Challenge412)
		e.run(t, id, OutcomeNew)
		if n := e.sim.Requests(list); n != 2 {
			t.Errorf("list requested %d times, want 2 (412, then 200 with the cookie)", n)
		}
		for _, w := range simGoldens[id] {
			if n := e.sim.Requests(simPathOf(t, w.link)); n != 1 {
				t.Errorf("%s requested %d times, want 1 (the cookie and Referer carried over)", w.link, n)
			}
		}
		checkSimItems(t, id, e.items(t, id), simGoldens[id])
		// The next run is re-challenged (the list request carries no
		// Referer unless the source configures one) and passes again.
		e.run(t, id, OutcomeNotModified)
	})
	t.Run("lying ISO-8859-1 header over UTF-8", func(t *testing.T) {
		e := newSimEnv(t, govsim.Options{})
		e.sim.SetScenario(host, govsim.LyingHeader)
		e.run(t, id, OutcomeNew)
		checkSimItems(t, id, e.items(t, id), simGoldens[id])
	})
	t.Run("403 block", func(t *testing.T) {
		e := newSimEnv(t, govsim.Options{})
		e.sim.SetScenario(host, govsim.Blocked403)
		rep := e.run(t, id, OutcomeFailed)
		st := e.state(t, id)
		if rep.Class != data.ErrBlocked || st.ErrorClass != data.ErrBlocked || st.Failures != 1 {
			t.Errorf("report class %q, state class %q, failures %d; want blocked, blocked, 1", rep.Class, st.ErrorClass, st.Failures)
		}
		if !strings.Contains(st.LastError, "403") || !strings.Contains(st.LastError, "http://www.gov.cn/zhengce/zuixin/") {
			t.Errorf("LastError %q does not name the status and URL", st.LastError)
		}
		if n := e.sim.Requests(list); n != 1 {
			t.Errorf("list requested %d times, want 1 (a 403 without cookies is not retried)", n)
		}
		if items := e.items(t, id); len(items) != 0 {
			t.Errorf("%d items stored from a blocked source", len(items))
		}
	})
	t.Run("redesign after a good run is broken", func(t *testing.T) {
		e := newSimEnv(t, govsim.Options{})
		e.run(t, id, OutcomeNew)
		e.sim.SetScenario(host, govsim.Redesign)
		rep := e.run(t, id, OutcomeFailed)
		st := e.state(t, id)
		if rep.Class != data.ErrBroken || !rep.Broken || !st.Broken || st.ErrorClass != data.ErrBroken {
			t.Errorf("report class %q broken %v, state class %q broken %v; want broken", rep.Class, rep.Broken, st.ErrorClass, st.Broken)
		}
		if items := e.items(t, id); len(items) != len(simGoldens[id]) {
			t.Errorf("%d items kept, want the %d of the good run", len(items), len(simGoldens[id]))
		}
	})
	t.Run("edited titles keep their items", func(t *testing.T) {
		e := newSimEnv(t, govsim.Options{})
		e.run(t, id, OutcomeNew)
		first := e.items(t, id)
		e.sim.SetScenario(host, govsim.EditedTitle)
		rep := e.run(t, id, OutcomeUnchanged)
		if rep.Stats.New != 0 || rep.Stats.Unchanged != len(first) {
			t.Errorf("stats %+v, want all %d unchanged", rep.Stats, len(first))
		}
		if n := e.sim.Requests(list); n != 2 {
			t.Errorf("list requested %d times, want 2 (its ETag changed with the titles)", n)
		}
		// The list dates did not change, so the articles are not fetched
		// again: the stored titles stay as they were until a list date
		// changes (see enrich).
		for _, w := range simGoldens[id] {
			if n := e.sim.Requests(simPathOf(t, w.link)); n != 1 {
				t.Errorf("%s requested %d times, want 1", w.link, n)
			}
		}
		after := e.items(t, id)
		if len(after) != len(first) {
			t.Fatalf("%d items after the edit, want %d", len(after), len(first))
		}
		for i := range first {
			if after[i].ID != first[i].ID || after[i].Key != first[i].Key || after[i].Title != first[i].Title {
				t.Errorf("item %s changed: ID %d->%d, key %q->%q, title %q->%q", first[i].Link,
					first[i].ID, after[i].ID, first[i].Key, after[i].Key, first[i].Title, after[i].Title)
			}
		}
	})
	t.Run("slow body ends at the source timeout", func(t *testing.T) {
		e := newSimEnv(t, govsim.Options{})
		e.sim.SetScenario(host, govsim.Slow)
		src := e.sources[id]
		src.Timeout = 500 * time.Millisecond
		e.sources[id] = src
		rep := e.run(t, id, OutcomeFailed)
		if rep.Class != data.ErrTimeout || e.state(t, id).ErrorClass != data.ErrTimeout {
			t.Errorf("class %q (err %v), want timeout", rep.Class, rep.Err)
		}
	})
}
