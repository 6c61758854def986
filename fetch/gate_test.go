package fetch

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/fetch/web"
)

// probe wraps handlers to record how many requests they serve at once.
type probe struct {
	// target: each request is held until this many were in flight at
	// once (or for 3s), so that a limit of target is reached and shown;
	// 0 holds no request for that.
	target int
	// hold is how long every request is held after that, so that a request
	// the limits should have kept out would overlap and be seen.
	hold time.Duration

	mu        sync.Mutex
	cur, peak int
	reached   chan struct{}
	isReached bool
}

func newProbe(target int, hold time.Duration) *probe {
	return &probe{target: target, hold: hold, reached: make(chan struct{})}
}

// wrap counts the requests next serves. A request stops counting before
// its answer is written, so the client cannot start another before.
func (p *probe) wrap(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.cur++
		p.peak = max(p.peak, p.cur)
		if p.target > 0 && p.cur >= p.target && !p.isReached {
			p.isReached = true
			close(p.reached)
		}
		p.mu.Unlock()
		if p.target > 0 {
			waitAny(r.Context(), p.reached, 3*time.Second)
		}
		waitAny(r.Context(), nil, p.hold)
		p.mu.Lock()
		p.cur--
		p.mu.Unlock()
		next(w, r)
	}
}

// maxInFlight is the most requests served at once so far.
func (p *probe) maxInFlight() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.peak
}

// waitAny returns when ch is closed, d has passed or ctx ended.
func waitAny(ctx context.Context, ch <-chan struct{}, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ch:
	case <-t.C:
	case <-ctx.Done():
	}
}

// runAll runs every source at once and returns their reports.
func runAll(rig *testRig, srcs []data.Source) []Report {
	reps := make([]Report, len(srcs))
	var wg sync.WaitGroup
	for i, src := range srcs {
		wg.Go(func() { reps[i] = rig.run(src) })
	}
	wg.Wait()
	return reps
}

func checkFetched(t *testing.T, reps []Report) {
	t.Helper()
	for _, rep := range reps {
		if rep.Outcome != OutcomeNew {
			t.Errorf("source %s: outcome %s (err %v); want new", rep.SourceID, rep.Outcome, rep.Err)
		}
	}
}

func TestHostGateLimits(t *testing.T) {
	tests := []struct {
		name         string
		opts         Options
		sources      int  // per host
		twoHosts     bool // sources on 127.0.0.1 and on localhost
		target       int
		wantInFlight int
	}{
		{"six sources on one host, two per host", Options{PerHost: 2}, 6, false, 2, 2},
		{"one per host, two hosts overlap", Options{PerHost: 1}, 2, true, 2, 2},
		{"one source at a time over two hosts", Options{PerHost: 4, Concurrency: 1}, 2, true, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rig := newTestRig(t, tt.opts)
			p := newProbe(tt.target, 20*time.Millisecond)
			up := newUpstream(t, p.wrap(serveRSS("", newsItems(2)...)))
			var srcs []data.Source
			for i := range tt.sources {
				srcs = append(srcs, feedSource(t, fmt.Sprintf("ip-%d", i), fmt.Sprintf("%s/feed/%d.xml", up.URL, i)))
				if tt.twoHosts {
					srcs = append(srcs, feedSource(t, fmt.Sprintf("name-%d", i), up.localhostURL(fmt.Sprintf("/feed/%d.xml", i))))
				}
			}
			checkFetched(t, runAll(rig, srcs))
			if got := p.maxInFlight(); got != tt.wantInFlight {
				t.Errorf("at most %d requests at once; want %d", got, tt.wantInFlight)
			}
			if got := up.requests(); got != len(srcs) {
				t.Errorf("upstream got %d requests; want %d", got, len(srcs))
			}
		})
	}
}

// startRecorder is a Getter that records when each request is handed to
// the real getter behind it.
type startRecorder struct {
	next   Getter
	mu     sync.Mutex
	starts []time.Time
}

func (s *startRecorder) Get(ctx context.Context, r web.Request) (*web.Response, error) {
	now := time.Now()
	s.mu.Lock()
	s.starts = append(s.starts, now)
	s.mu.Unlock()
	return s.next.Get(ctx, r)
}

func TestHostGateDelay(t *testing.T) {
	const delay = 50 * time.Millisecond
	rec := &startRecorder{}
	rig := newTestRigWith(t, Options{PerHost: 4, Delay: delay}, func(g Getter) Getter {
		rec.next = g
		return rec
	})
	up := newUpstream(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"articles":[{"title":"通知","url":"/gkmlpt/content/3/3255/post_3255421.html"}]}`))
	})
	var srcs []data.Source
	for i := range 4 {
		srcs = append(srcs, jsonSource(t, fmt.Sprintf("api-%d", i), fmt.Sprintf("%s/api/%d", up.URL, i), gkmlptRules()))
	}
	checkFetched(t, runAll(rig, srcs))

	rec.mu.Lock()
	starts := slices.SortedFunc(slices.Values(rec.starts), time.Time.Compare)
	rec.mu.Unlock()
	if len(starts) != len(srcs) {
		t.Fatalf("%d requests; want %d", len(starts), len(srcs))
	}
	for i := 1; i < len(starts); i++ {
		if gap := starts[i].Sub(starts[i-1]); gap < delay {
			t.Errorf("requests %d and %d to one host started %v apart; want at least %v", i-1, i, gap, delay)
		}
	}
}

func TestHostGateWaitEndsWithContext(t *testing.T) {
	up := newUpstream(t, nil)
	entered := make(chan struct{}, 1)
	up.set(func(_ http.ResponseWriter, r *http.Request) {
		signal(entered)
		up.block(r)
	})
	client := web.NewClient(web.ClientOptions{})
	t.Cleanup(client.CloseIdleConnections)
	g := newHostGate(&web.Getter{Client: client}, 1)

	// The first request holds the host's only slot.
	hold, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := g.get(hold, web.Request{URL: up.URL + "/a"}, 0)
		done <- err
	}()
	receive(t, "the first request", entered)

	tests := []struct {
		name  string
		delay time.Duration
		class data.ErrorClass
		ctx   func() (context.Context, context.CancelFunc)
	}{
		{"deadline while queued", 0, data.ErrTimeout, func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 100*time.Millisecond)
		}},
		{"canceled while queued", 0, data.ErrNetwork, func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(50*time.Millisecond, cancel)
			return ctx, cancel
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := tt.ctx()
			defer cancel()
			u := up.URL + "/b"
			_, err := g.get(ctx, web.Request{URL: u}, tt.delay)
			we, ok := err.(*web.Error)
			if !ok || we.Class != tt.class || we.URL != u {
				t.Errorf("err %#v; want a *web.Error of class %q for %s", err, tt.class, u)
			}
		})
	}
	if got := up.requests(); got != 1 {
		t.Errorf("upstream got %d requests; want only the first", got)
	}
	cancel()
	if err := receive(t, "the first request's end", done); web.ClassOf(err) == data.ErrNone {
		t.Errorf("the canceled first request returned no error")
	}
}
