package cluster

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// compiled is the form of a Sketch the merge rule reads: hashes instead of
// strings, entities as sorted uint64s with the kind letter in the top
// byte. The Index keeps its parts in flat arrays and reads entries through
// compiled views of them.
type compiled struct {
	id   int64
	pub  int64 // Unix seconds; noTime when unknown
	lang string
	link uint64
	mh   []uint32 // SketchSize values; nil for an empty text or a MinHash of another length
	docs []uint64 // sorted hashes of DocNumbers
	ents []uint64 // sorted; kind<<56 | value
}

// jaccard is Similarity on compiled sketches.
func (c *compiled) jaccard(d *compiled) float64 {
	if c.mh == nil || d.mh == nil {
		return 0
	}
	a, b := (*[SketchSize]uint32)(c.mh), (*[SketchSize]uint32)(d.mh)
	eq := 0
	for i, v := range a {
		if b[i] == v {
			eq++
		}
	}
	return float64(eq) / SketchSize
}

// noTime marks an unknown publication time.
const noTime = math.MinInt64

const valueMask = 1<<56 - 1

// compile converts a Sketch to its compact form; c.mh is s.MinHash.
func compile(s Sketch) compiled {
	c := compiled{id: s.ItemID, pub: noTime, lang: s.Lang, link: s.Link}
	if len(s.MinHash) == SketchSize {
		c.mh = s.MinHash
	}
	if !s.Published.IsZero() {
		c.pub = s.Published.Unix()
	}
	for _, d := range s.DocNumbers {
		c.docs = append(c.docs, hashString(d))
	}
	slices.Sort(c.docs)
	for _, e := range s.Entities {
		if v, ok := entityValue(e); ok {
			c.ents = append(c.ents, v)
		}
	}
	slices.Sort(c.ents)
	c.ents = slices.Compact(c.ents)
	return c
}

// entityValue encodes one entity string: dates as month*100+day, years as
// the year, ordinals as hash(classifier)<<32|n, the rest as a 56-bit hash.
func entityValue(e string) (uint64, bool) {
	if len(e) < 3 || e[1] != ':' {
		return 0, false
	}
	kind, v := e[0], e[2:]
	var val uint64
	switch kind {
	case 'd':
		mo, d, ok := strings.Cut(v, "-")
		m, err1 := strconv.Atoi(mo)
		dd, err2 := strconv.Atoi(d)
		if !ok || err1 != nil || err2 != nil || m < 0 || m > 12 || dd < 1 || dd > 31 {
			return 0, false
		}
		val = uint64(m*100 + dd)
	case 'y':
		y, err := strconv.Atoi(v)
		if err != nil || y < 0 {
			return 0, false
		}
		val = uint64(y)
	case 'o':
		class, n, ok := strings.Cut(v, ":")
		k, err := strconv.Atoi(n)
		if !ok || err != nil || k < 0 || k > math.MaxUint32 {
			return 0, false
		}
		val = (hashString(class)&0xffffff)<<32 | uint64(k)
	case 'n', 'p', 'h', 'w', 'e':
		val = hashString(v) & valueMask
	default:
		return 0, false
	}
	return uint64(kind)<<56 | val, true
}

// kindOf returns the entities of one kind (a sub-slice of sorted ents).
func kindOf(ents []uint64, kind byte) []uint64 {
	lo, _ := slices.BinarySearch(ents, uint64(kind)<<56)
	hi, _ := slices.BinarySearch(ents, uint64(kind+1)<<56)
	return ents[lo:hi]
}

// rule names why two items merge.
type rule uint8

const (
	ruleLink rule = iota + 1
	ruleDocno
	ruleMinhash
	ruleEntities
	ruleCross
)

// verdict is the outcome of the merge rule for one candidate.
type verdict struct {
	rule   rule
	score  float64
	jac    float64
	shared int
}

// decide applies the merge rule to query q and candidate c:
//
//  1. the same link or article id merges (score 1);
//  2. a shared own document number merges (score 1), whatever the dates;
//     two different own document numbers never merge;
//  3. otherwise both must be published within o.Window of each other;
//  4. items of one language merge when no entity conflicts (see conflict)
//     and either the estimated Jaccard is at least o.Threshold, or it is at
//     least o.EntityThreshold and they agree on o.MinShared specific
//     entities, one of them a date;
//  5. an English and a Chinese item merge only with o.CrossLanguage, when
//     they share a date and two places below province level, people or
//     ordinals (第三次 = "third meeting"), and no ordinal, year or event
//     kind conflicts.
func decide(q, c *compiled, o *Options) (verdict, bool) {
	if q.link != 0 && q.link == c.link {
		return verdict{rule: ruleLink, score: 1}, true
	}
	if len(q.docs) > 0 && len(c.docs) > 0 {
		if intersects(q.docs, c.docs) {
			return verdict{rule: ruleDocno, score: 1}, true
		}
		return verdict{}, false
	}
	if q.pub == noTime || c.pub == noTime {
		return verdict{}, false
	}
	if d := q.pub - c.pub; d > int64(o.Window.Seconds()) || -d > int64(o.Window.Seconds()) {
		return verdict{}, false
	}
	if q.lang != c.lang {
		if !o.CrossLanguage || !bilingual(q.lang, c.lang) {
			return verdict{}, false
		}
		return crossLanguage(q, c)
	}
	j := q.jaccard(c)
	if j < o.EntityThreshold || conflict(q.ents, c.ents) {
		return verdict{}, false
	}
	if j >= o.Threshold {
		return verdict{rule: ruleMinhash, score: j, jac: j}, true
	}
	if n, dated := agreement(q.ents, c.ents); dated && n >= o.MinShared {
		return verdict{rule: ruleEntities, score: j, jac: j, shared: n}, true
	}
	return verdict{}, false
}

func bilingual(a, b string) bool {
	return (a == "zh" && b == "en") || (a == "en" && b == "zh")
}

// crossLanguage is rule 5 of decide. Its score is n/(n+1) for n shared
// entities: 0.67 for two, 0.75 for three.
func crossLanguage(q, c *compiled) (verdict, bool) {
	if !datesAgree(kindOf(q.ents, 'd'), kindOf(c.ents, 'd')) ||
		disjointBoth(kindOf(q.ents, 'y'), kindOf(c.ents, 'y')) ||
		ordinalConflict(kindOf(q.ents, 'o'), kindOf(c.ents, 'o')) ||
		disjointBoth(kindOf(q.ents, 'e'), kindOf(c.ents, 'e')) {
		return verdict{}, false
	}
	n := sharedLocal(q.ents, c.ents) +
		countShared(kindOf(q.ents, 'h'), kindOf(c.ents, 'h')) +
		countShared(kindOf(q.ents, 'o'), kindOf(c.ents, 'o'))
	if n < 2 {
		return verdict{}, false
	}
	return verdict{rule: ruleCross, score: float64(n) / float64(n+1), shared: n}, true
}

// conflict reports entity disagreement that marks two look-alike texts as
// different stories: dates with no day in common, disjoint years, an
// ordinal classifier with different values (第三次 vs 第四次), disjoint
// places or named documents, or numbers that mostly differ (fewer than half
// of the smaller set shared, when both quote numbers): a template filled in
// twice differs exactly in such slots, while two reports of one event quote
// the same key figures.
func conflict(a, b []uint64) bool {
	if !datesAgree(kindOf(a, 'd'), kindOf(b, 'd')) {
		return true
	}
	if disjointBoth(kindOf(a, 'y'), kindOf(b, 'y')) ||
		disjointBoth(kindOf(a, 'p'), kindOf(b, 'p')) ||
		disjointBoth(kindOf(a, 'w'), kindOf(b, 'w')) ||
		ordinalConflict(kindOf(a, 'o'), kindOf(b, 'o')) {
		return true
	}
	na, nb := kindOf(a, 'n'), kindOf(b, 'n')
	if m := min(len(na), len(nb)); m >= 1 && 2*countShared(na, nb) < m {
		return true
	}
	return false
}

// datesAgree is false when both sides mention dates and none of them can be
// the same day (a month of 0 matches any month).
func datesAgree(a, b []uint64) bool {
	if len(a) == 0 || len(b) == 0 {
		return true
	}
	return sharedDates(a, b) > 0
}

// sharedDates counts the dates of a that some date of b can be.
func sharedDates(a, b []uint64) int {
	n := 0
	for _, x := range a {
		for _, y := range b {
			if sameDay(x, y) {
				n++
				break
			}
		}
	}
	return n
}

func sameDay(x, y uint64) bool {
	mx, dx := (x&valueMask)/100, (x&valueMask)%100
	my, dy := (y&valueMask)/100, (y&valueMask)%100
	return dx == dy && (mx == my || mx == 0 || my == 0)
}

// ordinalConflict is true when a classifier appears on both sides with no
// value in common.
func ordinalConflict(a, b []uint64) bool {
	for i := 0; i < len(a); {
		class := a[i] >> 32
		j := i
		for j < len(a) && a[j]>>32 == class {
			j++
		}
		var bs []uint64
		for _, y := range b {
			if y>>32 == class {
				bs = append(bs, y)
			}
		}
		if len(bs) > 0 && !intersects(a[i:j], bs) {
			return true
		}
		i = j
	}
	return false
}

// agreement counts the specific entities two items share (dates, places
// below province level, people, numbers, ordinals, named documents) and
// says whether a date is among them.
func agreement(a, b []uint64) (n int, dated bool) {
	da, db := kindOf(a, 'd'), kindOf(b, 'd')
	d := min(sharedDates(da, db), sharedDates(db, da))
	n = d + sharedLocal(a, b)
	for _, k := range []byte{'h', 'n', 'o', 'w'} {
		n += countShared(kindOf(a, k), kindOf(b, k))
	}
	return n, d > 0
}

// sharedLocal counts the places below province level two items share.
func sharedLocal(a, b []uint64) int {
	n := 0
	for _, v := range kindOf(a, 'p') {
		if !provinceLevel[v] {
			if _, ok := slices.BinarySearch(kindOf(b, 'p'), v); ok {
				n++
			}
		}
	}
	return n
}

// disjointBoth is true when both sets are non-empty and share nothing.
func disjointBoth(a, b []uint64) bool {
	return len(a) > 0 && len(b) > 0 && !intersects(a, b)
}

// intersects reports whether two sorted slices share a value.
func intersects(a, b []uint64) bool { return countShared(a, b) > 0 }

// countShared counts the values two sorted slices share.
func countShared(a, b []uint64) int {
	n := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

// reason describes a verdict for a Match, naming the evidence from the
// query sketch q.
func reason(v verdict, q Sketch, c *compiled) string {
	switch v.rule {
	case ruleLink:
		return "link"
	case ruleDocno:
		for _, d := range q.DocNumbers {
			if _, ok := slices.BinarySearch(c.docs, hashString(d)); ok {
				return "docno " + d
			}
		}
		return "docno"
	case ruleMinhash:
		return fmt.Sprintf("minhash %.2f", v.jac)
	case ruleEntities:
		return fmt.Sprintf("minhash %.2f + entities %s", v.jac, strings.Join(sharedNames(q, c), ","))
	case ruleCross:
		return "cross-language " + strings.Join(sharedNames(q, c), ",")
	}
	return ""
}

// sharedNames lists the entities of q that agree with c.
func sharedNames(q Sketch, c *compiled) []string {
	var out []string
	for _, e := range q.Entities {
		v, ok := entityValue(e)
		if !ok {
			continue
		}
		switch e[0] {
		case 'd':
			if sharedDates([]uint64{v}, kindOf(c.ents, 'd')) > 0 {
				out = append(out, e)
			}
		case 'p', 'h', 'n', 'o', 'w':
			if _, found := slices.BinarySearch(c.ents, v); found {
				out = append(out, e)
			}
		}
	}
	return out
}
