package cluster

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// refIndex is the index as first written: a map of buckets of entry
// numbers, entries kept whole. Index must answer exactly as it does.
type refIndex struct {
	o       Options
	entries map[int64]compiled // by item id
	buckets map[uint64][]int64 // item ids in the order added
	newest  int64
}

func newRefIndex(o Options) *refIndex {
	enabled := o.Enabled
	o = o.withDefaults()
	o.Enabled = enabled
	return &refIndex{o: o, entries: map[int64]compiled{}, buckets: map[uint64][]int64{}, newest: noTime}
}

func (r *refIndex) keys(c *compiled) []uint64 {
	return (&Index{o: r.o}).keys(c, nil)
}

func (r *refIndex) add(id int64, s Sketch) {
	if !r.o.Enabled {
		return
	}
	c := compile(s)
	c.id = id
	c.mh = slices.Clone(c.mh)
	r.remove(id)
	if c.pub == noTime {
		return
	}
	r.newest = max(r.newest, c.pub)
	win := int64(r.o.Window.Seconds())
	if c.pub < r.newest-win {
		return
	}
	r.entries[id] = c
	for _, k := range r.keys(&c) {
		r.buckets[k] = append(r.buckets[k], id)
	}
	for id, e := range r.entries {
		if e.pub < r.newest-win {
			r.remove(id)
		}
	}
}

func (r *refIndex) remove(id int64) {
	c, ok := r.entries[id]
	if !ok {
		return
	}
	for _, k := range r.keys(&c) {
		b := r.buckets[k]
		j := slices.Index(b, id)
		b = slices.Delete(b, j, j+1)
		if len(b) == 0 {
			delete(r.buckets, k)
		} else {
			r.buckets[k] = b
		}
	}
	delete(r.entries, id)
}

func (r *refIndex) best(s Sketch) (Match, bool) {
	if !r.o.Enabled {
		return Match{}, false
	}
	q := compile(s)
	seen := map[int64]bool{}
	var (
		best    verdict
		bestC   compiled
		matched bool
	)
	for _, k := range r.keys(&q) {
		b := r.buckets[k]
		for n := len(b) - 1; n >= max(0, len(b)-maxScan); n-- {
			id := b[n]
			if seen[id] || s.ItemID != 0 && id == s.ItemID {
				seen[id] = true
				continue
			}
			seen[id] = true
			c := r.entries[id]
			if v, ok := decide(&q, &c, &r.o); ok && (!matched || better(v, &c, best, &bestC)) {
				best, bestC, matched = v, c, true
			}
		}
	}
	if !matched {
		return Match{}, false
	}
	return Match{ItemID: bestC.id, Score: best.score, Reason: reason(best, s, &bestC)}, true
}

// randomSketch makes sketches published around base that share bands, entities, document
// numbers and links often, in odd shapes: no MinHash, a short one, other
// languages, more keys than singles can number; a quarter of them share
// only a link, in buckets larger than maxScan.
func randomSketch(r *rand.Rand, base time.Time) Sketch {
	var s Sketch
	pub := base.Add(time.Duration(r.IntN(240)) * time.Minute)
	if r.IntN(4) == 0 { // in one big bucket only: Best sees its newest maxScan
		s.Link = uint64(100 + r.IntN(2))
		s.Published = pub
		return s
	}
	switch r.IntN(10) {
	case 0:
	case 1:
		s.MinHash = []uint32{1, 2, 3}
	default:
		s.MinHash = make([]uint32, SketchSize)
		spread := 2 + r.IntN(30)
		for i := range s.MinHash {
			s.MinHash[i] = uint32(r.IntN(spread))
		}
	}
	s.Lang = []string{"zh", "zh", "en", "", "fr"}[r.IntN(5)]
	ents := []string{"d:05-27", "d:00-27", "d:06-01", "y:2026", "o:次:3", "o:次:4", "n:12", "p:chengdu", "p:sichuan", "h:黄强", "w:通知", "e:forum", "bad"}
	for range r.IntN(8) {
		s.Entities = append(s.Entities, ents[r.IntN(len(ents))])
	}
	switch r.IntN(8) {
	case 0:
		s.DocNumbers = []string{"川府发〔2026〕12号"}
	case 1:
		s.DocNumbers = []string{"川府发〔2026〕13号", "国办发〔2017〕47号"}
	case 2:
		for i := range 520 + r.IntN(20) {
			s.DocNumbers = append(s.DocNumbers, fmt.Sprint(i%300))
		}
	}
	if r.IntN(3) == 0 {
		s.Link = uint64(1 + r.IntN(3))
	}
	if r.IntN(20) != 0 {
		s.Published = pub
	}
	return s
}

// checkIndexOps runs random operations on an Index and a refIndex and
// compares every answer; it returns the Index.
func checkIndexOps(t *testing.T, o Options, seed uint64, steps int) *Index {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 9))
	ix, ref := NewIndex(o), newRefIndex(o)
	var ids []int64
	for step := range steps {
		s := randomSketch(r, day.Add(time.Duration(step)*time.Minute))
		switch op := r.IntN(10); {
		case op < 5:
			id := int64(step + 1)
			if len(ids) > 0 && r.IntN(8) == 0 {
				id = ids[r.IntN(len(ids))]
			}
			ix.Add(id, s)
			ref.add(id, s)
			ids = append(ids, id)
		case op < 9:
			if len(ids) > 0 && r.IntN(3) == 0 {
				s.ItemID = ids[r.IntN(len(ids))]
			}
			got, gok := ix.Best(s)
			want, wok := ref.best(s)
			if got != want || gok != wok {
				t.Fatalf("step %d: Best = %+v, %v; want %+v, %v", step, got, gok, want, wok)
			}
		default:
			if len(ids) > 0 {
				id := ids[r.IntN(len(ids))]
				ix.Remove(id)
				ref.remove(id)
			}
		}
		if got, want := ix.Len(), len(ref.entries); got != want {
			t.Fatalf("step %d: Len = %d, want %d", step, got, want)
		}
	}
	return ix
}

func TestIndexMatchesReference(t *testing.T) {
	cross := DefaultOptions()
	cross.CrossLanguage = true
	tests := map[string]Options{
		"default":        DefaultOptions(),
		"cross-language": cross,
		"short window":   {Enabled: true, Window: 5 * time.Hour},
		"64 bands":       {Enabled: true, Bands: 64, Rows: 1},
		"16x4":           {Enabled: true, Bands: 16, Rows: 4},
		"permissive":     {Enabled: true, Threshold: 0.05, EntityThreshold: 0.01, MinShared: 1},
	}
	for name, o := range tests {
		t.Run(name, func(t *testing.T) {
			ix := checkIndexOps(t, o, 1, 3000)
			// Removing everything leaves nothing behind.
			for _, s := range ix.slots {
				if s.live {
					ix.Remove(s.id)
				}
			}
			if ix.Len() != 0 || ix.singles.n != 0 || len(ix.buckets) != 0 || ix.byID.n != 0 || len(ix.arena) != 0 {
				t.Errorf("after removing all: Len %d, %d cells, %d buckets, %d ids, %d arena words",
					ix.Len(), ix.singles.n, len(ix.buckets), ix.byID.n, len(ix.arena))
			}
		})
	}
}

// TestIndexBucketOrder checks which entries of a big bucket Best sees:
// the maxScan most recently added, in the order added, whatever was
// removed before.
func TestIndexBucketOrder(t *testing.T) {
	ix := NewIndex(Options{Enabled: true, Window: 1000 * time.Hour})
	add := func(id int64, hours int) {
		ix.Add(id, Sketch{Link: 5, Published: day.Add(time.Duration(hours) * time.Hour)})
	}
	best := func() int64 {
		m, ok := ix.Best(Sketch{Link: 5, Published: day})
		if !ok || m.Reason != "link" {
			t.Fatalf("Best = %+v, %v; want a link match", m, ok)
		}
		return m.ItemID // all score 1: the earliest published of those seen
	}
	for id := range int64(70) {
		add(id+1, int(id+1))
	}
	if got := best(); got != 7 {
		t.Errorf("70 entries: Best = %d, want 7 (the oldest of the newest 64)", got)
	}
	for id := int64(71); id <= 100; id++ {
		add(id, int(id))
	}
	if got := best(); got != 37 {
		t.Errorf("100 entries: Best = %d, want 37", got)
	}
	ix.Remove(10)
	if got := best(); got != 37 {
		t.Errorf("after removing 10: Best = %d, want 37 (37..100 are the newest 64)", got)
	}
	ix.Remove(50)
	if got := best(); got != 36 {
		t.Errorf("after removing 50: Best = %d, want 36", got)
	}
	add(36, 200) // re-added: now the newest, and no longer the earliest
	if got := best(); got != 37 {
		t.Errorf("after re-adding 36: Best = %d, want 37", got)
	}
}

func FuzzIndexOps(f *testing.F) {
	f.Add(uint64(1), uint16(500))
	f.Fuzz(func(t *testing.T, seed uint64, steps uint16) {
		checkIndexOps(t, DefaultOptions(), seed, int(steps%2000))
	})
}

// TestTable checks the key-less table on its own: references are their
// own keys' seeds, with many colliding homes.
func TestTable(t *testing.T) {
	keyOf := func(ref uint32) uint64 { return uint64(ref%7)<<61 | uint64(ref) } // 8 homes at most per size
	var tb table
	live := map[uint32]bool{}
	r := rand.New(rand.NewPCG(3, 3))
	for step := range 20000 {
		ref := uint32(r.IntN(3000))
		cell := tb.lookup(keyOf(ref), func(x uint32) bool { return x == ref })
		if (cell >= 0) != live[ref] {
			t.Fatalf("step %d: lookup(%d) = %d, live %v", step, ref, cell, live[ref])
		}
		if cell >= 0 {
			tb.remove(cell, keyOf)
			delete(live, ref)
		} else {
			tb.insert(keyOf(ref), ref, keyOf)
			live[ref] = true
		}
		if tb.n != len(live) || tb.n > 0 && 4*tb.n > 3*len(tb.tags) {
			t.Fatalf("step %d: %d cells for %d live in %d", step, tb.n, len(live), len(tb.tags))
		}
	}
}
