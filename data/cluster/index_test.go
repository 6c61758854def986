package cluster

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// story returns a Chinese news text distinct for each n.
func story(n int) (title, body string) {
	topics := []string{"优化营商环境", "乡村全面振兴", "安全生产", "防汛减灾", "数字经济", "城市更新", "低空经济", "养老服务"}
	t := topics[n%len(topics)]
	return fmt.Sprintf("绵阳市召开%s工作推进会第%d次会议", t, n+1),
		fmt.Sprintf("会议研究部署%s重点任务，要求各县区压实责任、细化措施，确保%s各项目标如期完成。会议审议通过了%s考核办法。", t, t, t)
}

func TestIndexMatchesRepostAndEvicts(t *testing.T) {
	ix := NewIndex(DefaultOptions())
	title, body := story(0)
	orig := NewSketch(Doc{ItemID: 1, Title: title, Body: body, Published: day})
	ix.Add(1, orig)
	repost := NewSketch(Doc{ItemID: 2, Title: title + "_绵阳市人民政府", Body: "来源：绵阳日报\n" + body, Published: day.Add(20 * time.Hour)})
	m, ok := ix.Best(repost)
	if !ok || m.ItemID != 1 || !strings.HasPrefix(m.Reason, "minhash ") || m.Score < DefaultThreshold {
		t.Fatalf("Best(repost) = %+v, %v; want item 1 by minhash", m, ok)
	}
	if _, ok := ix.Best(orig); ok {
		t.Error("Best returned the query's own item")
	}
	// A sketch published more than the window after the first evicts it.
	title2, body2 := story(1)
	ix.Add(3, NewSketch(Doc{ItemID: 3, Title: title2, Body: body2, Published: day.Add(73 * time.Hour)}))
	if n := ix.Len(); n != 1 {
		t.Errorf("Len after eviction = %d, want 1", n)
	}
	if m, ok := ix.Best(repost); ok {
		t.Errorf("Best found evicted item: %+v", m)
	}
	// A sketch already older than the window is not kept.
	ix.Add(4, orig)
	if n := ix.Len(); n != 1 {
		t.Errorf("Len after adding a stale sketch = %d, want 1", n)
	}
}

func TestIndexWindowAndStrongSignals(t *testing.T) {
	title, body := story(2)
	a := NewSketch(Doc{ItemID: 1, Title: title, Body: body, Published: day})
	late := NewSketch(Doc{ItemID: 2, Title: title, Body: body, Published: day.Add(4 * 24 * time.Hour)})
	tests := map[string]struct {
		o      Options
		b      Sketch
		reason string // "" for no match
	}{
		"outside the window": {DefaultOptions(), late, ""},
		"wider window":       {Options{Enabled: true, Window: 5 * 24 * time.Hour}, late, "minhash 1.00"},
		"one side without docno falls back to minhash": {Options{Enabled: true, Window: 5 * 24 * time.Hour}, func() Sketch {
			s := late
			s.DocNumbers = []string{"绵府发〔2026〕3号"}
			return s
		}(), "minhash 1.00"},
		"disabled": {Options{}, late, ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ix := NewIndex(tc.o)
			ix.Add(a.ItemID, a)
			m, ok := ix.Best(tc.b)
			if got := m.Reason; ok != (tc.reason != "") || (ok && got != tc.reason) {
				t.Errorf("Best = %+v, %v; want reason %q", m, ok, tc.reason)
			}
		})
	}
}

func TestIndexDocnoAndLink(t *testing.T) {
	a := NewSketch(Doc{ItemID: 1, Title: "关于印发方案的通知", Body: "川府发〔2026〕12号\n全文。", Published: day})
	b := NewSketch(Doc{ItemID: 2, Title: "完全不同的标题", Body: "文号：川府发（2026）12号", Published: day.Add(30 * 24 * time.Hour)})
	c := NewSketch(Doc{ItemID: 3, Title: "关于印发方案的通知", Body: "川府发〔2026〕13号\n全文。", Published: day})
	ix := NewIndex(Options{Enabled: true, Window: 60 * 24 * time.Hour})
	ix.Add(1, a)
	if m, ok := ix.Best(b); !ok || m.ItemID != 1 || m.Reason != "docno 川府发〔2026〕12号" || m.Score != 1 {
		t.Errorf("Best(same docno, 30 days later) = %+v, %v", m, ok)
	}
	if m, ok := ix.Best(c); ok {
		t.Errorf("Best(different docno, same text) = %+v; want no match", m)
	}
	l1 := NewSketch(Doc{ItemID: 4, Title: "标题甲", Link: "https://www.cq.gov.cn/ywdt/jrcq/202606/t20260616_15758457.html", Published: day})
	l2 := NewSketch(Doc{ItemID: 5, Title: "另一个标题", Link: "https://www.cq.gov.cn/ywdt/bmts/202606/t20260616_15758457.html?utm_source=x", Published: day})
	ix.Add(4, l1)
	if m, ok := ix.Best(l2); !ok || m.ItemID != 4 || m.Reason != "link" {
		t.Errorf("Best(same article id) = %+v, %v", m, ok)
	}
}

func TestMergeRuleVetoes(t *testing.T) {
	base := "%s，省长王浩主持召开省政府第%s次常务会议，研究部署稳增长、安全生产和民生保障工作。会议指出，要坚决扛起安全生产政治责任，全面排查整治各类风险隐患，确保全年目标任务圆满完成。"
	mk := func(id int64, date, ord string) Sketch {
		return NewSketch(Doc{ItemID: id, Title: "省政府召开常务会议", Body: fmt.Sprintf(base, date, ord), Published: day})
	}
	tests := map[string]struct {
		a, b  Sketch
		merge bool
	}{
		"same meeting":           {mk(1, "9月30日", "127"), mk(2, "9月30日", "127"), true},
		"day only vs full date":  {mk(1, "9月30日", "127"), mk(2, "30日", "127"), true},
		"different ordinal":      {mk(1, "9月30日", "127"), mk(2, "9月30日", "128"), false},
		"different date":         {mk(1, "9月30日", "127"), mk(2, "10月2日", "127"), false},
		"chinese numeral equals": {mk(1, "9月30日", "三"), mk(2, "9月30日", "3"), true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ix := NewIndex(DefaultOptions())
			ix.Add(tc.a.ItemID, tc.a)
			m, ok := ix.Best(tc.b)
			if ok != tc.merge {
				t.Errorf("Best = %+v, %v; want merge %v (J=%.2f)", m, ok, tc.merge, Similarity(tc.a, tc.b))
			}
		})
	}
}

func TestCrossLanguageOption(t *testing.T) {
	zh := NewSketch(Doc{ItemID: 1, Title: "川渝党政联席会议第三次会议在永川举行",
		Body: "5月27日，推动成渝地区双城经济圈建设重庆四川党政联席会议第三次会议在永川举行。", Published: day})
	en := NewSketch(Doc{ItemID: 2, Title: "Third joint meeting held in Yongchuan",
		Body: "The third joint meeting on the Chengdu-Chongqing economic circle was held in Yongchuan on May 27.", Published: day})
	fourth := NewSketch(Doc{ItemID: 3, Title: "Fourth joint meeting held in Yongchuan",
		Body: "The fourth joint meeting on the Chengdu-Chongqing economic circle was held in Yongchuan on May 27.", Published: day})
	ix := NewIndex(DefaultOptions())
	ix.Add(1, zh)
	if m, ok := ix.Best(en); ok {
		t.Errorf("CrossLanguage off: Best = %+v, want no match", m)
	}
	o := DefaultOptions()
	o.CrossLanguage = true
	ix = NewIndex(o)
	ix.Add(1, zh)
	m, ok := ix.Best(en)
	if !ok || m.ItemID != 1 || !strings.HasPrefix(m.Reason, "cross-language ") {
		t.Errorf("CrossLanguage on: Best = %+v, %v; want item 1", m, ok)
	}
	if m, ok := ix.Best(fourth); ok {
		t.Errorf("fourth vs third meeting merged across languages: %+v", m)
	}
}

func TestIndexBestPrefersScoreThenEarliest(t *testing.T) {
	title, body := story(3)
	ix := NewIndex(DefaultOptions())
	ix.Add(10, NewSketch(Doc{Title: title, Body: body, Published: day.Add(2 * time.Hour)}))
	ix.Add(11, NewSketch(Doc{Title: title, Body: body, Published: day.Add(time.Hour)}))
	ix.Add(12, NewSketch(Doc{Title: title, Body: body + "另有补充。", Published: day}))
	m, ok := ix.Best(NewSketch(Doc{Title: title, Body: body, Published: day.Add(3 * time.Hour)}))
	if !ok || m.ItemID != 11 {
		t.Errorf("Best = %+v, %v; want 11 (score 1, earlier than 10; 12 scores lower)", m, ok)
	}
}

func TestIndexReplaceAndRemove(t *testing.T) {
	t1, b1 := story(4)
	t2, b2 := story(5)
	ix := NewIndex(DefaultOptions())
	ix.Add(1, NewSketch(Doc{Title: t1, Body: b1, Published: day}))
	ix.Add(1, NewSketch(Doc{Title: t2, Body: b2, Published: day}))
	if n := ix.Len(); n != 1 {
		t.Fatalf("Len after replacing = %d, want 1", n)
	}
	if _, ok := ix.Best(NewSketch(Doc{Title: t1, Body: b1, Published: day})); ok {
		t.Error("the replaced sketch still matches")
	}
	if m, ok := ix.Best(NewSketch(Doc{Title: t2, Body: b2, Published: day})); !ok || m.ItemID != 1 {
		t.Errorf("the new sketch does not match: %+v, %v", m, ok)
	}
	ix.Remove(1)
	ix.Remove(99) // absent: no effect
	if n := ix.Len(); n != 0 {
		t.Errorf("Len after Remove = %d, want 0", n)
	}
	if len(ix.buckets) != 0 {
		t.Errorf("%d buckets left after removing everything", len(ix.buckets))
	}
}

func TestIndexMemoryBounded(t *testing.T) {
	ix := NewIndex(Options{Enabled: true, Window: 10 * time.Hour})
	for i := range 500 {
		title, body := story(i)
		ix.Add(int64(i+1), NewSketch(Doc{Title: title, Body: body, Published: day.Add(time.Duration(i) * time.Hour)}))
	}
	if n := ix.Len(); n != 11 {
		t.Errorf("Len = %d, want 11 (the newest and the 10 hours before it)", n)
	}
	if n := len(ix.slots); n > 12 {
		t.Errorf("%d slots allocated for at most 11 live entries", n)
	}
	if n := len(ix.ages); n > 12 {
		t.Errorf("age heap holds %d records", n)
	}
}

func TestIndexConcurrent(t *testing.T) {
	ix := NewIndex(DefaultOptions())
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 50 {
				title, body := story(i)
				s := NewSketch(Doc{ItemID: int64(w*100 + i + 1), Title: title, Body: body, Published: day.Add(time.Duration(i) * time.Minute)})
				ix.Best(s)
				ix.Add(s.ItemID, s)
			}
		})
	}
	wg.Wait()
	if n := ix.Len(); n != 200 {
		t.Errorf("Len = %d, want 200", n)
	}
}
