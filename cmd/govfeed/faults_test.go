package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/data/sqlite"
	"github.com/govfeed/govfeed/fetch/faultsrv"
)

// The 50-source fault run: the real daemon, in-process, with 25 healthy
// sources that publish new items every 2 seconds and 25 faulty ones (every
// fault of package faultsrv, the worst repeated), all scheduled @every 2s,
// 8 fetches at once, the stalling ones with a 1s timeout (see
// faultStallTimeout). It checks liveness (every healthy item is in
// /feed.atom within faultLiveness of being published), availability
// (/feed.atom answers 200 to a poll every 200ms), fault records (class,
// message, backoff, no request while backing off) and a bound on the Go
// heap (faultHeapBound).

const (
	faultPeriod   = 2 * time.Second // every source's schedule
	faultWaves    = 6               // rounds of new healthy items, one per period
	faultLiveness = 10 * time.Second
	faultBodyCap  = 16 << 20 // max_body_bytes, the config default
	// faultStallTimeout is the timeout of the sources that stall (Hang,
	// Stall, Drip): each holds one of the 8 fetch slots that long.
	// Every other source has faultTimeout, which its fetch never nears
	// (a healthy fetch takes milliseconds, reading a gzip bomb to the
	// 16 MiB cap ~50ms) but which a loaded 2-core CI machine can: there,
	// timers fire late by most of a second at the start, when 50 fetches
	// begin at once. A healthy source timing out would back off for a
	// minute and fail the test for the machine's sake, and a bomb would
	// be recorded as a timeout instead of too_large.
	faultStallTimeout = 1 * time.Second
	faultTimeout      = 10 * time.Second

	// faultHeapBound is the most HeapInuse may reach during the run. A
	// body is read whole, under the cap, before it is parsed or refused.
	// Four sources send bodies that run into the cap (2 gzip bombs of
	// 1 GiB decoded, 2 endless streams; the 2 GiB body is refused on its
	// Content-Length before it is read), all in the first period. Reading
	// one to the cap holds at most 1.5 caps (io.ReadAll's chunks grow by
	// half), so 4 x 1.5 x 16 MiB = 96 MiB live; the garbage collector
	// (GOGC=100) lets the heap reach twice the live heap before it
	// collects: 192 MiB. The daemon itself (store, publisher, feeds of
	// ~250 entries), the fault server and the test's feed polls need far
	// less than the 64 MiB added for them. Measured peaks are 50-150 MiB;
	// the failure this guards against (a body read past its cap, a bomb
	// decoded) costs gigabytes.
	faultHeapBound = 2*(4*faultBodyCap*3/2) + 64<<20
)

// faultSpec is one source of the run.
type faultSpec struct {
	id    string
	fault faultsrv.Fault // OK for a healthy source
	tls   bool           // served over HTTPS with a self-signed certificate
	class data.ErrorClass
	// retry is the least wait the upstream asked for; zero for the
	// daemon's own backoff.
	retry time.Duration
	path  string
	url   string
}

// healthy says whether the source yields items (the charset lies do).
func (s faultSpec) healthy() bool { return s.class == data.ErrNone }

// faultSpecs are the 25 healthy and 25 faulty sources.
func faultSpecs() []faultSpec {
	var out []faultSpec
	for i := range 25 {
		out = append(out, faultSpec{id: fmt.Sprintf("healthy-%02d", i), fault: faultsrv.OK})
	}
	faulty := []faultSpec{
		{fault: faultsrv.Hang, class: data.ErrTimeout},
		{fault: faultsrv.Hang, class: data.ErrTimeout},
		{fault: faultsrv.Stall, class: data.ErrTimeout},
		{fault: faultsrv.Drip, class: data.ErrTimeout},
		{fault: faultsrv.Reset, class: data.ErrNetwork},
		{fault: faultsrv.Status500, class: data.ErrHTTP},
		{fault: faultsrv.Status502, class: data.ErrHTTP},
		{fault: faultsrv.Status503, class: data.ErrHTTP},
		{fault: faultsrv.Status429, class: data.ErrHTTP},
		{fault: faultsrv.Status503RetryAfter, class: data.ErrHTTP, retry: time.Hour},
		{fault: faultsrv.Status429RetryAfter, class: data.ErrHTTP, retry: time.Hour},
		{fault: faultsrv.Status429RetryDate, class: data.ErrHTTP, retry: 2*time.Hour - 2*time.Second},
		{fault: faultsrv.RedirectLoop, class: data.ErrNetwork},
		{fault: faultsrv.RedirectToFTP, class: data.ErrNetwork},
		{fault: faultsrv.Huge, class: data.ErrTooLarge},
		{fault: faultsrv.GzipBomb, class: data.ErrTooLarge},
		{fault: faultsrv.GzipBomb, class: data.ErrTooLarge},
		{fault: faultsrv.Endless, class: data.ErrTooLarge},
		{fault: faultsrv.Endless, class: data.ErrTooLarge},
		{fault: faultsrv.HTMLPage, class: data.ErrParse},
		{fault: faultsrv.Image, class: data.ErrParse},
		{fault: faultsrv.Empty, class: data.ErrParse},
		{fault: faultsrv.CharsetClaimsGBK, class: data.ErrNone},
		{fault: faultsrv.CharsetClaimsUTF8, class: data.ErrNone},
		{fault: faultsrv.OK, tls: true, class: data.ErrNetwork},
	}
	for i, s := range faulty {
		s.id = fmt.Sprintf("faulty-%02d-%s", i, s.fault)
		if s.tls {
			s.id = fmt.Sprintf("faulty-%02d-tls", i)
		}
		out = append(out, s)
	}
	return out
}

// faultServe starts the fault server and gives every spec its path and
// URL: each source on a loopback address of its own (127.0.0.10 on) where
// the system allows it, as the real sites sit on different hosts; else all
// on 127.0.0.1, and perHost is raised to the concurrency so that the
// per-host limit does not serialise sources that share a host only in
// this test. The TLS source is on 127.0.0.1.
func faultServe(t *testing.T, specs []faultSpec) (srv *faultsrv.Server, perHost int) {
	t.Helper()
	srv = faultsrv.New(faultsrv.Options{})
	secure, err := srv.StartTLS()
	if err != nil {
		t.Fatal(err)
	}
	var ups []*faultsrv.Upstream
	t.Cleanup(func() {
		secure.Close()
		for _, u := range ups {
			u.Close()
		}
	})
	perHost = 2
	var shared *faultsrv.Upstream
	for i := range specs {
		s := &specs[i]
		s.path = "/" + s.id + ".xml"
		srv.Set(s.path, s.fault)
		if s.tls {
			s.url = secure.URLOf(s.path)
			continue
		}
		if shared == nil {
			u, err := srv.StartOn(fmt.Sprintf("127.0.0.%d:0", 10+i))
			if err != nil {
				t.Logf("one loopback host for all sources (per_host 8): %v", err)
				shared, perHost = srv.Start(), 8
				ups = append(ups, shared)
			} else {
				ups = append(ups, u)
				s.url = u.URLOf(s.path)
				continue
			}
		}
		s.url = shared.URLOf(s.path)
	}
	return srv, perHost
}

// faultConfig writes the run's configuration into dir.
func faultConfig(t *testing.T, dir string, specs []faultSpec, perHost int) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, `listen: 127.0.0.1:0
data_dir: %s/data
feed:
  title: Fault run
  base_url: http://feeds.example.test
  entries: 2000
defaults:
  schedule: "@every %s"
  jitter: 0s
  timeout: %s
  grace: 2s
  concurrency: 8
  per_host: %d
  max_body_bytes: %d
  user_agent: "govfeed-test (+https://example.test/contact)"
log:
  level: warn
stories:
  enabled: false
websub:
  enabled: false
sources:
`, dir, faultPeriod, faultTimeout, perHost, faultBodyCap)
	for _, s := range specs {
		fmt.Fprintf(&b, "  - id: %s\n    url: %s\n", s.id, s.url)
		if s.class == data.ErrTimeout {
			fmt.Fprintf(&b, "    timeout: %s\n", faultStallTimeout)
		}
	}
	path := dir + "/govfeed.yaml"
	writeFile(t, path, b.String())
	return path
}

// faultWatch polls /feed.atom every 200ms, recording when each awaited
// link first appears and every answer that is not a 200, and samples the
// Go heap every 50ms for its peak.
type faultWatch struct {
	addr string

	mu      sync.Mutex
	added   map[string]time.Time // link -> when the upstream published it
	seen    map[string]time.Time // link -> when /feed.atom first had it
	polls   int
	bad     []string // non-200 answers and failed requests
	peak    uint64   // HeapInuse
	samples int
}

func (w *faultWatch) await(link string, at time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.added[link] = at
}

// missing returns the awaited links not seen yet.
func (w *faultWatch) missing() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for l := range w.added {
		if _, ok := w.seen[l]; !ok {
			out = append(out, l)
		}
	}
	return out
}

func (w *faultWatch) poll(ctx context.Context, client *http.Client) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+w.addr+"/feed.atom", nil)
	if err != nil {
		panic(err) // a constant URL
	}
	resp, err := client.Do(req)
	now := time.Now()
	if ctx.Err() != nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.polls++
	if err != nil {
		w.bad = append(w.bad, err.Error())
		return
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || err != nil {
		w.bad = append(w.bad, fmt.Sprintf("%s (%v)", resp.Status, err))
		return
	}
	for l := range w.added {
		if _, ok := w.seen[l]; !ok && bytes.Contains(body, []byte(`href="`+l+`"`)) {
			w.seen[l] = now
		}
	}
}

func (w *faultWatch) sample() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.peak = max(w.peak, ms.HeapInuse)
	w.samples++
}

// run polls and samples until ctx ends.
func (w *faultWatch) run(ctx context.Context) {
	client := &http.Client{Timeout: 5 * time.Second}
	defer client.CloseIdleConnections()
	poll := time.NewTicker(200 * time.Millisecond)
	defer poll.Stop()
	heap := time.NewTicker(50 * time.Millisecond)
	defer heap.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-poll.C:
			w.poll(ctx, client)
		case <-heap.C:
			w.sample()
		}
	}
}

func TestDaemonSurvivesFaultyUpstreams(t *testing.T) {
	if testing.Short() {
		t.Skip("the fault run takes about 20s")
	}
	specs := faultSpecs()
	srv, perHost := faultServe(t, specs)
	dir := t.TempDir()
	cfg := faultConfig(t, dir, specs, perHost)

	start := time.Now()
	d := startDaemon(t, cfg)
	w := &faultWatch{addr: d.addr, added: map[string]time.Time{}, seen: map[string]time.Time{}}
	for _, s := range specs {
		if s.healthy() {
			for _, it := range faultsrv.DefaultItems(s.path) {
				w.await(it.Link, start)
			}
		}
	}
	ctx, stopWatch := context.WithCancel(context.Background())
	watched := make(chan struct{})
	go func() { defer close(watched); w.run(ctx) }()
	defer func() { stopWatch(); <-watched }()

	// New items on every healthy source, one wave per period.
	var lastWave time.Time
	for wave := 1; wave <= faultWaves; wave++ {
		time.Sleep(faultPeriod)
		lastWave = time.Now()
		for i, s := range specs {
			if s.fault != faultsrv.OK || s.tls {
				continue
			}
			it := faultsrv.Item{
				GUID:      fmt.Sprintf("%s-w%d", s.id, wave),
				Title:     fmt.Sprintf("第%d源 第%d批 政务要闻", i, wave),
				Link:      fmt.Sprintf("https://%s.example.gov.cn/news/w%d.html", s.id, wave),
				Published: lastWave.UTC(),
			}
			w.await(it.Link, lastWave)
			srv.AddItem(s.path, it)
		}
	}
	for deadline := lastWave.Add(faultLiveness + 5*time.Second); len(w.missing()) > 0 && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
	}
	stopWatch()
	<-watched
	runFor := time.Since(start)

	// Liveness: every healthy item was served within faultLiveness.
	w.mu.Lock()
	var worst time.Duration
	for l, at := range w.added {
		seen, ok := w.seen[l]
		switch {
		case !ok:
			t.Errorf("item %s (published %v into the run) never appeared in /feed.atom", l, at.Sub(start).Round(time.Millisecond))
		case seen.Sub(at) > faultLiveness:
			t.Errorf("item %s appeared %v after it was published; want within %v", l, seen.Sub(at).Round(time.Millisecond), faultLiveness)
		}
		worst = max(worst, seen.Sub(at))
	}
	// Availability: /feed.atom answered 200 throughout.
	if len(w.bad) > 0 {
		t.Errorf("%d of %d polls of /feed.atom failed; want none: %q", len(w.bad), w.polls, w.bad)
	}
	if w.polls < int(runFor/time.Second) {
		t.Errorf("only %d polls of /feed.atom in %v", w.polls, runFor)
	}
	// Memory: the heap stayed under its bound.
	if w.peak > faultHeapBound {
		t.Errorf("HeapInuse peaked at %d MiB; want at most %d MiB", w.peak>>20, faultHeapBound>>20)
	}
	t.Logf("%d items awaited, the slowest served %v after publication; %d polls, %d failed; HeapInuse peak %d MiB (bound %d MiB, %d samples); run %v",
		len(w.added), worst.Round(time.Millisecond), w.polls, len(w.bad), w.peak>>20, faultHeapBound>>20, w.samples, runFor.Round(time.Millisecond))
	w.mu.Unlock()

	// The feed served at the end is whole: every healthy item once.
	resp, body := d.get(t, "/feed.atom")
	f, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("final /feed.atom: %s, %v", resp.Status, err)
	}
	checkFaultFeed(t, f, w.added)

	d.shutdown(t)
	stopped := time.Now()
	checkFaultStates(t, dir, specs, srv, stopped, runFor)
	if t.Failed() {
		t.Logf("daemon logs:\n%s", d.logs)
	}
}

// checkFaultFeed checks that f has each awaited link exactly once, with
// no entry id twice, and the charset sources' titles undamaged.
func checkFaultFeed(t *testing.T, f *gofeed.Feed, want map[string]time.Time) {
	t.Helper()
	links, ids := map[string]int{}, map[string]int{}
	for _, it := range f.Items {
		links[it.Link]++
		ids[it.GUID]++
		if strings.ContainsRune(it.Title, '\uFFFD') {
			t.Errorf("entry %s has a garbled title %q", it.Link, it.Title)
		}
	}
	for l := range want {
		if links[l] != 1 {
			t.Errorf("link %s is %d times in the final feed; want once", l, links[l])
		}
	}
	for id, n := range ids {
		if n > 1 {
			t.Errorf("entry id %s is %d times in the final feed", id, n)
		}
	}
	for _, fault := range []faultsrv.Fault{faultsrv.CharsetClaimsGBK, faultsrv.CharsetClaimsUTF8} {
		n := 0
		for _, it := range f.Items {
			if strings.Contains(it.Link, string(fault)) && strings.HasPrefix(it.Title, "省政府常务会议 第") {
				n++
			}
		}
		if n != 3 {
			t.Errorf("%d entries of the %s source with their Chinese titles intact; want 3", n, fault)
		}
	}
	if len(f.Items) != len(want) {
		t.Errorf("final feed has %d entries; want the %d items of the sources that yield any", len(f.Items), len(want))
	}
}

// checkFaultStates opens the stopped daemon's store and checks every
// source's state, and how often the faulty ones were asked.
func checkFaultStates(t *testing.T, dir string, specs []faultSpec, srv *faultsrv.Server, stopped time.Time, runFor time.Duration) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), dir+"/data", sqlite.Options{})
	if err != nil {
		t.Fatalf("open the daemon's store: %v", err)
	}
	defer st.Close()
	for _, s := range specs {
		state, err := st.State(context.Background(), s.id)
		if err != nil {
			t.Fatalf("state of %s: %v", s.id, err)
		}
		if s.healthy() {
			if state.Failures != 0 || state.LastSuccess.IsZero() {
				t.Errorf("%s: failures %d (%q), last success %v; want a healthy source", s.id, state.Failures, state.LastError, state.LastSuccess)
			}
			if s.fault == faultsrv.OK {
				// Scheduled every period; allow half the runs to be late.
				if n, want := srv.Hits(s.path), int(runFor/faultPeriod/2); n < want {
					t.Errorf("%s was fetched %d times in %v; want at least %d", s.id, n, runFor.Round(time.Second), want)
				}
			}
			continue
		}
		if state.ErrorClass != s.class || state.Failures < 1 || !strings.Contains(state.LastError, s.url) {
			t.Errorf("%s: class %q, failures %d, error %q; want class %q, at least one failure, an error naming %s",
				s.id, state.ErrorClass, state.Failures, state.LastError, s.class, s.url)
		}
		if !state.NextAttempt.After(stopped) {
			t.Errorf("%s: next attempt %v is not after the run; want a backoff", s.id, state.NextAttempt)
		}
		if wait := state.NextAttempt.Sub(state.LastAttempt); wait < max(s.retry, 48*time.Second) {
			t.Errorf("%s: waits %v after its last attempt; want at least %v", s.id, wait, max(s.retry, 48*time.Second))
		}
		// Scheduled every period, but backing off: asked once (a redirect
		// loop's two hops hit the path twice; the TLS handshake fails
		// before any request).
		if n := srv.Hits(s.path); n > 2 {
			t.Errorf("%s was asked %d times in %v; want a backoff after the first failure", s.id, n, runFor.Round(time.Second))
		}
		if s.fault == faultsrv.Endless || s.fault == faultsrv.Huge {
			if n := srv.Sent(s.path); n > 4*faultBodyCap {
				t.Errorf("%s sent %d MiB before the daemon hung up; want it to stop near the %d MiB cap", s.id, n>>20, faultBodyCap>>20)
			}
		}
	}
}
