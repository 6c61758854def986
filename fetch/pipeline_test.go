package fetch

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/fetch/web"
)

// holdStore is the real store with the Saves of one source held until
// release is closed; entered is signalled when such a Save arrives.
type holdStore struct {
	Store
	source  string
	entered chan struct{}
	release chan struct{}
}

func (h *holdStore) Save(ctx context.Context, res data.FetchResult) (data.SaveStats, error) {
	if res.State.SourceID == h.source {
		signal(h.entered)
		<-h.release
	}
	return h.Store.Save(ctx, res)
}

// newHeldRunner returns a test rig and a Runner with one fetch slot whose
// store holds source a's Saves until hold.release is closed.
func newHeldRunner(t *testing.T) (*testRig, *holdStore, *Runner) {
	t.Helper()
	rig := newTestRig(t, Options{})
	hold := &holdStore{Store: rig.store, source: "a", entered: make(chan struct{}, 1), release: make(chan struct{})}
	client := web.NewClient(web.ClientOptions{})
	t.Cleanup(client.CloseIdleConnections)
	r := NewRunner(Options{Concurrency: 1, Now: rig.clock.Now}, &web.Getter{Client: client, UserAgent: "govfeed-test"}, hold)
	return rig, hold, r
}

// signalling serves an RSS feed of n items and signals ch at each request.
func signalling(ch chan struct{}, n int) http.HandlerFunc {
	rss := serveRSS("", newsItems(n)...)
	return func(w http.ResponseWriter, req *http.Request) {
		signal(ch)
		rss(w, req)
	}
}

// TestFetchWhileSaving: a source waiting for the store does not hold a
// fetch slot, so with Concurrency 1 the next source is downloaded while the
// first one's Save is still waiting.
func TestFetchWhileSaving(t *testing.T) {
	rig, hold, r := newHeldRunner(t)

	upA := newUpstream(t, serveRSS("", newsItems(2)...))
	reachedB := make(chan struct{}, 1)
	upB := newUpstream(t, signalling(reachedB, 3))

	reports := make(chan Report, 2)
	go func() { reports <- r.Run(context.Background(), feedSource(t, "a", upA.URL), false) }()
	receive(t, "source a's Save", hold.entered)
	go func() { reports <- r.Run(context.Background(), feedSource(t, "b", upB.URL), false) }()
	receive(t, "source b's request while a waits to be saved", reachedB)
	close(hold.release)
	for range 2 {
		if rep := receive(t, "a report", reports); rep.Outcome != OutcomeNew {
			t.Errorf("report %+v, want new items", rep)
		}
	}
	if n := len(rig.items(t, "a")) + len(rig.items(t, "b")); n != 5 {
		t.Errorf("stored %d items, want 5", n)
	}
}

// TestFetchWaitsForTheStore: a fetched source takes its save share before it
// gives its fetch slot back, so when the store falls behind, fetching
// waits instead of piling parsed feeds up in memory. With one fetch slot
// and a save budget of one source: a is being saved (held), b is fetched
// and waits for the budget, and c is not fetched until a's Save returns.
func TestFetchWaitsForTheStore(t *testing.T) {
	rig, hold, r := newHeldRunner(t)
	r.saving = newBudget(1) // one source at a time

	reachedB, reachedC := make(chan struct{}, 1), make(chan struct{}, 1)
	upA := newUpstream(t, serveRSS("", newsItems(2)...))
	upB := newUpstream(t, signalling(reachedB, 3))
	upC := newUpstream(t, signalling(reachedC, 4))

	reports := make(chan Report, 3)
	go func() { reports <- r.Run(context.Background(), feedSource(t, "a", upA.URL), false) }()
	receive(t, "source a's Save", hold.entered)
	go func() { reports <- r.Run(context.Background(), feedSource(t, "b", upB.URL), false) }()
	receive(t, "source b's request while a is being saved", reachedB)
	go func() { reports <- r.Run(context.Background(), feedSource(t, "c", upC.URL), false) }()
	select {
	case <-reachedC:
		t.Fatal("source c was fetched while b waited for the store with the only fetch slot")
	case <-time.After(100 * time.Millisecond): // c would have been fetched in far less
	}
	close(hold.release)
	receive(t, "source c's request once a was saved", reachedC)
	for range 3 {
		if rep := receive(t, "a report", reports); rep.Outcome != OutcomeNew {
			t.Errorf("report %+v, want new items", rep)
		}
	}
	if n := len(rig.items(t, "a")) + len(rig.items(t, "b")) + len(rig.items(t, "c")); n != 9 {
		t.Errorf("stored %d items, want 9", n)
	}
}

// TestWaitForTheStoreIsNotTheSourceTimeout: a source's timeout bounds its
// download, not the wait for a store that has fallen behind. With a save
// budget of one source, b downloads while a is held in its Save, then waits
// longer than its own timeout; once a is saved, b is parsed and stored
// rather than failed as timed out.
func TestWaitForTheStoreIsNotTheSourceTimeout(t *testing.T) {
	rig, hold, r := newHeldRunner(t)
	r.saving = newBudget(1) // one source at a time

	reachedB := make(chan struct{}, 1)
	upA := newUpstream(t, serveRSS("", newsItems(2)...))
	upB := newUpstream(t, signalling(reachedB, 3))
	b := feedSource(t, "b", upB.URL)
	b.Timeout = 200 * time.Millisecond

	reports := make(chan Report, 2)
	go func() { reports <- r.Run(context.Background(), feedSource(t, "a", upA.URL), false) }()
	receive(t, "source a's Save", hold.entered)
	go func() { reports <- r.Run(context.Background(), b, false) }()
	receive(t, "source b's request while a is being saved", reachedB)
	time.Sleep(2 * b.Timeout) // b waits for the store past its timeout
	close(hold.release)
	for range 2 {
		if rep := receive(t, "a report", reports); rep.Outcome != OutcomeNew {
			t.Errorf("report %+v, want new items", rep)
		}
	}
	if n := len(rig.items(t, "b")); n != 3 {
		t.Errorf("stored %d items of b, want 3", n)
	}
}
