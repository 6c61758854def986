package fetch

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/govfeed/govfeed/data"
)

// runnerParse is the name of (*Runner).parse in a stack trace.
const runnerParse = "github.com/govfeed/govfeed/fetch.(*Runner).parse"

// parseClock is a Runner clock that sees the parse step: feed.Parse reads
// the clock once per document, inside (*Runner).parse, which holds a parse
// slot. A call from there is held until release is closed, and counted
// while it is held; every other call returns at once.
type parseClock struct {
	release chan struct{}

	mu         sync.Mutex
	held, peak int
}

// Now returns rigStart, after release is closed when called while parsing.
func (c *parseClock) Now() time.Time {
	if !inRunnerParse() {
		return rigStart
	}
	c.mu.Lock()
	c.held++
	c.peak = max(c.peak, c.held)
	c.mu.Unlock()
	<-c.release
	c.mu.Lock()
	c.held--
	c.mu.Unlock()
	return rigStart
}

// parsing returns how many parses the clock holds now, and the most it
// held at once.
func (c *parseClock) parsing() (now, peak int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.held, c.peak
}

// inRunnerParse reports whether (*Runner).parse is on the caller's stack.
func inRunnerParse() bool {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(2, pcs)])
	for {
		f, more := frames.Next()
		if f.Function == runnerParse {
			return true
		}
		if !more {
			return false
		}
	}
}

// TestParseSlotsBoundConcurrentParses: the Runner parses as many documents
// at once as GOMAXPROCS, its parse slots, and no more. Twice as many feeds
// plus one are fetched with every parse held: once each source is either
// parsing or waiting for a parse slot, exactly the slots' number parse.
// The test fails if the bound were removed (every source would parse) and
// if parsing were serialised (one would).
func TestParseSlotsBoundConcurrentParses(t *testing.T) {
	for _, slots := range []int{1, 3} {
		t.Run(fmt.Sprintf("GOMAXPROCS=%d", slots), func(t *testing.T) {
			prev := runtime.GOMAXPROCS(slots) // read by NewRunner to size the parse slots
			t.Cleanup(func() { runtime.GOMAXPROCS(prev) })
			n := 2*slots + 1
			clock := &parseClock{release: make(chan struct{})}
			released := false
			rig := newTestRig(t, Options{Concurrency: n, PerHost: n, Now: clock.Now})
			up := newUpstream(t, serveRSS("", newsItems(2)...))
			t.Cleanup(func() {
				if !released {
					close(clock.release)
				}
			})

			reports := make(chan Report, n)
			for i := range n {
				src := feedSource(t, fmt.Sprintf("s%d", i), fmt.Sprintf("%s/feed/%d.xml", up.URL, i))
				go func() { reports <- rig.run(src) }()
			}
			deadline := time.Now().Add(waitLimit)
			for {
				held, _ := clock.parsing()
				waiting := rig.runner.parsing.waiting()
				if held+waiting >= n {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("after %v, %d sources parse and %d wait for a parse slot; want all %d in one or the other (is %s still where feeds are parsed?)",
						waitLimit, held, waiting, n, runnerParse)
				}
				time.Sleep(time.Millisecond)
			}
			if held, _ := clock.parsing(); held != slots {
				t.Errorf("%d sources parse at once while %d wait; want %d, the parse slots",
					held, rig.runner.parsing.waiting(), slots)
			}

			close(clock.release)
			released = true
			for range n {
				if rep := receive(t, "a report", reports); rep.Outcome != OutcomeNew || rep.Items != 2 {
					t.Errorf("report %+v, want 2 new items", rep)
				}
			}
			if _, peak := clock.parsing(); peak != slots {
				t.Errorf("at most %d sources parsed at once, want %d", peak, slots)
			}
		})
	}
}

// TestHostBusyTakesNoSaveShare: a source whose host stayed busy past its
// timeout reports busy at once, even while the save budget is all taken.
func TestHostBusyTakesNoSaveShare(t *testing.T) {
	_, hold, r := newHeldRunner(t)
	r.slots = newBudget(2)
	r.saving = newBudget(1) // a, held in its Save, takes it all
	r.gate.perHost = 1

	upA := newUpstream(t, serveRSS("", newsItems(2)...))
	reachedX, unblock := make(chan struct{}, 1), make(chan struct{})
	rss := serveRSS("", newsItems(1)...)
	upH := newUpstream(t, func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path == "/x.xml" {
			signal(reachedX)
			<-unblock
		}
		rss(w, req)
	})
	t.Cleanup(func() { close(unblock) })

	reports := make(chan Report, 3)
	go func() { reports <- r.Run(context.Background(), feedSource(t, "a", upA.URL), false) }()
	receive(t, "source a's Save", hold.entered)
	go func() { reports <- r.Run(context.Background(), feedSource(t, "x", upH.URL+"/x.xml"), false) }()
	receive(t, "source x's request", reachedX)
	b := feedSource(t, "b", upH.URL+"/b.xml")
	b.Timeout = 100 * time.Millisecond
	go func() { reports <- r.Run(context.Background(), b, false) }()
	if rep := receive(t, "b's report while a's Save is held", reports); rep.SourceID != "b" || rep.Outcome != OutcomeBusy {
		t.Fatalf("report %+v, want b busy", rep)
	}
	close(hold.release)
}

// TestParsedHarvestLetsTheDocumentGo: the parse step closes over the
// downloaded document, so fetchSlot drops it once it has run; a harvest
// that kept it would hold the body through the Save.
func TestParsedHarvestLetsTheDocumentGo(t *testing.T) {
	_, _, r := newHeldRunner(t)
	up := newUpstream(t, serveRSS("", newsItems(2)...))
	src := feedSource(t, "b", up.URL)
	h, saved, err := r.fetchSlot(context.Background(), src, data.SourceState{SourceID: "b"})
	if saved != nil {
		defer saved()
	}
	if err != nil || h.listed != 2 {
		t.Fatalf("fetchSlot: %d items listed, %v; want 2", h.listed, err)
	}
	if h.parse != nil {
		t.Error("the parsed harvest still holds its parse step, and with it the document")
	}
}
