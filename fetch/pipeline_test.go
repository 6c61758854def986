package fetch

import (
	"context"
	"net/http"
	"testing"

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

// TestFetchWhileSaving: a source waiting for the store does not hold a
// fetch slot, so with Concurrency 1 the next source is downloaded while the
// first one's Save is still waiting.
func TestFetchWhileSaving(t *testing.T) {
	rig := newTestRig(t, Options{})
	hold := &holdStore{Store: rig.store, source: "a", entered: make(chan struct{}, 1), release: make(chan struct{})}
	client := web.NewClient(web.ClientOptions{})
	t.Cleanup(client.CloseIdleConnections)
	r := NewRunner(Options{Concurrency: 1, Now: rig.clock.Now}, &web.Getter{Client: client, UserAgent: "govfeed-test"}, hold)

	upA := newUpstream(t, serveRSS("", newsItems(2)...))
	reachedB := make(chan struct{}, 1)
	rss := serveRSS("", newsItems(3)...)
	upB := newUpstream(t, func(w http.ResponseWriter, req *http.Request) {
		signal(reachedB)
		rss(w, req)
	})

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
