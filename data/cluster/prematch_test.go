package cluster

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestPrematchMatchesBest: BestAfter(s, Prematch(s)) is Best(s) whatever
// was added and removed in between (the prematched entry included, and
// its slot reused), as long as no bucket outgrows the scan cap, which
// fewer than maxScan entries guarantee.
func TestPrematchMatchesBest(t *testing.T) {
	type pending struct {
		s Sketch
		p Prematch
	}
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 11))
		ix := NewIndex(DefaultOptions())
		var (
			ids  []int64
			wait []pending
		)
		for step := range maxScan - 4 {
			s := randomSketch(r, day.Add(time.Duration(step)*time.Minute))
			switch op := r.IntN(10); {
			case op < 5:
				id := int64(step + 1)
				ix.Add(id, s)
				ids = append(ids, id)
			case op < 8:
				wait = append(wait, pending{s, ix.Prematch(s)})
			case op < 9 && len(ids) > 0:
				ix.Remove(ids[r.IntN(len(ids))])
			}
			// Decide some of the waiting ones.
			for len(wait) > 0 && r.IntN(3) == 0 {
				w := wait[0]
				wait = wait[1:]
				got, gok := ix.BestAfter(w.s, w.p)
				want, wok := ix.Best(w.s)
				if got != want || gok != wok {
					t.Fatalf("seed %d step %d: BestAfter = %+v, %v; Best = %+v, %v", seed, step, got, gok, want, wok)
				}
			}
		}
	}
}

// TestPrematchBeyondTheScanCap: a prematched entry that later additions
// push out of its bucket's scan window is still returned: it was a fair
// candidate when the item arrived. Without a prematch, BestAfter is Best.
func TestPrematchBeyondTheScanCap(t *testing.T) {
	ix := NewIndex(DefaultOptions())
	at := func(n int) time.Time { return day.Add(time.Duration(n) * time.Minute) }
	// Only a link in common: one bucket, Best sees its newest maxScan.
	ix.Add(1, Sketch{Link: 7, Published: at(0)})
	q := Sketch{Link: 7, Published: at(1)}
	p := ix.Prematch(q)
	for i := range maxScan {
		ix.Add(int64(100+i), Sketch{Link: 7, Published: at(2 + i)})
	}
	// Every link match scores 1; the earliest published wins: item 1, which
	// Best no longer reaches.
	if m, ok := ix.Best(q); !ok || m.ItemID == 1 {
		t.Fatalf("Best = %+v, %v: want a match other than item 1 (beyond the cap)", m, ok)
	}
	if m, ok := ix.BestAfter(q, p); !ok || m.ItemID != 1 {
		t.Errorf("BestAfter = %+v, %v; want item 1", m, ok)
	}
	if got, want := mustBest(ix.BestAfter(q, Prematch{})), mustBest(ix.Best(q)); got != want {
		t.Errorf("BestAfter without a prematch = %+v, want Best's %+v", got, want)
	}
	// The prematched entry removed, and its slot taken by another: Best.
	ix.Remove(1)
	ix.Add(2, Sketch{Link: 8, Published: at(0)})
	if got, want := mustBest(ix.BestAfter(q, p)), mustBest(ix.Best(q)); got != want {
		t.Errorf("BestAfter after its match went = %+v, want Best's %+v", got, want)
	}
}

func mustBest(m Match, ok bool) Match {
	if !ok {
		return Match{ItemID: -1}
	}
	return m
}
