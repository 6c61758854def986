package cluster

import (
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
//
// Its memory is a few flat arrays: per entry a fixed record with its
// MinHash (slots) and its entity and document hashes (arena); per bucket
// key a 5-byte cell of a hash table that stores no keys (singles), since
// an entry's keys can be recomputed from it. A bucket of one entry is just
// its cell; a bucket of more (buckets) also has a record with its key and
// entries in the order they were added.
type Index struct {
	mu    sync.Mutex
	o     Options
	slots []slot
	free  []int32
	// arena holds each entry's entity values then its document-number
	// hashes; removed entries leave garbage until compaction.
	arena   []uint64
	garbage int
	// other holds the languages of entries other than "", zh and en.
	other   map[int32]string
	byID    table // slot by item id
	singles table // bucket key: singleRef or bucketRef
	buckets []bucket
	ages    []int32 // min-heap of the live slots by publication time
	newest  int64
	gen     uint64 // entries added so far
	epoch   uint32
	keyBuf  []uint64 // keys of the entry being added, removed or queried
	keyBuf2 []uint64 // keys of an entry whose key the table needs
}

// slot holds one entry. The fields Best reads first come first, then the
// MinHash, in the order it reads them.
type slot struct {
	stamp uint32 // last Best call that visited it
	age   int32  // its index in ages
	id    int64
	added uint64 // the index's generation when it was added (see Prematch)
	pub   int64  // Unix seconds; noTime when unknown
	link  uint64
	off   uint32 // of its entities in arena
	nEnts uint32
	nDocs uint32
	lang  uint8
	hasMH bool
	live  bool
	mh    [SketchSize]uint32 // when hasMH
}

// Languages of a slot.
const (
	langNone uint8 = iota
	langZH
	langEN
	langOther // in Index.other
)

// bucket is a bucket of more than one entry (or of one that singles
// cannot reference).
type bucket struct {
	key   uint64
	slots []int32 // in the order added; an entry with a key twice is here twice
}

// References in singles: an entry and the number of its key (its index in
// keys), or with bucketRef set, an index in buckets.
const (
	bucketRef  = 1 << 31
	keyBits    = 9
	maxSingles = 1 << (31 - keyBits) // slots that singleRef can hold
)

func singleRef(i int32, k int) (uint32, bool) {
	if i >= maxSingles || k >= 1<<keyBits {
		return 0, false
	}
	return uint32(i)<<keyBits | uint32(k), true
}

// NewIndex returns an empty index. Zero option fields take their defaults;
// with o.Enabled false the index stores nothing and never matches.
func NewIndex(o Options) *Index {
	enabled := o.Enabled
	o = o.withDefaults()
	o.Enabled = enabled
	return &Index{o: o, newest: noTime}
}

// Len returns the number of sketches held.
func (ix *Index) Len() int {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return len(ix.ages)
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
	i := ix.store(&c, s.Lang)
	ix.gen++
	ix.slots[i].added = ix.gen
	ix.byID.insert(hashID(id), uint32(i), ix.idKey)
	ix.keyBuf = ix.keys(&c, ix.keyBuf[:0])
	for k, h := range ix.keyBuf {
		ix.bucketAdd(h, i, k)
	}
	ix.agePush(i)
	for len(ix.ages) > 0 && ix.slots[ix.ages[0]].pub < ix.newest-win {
		ix.remove(ix.slots[ix.ages[0]].id)
	}
}

// store puts c in a free slot and returns it.
func (ix *Index) store(c *compiled, lang string) int32 {
	var i int32
	if n := len(ix.free); n > 0 {
		i = ix.free[n-1]
		ix.free = ix.free[:n-1]
	} else {
		ix.slots = append(growFor(ix.slots, 1), slot{})
		i = int32(len(ix.slots) - 1)
	}
	s := &ix.slots[i]
	*s = slot{id: c.id, pub: c.pub, link: c.link, off: uint32(len(ix.arena)),
		nEnts: uint32(len(c.ents)), nDocs: uint32(len(c.docs)), hasMH: c.mh != nil, live: true}
	if c.mh != nil {
		copy(s.mh[:], c.mh)
	}
	ix.arena = append(append(growFor(ix.arena, len(c.ents)+len(c.docs)), c.ents...), c.docs...)
	switch lang {
	case "":
		ix.slots[i].lang = langNone
	case "zh":
		ix.slots[i].lang = langZH
	case "en":
		ix.slots[i].lang = langEN
	default:
		ix.slots[i].lang = langOther
		if ix.other == nil {
			ix.other = map[int32]string{}
		}
		ix.other[i] = lang
	}
	return i
}

// growFor returns s with room for extra more elements, growing it by an
// eighth rather than append's quarter: the index's arrays are large and
// long-lived, so their spare capacity is memory held for nothing.
func growFor[T any](s []T, extra int) []T {
	if len(s)+extra <= cap(s) {
		return s
	}
	n := len(s) + extra
	t := make([]T, len(s), n+n/8+16)
	copy(t, s)
	return t
}

// view returns slot i as the merge rule reads it; it is valid until the
// index changes.
func (ix *Index) view(i int32) compiled {
	s := &ix.slots[i]
	e, d := s.off+s.nEnts, s.off+s.nEnts+s.nDocs
	c := compiled{id: s.id, pub: s.pub, link: s.link, ents: ix.arena[s.off:e:e], docs: ix.arena[e:d:d]}
	if s.hasMH {
		c.mh = s.mh[:]
	}
	switch s.lang {
	case langZH:
		c.lang = "zh"
	case langEN:
		c.lang = "en"
	case langOther:
		c.lang = ix.other[i]
	}
	return c
}

// Remove drops the sketch of item id, if held.
func (ix *Index) Remove(id int64) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.remove(id)
}

func (ix *Index) remove(id int64) {
	cell := ix.byID.lookup(hashID(id), func(ref uint32) bool { return ix.slots[ref].id == id })
	if cell < 0 {
		return
	}
	i := int32(ix.byID.refs[cell])
	ix.byID.remove(cell, ix.idKey)
	c := ix.view(i)
	ix.keyBuf = ix.keys(&c, ix.keyBuf[:0])
	for _, h := range ix.keyBuf {
		ix.bucketRemove(h, i)
	}
	ix.ageRemove(i)
	s := &ix.slots[i]
	ix.garbage += int(s.nEnts + s.nDocs)
	if s.lang == langOther {
		delete(ix.other, i)
	}
	*s = slot{}
	ix.free = append(ix.free, i)
	if len(ix.free) == len(ix.slots) {
		ix.slots, ix.free, ix.arena, ix.garbage = ix.slots[:0], ix.free[:0], ix.arena[:0], 0
	} else if ix.garbage > 4096 && 2*ix.garbage > len(ix.arena) {
		ix.compact()
	}
}

// compact drops the garbage of arena, leaving room for as much again:
// the next compaction comes when garbage exceeds what is live.
func (ix *Index) compact() {
	live := len(ix.arena) - ix.garbage
	arena := make([]uint64, 0, 2*live+1024)
	for i := range ix.slots {
		if s := &ix.slots[i]; s.live {
			off := len(arena)
			arena = append(arena, ix.arena[s.off:s.off+s.nEnts+s.nDocs]...)
			s.off = uint32(off)
		}
	}
	ix.arena, ix.garbage = arena, 0
}

// bucketAdd appends slot i, whose key number k is h, to bucket h.
func (ix *Index) bucketAdd(h uint64, i int32, k int) {
	cell := ix.singles.lookup(h, func(ref uint32) bool { return ix.refKey(ref) == h })
	if cell < 0 {
		ref, ok := singleRef(i, k)
		if !ok {
			ref = ix.newBucket(h, []int32{i})
		}
		ix.singles.insert(h, ref, ix.refKey)
		return
	}
	switch ref := ix.singles.refs[cell]; {
	case ref&bucketRef != 0:
		b := &ix.buckets[ref&^bucketRef]
		b.slots = append(b.slots, i)
	default:
		ix.singles.refs[cell] = ix.newBucket(h, []int32{int32(ref >> keyBits), i})
	}
}

// bucketRemove removes the first occurrence of slot i from bucket h.
func (ix *Index) bucketRemove(h uint64, i int32) {
	cell := ix.singles.lookup(h, func(ref uint32) bool { return ix.refKey(ref) == h })
	if cell < 0 {
		return
	}
	ref := ix.singles.refs[cell]
	if ref&bucketRef == 0 {
		ix.singles.remove(cell, ix.refKey)
		return
	}
	bi := int32(ref &^ bucketRef)
	b := &ix.buckets[bi]
	if j := slices.Index(b.slots, i); j >= 0 {
		b.slots = slices.Delete(b.slots, j, j+1) // keep the order: Best scans the newest
	}
	switch len(b.slots) {
	case 0:
		ix.singles.remove(cell, ix.refKey)
	case 1:
		r, ok := singleRef(b.slots[0], ix.keyNumber(b.slots[0], h))
		if !ok {
			return
		}
		ix.singles.refs[cell] = r
	default:
		return
	}
	ix.dropBucket(bi)
}

// newBucket adds a bucket and returns its reference.
func (ix *Index) newBucket(h uint64, slots []int32) uint32 {
	ix.buckets = append(growFor(ix.buckets, 1), bucket{key: h, slots: slots})
	return bucketRef | uint32(len(ix.buckets)-1)
}

// dropBucket removes bucket bi, which singles no longer references,
// moving the last bucket into its place.
func (ix *Index) dropBucket(bi int32) {
	last := int32(len(ix.buckets) - 1)
	if bi != last {
		h := ix.buckets[last].key
		cell := ix.singles.lookup(h, func(ref uint32) bool { return ref == bucketRef|uint32(last) })
		ix.buckets[bi] = ix.buckets[last]
		ix.singles.refs[cell] = bucketRef | uint32(bi)
	}
	ix.buckets[last] = bucket{}
	ix.buckets = ix.buckets[:last]
}

// refKey returns the key of a reference in singles.
func (ix *Index) refKey(ref uint32) uint64 {
	if ref&bucketRef != 0 {
		return ix.buckets[ref&^bucketRef].key
	}
	return ix.slotKey(int32(ref>>keyBits), int(ref&(1<<keyBits-1)))
}

// slotKey returns key number k of slot i: a band, cheaply, or another key.
func (ix *Index) slotKey(i int32, k int) uint64 {
	if s := &ix.slots[i]; s.hasMH && k < ix.o.Bands {
		return ix.bandKey(s.mh[:], k)
	}
	c := ix.view(i)
	ix.keyBuf2 = ix.keys(&c, ix.keyBuf2[:0])
	return ix.keyBuf2[k]
}

// keyNumber returns the number of the first key of slot i that is h.
func (ix *Index) keyNumber(i int32, h uint64) int {
	c := ix.view(i)
	ix.keyBuf2 = ix.keys(&c, ix.keyBuf2[:0])
	return slices.Index(ix.keyBuf2, h)
}

// idKey returns the byID key of a slot.
func (ix *Index) idKey(ref uint32) uint64 { return hashID(ix.slots[ref].id) }

func hashID(id int64) uint64 { return mix64(uint64(id)) }

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
	f, ok := ix.best(&q, s.ItemID, 0)
	if !ok {
		return Match{}, false
	}
	return f.match(s), true
}

// A Prematch is Best computed ahead of the decision, so that the caller
// who must decide in order (the store's single writer) only has to look at
// the entries added since (BestAfter). Its zero value is no prematch.
type Prematch struct {
	q     *compiled // the sketch compiled, for BestAfter; nil without a prematch
	gen   uint64    // entries added when it was computed
	found bool
	match Match
	pub   int64  // of the match, which better compares after its score
	slot  int32  // of the match
	added uint64 // the match's generation: its slot still holds it if equal
}

// Prematch computes Best(s) for a later BestAfter.
func (ix *Index) Prematch(s Sketch) Prematch {
	if !ix.o.Enabled {
		return Prematch{}
	}
	q := compile(s)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	p := Prematch{q: &q, gen: ix.gen}
	if f, ok := ix.best(&q, s.ItemID, 0); ok {
		p.found, p.match, p.pub, p.slot, p.added = true, f.match(s), f.c.pub, f.i, ix.slots[f.i].added
	}
	return p
}

// BestAfter returns Best(s) given p, a Prematch of s (its ItemID may have
// been set since): the better of p's match, if the index still holds it,
// and the best of the entries added since p. That is Best(s) but for two
// cases of a bucket fuller than its scan cap (maxScan): an entry p saw
// that additions since pushed past the cap still counts, and an older
// entry that removals since brought back within the cap is not looked at
// again. Without a prematch, or when p's match was removed since, it is
// Best(s).
func (ix *Index) BestAfter(s Sketch, p Prematch) (Match, bool) {
	if !ix.o.Enabled {
		return Match{}, false
	}
	q := p.q // compiled from s but for its ItemID, which the search takes apart
	if q == nil {
		c := compile(s)
		q = &c
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	since := p.gen // 0 without a prematch: every entry
	if p.found && (int(p.slot) >= len(ix.slots) || !ix.slots[p.slot].live || ix.slots[p.slot].added != p.added) {
		p.found, since = false, 0 // removed since
	}
	f, ok := ix.best(q, s.ItemID, since)
	if p.found && (!ok || better(verdict{score: p.match.Score}, &compiled{id: p.match.ItemID, pub: p.pub}, f.v, &f.c)) {
		return p.match, true
	}
	if !ok {
		return Match{}, false
	}
	return f.match(s), true
}

// found is a candidate best found, in slot i.
type found struct {
	v verdict
	c compiled
	i int32
}

func (f *found) match(s Sketch) Match {
	return Match{ItemID: f.c.id, Score: f.v.score, Reason: reason(f.v, s, &f.c)}
}

// best finds the best candidate for q among the entries added after
// generation since (all with 0), never item self.
func (ix *Index) best(q *compiled, self int64, since uint64) (found, bool) {
	ix.epoch++
	if ix.epoch == 0 { // wrapped: clear stamps
		for i := range ix.slots {
			ix.slots[i].stamp = 0
		}
		ix.epoch = 1
	}
	var (
		best    found
		matched bool
	)
	visit := func(i int32) {
		sl := &ix.slots[i]
		if sl.stamp == ix.epoch {
			return
		}
		sl.stamp = ix.epoch
		if self != 0 && sl.id == self {
			return
		}
		c := ix.view(i)
		v, ok := decide(q, &c, &ix.o)
		if !ok {
			return
		}
		if !matched || better(v, &c, best.v, &best.c) {
			best, matched = found{v: v, c: c, i: i}, true
		}
	}
	ix.keyBuf = ix.keys(q, ix.keyBuf[:0])
	for _, h := range ix.keyBuf {
		cell := ix.singles.lookup(h, func(ref uint32) bool { return ix.refKey(ref) == h })
		if cell < 0 {
			continue
		}
		ref := ix.singles.refs[cell]
		if ref&bucketRef == 0 {
			if i := int32(ref >> keyBits); ix.slots[i].added > since {
				visit(i)
			}
			continue
		}
		// Newest last: the scan stops at the first entry added before since.
		b := ix.buckets[ref&^bucketRef].slots
		for n := len(b) - 1; n >= max(0, len(b)-maxScan) && ix.slots[b[n]].added > since; n-- {
			visit(b[n])
		}
	}
	return best, matched
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

// Key families, salted apart in one bucket table.
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
	if c.mh != nil {
		for b := 0; b < ix.o.Bands; b++ {
			dst = append(dst, ix.bandKey(c.mh, b))
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

// bandKey returns the key of LSH band b of a MinHash.
func (ix *Index) bandKey(mh []uint32, b int) uint64 {
	r := ix.o.Rows
	h := saltBand ^ uint64(b)
	for _, v := range mh[b*r : b*r+r] {
		h = mix64(h ^ uint64(v))
	}
	return h
}

// The age heap: ages is a min-heap of live slots by publication time, and
// each slot knows its index in it.

func (ix *Index) agePush(i int32) {
	ix.ages = append(ix.ages, i)
	ix.slots[i].age = int32(len(ix.ages) - 1)
	ix.ageUp(len(ix.ages) - 1)
}

func (ix *Index) ageRemove(i int32) {
	j, last := int(ix.slots[i].age), len(ix.ages)-1
	if j != last {
		ix.ageSwap(j, last)
	}
	ix.ages = ix.ages[:last]
	if j != last {
		ix.ageDown(j)
		ix.ageUp(j)
	}
}

func (ix *Index) ageLess(a, b int) bool { return ix.slots[ix.ages[a]].pub < ix.slots[ix.ages[b]].pub }

func (ix *Index) ageSwap(a, b int) {
	ix.ages[a], ix.ages[b] = ix.ages[b], ix.ages[a]
	ix.slots[ix.ages[a]].age, ix.slots[ix.ages[b]].age = int32(a), int32(b)
}

func (ix *Index) ageUp(j int) {
	for j > 0 {
		p := (j - 1) / 2
		if !ix.ageLess(j, p) {
			return
		}
		ix.ageSwap(j, p)
		j = p
	}
}

func (ix *Index) ageDown(j int) {
	for {
		l := 2*j + 1
		if l >= len(ix.ages) {
			return
		}
		m := l
		if r := l + 1; r < len(ix.ages) && ix.ageLess(r, l) {
			m = r
		}
		if !ix.ageLess(m, j) {
			return
		}
		ix.ageSwap(j, m)
		j = m
	}
}
