package cluster_test

import (
	"fmt"
	"time"

	"github.com/govfeed/govfeed/data/cluster"
)

// Example shows the wiring the store does for each new item: find the best
// earlier item, join its story or start one, then index the new sketch.
func Example() {
	ix := cluster.NewIndex(cluster.DefaultOptions())
	storyOf := map[int64]int64{} // item -> story (the store keeps this)
	cst := time.FixedZone("CST", 8*3600)
	items := []cluster.Doc{
		{ItemID: 1, SourceID: "sc-gov", Title: "四川省人民政府关于印发《四川省加快发展低空经济行动方案》的通知_四川省人民政府",
			Body:      "川府发〔2026〕12号\n各市（州）人民政府，省政府各部门：现将方案印发给你们，请认真贯彻执行。",
			Published: time.Date(2026, 3, 10, 17, 20, 0, 0, cst)},
		{ItemID: 2, SourceID: "sc-fgw", Title: "四川省人民政府关于印发《四川省加快发展低空经济行动方案》的通知_四川省发展和改革委员会",
			Body:      "文号：川府发[2026]12号\n现将方案印发给你们。",
			Published: time.Date(2026, 3, 12, 9, 40, 0, 0, cst)},
		{ItemID: 3, SourceID: "sc-gov", Title: "四川省人民政府关于印发《四川省推动人工智能赋能新型工业化行动方案》的通知",
			Body:      "川府发〔2026〕13号\n各市（州）人民政府，省政府各部门：现将方案印发给你们，请认真贯彻执行。",
			Published: time.Date(2026, 3, 10, 17, 25, 0, 0, cst)},
	}
	for _, d := range items {
		s := cluster.NewSketch(d)
		if m, ok := ix.Best(s); ok {
			storyOf[d.ItemID] = storyOf[m.ItemID]
			fmt.Printf("item %d joins story %d: %s\n", d.ItemID, storyOf[d.ItemID], m.Reason)
		} else {
			storyOf[d.ItemID] = d.ItemID
			fmt.Printf("item %d starts story %d\n", d.ItemID, d.ItemID)
		}
		ix.Add(d.ItemID, s)
	}
	// Output:
	// item 1 starts story 1
	// item 2 joins story 1: docno 川府发〔2026〕12号
	// item 3 starts story 3
}
