package fetch

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/data/sqlite"
	"github.com/govfeed/govfeed/fetch/web"
)

// Shared helpers of the package's tests: a settable clock, a Runner over a
// real on-disk store and a real web.Getter, and httptest upstreams.

// rigStart is the clock's starting time in the tests: 2026-07-10 12:00
// Beijing time.
var rigStart = time.Date(2026, 7, 10, 4, 0, 0, 0, time.UTC)

// waitLimit bounds every wait for something that must happen.
const waitLimit = 10 * time.Second

// testClock is a settable clock shared by a rig's Runner and store.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock(t time.Time) *testClock { return &testClock{t: t} }

// Now returns the clock's time.
func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// Advance moves the clock forward by d.
func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// testRig is a Runner over a real SQLite store in a temporary directory and
// a real web.Getter.
type testRig struct {
	clock  *testClock
	store  *sqlite.Store
	runner *Runner
}

// newTestRig builds a rig whose Runner has opts; opts.Now defaults to the
// rig's clock (which the store shares).
func newTestRig(tb testing.TB, opts Options) *testRig {
	tb.Helper()
	return newTestRigWith(tb, opts, func(g Getter) Getter { return g })
}

// newTestRigWith is newTestRig with the real getter wrapped by wrap (to
// record what the Runner asks for).
func newTestRigWith(tb testing.TB, opts Options, wrap func(Getter) Getter) *testRig {
	tb.Helper()
	clock := newTestClock(rigStart)
	if opts.Now == nil {
		opts.Now = clock.Now
	}
	st, err := sqlite.Open(context.Background(), tb.TempDir(), sqlite.Options{Now: opts.Now})
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() {
		if err := st.Close(); err != nil {
			tb.Errorf("close store: %v", err)
		}
	})
	client := web.NewClient(web.ClientOptions{})
	tb.Cleanup(client.CloseIdleConnections)
	g := &web.Getter{Client: client, UserAgent: "govfeed-test"}
	return &testRig{clock: clock, store: st, runner: NewRunner(opts, wrap(g), st)}
}

// run fetches src once, not forced.
func (r *testRig) run(src data.Source) Report {
	return r.runner.Run(context.Background(), src, false)
}

// state reads a source's stored state.
func (r *testRig) state(tb testing.TB, id string) data.SourceState {
	tb.Helper()
	st, err := r.store.State(context.Background(), id)
	if err != nil {
		tb.Fatalf("state of %s: %v", id, err)
	}
	return st
}

// items reads a source's stored items, newest first.
func (r *testRig) items(tb testing.TB, id string) []data.Item {
	tb.Helper()
	its, err := r.store.Recent(context.Background(), data.Query{Limit: 1000, SourceIDs: []string{id}})
	if err != nil {
		tb.Fatalf("items of %s: %v", id, err)
	}
	return its
}

// upstream is an httptest server whose handler can be swapped and which
// counts the requests it got, per path.
type upstream struct {
	*httptest.Server

	mu      sync.Mutex
	handler http.HandlerFunc
	total   int
	paths   map[string]int
	// stop is closed when the test ends, to release handlers that block.
	stop chan struct{}
}

// newUpstream starts a server answering with h; it is closed when the test
// ends, after blocked handlers are released.
func newUpstream(tb testing.TB, h http.HandlerFunc) *upstream {
	tb.Helper()
	u := &upstream{handler: h, paths: map[string]int{}, stop: make(chan struct{})}
	u.Server = httptest.NewServer(http.HandlerFunc(u.serve))
	tb.Cleanup(func() {
		close(u.stop)
		u.Close()
	})
	return u
}

func (u *upstream) serve(w http.ResponseWriter, r *http.Request) {
	u.mu.Lock()
	u.total++
	u.paths[r.URL.Path]++
	h := u.handler
	u.mu.Unlock()
	h(w, r)
}

// set swaps the handler.
func (u *upstream) set(h http.HandlerFunc) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.handler = h
}

// requests is how many requests the server got.
func (u *upstream) requests() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.total
}

// hits is how many requests the server got for path.
func (u *upstream) hits(path string) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.paths[path]
}

// localhostURL is the server's URL for path under the host name
// "localhost" instead of 127.0.0.1: another host for the host gate.
func (u *upstream) localhostURL(path string) string {
	return strings.Replace(u.URL, "127.0.0.1", "localhost", 1) + path
}

// block waits until the request ends or the test does: a handler that
// never answers.
func (u *upstream) block(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-u.stop:
	}
}

// rssItem is one item of a generated RSS feed.
type rssItem struct {
	guid, title, link string
	pub               time.Time
}

// rssDoc renders an RSS 2.0 feed of items.
func rssDoc(items ...rssItem) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>测试省人民政府 政务要闻</title><link>http://www.example.gov.cn/</link><description>test</description>
`)
	for _, it := range items {
		fmt.Fprintf(&b, "<item><guid isPermaLink=\"false\">%s</guid><title>%s</title><link>%s</link><pubDate>%s</pubDate><description>%s</description></item>\n",
			html.EscapeString(it.guid), html.EscapeString(it.title), html.EscapeString(it.link),
			it.pub.Format(time.RFC1123Z), html.EscapeString("<p>"+it.title+"</p>"))
	}
	b.WriteString("</channel></rss>\n")
	return b.String()
}

// newsItems returns n items dated one day apart, the newest (item 1) on
// 2026-07-09 08:00 UTC.
func newsItems(n int) []rssItem {
	out := make([]rssItem, n)
	for i := range out {
		out[i] = rssItem{
			guid:  fmt.Sprintf("news-%d", i+1),
			title: fmt.Sprintf("要闻 %d", i+1),
			link:  fmt.Sprintf("http://www.example.gov.cn/news/%d.html", i+1),
			pub:   time.Date(2026, 7, 9-i, 8, 0, 0, 0, time.UTC),
		}
	}
	return out
}

// serveRSS answers with an RSS feed of items, and with 304 when the request
// carries etag (when etag is not empty).
func serveRSS(etag string, items ...rssItem) http.HandlerFunc {
	doc := rssDoc(items...)
	return func(w http.ResponseWriter, r *http.Request) {
		if etag != "" {
			if r.Header.Get("If-None-Match") == etag {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("ETag", etag)
		}
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		_, _ = io.WriteString(w, doc)
	}
}

// feedSource is a kind: feed source at u.
func feedSource(tb testing.TB, id, u string) data.Source {
	return data.Source{
		ID: id, Name: id, URL: u, Kind: data.KindFeed, Schedule: "@every 1h",
		Location: shanghai(tb), Timeout: waitLimit,
	}
}

// shanghai is Beijing time, from the system's zone database when present.
func shanghai(tb testing.TB) *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		tb.Logf("no zone database (%v): using a fixed UTC+8", err)
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

// receive returns the next value of ch, failing the test after waitLimit.
func receive[T any](tb testing.TB, what string, ch <-chan T) T {
	tb.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(waitLimit):
		tb.Fatalf("gave up after %v waiting for %s", waitLimit, what)
		panic("unreachable")
	}
}

// within reports whether d lies in [lo, hi].
func within(d, lo, hi time.Duration) bool { return d >= lo && d <= hi }

// scale is f times d.
func scale(d time.Duration, f float64) time.Duration { return time.Duration(float64(d) * f) }

// signal sends on ch without blocking: a handler reports that it was
// reached, and a second request (a bug) cannot hang it.
func signal(ch chan<- struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}
