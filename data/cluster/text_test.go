package cluster

import (
	"strings"
	"testing"
)

func TestCleanTitle(t *testing.T) {
	tests := map[string]struct{ in, want string }{
		"sichuan suffix":        {"四川省人民政府关于印发方案的通知_四川省人民政府", "四川省人民政府关于印发方案的通知"},
		"two suffixes":          {"李强主持召开国务院常务会议_滚动新闻_中国政府网", "李强主持召开国务院常务会议"},
		"dash suffix":           {"李强主持召开国务院常务会议 - 四川省人民政府网站", "李强主持召开国务院常务会议"},
		"bar suffix":            {"Chengdu to host events | Chengdu Government", "Chengdu to host events"},
		"leading tag":           {"【转载】我省宣传周活动在德阳启动_德阳市人民政府", "我省宣传周活动在德阳启动"},
		"forward prefix":        {"转发：国务院办公厅关于印发政府网站发展指引的通知", "国务院办公厅关于印发政府网站发展指引的通知"},
		"full-width digits":     {"关于做好２０２６年春耕生产的通知", "关于做好2026年春耕生产的通知"},
		"short head kept whole": {"通知_四川", "通知_四川"},
		"plain":                 {"全省制造业当家推进会召开", "全省制造业当家推进会召开"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := cleanTitle(tc.in); got != tc.want {
				t.Errorf("cleanTitle(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestCleanBody(t *testing.T) {
	tests := map[string]struct {
		in   string
		want string // lines joined by "|"
	}{
		"source and editor lines": {
			"来源：四川日报\n正文第一段。\n责任编辑：李明\n",
			"正文第一段。",
		},
		"guangdong meta with spaces": {
			"时间  :  2026-06-04 10:13:50\n来源  :  南方日报\n据统计，前5个月外贸增长。",
			"据统计,前5个月外贸增长。",
		},
		"html blocks and widgets": {
			`<div id="articleattribute">2026年05月12日 17时00分 来源：四川省应急管理厅 【字体：大 中 小】</div><p>第一段。</p><p>第二段。</p><script>var x=1;</script><div class="zrbj">责任编辑：王丽</div>`,
			"第一段。|第二段。",
		},
		"print and close furniture": {
			"正文。\n【我要打印】【关闭窗口】\n打印本页",
			"正文。",
		},
		"english updated and source lines": {
			"Updated:2024.02.07\nSource: China Daily\nChengdu will host events.\nShare:",
			"Chengdu will host events.",
		},
		"labelled date line": {
			"发布日期：2026-03-12\n正文。\n2026年3月6日",
			"正文。",
		},
		"event time line is content": {
			"会议时间：6月10日上午，地点：永川区",
			"会议时间:6月10日上午,地点:永川区",
		},
		"full-width to half-width": {
			"总产量稳定在１２５亿斤以上（含）",
			"总产量稳定在125亿斤以上(含)",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := strings.Join(strings.Fields(strings.ReplaceAll(strings.TrimSpace(cleanBody(tc.in)), "\n", " | ")), " ")
			want := strings.ReplaceAll(tc.want, "|", " | ")
			if got != want {
				t.Errorf("cleanBody(%q)\n got %q\nwant %q", tc.in, got, want)
			}
		})
	}
}

func TestDetectLang(t *testing.T) {
	tests := map[string]struct{ in, want string }{
		"chinese":                {"川渝党政联席会议第三次会议在永川举行", "zh"},
		"chinese with latin":     {"5G基站建设加快，全省新建5G基站1.2万个，GDP增长", "zh"},
		"english":                {"The third joint meeting was held in Yongchuan on May 27.", "en"},
		"english with a chinese": {"The Sichuan Provincial People's Government (四川省人民政府) issued a notice on Monday about new measures.", "en"},
		"digits only":            {"2026-06-04 10:13", ""},
		"empty":                  {"", ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := detectLang(tc.in); got != tc.want {
				t.Errorf("detectLang(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestTruncateRunes(t *testing.T) {
	if got := truncateRunes("四川省人民政府", 3); got != "四川省" {
		t.Errorf("truncateRunes = %q, want 四川省", got)
	}
	if got := truncateRunes("abc", 10); got != "abc" {
		t.Errorf("truncateRunes = %q, want abc", got)
	}
}
