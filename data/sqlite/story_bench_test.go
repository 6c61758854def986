package sqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/data/cluster"
)

// benchHanzi are common characters; news items are drawn from them so that
// two unrelated items share few shingles, as real ones do.
var benchHanzi = []rune(`的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府`)

// benchDoc writes a government report of about 600 characters.
func benchDoc(r *rand.Rand) (title, body string) {
	pick := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteRune(benchHanzi[r.IntN(len(benchHanzi))])
		}
		return b.String()
	}
	var b strings.Builder
	for range 12 {
		b.WriteString("<p>" + pick(20) + "，" + pick(25) + "。</p>")
	}
	return "四川省" + pick(12) + "工作会议召开", b.String()
}

// BenchmarkSaveStoryMember saves one item, in a Save of its own, that
// re-posts an item stored by another source an hour earlier, into a store
// with clustering on whose 72-hour window holds 5,000 items: the cost of
// adding a story member (lookups, insert, full-text index, clustering,
// commit), as the daemon pays it for each new item.
func BenchmarkSaveStoryMember(b *testing.B) {
	ctx := context.Background()
	c := newClock(t0)
	s, err := Open(ctx, b.TempDir(), Options{Now: c.Now, Cluster: cluster.DefaultOptions()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	r := rand.New(rand.NewPCG(1, 2))
	const sources, per = 50, 100
	var originals []data.Item
	for i := range sources {
		items := make([]data.Item, per)
		for j := range items {
			title, body := benchDoc(r)
			key := fmt.Sprintf("s%d-%d", i, j)
			items[j] = data.Item{Key: "g:" + key, GUID: key, Title: title, Content: body,
				Link:      fmt.Sprintf("https://www.s%d.gov.cn/xwdt/202606/t20260616_%d.html", i, j),
				Published: t0.Add(-time.Duration(j*sources+i) * 30 * time.Second)}
		}
		save(b, s, fmt.Sprintf("s%d", i), items...)
		originals = append(originals, items[:10]...)
	}
	repost := func(n int) data.Item {
		it := originals[n%len(originals)]
		key := fmt.Sprintf("repost-%d", n)
		it.Key, it.GUID = "g:"+key, key
		it.Link = fmt.Sprintf("https://www.repost.gov.cn/xwdt/202606/t20260616_%d.html", n)
		it.Title += "（转载）"
		it.Published = it.Published.Add(time.Hour)
		return it
	}
	save(b, s, "repost", repost(0))
	stories, err := s.RecentStories(ctx, data.Query{Limit: 1, SourceIDs: []string{"s0"}})
	if err != nil {
		b.Fatal(err)
	}
	if len(stories) != 1 || len(stories[0].Items) != 2 || stories[0].Items[1].Key != "g:repost-0" {
		b.Fatalf("the first re-post did not join its story: %+v", stories)
	}
	n := 1
	for b.Loop() {
		if st := save(b, s, "repost", repost(n)); st.New != 1 {
			b.Fatalf("Save = %+v, want 1 new", st)
		}
		n++
	}
}

// BenchmarkRecentStories reads the 500 newest stories and their members,
// what the combined feed shows, from a store of 20,000 items.
func BenchmarkRecentStories(b *testing.B) {
	ctx := context.Background()
	s, _ := newStore(b)
	for i := range 20 {
		save(b, s, fmt.Sprintf("s%d", i), manyItems(fmt.Sprintf("k%d-", i), 1000, t0.Add(-time.Duration(i)*time.Second))...)
	}
	for b.Loop() {
		stories, err := s.RecentStories(ctx, data.Query{Limit: 500})
		if err != nil || len(stories) != 500 {
			b.Fatalf("RecentStories = %d stories, %v", len(stories), err)
		}
	}
}
