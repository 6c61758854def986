package cluster

import (
	"sort"
	"testing"
	"time"
)

func TestDbgBuckets(t *testing.T) {
	pre := fill(20000, 60*24*time.Hour/5, 1)
	ix := NewIndex(DefaultOptions())
	for _, s := range pre {
		ix.Add(s.ItemID, s)
	}
	var sizes []int
	for _, b := range ix.buckets {
		sizes = append(sizes, len(b))
	}
	sort.Sort(sort.Reverse(sort.IntSlice(sizes)))
	t.Logf("held %d buckets %d top %v", ix.Len(), len(sizes), sizes[:20])
	// candidates per query
	q := pre[len(pre)-1]
	c := compile(q)
	keys := ix.keys(&c, nil)
	tot := 0
	for _, k := range keys {
		tot += len(ix.buckets[k])
	}
	t.Logf("keys %d candidates(with dups) %d", len(keys), tot)
	j := 0.0
	for i := 0; i < 200; i++ {
		j += Similarity(pre[len(pre)-1-i], pre[len(pre)-300-i])
	}
	t.Logf("mean J of random pairs %.3f", j/200)
}
