package cluster

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/unicode/norm"
)

// sketchText runs extraction the way NewSketch does.
func sketchText(title, body string) (docnos, ents []string) {
	t := cleanTitle(title)
	return extract(t + "\n" + cleanBody(body))
}

// extract runs the extractor on text (the cleaned title + "\n" + body,
// NFKC normalised) as NewSketch does.
func extract(text string) (docnos, ents []string) {
	work := []byte(text)
	f := scanText(work)
	return extractWork(work, &f)
}

func TestDocNumbers(t *testing.T) {
	tests := map[string]struct {
		title, body string
		want        []string
	}{
		"header line":            {"", "川府发〔2026〕12号\n各市（州）人民政府：", []string{"川府发〔2026〕12号"}},
		"square brackets":        {"", "文号：川府发[2026]12号", []string{"川府发〔2026〕12号"}},
		"full-width square":      {"", "发文字号：国办发［2017］47号", []string{"国办发〔2017〕47号"}},
		"parentheses in title":   {"关于进一步做好稳就业工作的通知（粤府办(2020)2号）", "", []string{"粤府办〔2020〕2号"}},
		"lenticular brackets":    {"", "渝府发【2026】5号", []string{"渝府发〔2026〕5号"}},
		"full-width parentheses": {"", "渝府发（2026）5号", []string{"渝府发〔2026〕5号"}},
		"leading zero":           {"", "川办发〔2026〕021号", []string{"川办发〔2026〕21号"}},
		"cited after a title": {"", "根据《国务院办公厅关于印发政府网站发展指引的通知》（国办发〔2017〕47号）要求，结合实际制定本办法。",
			nil},
		"cited with a verb": {"", "为贯彻落实国办发〔2017〕47号文件精神，现通知如下。", nil},
		"cited as 文件":       {"", "按照川府发〔2026〕12号文件要求。", nil},
		"own and cited": {"", "川办函〔2026〕8号\n各市（州）人民政府：根据《通知》（国办发〔2017〕47号），现将有关事项通知如下。",
			[]string{"川办函〔2026〕8号"}},
		"verb stripped from prefix": {"", "省政府办公厅印发川办发〔2026〕3号，部署春耕。", []string{"川办发〔2026〕3号"}},
		"not a docno":               {"", "2026年第12号台风", nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, _ := sketchText(tc.title, tc.body)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("docnos (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEntities(t *testing.T) {
	tests := map[string]struct {
		text      string
		want      []string // must be present
		notWanted []string // must be absent
	}{
		"chinese full date":       {"2021年5月27日，会议召开。", []string{"d:05-27", "y:2021"}, []string{"n:2021", "n:27"}},
		"chinese day only":        {"27日，会议在永川举行。", []string{"d:00-27", "p:yongchuan"}, nil},
		"date range":              {"6月8日至14日", []string{"d:06-08", "d:00-14"}, nil},
		"duration is no date":     {"请于3日内办结", nil, []string{"d:00-03"}},
		"iso date":                {"发布于2026-06-04，", []string{"d:06-04", "y:2026"}, []string{"n:2026"}},
		"english dates":           {"The meeting was held on May 27, 2021 and on 3 June.", []string{"d:05-27", "y:2021", "d:06-03"}, nil},
		"clock time is no number": {"6月1日17时00分发生地震，10:30通报", []string{"d:06-01"}, []string{"n:17", "n:10", "n:30"}},
		"ordinals chinese":        {"第三次会议、第十二届、第104次、第4号台风", []string{"o:次:3", "o:届:12", "o:次:104", "o:号:4"}, nil},
		"plenum":                  {"党的二十届四中全会", []string{"o:届:20", "o:全会:4"}, nil},
		"quarter":                 {"一季度全省经济", []string{"o:季度:1"}, nil},
		"first three quarters":    {"前三季度全省经济", nil, []string{"o:季度:3"}},
		"ordinals english":        {"The third joint meeting and the 127th executive meeting, Week 23, Q1", []string{"o:次:3", "o:次:127", "o:周:23", "o:季度:1", "e:joint-meeting"}, []string{"n:127"}},
		"english festival":        {"The fifth Chongqing Nightless City consumption festival", []string{"o:届:5"}, nil},
		"numbers with units":      {"投资1,250亿元，增长6.2%，共68个，15 percent, 30 million yuan", []string{"n:1250亿", "n:6.2%", "n:68", "n:15%", "n:30million"}, nil},
		"small integers ignored":  {"3个方面、5G网络、3D打印", nil, []string{"n:3", "n:5"}},
		"persons chinese":         {"省委书记王晓晖、省长黄强出席，局长会议召开", []string{"h:王晓", "h:黄强"}, []string{"h:会议"}},
		"persons english":         {"Governor Huang Qiang and Mayor Tang Liangzhi attended", []string{"h:huang qiang", "h:tang liangzhi"}, nil},
		"places chinese":          {"川渝两地、成渝地区双城经济圈、粤港澳大湾区", []string{"p:sichuan", "p:chongqing", "p:chengdu", "p:greater-bay-area"}, []string{"p:hong-kong"}},
		"places english":          {"Ya'an, Guang'an and Sichuan's capital Chengdu", []string{"p:yaan", "p:guangan", "p:sichuan", "p:chengdu"}, nil},
		"named work":              {"审议了《成渝地区双城经济圈建设 2021年重点任务》", []string{"w:成渝地区双城经济圈建设2021年重点任务"}, nil},
		"named work, upper case":  {"《GDP核算办法》", []string{"w:gdp核算办法"}, nil},
		"named work, 30 runes":    {"《关于印发四川省推进成渝地区双城经济圈建设重点任务清单和年度工作要点的通知》", []string{"w:关于印发四川省推进成渝地区双城经济圈建设重点任务清单和年度工"}, nil},
		"events":                  {"新闻发布会介绍台风防御", []string{"e:press-conference", "e:typhoon"}, nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, got := extract(norm.NFKC.String(tc.text))
			for _, w := range tc.want {
				if !slices.Contains(got, w) {
					t.Errorf("missing %q in %v", w, got)
				}
			}
			for _, w := range tc.notWanted {
				if slices.Contains(got, w) {
					t.Errorf("unexpected %q in %v", w, got)
				}
			}
			if !slices.IsSorted(got) {
				t.Errorf("entities not sorted: %v", got)
			}
			for _, e := range got {
				if _, ok := entityValue(e); !ok {
					t.Errorf("entity %q does not encode", e)
				}
			}
		})
	}
}

func TestEntityCaps(t *testing.T) {
	var b strings.Builder
	for i := 10; i < 100; i++ {
		b.WriteString("增长" + strings.Repeat("1", 1) + string(rune('0'+i/10)) + string(rune('0'+i%10)) + "亿元，")
	}
	_, ents := extract(b.String())
	n := 0
	for _, e := range ents {
		if e[0] == 'n' {
			n++
		}
	}
	if n != entityCaps['n'] {
		t.Errorf("kept %d numbers, want the cap %d", n, entityCaps['n'])
	}
}

func TestParseNumber(t *testing.T) {
	tests := map[string]int{"三": 3, "十": 10, "十二": 12, "二十三": 23, "一百零四": 104, "一〇四": 104, "两": 2, "127": 127, "千": 1000, "x": 0, "三x": 0}
	for in, want := range tests {
		if got := parseNumber(in); got != want {
			t.Errorf("parseNumber(%q) = %d, want %d", in, got, want)
		}
	}
}
