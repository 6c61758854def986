package sqlite

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/data/cluster"
)

// labelledDoc is one document of data/cluster's labelled set.
type labelledDoc struct {
	ID, Source, Title, Body, Link string
	Published                     time.Time
}

// labelledDocs returns the documents of the cluster package's labelled set.
func labelledDocs(t *testing.T) []labelledDoc {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "cluster", "testdata", "pairs.json"))
	if err != nil {
		t.Fatal(err)
	}
	var set struct{ Docs []labelledDoc }
	if err := json.Unmarshal(raw, &set); err != nil {
		t.Fatal(err)
	}
	return set.Docs
}

// labelled returns documents of the cluster package's labelled set as items.
func labelled(t *testing.T, ids ...string) map[string]data.Item {
	t.Helper()
	out := map[string]data.Item{}
	for _, d := range labelledDocs(t) {
		if slices.Contains(ids, d.ID) {
			out[d.ID] = data.Item{Key: "g:" + d.ID, GUID: d.ID, Title: d.Title, Content: d.Body, Link: d.Link, Published: d.Published.UTC()}
		}
	}
	if len(out) != len(ids) {
		t.Fatalf("labelled set has %d of the documents %v", len(out), ids)
	}
	return out
}

func openClustered(t *testing.T, dir string, c *clock, enabled bool) *Store {
	t.Helper()
	o := cluster.DefaultOptions()
	o.Enabled = enabled
	s, err := Open(context.Background(), dir, Options{Now: c.Now, Cluster: o})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func stories(t *testing.T, s *Store, q data.Query) []data.Story {
	t.Helper()
	st, err := s.RecentStories(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestStoriesGroupTheSameEventAcrossSources(t *testing.T) {
	docs := labelled(t, "sc-jm-zh", "cq-jm-zh")
	c := newClock(time.Date(2021, 5, 28, 0, 0, 0, 0, time.UTC))
	dir := t.TempDir()
	s := openClustered(t, dir, c, true)
	save(t, s, "sc", docs["sc-jm-zh"]) // stored first, published later
	c.Advance(time.Minute)
	save(t, s, "cq", docs["cq-jm-zh"])

	got := stories(t, s, data.Query{})
	if len(got) != 1 {
		t.Fatalf("got %d stories, want 1 (the two reports of one meeting)", len(got))
	}
	if st, err := s.Stats(context.Background()); err != nil || st.Stories != 1 || st.Items != 2 {
		t.Errorf("Stats = %+v, %v; want 1 story of 2 items", st, err)
	}
	st := got[0]
	if len(st.Items) != 2 {
		t.Fatalf("story has %d items, want 2", len(st.Items))
	}
	if st.Items[0].SourceID != "cq" {
		t.Errorf("primary is from %s, want cq (the earlier published report)", st.Items[0].SourceID)
	}
	first := recent(t, s, data.Query{SourceIDs: []string{"sc"}})[0]
	if st.ID != first.ID {
		t.Errorf("story id = %d, want %d (the first stored item)", st.ID, first.ID)
	}
	// The cq report joined the story the sc report started.
	if m := st.Members[0]; m.Reason == "first" || m.Score <= 0 {
		t.Errorf("joining member = %+v, want a reason and a score", m)
	}
	if m := st.Members[1]; m.Reason != "first" {
		t.Errorf("starting member = %+v, want reason first", m)
	}
	if !st.Updated().Equal(c.Now()) {
		t.Errorf("story updated = %v, want %v (when the second report joined)", st.Updated(), c.Now())
	}
	for _, src := range []string{"sc", "cq"} {
		if n := len(recent(t, s, data.Query{SourceIDs: []string{src}})); n != 1 {
			t.Errorf("source %s has %d items, want 1: per-source reads still see every item", src, n)
		}
	}

	// After a restart the index is reloaded: a third report joins too.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openClustered(t, dir, c, true)
	third := docs["sc-jm-zh"]
	third.Key, third.GUID, third.Link = "g:repost", "repost", "https://fgw.sc.gov.cn/repost.html"
	third.Title = "推动成渝地区双城经济圈建设重庆四川党政联席会议第三次会议在永川召开_四川省发展和改革委员会"
	save(t, s, "fgw", third)
	if got := stories(t, s, data.Query{}); len(got) != 1 || len(got[0].Items) != 3 {
		t.Errorf("after restart: %d stories (first has %d items), want 1 story of 3", len(got), len(got[0].Items))
	}
}

func TestStoriesKeepDifferentEventsApart(t *testing.T) {
	c := newClock(t0)
	s := openClustered(t, t.TempDir(), c, true)
	save(t, s, "a", ftsItem("x", "四川省召开全省经济工作会议", "<p>会议部署明年经济工作，强调稳增长。</p>", t0.Add(-time.Hour)))
	save(t, s, "b", ftsItem("y", "Guangdong opens a new port in Zhanjiang", "<p>The port handles containers.</p>", t0.Add(-time.Hour)))
	if got := stories(t, s, data.Query{}); len(got) != 2 {
		t.Errorf("got %d stories, want 2", len(got))
	}
}

func TestStoriesDisabled(t *testing.T) {
	docs := labelled(t, "sc-jm-zh", "cq-jm-zh")
	c := newClock(time.Date(2021, 5, 28, 0, 0, 0, 0, time.UTC))
	s := openClustered(t, t.TempDir(), c, false)
	save(t, s, "sc", docs["sc-jm-zh"])
	save(t, s, "cq", docs["cq-jm-zh"])
	if got := stories(t, s, data.Query{}); len(got) != 2 {
		t.Errorf("clustering off: got %d stories, want 2", len(got))
	}
}

func TestStoryRehomedWhenFirstItemPruned(t *testing.T) {
	docs := labelled(t, "sc-jm-zh", "cq-jm-zh")
	c := newClock(time.Date(2021, 5, 28, 0, 0, 0, 0, time.UTC))
	s := openClustered(t, t.TempDir(), c, true)
	save(t, s, "sc", docs["sc-jm-zh"])
	save(t, s, "cq", docs["cq-jm-zh"])
	if _, err := s.Prune(context.Background(), "sc", 0, 0); err != nil {
		t.Fatal(err)
	}
	// max_items 0 keeps everything: delete the first item by a count limit on a
	// source that only has it.
	c.Advance(time.Hour)
	sc := recent(t, s, data.Query{SourceIDs: []string{"sc"}})
	if _, err := s.w.Exec(`DELETE FROM items WHERE id = ?`, sc[0].ID); err != nil {
		t.Fatal(err)
	}
	got := stories(t, s, data.Query{})
	if len(got) != 1 || len(got[0].Items) != 1 || got[0].Items[0].SourceID != "cq" {
		t.Fatalf("after deleting the first item: %+v, want one story holding the cq report", got)
	}
	var n int
	if err := s.r.QueryRow(`SELECT count(*) FROM sketches WHERE item_id = ?`, sc[0].ID).Scan(&n); err != nil || n != 0 {
		t.Errorf("sketch of the deleted item: %d rows (%v), want 0", n, err)
	}
}

func TestItemsBetweenAndMaxItemID(t *testing.T) {
	s, _ := newStore(t)
	if id, err := s.MaxItemID(context.Background()); err != nil || id != 0 {
		t.Errorf("empty store MaxItemID = %d, %v", id, err)
	}
	save(t, s, "a", item("1", t0.Add(-3*time.Hour)), item("2", t0.Add(-2*time.Hour)), item("3", t0.Add(-time.Hour)))
	all := recent(t, s, data.Query{})
	if _, err := s.w.Exec(`DELETE FROM items WHERE key = '3'`); err != nil {
		t.Fatal(err)
	}
	max, err := s.MaxItemID(context.Background())
	if err != nil || max != all[0].ID {
		t.Errorf("MaxItemID after deleting the newest = %d, %v; want %d (ids are never reused)", max, err, all[0].ID)
	}
	got, err := s.ItemsBetween(context.Background(), 1, max)
	if err != nil {
		t.Fatal(err)
	}
	if k := keys(got); !slices.Equal(k, []string{"1", "2"}) {
		t.Errorf("ItemsBetween = %v, want [1 2] ascending", k)
	}
}

// TestSameArticleFromTwoSourcesIsOneStory: a feed and a list page of one
// column carry the same article; months-old items are out of the
// clustering window, but the shared link still makes them one story, with
// clustering on or off.
func TestSameArticleFromTwoSourcesIsOneStory(t *testing.T) {
	for _, enabled := range []bool{true, false} {
		c := newClock(t0)
		s := openClustered(t, t.TempDir(), c, enabled)
		old := t0.Add(-90 * 24 * time.Hour)
		a := ftsItem("a", "省政府第126次常务会议召开", "<p>会议研究部署安全生产。</p>", old)
		a.Link = "http://www.zj.gov.cn/col/col1554467/art/2026/art_929b7f61b082034676251b969008c4ad.html"
		b := a
		b.Key, b.Link = "b", "https://www.zj.gov.cn/col/col1554467/art/2026/art_929b7f61b082034676251b969008c4ad.html?utm_source=rss"
		save(t, s, "zj-html", ftsItem("new", "浙江新闻", "<p>其他</p>", t0.Add(-time.Hour)))
		save(t, s, "zj-html", a)
		save(t, s, "zj-rss", b)
		got := stories(t, s, data.Query{Limit: 10})
		if len(got) != 2 {
			t.Fatalf("clustering %v: %d stories, want 2", enabled, len(got))
		}
		for _, st := range got {
			if st.Items[0].Title == a.Title && (len(st.Items) != 2 || st.Members[1].Reason != "link") {
				t.Errorf("clustering %v: story %+v, want both reports joined by link", enabled, st.Members)
			}
		}
	}
}

// TestRecentStoriesOrderAndPaging checks the order of stories (by their
// first item's sort date, then id, newest first), that each story comes
// once with all its members, that a source filter applies to the first
// item, and that paging with Before neither repeats nor skips a story.
func TestRecentStoriesOrderAndPaging(t *testing.T) {
	docs := labelled(t, "sc-jm-zh", "cq-jm-zh")
	c := newClock(time.Date(2021, 5, 28, 0, 0, 0, 0, time.UTC))
	s := openClustered(t, t.TempDir(), c, true)
	noon := time.Date(2021, 5, 27, 4, 0, 0, 0, time.UTC)
	distinct := []data.Item{
		{Key: "g:a", GUID: "a", Title: "关于开展全省森林防火专项检查的通知", Link: "https://www.a.gov.cn/a.html", Published: noon},
		{Key: "g:b", GUID: "b", Title: "二〇二一年第一季度进出口贸易统计数据发布", Link: "https://www.a.gov.cn/b.html", Published: noon},
		{Key: "g:c", GUID: "c", Title: "省教育厅召开高校毕业生就业工作推进会", Link: "https://www.a.gov.cn/c.html", Published: noon.Add(-48 * time.Hour)},
		{Key: "g:d", GUID: "d", Title: "Provincial weather bureau issues a typhoon warning", Link: "https://www.a.gov.cn/d.html"},
	}
	save(t, s, "sc", docs["sc-jm-zh"])
	save(t, s, "a", distinct[0], distinct[1]) // the same sort date: the later id first
	c.Advance(time.Minute)
	save(t, s, "cq", docs["cq-jm-zh"]) // joins sc's story
	save(t, s, "a", distinct[2], distinct[3])

	// The expected order, from the rule applied to the first items.
	heads := recent(t, s, data.Query{Limit: 100})
	heads = slices.DeleteFunc(heads, func(it data.Item) bool { return it.SourceID == "cq" })
	slices.SortFunc(heads, func(x, y data.Item) int {
		if c := y.SortDate().Compare(x.SortDate()); c != 0 {
			return c
		}
		return int(y.ID - x.ID)
	})
	var want []int64
	for _, h := range heads {
		want = append(want, h.ID)
	}
	if len(want) != 5 {
		t.Fatalf("%d first items, want 5 (4 distinct items and the story)", len(want))
	}
	ids := func(sts []data.Story) []int64 {
		var out []int64
		for _, st := range sts {
			out = append(out, st.ID)
		}
		return out
	}
	all := stories(t, s, data.Query{Limit: 100})
	if got := ids(all); !slices.Equal(got, want) {
		t.Fatalf("story ids = %v, want %v", got, want)
	}
	for _, st := range all {
		n := 1
		if st.Items[len(st.Items)-1].SourceID == "sc" || st.Items[0].SourceID == "cq" {
			n = 2
		}
		if len(st.Items) != n || len(st.Members) != n {
			t.Errorf("story %d has %d items and %d members, want %d", st.ID, len(st.Items), len(st.Members), n)
		}
	}

	// Pages of two.
	var paged []int64
	q := data.Query{Limit: 2}
	for range 10 {
		page := stories(t, s, q)
		if len(page) == 0 {
			break
		}
		paged = append(paged, ids(page)...)
		last := page[len(page)-1]
		var head data.Item
		for _, it := range last.Items {
			if it.ID == last.ID {
				head = it
			}
		}
		q.Before = &data.Cursor{Date: head.SortDate(), ID: head.ID}
	}
	if !slices.Equal(paged, want) {
		t.Errorf("paged story ids = %v, want %v", paged, want)
	}

	// A source filter narrows by the first item: cq's report is not one.
	if got := stories(t, s, data.Query{SourceIDs: []string{"cq"}}); len(got) != 0 {
		t.Errorf("stories of cq = %v, want none (its report joined sc's story)", ids(got))
	}
	if got := stories(t, s, data.Query{SourceIDs: []string{"sc"}}); len(got) != 1 || len(got[0].Items) != 2 {
		t.Errorf("stories of sc = %d, want 1 of 2 items", len(got))
	}
}

// TestSketchOfIsWhatTheLabelledSetMeasured: the store sketches an item's
// HTML as cluster.NewSketch does on the labelled set (whose thresholds were
// tuned on it), furniture lines included, not a flattened text of it.
func TestSketchOfIsWhatTheLabelledSetMeasured(t *testing.T) {
	docs := labelledDocs(t)
	now := t0.UnixNano()
	for _, d := range docs {
		r, err := toRow(data.Item{Key: "k", Title: d.Title, Content: d.Body, Link: d.Link, Published: d.Published.UTC()})
		if err != nil {
			t.Fatal(err)
		}
		got := sketchOf(d.Source, r, now)
		want := cluster.NewSketch(cluster.Doc{SourceID: d.Source, Title: d.Title, Body: d.Body, Link: d.Link,
			Published: fromNS(sortDate(r.published, now))})
		if !slices.Equal(got.MinHash, want.MinHash) || !slices.Equal(got.DocNumbers, want.DocNumbers) ||
			!slices.Equal(got.Entities, want.Entities) || got.Link != want.Link || !got.Published.Equal(want.Published) {
			t.Errorf("%s: the store's sketch differs from NewSketch's", d.ID)
		}
	}
	if len(docs) < 20 {
		t.Fatalf("labelled set has %d documents", len(docs))
	}
}

// TestRecentStoriesContentOfTheShownReportOnly: of each story, only the
// report a feed shows carries its content: the earliest one, or the
// earliest from q.SourceIDs when the query names sources; the others come
// without it (short plain content and compressed content alike).
func TestRecentStoriesContentOfTheShownReportOnly(t *testing.T) {
	c := newClock(t0)
	s := openClustered(t, t.TempDir(), c, true)
	// a is stored first (the story's head), b joins it but was published
	// earlier: b is the story's first report.
	long := "<p>" + strings.Repeat("会议研究部署安全生产工作。", 40) + "</p>" // compressed
	a := ftsItem("a", "省政府第126次常务会议召开", long, t0.Add(-2*time.Hour))
	a.Link = "https://www.zj.gov.cn/art/2026/art_1.html"
	b := ftsItem("b", "省政府第126次常务会议召开", "<p>短</p>", t0.Add(-3*time.Hour)) // plain
	b.Link = a.Link
	save(t, s, "zj-html", a)
	save(t, s, "zj-rss", b)

	for _, tc := range []struct {
		name    string
		sources []string
		want    string // the source whose report has content
	}{
		{"all sources", nil, "zj-rss"},
		{"the first report's source not shown", []string{"zj-html"}, "zj-html"},
		{"both shown", []string{"zj-rss", "zj-html"}, "zj-rss"},
	} {
		got := stories(t, s, data.Query{Limit: 10, SourceIDs: tc.sources})
		if len(got) != 1 || len(got[0].Items) != 2 {
			t.Fatalf("%s: stories = %+v, want one of two reports", tc.name, got)
		}
		for _, it := range got[0].Items {
			want := ""
			if it.SourceID == tc.want {
				want = map[string]string{"zj-html": long, "zj-rss": "<p>短</p>"}[it.SourceID]
			}
			if it.Content != want {
				t.Errorf("%s: report of %s has content %.40q, want %.40q", tc.name, it.SourceID, it.Content, want)
			}
		}
	}
}
