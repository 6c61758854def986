package cluster

import (
	"container/heap"
	"slices"
	"sync"
)

// Match is the item a new item should join, and why.
type Match struct {
	ItemID int64
	// Score is 1 for a shared link or document number, the estimated
	// Jaccard for the MinHash rules, and for a cross-language match the
	// share of places and people in common.
	Score float64
	// Reason names the evidence: "link", "docno 川府发〔2026〕12号",
	// "minhash 0.71", "minhash 0.31 + entities d:05-27,p:yongchuan,o:次:3",
	// "cross-language d:05-27,p:chongqing,p:yongchuan".
	Reason string
}

// Index finds, among the sketches added within the window of the newest
// one, the best merge candidate for a new sketch. Candidates come from
// buckets, not a scan: LSH bands of the MinHash, own document numbers, the
// link hash, and (date, entity) pairs for the entity and cross-language
// rules. Entries published more than Options.Window before the newest
// added are evicted, so memory is bounded by the number of items in one
// window, not by the store. An Index is safe for concurrent use.
type Index struct {
	mu      sync.Mutex
	o       Options
	slots   []slot
	free    []int32
	byID    map[int64]int32
	buckets map[uint64][]int32
	ages    ageHeap
	newest  int64
	epoch   uint32
	keyBuf  []uint64
}

// slot holds one entry; gen tells a live heap record from a stale one.
type slot struct {
	stamp uint32 // last Best call that visited it
	gen   uint32
	live  bool
	c     compiled
}

// NewIndex returns an empty index. Zero option fields take their defaults;
// with o.Enabled false the index stores nothing and never matches.
func NewIndex(o Options) *Index {
	enabled := o.Enabled
	o = o.withDefaults()
	o.Enabled = enabled
	return &Index{o: o, byID: map[int64]int32{}, buckets: map[uint64][]int32{}, newest: noTime}
}

// Len returns the number of sketches held.
func (ix *Index) Len() int {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return len(ix.byID)
}

// Add indexes the sketch of item id, replacing an earlier sketch of the same
// id, then evicts entries published more than the window before the newest.
// A sketch with no publication time, or already older than the window, is
// not kept.
func (ix *Index) Add(id int64, s Sketch) {
	if !ix.o.Enabled {
		return
	}
	c := compile(s)
	c.id = id
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.remove(id)
	if c.pub == noTime {
		return
	}
	if c.pub > ix.newest {
		ix.newest = c.pub
	}
	win := int64(ix.o.Window.Seconds())
	if c.pub < ix.newest-win {
		return
	}
	var i int32
	if n := len(ix.free); n > 0 {
		i = ix.free[n-1]
		ix.free = ix.free[:n-1]
	} else {
		ix.slots = append(ix.slots, slot{})
		i = int32(len(ix.slots) - 1)
	}
	sl := &ix.slots[i]
	sl.c, sl.live = c, true
	sl.gen++
	ix.byID[id] = i
	ix.keyBuf = ix.keys(&sl.c, ix.keyBuf[:0])
	for _, k := range ix.keyBuf {
		ix.buckets[k] = append(ix.buckets[k], i)
	}
	heap.Push(&ix.ages, age{pub: c.pub, slot: i, gen: sl.gen})
	for len(ix.ages) > 0 && ix.ages[0].pub < ix.newest-win {
		a := heap.Pop(&ix.ages).(age)
		if s := &ix.slots[a.slot]; s.live && s.gen == a.gen {
			ix.remove(s.c.id)
		}
	}
}

// Remove drops the sketch of item id, if held.
func (ix *Index) Remove(id int64) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.remove(id)
}

func (ix *Index) remove(id int64) {
	i, ok := ix.byID[id]
	if !ok {
		return
	}
	sl := &ix.slots[i]
	ix.keyBuf = ix.keys(&sl.c, ix.keyBuf[:0])
	for _, k := range ix.keyBuf {
		b := ix.buckets[k]
		if j := slices.Index(b, i); j >= 0 {
			b = slices.Delete(b, j, j+1) // keep insertion order: Best scans the newest
		}
		if len(b) == 0 {
			delete(ix.buckets, k)
		} else {
			ix.buckets[k] = b
		}
	}
	delete(ix.byID, id)
	sl.c, sl.live = compiled{}, false
	ix.free = append(ix.free, i)
}

// Best returns the best candidate for s that passes the merge rule (see
// decide in rule.go): the highest Score, then the earliest published, then
// the smallest id. The item s.ItemID itself is never returned.
func (ix *Index) Best(s Sketch) (Match, bool) {
	if !ix.o.Enabled {
		return Match{}, false
	}
	q := compile(s)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.epoch++
	if ix.epoch == 0 { // wrapped: clear stamps
		for i := range ix.slots {
			ix.slots[i].stamp = 0
		}
		ix.epoch = 1
	}
	var (
		best    verdict
		bestC   *compiled
		matched bool
	)
	ix.keyBuf = ix.keys(&q, ix.keyBuf[:0])
	for _, k := range ix.keyBuf {
		b := ix.buckets[k]
		for n := len(b) - 1; n >= max(0, len(b)-maxScan); n-- {
			i := b[n]
			sl := &ix.slots[i]
			if sl.stamp == ix.epoch {
				continue
			}
			sl.stamp = ix.epoch
			if s.ItemID != 0 && sl.c.id == s.ItemID {
				continue
			}
			v, ok := decide(&q, &sl.c, &ix.o)
			if !ok {
				continue
			}
			if !matched || better(v, &sl.c, best, bestC) {
				best, bestC, matched = v, &sl.c, true
			}
		}
	}
	if !matched {
		return Match{}, false
	}
	return Match{ItemID: bestC.id, Score: best.score, Reason: reason(best, s, bestC)}, true
}

// better orders candidates: higher score, then earlier, then smaller id.
func better(v verdict, c *compiled, w verdict, d *compiled) bool {
	if v.score != w.score {
		return v.score > w.score
	}
	if c.pub != d.pub {
		return c.pub < d.pub
	}
	return c.id < d.id
}

// Key families, salted apart in one bucket map.
const (
	saltBand uint64 = 0x6c7368 << 40 // "lsh"
	saltDoc  uint64 = 0x646f63 << 40 // "doc"
	saltLink uint64 = 0x6c6e6b << 40 // "lnk"
	saltPair uint64 = 0x706169 << 40 // "pai"
)

// Caps on (date, entity) pair keys per sketch, and on the entries Best
// examines per bucket (the most recently added): a bucket that big (a flood
// of one template notice, a place and day every item mentions) carries
// little information, and the cap bounds Best's work at
// maxScan x the number of keys whatever the load.
const (
	maxScan         = 64
	maxPairDates    = 3
	maxPairEntities = 12
)

// keys appends the bucket keys of c to dst: one per LSH band, document
// number and link, and one per (day of a date, specific entity) pair so
// that items agreeing on a date and another entity meet even when their
// texts differ. Pair keys use people, named documents, ordinals, numbers
// and places below province level, in that order, up to maxPairEntities.
func (ix *Index) keys(c *compiled, dst []uint64) []uint64 {
	r := ix.o.Rows
	if c.hasMH {
		for b := 0; b < ix.o.Bands; b++ {
			h := saltBand ^ uint64(b)
			for _, v := range c.mh[b*r : b*r+r] {
				h = mix64(h ^ uint64(v))
			}
			dst = append(dst, h)
		}
	}
	for _, d := range c.docs {
		dst = append(dst, mix64(saltDoc^d))
	}
	if c.link != 0 {
		dst = append(dst, mix64(saltLink^c.link))
	}
	dates := kindOf(c.ents, 'd')
	if len(dates) > maxPairDates {
		dates = dates[:maxPairDates]
	}
	n := 0
	for _, k := range []byte{'h', 'w', 'o', 'n', 'p'} { // most selective first
		for _, e := range kindOf(c.ents, k) {
			if n == maxPairEntities {
				break
			}
			if k == 'p' && provinceLevel[e] {
				continue
			}
			n++
			for _, d := range dates {
				day := (d & valueMask) % 100
				dst = append(dst, mix64(mix64(saltPair^day)^e))
			}
		}
	}
	return dst
}

// age is a heap record: when a slot's entry was published.
type age struct {
	pub  int64
	slot int32
	gen  uint32
}

// ageHeap is a min-heap of ages, oldest first.
type ageHeap []age

func (h ageHeap) Len() int           { return len(h) }
func (h ageHeap) Less(i, j int) bool { return h[i].pub < h[j].pub }
func (h ageHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *ageHeap) Push(x any)        { *h = append(*h, x.(age)) }
func (h *ageHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
