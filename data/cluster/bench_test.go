package cluster

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"
)

// corpus generates realistic-looking Chinese government news: a few dozen
// sentence templates filled with places, people, topics, dates and numbers,
// so that unrelated items share vocabulary and boilerplate as real ones do.
type corpus struct {
	r *rand.Rand
}

var (
	benchPlaces = []string{"成都", "重庆", "永川", "绵阳", "德阳", "宜宾", "泸州", "南充", "广州", "深圳", "杭州", "宁波", "温州", "万州", "涪陵", "乐山", "雅安", "达州", "两江新区", "天府新区"}
	benchPeople = []string{"省长黄强", "市长胡衡华", "省长王浩", "市长王凤朝", "省委书记王晓晖", "区长蒋和平", "副省长李云泽", "副市长郑向东"}
	benchTopics = []string{"优化营商环境", "乡村全面振兴", "安全生产", "防汛减灾", "生态环境保护", "招商引资", "数字经济", "新型工业化",
		"高校毕业生就业", "消费品以旧换新", "城市更新", "低空经济", "人工智能", "现代物流", "文旅融合", "科技创新", "医疗卫生",
		"教育强省", "养老服务", "交通基础设施", "水利工程", "森林防火", "农业现代化", "对外开放", "民营经济", "外贸稳规模"}
	benchSentences = []string{
		"%[1]s召开%[2]s工作会议，%[3]s出席会议并讲话。",
		"会议指出，要深入贯彻落实党中央、国务院决策部署，扎实推进%[2]s各项工作。",
		"%[4]d月%[5]d日，%[1]s举行%[2]s重点项目集中签约活动，共签约项目%[6]d个，总投资%[7]d亿元。",
		"截至目前，全市%[2]s累计完成投资%[7]d亿元，同比增长%[8]d.%[9]d%%。",
		"%[3]s强调，要坚持问题导向，压紧压实责任，确保%[2]s取得实效。",
		"下一步，%[1]s将持续加大%[2]s力度，推动各项政策措施落地见效。",
		"据统计，今年以来%[1]s新增市场主体%[6]d万户，%[2]s成效明显。",
		"%[4]d月%[5]d日，%[3]s到%[1]s调研%[2]s工作，实地察看项目建设情况。",
		"会议审议通过了《%[1]s%[2]s三年行动方案》。",
		"各地各部门要加强统筹协调，形成工作合力，全力以赴抓好%[2]s。",
		"%[1]s发布%[2]s典型案例%[6]d个，涉及企业%[7]d家。",
		"活动现场，%[1]s与%[10]s签署%[2]s合作协议。",
	}
)

func (c corpus) doc(id int64, pub time.Time) Doc {
	place := benchPlaces[c.r.IntN(len(benchPlaces))]
	other := benchPlaces[c.r.IntN(len(benchPlaces))]
	topic := benchTopics[c.r.IntN(len(benchTopics))]
	person := benchPeople[c.r.IntN(len(benchPeople))]
	args := []any{place, topic, person, 1 + c.r.IntN(12), 1 + c.r.IntN(28), 10 + c.r.IntN(90), 100 + c.r.IntN(900), c.r.IntN(20), c.r.IntN(10), other}
	var b strings.Builder
	n := 3 + c.r.IntN(4)
	for range n {
		fmt.Fprintf(&b, benchSentences[c.r.IntN(len(benchSentences))], args...)
		b.WriteByte('\n')
	}
	return Doc{ItemID: id, Title: place + topic + "工作取得新进展", Body: b.String(), Published: pub}
}

// fill returns n sketches published evenly over span, oldest first.
func fill(n int, span time.Duration, seed uint64) []Sketch {
	c := corpus{r: rand.New(rand.NewPCG(seed, 1))}
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
	news := fill(4096, span/n*4096, 2)
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
		s.ItemID += int64(i/len(news)) * 4096
		s.Published = s.Published.Add(time.Duration(i/len(news)) * (span / n * 4096))
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
	d := corpus{r: rand.New(rand.NewPCG(3, 1))}.doc(1, time.Now())
	b.SetBytes(int64(len(d.Title) + len(d.Body)))
	for b.Loop() {
		NewSketch(d)
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
