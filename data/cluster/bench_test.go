package cluster

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// corpus generates Chinese government news for benchmarks: sentences made
// of random phrases of ordinary government prose, with dates, places,
// people and numbers, and a few per cent of re-posts of a recent item. Two
// unrelated items come out with an estimated Jaccard of a few per cent, as
// real unrelated items in testdata/pairs.json do.
type corpus struct {
	r      *rand.Rand
	recent []Doc
}

const benchProse = `为深入贯彻落实党中央国务院决策部署进一步优化营商环境激发市场主体活力推动经济社会高质量发展各地区各部门要坚持问题导向强化责任落实加快推进重点项目建设` +
	`全面提升政务服务效能持续改善人居环境加强生态环境保护统筹发展和安全守牢安全生产底线扎实做好防汛救灾工作切实保障人民群众生命财产安全推进乡村全面振兴` +
	`培育壮大新质生产力促进数字经济和实体经济深度融合扩大有效投资提振消费信心稳定外贸外资基本盘深化重点领域改革完善现代化基础设施体系建设教育强省` +
	`健康四川平安重庆美丽浙江加快建设现代化产业体系推动制造业高端化智能化绿色化发展加强科技创新平台建设支持企业加大研发投入提升自主创新能力` +
	`健全社会保障体系兜牢民生底线做好高校毕业生等重点群体就业工作加强基层治理推进城市更新改造老旧小区完善养老托育服务促进文化旅游融合发展`

// benchPlaces are the Chinese names of the gazetteer; benchPeople are
// generated official names.
var (
	benchPlaces = func() (out []string) {
		for _, p := range places {
			out = append(out, p.zh...)
		}
		return out
	}()
	benchPeople = func() (out []string) {
		titles := []string{"省长", "副省长", "市长", "副市长", "区长", "主任", "厅长"}
		given := []rune("强浩晓明伟华军平建国志刚海涛文斌红敏丽云")
		for i, s := range []rune(surnames)[:40] {
			out = append(out, titles[i%len(titles)]+string(s)+string(given[i%len(given)])+string(given[(i*7+3)%len(given)]))
		}
		return out
	}()
)

// phrase returns a random run of 2 to 6 characters of benchProse.
func (c *corpus) phrase() string {
	rs := []rune(benchProse)
	n := 2 + c.r.IntN(5)
	i := c.r.IntN(len(rs) - n)
	return string(rs[i : i+n])
}

func (c *corpus) doc(id int64, pub time.Time) Doc {
	if len(c.recent) > 0 && c.r.IntN(100) < 3 { // a re-post of a recent item
		d := c.recent[c.r.IntN(len(c.recent))]
		d.ItemID, d.Published = id, pub
		d.Title += "_" + benchPlaces[c.r.IntN(len(benchPlaces))] + "市人民政府"
		return d
	}
	day := pub.Add(8 * time.Hour)
	var b strings.Builder
	for range 3 + c.r.IntN(4) {
		for range 3 + c.r.IntN(4) {
			b.WriteString(c.phrase())
			if c.r.IntN(4) == 0 {
				b.WriteString("，")
			}
		}
		switch c.r.IntN(4) {
		case 0:
			fmt.Fprintf(&b, "，%d月%d日%s", day.Month(), day.Day(), benchPlaces[c.r.IntN(len(benchPlaces))])
		case 1:
			fmt.Fprintf(&b, "，%s指出%s", benchPeople[c.r.IntN(len(benchPeople))], c.phrase())
		case 2:
			fmt.Fprintf(&b, "，完成投资%d亿元，增长%d.%d%%", 10+c.r.IntN(990), c.r.IntN(20), c.r.IntN(10))
		}
		b.WriteString("。\n")
	}
	d := Doc{ItemID: id, Title: benchPlaces[c.r.IntN(len(benchPlaces))] + c.phrase() + c.phrase(), Body: b.String(), Published: pub}
	if len(c.recent) < 500 {
		c.recent = append(c.recent, d)
	} else {
		c.recent[c.r.IntN(500)] = d
	}
	return d
}

// fill returns n sketches published evenly over span, oldest first.
func fill(n int, span time.Duration, seed uint64) []Sketch {
	c := &corpus{r: rand.New(rand.NewPCG(seed, 1))}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	out := make([]Sketch, n)
	for i := range out {
		pub := start.Add(time.Duration(int64(span) / int64(n) * int64(i)))
		out[i] = NewSketch(c.doc(int64(i+1), pub))
	}
	return out
}

// benchAdd measures Add+Best of a new item on an index pre-filled with
// 100,000 sketches spread over span.
func benchAdd(b *testing.B, span time.Duration) {
	const n = 100_000
	pre := fill(n, span, 1)
	news := fill(16384, span/n*16384, 2)
	shift := pre[n-1].Published.Sub(news[0].Published) + time.Second
	for i := range news {
		news[i].ItemID += n
		news[i].Published = news[i].Published.Add(shift)
	}
	ix := NewIndex(DefaultOptions())
	for _, s := range pre {
		ix.Add(s.ItemID, s)
	}
	b.ReportMetric(float64(ix.Len()), "held")
	matches := 0
	i := 0
	for b.Loop() {
		s := news[i%len(news)]
		s.ItemID += int64(i/len(news)) * 16384
		s.Published = s.Published.Add(time.Duration(i/len(news)) * (span / n * 16384))
		if _, ok := ix.Best(s); ok {
			matches++
		}
		ix.Add(s.ItemID, s)
		i++
	}
	b.ReportMetric(float64(matches)/float64(i), "match/op")
}

// BenchmarkAdd100k: 100,000 items over 60 days (about 1,700 a day, a busy
// aggregator), so the 72h window holds about 5,000.
func BenchmarkAdd100k(b *testing.B) { benchAdd(b, 60*24*time.Hour) }

// BenchmarkAdd100kOneWindow: the worst case, all 100,000 items inside one
// window.
func BenchmarkAdd100kOneWindow(b *testing.B) { benchAdd(b, 70*time.Hour) }

// BenchmarkNewSketch sketches a typical 300-character news item.
func BenchmarkNewSketch(b *testing.B) {
	c := &corpus{r: rand.New(rand.NewPCG(3, 1))}
	d := c.doc(1, time.Now())
	b.SetBytes(int64(len(d.Title) + len(d.Body)))
	for b.Loop() {
		NewSketch(d)
	}
}

// BenchmarkNewSketchArticle sketches realistic 2.5 KB government articles
// (testdata/bench) in Chinese and English, as sanitized HTML and as the
// flat text the store derives from it (every tag replaced by a space, one
// line).
func BenchmarkNewSketchArticle(b *testing.B) {
	for _, name := range []string{"zh", "en"} {
		raw, err := os.ReadFile("testdata/bench/" + name + "_article.html")
		if err != nil {
			b.Fatal(err)
		}
		title := map[string]string{"zh": "全省推进成渝地区双城经济圈建设工作会议召开_四川省人民政府",
			"en": "Sichuan pushes ahead with the Chengdu-Chongqing economic circle | Sichuan Government"}[name]
		for _, form := range []string{"html", "text"} {
			body := string(raw)
			if form == "text" {
				body = flatText(body)
			}
			d := Doc{ItemID: 1, Title: title, Body: body, Link: "https://www.sc.gov.cn/10462/c1/2026/6/18/0a1b2c3d.shtml", Published: day}
			b.Run(name+"-"+form, func(b *testing.B) {
				b.SetBytes(int64(len(d.Title) + len(d.Body)))
				b.ReportAllocs()
				for b.Loop() {
					NewSketch(d)
				}
			})
		}
	}
}

// flatText replaces every tag of an HTML fragment by a space.
func flatText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			b.Write(z.Text())
		default:
			b.WriteByte(' ')
		}
	}
}

// BenchmarkSketchMemory reports the heap held by the Index per sketch and
// the size of a sketch's binary form (what the store keeps).
func BenchmarkSketchMemory(b *testing.B) {
	const n = 20_000
	sk := fill(n, 70*time.Hour, 4)
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		ix := NewIndex(DefaultOptions())
		for _, s := range sk {
			ix.Add(s.ItemID, s)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "heap-B/sketch")
		runtime.KeepAlive(ix)
	}
	size := 0
	for _, s := range sk {
		bin, _ := s.MarshalBinary()
		size += len(bin)
	}
	b.ReportMetric(float64(size)/n, "binary-B/sketch")
}
