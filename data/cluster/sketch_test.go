package cluster

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var day = time.Date(2026, 6, 16, 10, 0, 0, 0, time.UTC)

func TestNewSketch(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	s := NewSketch(Doc{
		ItemID: 7, Lang: "en",
		Title:     "四川省人民政府关于印发方案的通知_四川省人民政府",
		Body:      "川府发〔2026〕12号\n各市（州）人民政府：现将方案印发给你们。",
		Link:      "https://www.sc.gov.cn/10462/zfwjts/2026/3/10/7f9a0c2b3d4e4f5a8b6c7d8e9f0a1b2c.shtml?utm_source=x",
		Published: time.Date(2026, 3, 10, 17, 20, 0, 0, cst),
	})
	if s.ItemID != 7 || s.Lang != "zh" {
		t.Errorf("ItemID, Lang = %d, %q; want 7, zh (script wins over the tag)", s.ItemID, s.Lang)
	}
	if len(s.MinHash) != SketchSize {
		t.Errorf("len(MinHash) = %d, want %d", len(s.MinHash), SketchSize)
	}
	if diff := cmp.Diff([]string{"川府发〔2026〕12号"}, s.DocNumbers); diff != "" {
		t.Errorf("DocNumbers (-want +got):\n%s", diff)
	}
	if want := time.Date(2026, 3, 10, 9, 20, 0, 0, time.UTC); !s.Published.Equal(want) || s.Published.Location() != time.UTC {
		t.Errorf("Published = %v, want %v in UTC", s.Published, want)
	}
	same := NewSketch(Doc{Title: "x", Link: "http://www.sc.gov.cn/10462/c1/2026/3/10/7f9a0c2b3d4e4f5a8b6c7d8e9f0a1b2c.shtml"})
	if s.Link == 0 || s.Link != same.Link {
		t.Errorf("link hashes %x and %x: want equal and non-zero for one article id", s.Link, same.Link)
	}
	if NewSketch(Doc{Title: "x", Link: "/relative"}).Link != 0 {
		t.Error("a relative link should have no hash")
	}
	if got := NewSketch(Doc{Lang: "en-US", Title: "2026"}).Lang; got != "en" {
		t.Errorf("Lang for a text without letters = %q, want the tag's base en", got)
	}
	if got := NewSketch(Doc{}).MinHash; got != nil {
		t.Errorf("MinHash of an empty doc = %v, want nil", got)
	}
}

func TestSketchBinaryRoundTrip(t *testing.T) {
	tests := map[string]Sketch{
		"full": NewSketch(Doc{ItemID: 42, Title: "川渝党政联席会议第三次会议在永川举行", Body: "5月27日，会议召开，签约68个项目。",
			Link: "https://www.cq.gov.cn/ywdt/jrcq/202105/t20210527_9331205.html", Published: day.Add(123 * time.Nanosecond)}),
		"empty":   {},
		"no time": {ItemID: -3, Lang: "en", MinHash: []uint32{1, 2, 3}, Entities: []string{"p:chengdu"}},
	}
	for name, s := range tests {
		t.Run(name, func(t *testing.T) {
			b, err := s.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			var got Sketch
			if err := got.UnmarshalBinary(b); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(s, got); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSketchUnmarshalErrors(t *testing.T) {
	good, _ := NewSketch(Doc{ItemID: 1, Title: "测试标题", Published: day}).MarshalBinary()
	tests := map[string][]byte{
		"empty":          nil,
		"wrong version":  append([]byte{99}, good[1:]...),
		"truncated":      good[:len(good)-3],
		"trailing bytes": append(append([]byte{}, good...), 0),
		"huge count":     {sketchVersion, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f},
	}
	for name, b := range tests {
		t.Run(name, func(t *testing.T) {
			s := Sketch{ItemID: 5}
			err := s.UnmarshalBinary(b)
			if !errors.Is(err, errSketch) {
				t.Errorf("err = %v, want errSketch", err)
			}
			if s.ItemID != 5 {
				t.Error("a failed decode changed the sketch")
			}
		})
	}
}

func TestSimilarity(t *testing.T) {
	a := NewSketch(Doc{Title: "广东前5个月外贸进出口3.8万亿元", Body: "据海关总署广东分署统计，今年前5个月，广东外贸进出口3.8万亿元，同比增长6.2%，规模继续保持全国首位。"})
	b := NewSketch(Doc{Title: "广东前5个月外贸进出口3.8万亿元_广州市人民政府门户网站", Body: "信息来源：南方日报\n据海关总署广东分署统计，今年前5个月，广东外贸进出口3.8万亿元，同比增长6.2%，规模继续保持全国首位。"})
	c := NewSketch(Doc{Title: "成都地铁27号线二期工程开工建设", Body: "线路全长约18公里，设车站13座，计划2030年建成通车。"})
	if got := Similarity(a, a); got != 1 {
		t.Errorf("Similarity(a, a) = %v, want 1", got)
	}
	if got := Similarity(a, b); got != 1 {
		t.Errorf("re-post with suffix and source line: Similarity = %v, want 1 (same text after cleaning)", got)
	}
	if got := Similarity(a, c); got > 0.1 {
		t.Errorf("unrelated items: Similarity = %v, want <= 0.1", got)
	}
	if got := Similarity(a, Sketch{}); got != 0 {
		t.Errorf("Similarity with an empty sketch = %v, want 0", got)
	}
	if Similarity(a, c) != Similarity(c, a) {
		t.Error("Similarity is not symmetric")
	}
}

func TestOptionsDefaults(t *testing.T) {
	o := DefaultOptions()
	want := Options{Enabled: true, Window: 72 * time.Hour, Threshold: DefaultThreshold, EntityThreshold: DefaultEntityThreshold,
		MinShared: DefaultMinShared, Bands: 32, Rows: 2}
	if o != want {
		t.Errorf("DefaultOptions() = %+v, want %+v", o, want)
	}
	if got := (Options{Bands: 40, Rows: 4}).withDefaults(); got.Bands != 16 || got.Rows != 4 {
		t.Errorf("40x4 clamped to %dx%d, want 16x4", got.Bands, got.Rows)
	}
	if got := (Options{Rows: 100}).withDefaults(); got.Rows != SketchSize || got.Bands != 1 {
		t.Errorf("Rows 100 clamped to %dx%d, want 1x%d", got.Bands, got.Rows, SketchSize)
	}
}
