package publish

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/govfeed/govfeed/publish/internal/atomtest"
)

func TestRebuildOnlyAfterInvalidate(t *testing.T) {
	p, st, _ := newTest(t, Options{})
	srv := serve(t, p)
	steps := []struct {
		name string
		do   func()
		want int // store reads after the step
	}{
		{"first request builds", func() { get(t, srv, "/feed.atom") }, 1},
		{"later requests are served from memory", func() {
			get(t, srv, "/feed.atom")
			fetch(t, srv, http.MethodGet, "/feed.atom", http.Header{"Accept-Encoding": {"gzip"}})
			fetch(t, srv, http.MethodHead, "/feed.atom", nil)
		}, 1},
		{"a source feed is built on its own", func() { get(t, srv, "/sources/cq.atom"); get(t, srv, "/sources/cq.atom") }, 2},
		{"health checks build nothing", func() { fetch(t, srv, http.MethodGet, "/healthz", nil) }, 2},
		{"Invalidate alone builds nothing", p.Invalidate, 2},
		{"after Invalidate the feed is rebuilt once", func() { get(t, srv, "/feed.atom"); get(t, srv, "/feed.atom") }, 3},
		{"and so is the source feed", func() { get(t, srv, "/sources/cq.atom"); get(t, srv, "/sources/cq.atom") }, 4},
		{"SetSources invalidates", func() { p.SetSources(testSources()); get(t, srv, "/feed.atom"); get(t, srv, "/feed.atom") }, 5},
	}
	for _, s := range steps {
		s.do()
		if got := st.readCalls(); got != s.want {
			t.Fatalf("%s: %d store reads, want %d", s.name, got, s.want)
		}
	}
}

// TestConcurrentRequestsOneBuild holds the first build inside Store.RecentStories
// until every other request is waiting for it (synctest.Wait), then checks
// that they all got its bytes and that nothing else was built.
func TestConcurrentRequestsOneBuild(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, st, _ := newTest(t, Options{})
		entered, gate := make(chan struct{}), make(chan struct{})
		st.set(func(s *fakeStore) { s.entered, s.gate = entered, gate })
		h := p.Handler()
		const n = 8
		bodies := make([][]byte, n)
		codes := make([]int, n)
		var wg sync.WaitGroup
		request := func(i int) {
			defer wg.Done()
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/feed.atom", nil))
			codes[i], bodies[i] = rec.Code, rec.Body.Bytes()
		}
		wg.Add(n)
		go request(0)
		<-entered // the first request is building
		for i := 1; i < n; i++ {
			go request(i)
		}
		synctest.Wait() // every other request is blocked
		if got := st.readCalls(); got != 1 {
			t.Fatalf("%d store reads while a build runs, want 1", got)
		}
		st.set(func(s *fakeStore) { s.entered = nil })
		close(gate)
		wg.Wait()
		if got := st.readCalls(); got != 1 {
			t.Errorf("%d store reads for %d concurrent requests, want 1", got, n)
		}
		for i := range n {
			if codes[i] != 200 || !bytes.Equal(bodies[i], bodies[0]) || len(bodies[i]) == 0 {
				t.Errorf("request %d: status %d, %d bytes; want 200 and the first request's %d bytes", i, codes[i], len(bodies[i]), len(bodies[0]))
			}
		}
	})
}

func TestFailedRebuildKeepsLastGood(t *testing.T) {
	var logs bytes.Buffer
	p, st, clk := newTest(t, Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	srv := serve(t, p)
	good := get(t, srv, "/feed.atom")

	st.set(func(s *fakeStore) { s.err = errors.New("sqlite: disk I/O error at /var/lib/govfeed/govfeed.db") })
	p.Invalidate()
	if got := get(t, srv, "/feed.atom"); !bytes.Equal(got, good) {
		t.Errorf("after a failed rebuild the feed changed; want the last good bytes")
	}
	if !strings.Contains(logs.String(), "disk I/O error") {
		t.Errorf("the build error was not logged: %q", logs.String())
	}
	calls := st.readCalls()
	get(t, srv, "/feed.atom")
	if got := st.readCalls(); got != calls {
		t.Errorf("a request right after a failed build rebuilt it (%d store reads, want %d)", got, calls)
	}
	clk.add(retryBuild)
	st.set(func(s *fakeStore) { s.err = nil; s.items = s.items[1:] })
	if got := get(t, srv, "/feed.atom"); bytes.Equal(got, good) || st.readCalls() != calls+1 {
		t.Errorf("after %v the feed was not rebuilt from the mended store", retryBuild)
	}

	// A feed that never built answers 500 without internals.
	st.set(func(s *fakeStore) { s.err = errors.New("sqlite: disk I/O error at /var/lib/govfeed/govfeed.db") })
	p.Invalidate()
	resp, body := fetch(t, srv, http.MethodGet, "/sources/cq.atom", nil)
	if resp.StatusCode != 500 || strings.Contains(string(body), "sqlite") || strings.Contains(string(body), "/var/") {
		t.Errorf("cq feed with a failing store: %s %q, want 500 without internals", resp.Status, body)
	}
}

func TestStableEntryIDs(t *testing.T) {
	ids := func(p *Publisher) []string {
		t.Helper()
		srv := serve(t, p)
		var out []string
		for _, e := range atomtest.Decode(t, get(t, srv, "/feed.atom")).Entries {
			out = append(out, e.ID)
		}
		return out
	}
	p, st, _ := newTest(t, Options{})
	first := ids(p)
	// The same items, changed and re-stored with new row ids and times.
	st.set(func(s *fakeStore) {
		for i := range s.items {
			s.items[i].ID += 100
			s.items[i].Title += " (修订)"
			s.items[i].Modified = s.items[i].Modified.Add(time.Hour)
		}
	})
	p.Invalidate()
	second := ids(p)
	other, _, _ := newTest(t, Options{BaseURL: "https://other.example.org", Title: "other"})
	third := ids(other)
	want := []string{id1, id2, id3}
	for name, got := range map[string][]string{"first build": first, "rebuild": second, "another publisher": third} {
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: ids %v, want %v", name, got, want)
		}
	}
}
