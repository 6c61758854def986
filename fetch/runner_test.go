package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/fetch/web"
)

// storedItem is the part of a stored item these tests check.
type storedItem struct {
	SourceID, Key, GUID, Title, Link string
	Published                        time.Time
}

func projectStored(its []data.Item) []storedItem {
	out := make([]storedItem, len(its))
	for i, it := range its {
		out[i] = storedItem{it.SourceID, it.Key, it.GUID, it.Title, it.Link, it.Published}
	}
	return out
}

func TestRunFeedConditionalGET(t *testing.T) {
	const lastMod = "Thu, 09 Jul 2026 08:00:00 GMT"
	var (
		mu      sync.Mutex
		inm     []string // If-None-Match of each request
		ims     []string // If-Modified-Since of each request
		changes atomic.Int32
	)
	rig := newTestRig(t, Options{OnChange: func() { changes.Add(1) }})
	serve := func(etag string, items []rssItem) http.HandlerFunc {
		doc := rssDoc(items...)
		return func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			inm = append(inm, r.Header.Get("If-None-Match"))
			ims = append(ims, r.Header.Get("If-Modified-Since"))
			mu.Unlock()
			if r.Header.Get("If-None-Match") == etag {
				w.WriteHeader(http.StatusNotModified) // without validators: the client keeps its own
				return
			}
			w.Header().Set("ETag", etag)
			w.Header().Set("Last-Modified", lastMod)
			w.Header().Set("Content-Type", "application/rss+xml")
			_, _ = io.WriteString(w, doc)
		}
	}
	items := newsItems(3)
	up := newUpstream(t, serve(`"v1"`, items))
	src := feedSource(t, "gd-news", up.URL+"/feed.xml")

	// First run: everything is new.
	rep := rig.run(src)
	if rep.Outcome != OutcomeNew || rep.Err != nil {
		t.Fatalf("first run: outcome %s, err %v; want new, no error", rep.Outcome, rep.Err)
	}
	if want := (data.SaveStats{New: 3}); rep.Stats != want || rep.Items != 3 {
		t.Errorf("first run: stats %+v, items %d; want %+v, 3", rep.Stats, rep.Items, want)
	}
	var want []storedItem
	for _, it := range items { // newest first, as Recent returns them
		want = append(want, storedItem{"gd-news", "g:" + it.guid, it.guid, it.title, it.link, it.pub})
	}
	first := rig.items(t, "gd-news")
	if d := cmp.Diff(want, projectStored(first)); d != "" {
		t.Errorf("stored items after the first run (-want +got):\n%s", d)
	}
	st := rig.state(t, "gd-news")
	if st.ETag != `"v1"` || st.LastModified != lastMod {
		t.Errorf("validators after the first run: %q, %q; want %q, %q", st.ETag, st.LastModified, `"v1"`, lastMod)
	}
	if !st.LastSuccess.Equal(rigStart) || !st.LastAttempt.Equal(rigStart) || st.LastYield != 3 {
		t.Errorf("state after the first run: last success %v, last attempt %v, last yield %d; want %v, %v, 3",
			st.LastSuccess, st.LastAttempt, st.LastYield, rigStart, rigStart)
	}
	if st.Title != "测试省人民政府 政务要闻" {
		t.Errorf("state title %q; want the feed's title", st.Title)
	}

	// Second run: the upstream answers 304 to the stored ETag.
	rig.clock.Advance(time.Hour)
	rep = rig.run(src)
	if rep.Outcome != OutcomeNotModified || rep.Err != nil {
		t.Fatalf("second run: outcome %s, err %v; want not_modified", rep.Outcome, rep.Err)
	}
	if rep.Stats != (data.SaveStats{}) {
		t.Errorf("second run: stats %+v; want none", rep.Stats)
	}
	mu.Lock()
	if len(inm) != 2 || inm[0] != "" || inm[1] != `"v1"` || ims[1] != lastMod {
		t.Errorf("conditional headers sent: If-None-Match %q, If-Modified-Since %q; want the second request to carry %q and %q",
			inm, ims, `"v1"`, lastMod)
	}
	mu.Unlock()
	st = rig.state(t, "gd-news")
	if st.ETag != `"v1"` || st.LastModified != lastMod {
		t.Errorf("validators after a 304: %q, %q; want them kept", st.ETag, st.LastModified)
	}
	if want := rigStart.Add(time.Hour); !st.LastSuccess.Equal(want) {
		t.Errorf("last success after a 304: %v; want %v", st.LastSuccess, want)
	}
	if d := cmp.Diff(first, rig.items(t, "gd-news")); d != "" {
		t.Errorf("a 304 rewrote stored items (-before +after):\n%s", d)
	}

	// Third run: one title changed, with a new ETag.
	changed := append([]rssItem(nil), items...)
	changed[1].title = "要闻 2（更正）"
	up.set(serve(`"v2"`, changed))
	rig.clock.Advance(time.Hour)
	rep = rig.run(src)
	if rep.Outcome != OutcomeUpdated {
		t.Fatalf("third run: outcome %s (err %v); want updated", rep.Outcome, rep.Err)
	}
	if want := (data.SaveStats{Updated: 1, Unchanged: 2}); rep.Stats != want {
		t.Errorf("third run: stats %+v; want %+v", rep.Stats, want)
	}
	third := rig.items(t, "gd-news")
	if len(third) != 3 || third[1].Title != "要闻 2（更正）" || third[1].ID != first[1].ID {
		t.Errorf("after the title change: %+v; want item 2 retitled in place (ID %d)", projectStored(third), first[1].ID)
	}
	if got := rig.state(t, "gd-news").ETag; got != `"v2"` {
		t.Errorf("ETag after the change: %q; want %q", got, `"v2"`)
	}
	if got := changes.Load(); got != 2 {
		t.Errorf("OnChange called %d times; want 2 (the new items, the update; not the 304)", got)
	}
}

func TestRunFailureBackoff(t *testing.T) {
	const base, maxBackoff = time.Minute, 5 * time.Minute
	rig := newTestRig(t, Options{BackoffBase: base, BackoffMax: maxBackoff})
	up := newUpstream(t, func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	})
	src := feedSource(t, "flaky", up.URL+"/feed.xml")

	// Each failure doubles the wait (±20%), capped at BackoffMax.
	bounds := []struct{ lo, hi time.Duration }{
		{scale(base, 0.8), scale(base, 1.2)},
		{scale(base, 1.6), scale(base, 2.4)},
		{scale(base, 3.2), scale(base, 4.8)},
		{scale(maxBackoff, 0.8), maxBackoff}, // 8m capped
		{scale(maxBackoff, 0.8), maxBackoff}, // 16m capped
	}
	var st data.SourceState
	for i, b := range bounds {
		n := i + 1
		if n > 1 {
			rig.clock.Set(st.NextAttempt)
		}
		now := rig.clock.Now()
		rep := rig.run(src)
		if rep.Outcome != OutcomeFailed || rep.Class != data.ErrHTTP {
			t.Fatalf("failure %d: outcome %s, class %q; want failed, http", n, rep.Outcome, rep.Class)
		}
		var we *web.Error
		if !errors.As(rep.Err, &we) || we.Status != http.StatusInternalServerError {
			t.Errorf("failure %d: err %v; want a *web.Error with status 500", n, rep.Err)
		}
		st = rig.state(t, "flaky")
		if st.Failures != n || st.ErrorClass != data.ErrHTTP {
			t.Errorf("failure %d: state failures %d, class %q; want %d, http", n, st.Failures, st.ErrorClass, n)
		}
		if !strings.Contains(st.LastError, src.URL) || !strings.Contains(st.LastError, "500") {
			t.Errorf("failure %d: last error %q; want it to name %s and the status 500", n, st.LastError, src.URL)
		}
		if !st.LastAttempt.Equal(now) {
			t.Errorf("failure %d: last attempt %v; want %v", n, st.LastAttempt, now)
		}
		if wait := st.NextAttempt.Sub(st.LastAttempt); !within(wait, b.lo, b.hi) {
			t.Errorf("failure %d: backoff %v; want within [%v, %v]", n, wait, b.lo, b.hi)
		}
		if !rep.Next.Equal(st.NextAttempt) {
			t.Errorf("failure %d: report next %v; want the stored next attempt %v", n, rep.Next, st.NextAttempt)
		}
	}
	if got := up.requests(); got != len(bounds) {
		t.Fatalf("upstream got %d requests; want %d", got, len(bounds))
	}

	// Before NextAttempt: skipped without contacting the upstream.
	rig.clock.Set(st.NextAttempt.Add(-time.Second))
	rep := rig.run(src)
	if rep.Outcome != OutcomeBackoff || !rep.Next.Equal(st.NextAttempt) {
		t.Errorf("run in backoff: outcome %s, next %v; want backoff, %v", rep.Outcome, rep.Next, st.NextAttempt)
	}
	if got := up.requests(); got != len(bounds) {
		t.Errorf("a run in backoff contacted the upstream: %d requests; want %d", got, len(bounds))
	}
	if d := cmp.Diff(st, rig.state(t, "flaky")); d != "" {
		t.Errorf("a run in backoff changed the state (-before +after):\n%s", d)
	}

	// Forced: fetched anyway.
	rep = rig.runner.Run(context.Background(), src, true)
	if rep.Outcome != OutcomeFailed || up.requests() != len(bounds)+1 {
		t.Errorf("forced run: outcome %s, %d requests; want failed, %d", rep.Outcome, up.requests(), len(bounds)+1)
	}
	st = rig.state(t, "flaky")
	if st.Failures != len(bounds)+1 {
		t.Errorf("failures after the forced run: %d; want %d", st.Failures, len(bounds)+1)
	}

	// Success resets the failure accounting.
	up.set(serveRSS("", newsItems(2)...))
	rig.clock.Set(st.NextAttempt)
	rep = rig.run(src)
	if rep.Outcome != OutcomeNew {
		t.Fatalf("run after recovery: outcome %s (err %v); want new", rep.Outcome, rep.Err)
	}
	st = rig.state(t, "flaky")
	if st.Failures != 0 || st.LastError != "" || st.ErrorClass != data.ErrNone || !st.NextAttempt.IsZero() {
		t.Errorf("state after recovery: failures %d, last error %q, class %q, next attempt %v; want all reset",
			st.Failures, st.LastError, st.ErrorClass, st.NextAttempt)
	}
	if now := rig.clock.Now(); !st.LastSuccess.Equal(now) {
		t.Errorf("last success after recovery: %v; want %v", st.LastSuccess, now)
	}
}

func TestRunRetryAfter(t *testing.T) {
	const base = time.Minute
	rig := newTestRig(t, Options{BackoffBase: base, BackoffMax: 6 * time.Hour})
	tests := []struct {
		name       string
		status     int
		retryAfter string
		lo, hi     time.Duration // of NextAttempt - LastAttempt
	}{
		{"429 asks for longer than the backoff", http.StatusTooManyRequests, "3600", time.Hour, time.Hour},
		{"503 asks for longer than the backoff", http.StatusServiceUnavailable, "7200", 2 * time.Hour, 2 * time.Hour},
		{"503 asks for less than the backoff", http.StatusServiceUnavailable, "1", scale(base, 0.8), scale(base, 1.2)},
		{"429 without Retry-After", http.StatusTooManyRequests, "", scale(base, 0.8), scale(base, 1.2)},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			up := newUpstream(t, func(w http.ResponseWriter, _ *http.Request) {
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				w.WriteHeader(tt.status)
			})
			id := fmt.Sprintf("retry-%d", i)
			rep := rig.run(feedSource(t, id, up.URL+"/feed.xml"))
			if rep.Outcome != OutcomeFailed || rep.Class != data.ErrHTTP {
				t.Fatalf("outcome %s, class %q; want failed, http", rep.Outcome, rep.Class)
			}
			st := rig.state(t, id)
			if wait := st.NextAttempt.Sub(st.LastAttempt); !within(wait, tt.lo, tt.hi) {
				t.Errorf("next attempt %v after the last; want within [%v, %v]", wait, tt.lo, tt.hi)
			}
			if !strings.Contains(st.LastError, fmt.Sprint(tt.status)) {
				t.Errorf("last error %q; want the status %d", st.LastError, tt.status)
			}
		})
	}
}

func TestRunErrorClasses(t *testing.T) {
	rig := newTestRig(t, Options{})
	gone := newUpstream(t, nil)
	goneURL := gone.URL + "/feed.xml"
	gone.Close() // nothing listens there any more

	tests := []struct {
		name    string
		handler func(u *upstream) http.HandlerFunc
		src     func(src data.Source) data.Source
		url     string // instead of the upstream's
		class   data.ErrorClass
		inError string // besides the URL
	}{
		{
			name: "no answer before the source's timeout",
			handler: func(u *upstream) http.HandlerFunc {
				return func(_ http.ResponseWriter, r *http.Request) { u.block(r) }
			},
			src:     func(s data.Source) data.Source { s.Timeout = 300 * time.Millisecond; return s },
			class:   data.ErrTimeout,
			inError: "deadline exceeded",
		},
		{
			name:    "body over the source's cap",
			handler: func(*upstream) http.HandlerFunc { return serveRSS("", newsItems(30)...) },
			src:     func(s data.Source) data.Source { s.MaxBodyBytes = 1024; return s },
			class:   data.ErrTooLarge,
			inError: "1024",
		},
		{
			name: "HTML page at a feed URL",
			handler: func(*upstream) http.HandlerFunc {
				return func(w http.ResponseWriter, _ *http.Request) {
					w.Header().Set("Content-Type", "text/html; charset=utf-8")
					_, _ = io.WriteString(w, "<!DOCTYPE html><html><head><title>首页</title></head><body><ul><li><a href=\"/a.html\">新闻</a></li></ul></body></html>")
				}
			},
			class:   data.ErrParse,
			inError: "not a feed",
		},
		{
			name: "forbidden",
			handler: func(*upstream) http.HandlerFunc {
				return func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusForbidden) }
			},
			class:   data.ErrBlocked,
			inError: "403",
		},
		{
			name:  "connection refused",
			url:   goneURL,
			class: data.ErrNetwork,
		},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := tt.url
			if tt.handler != nil {
				up := newUpstream(t, nil)
				up.set(tt.handler(up))
				u = up.URL + "/feed.xml"
			}
			id := fmt.Sprintf("class-%d", i)
			src := feedSource(t, id, u)
			if tt.src != nil {
				src = tt.src(src)
			}
			rep := rig.run(src)
			if rep.Outcome != OutcomeFailed || rep.Class != tt.class {
				t.Fatalf("outcome %s, class %q (err %v); want failed, %q", rep.Outcome, rep.Class, rep.Err, tt.class)
			}
			var fe *Error
			if !errors.As(rep.Err, &fe) || fe.SourceID != id {
				t.Errorf("err %v; want a *fetch.Error naming source %s", rep.Err, id)
			}
			st := rig.state(t, id)
			if st.ErrorClass != tt.class || st.Failures != 1 {
				t.Errorf("state class %q, failures %d; want %q, 1", st.ErrorClass, st.Failures, tt.class)
			}
			if !strings.Contains(st.LastError, u) || !strings.Contains(st.LastError, tt.inError) {
				t.Errorf("last error %q; want it to name %s and contain %q", st.LastError, u, tt.inError)
			}
		})
	}
}

func TestRunUnknownKind(t *testing.T) {
	rig := newTestRig(t, Options{})
	up := newUpstream(t, serveRSS("", newsItems(1)...))
	src := feedSource(t, "odd", up.URL+"/feed.xml")
	src.Kind = "xml"
	rep := rig.run(src)
	if rep.Class != data.ErrParse || !strings.Contains(fmt.Sprint(rep.Err), `"xml"`) {
		t.Errorf("class %q, err %v; want parse naming the kind", rep.Class, rep.Err)
	}
	if up.requests() != 0 {
		t.Errorf("a source of unknown kind was fetched (%d requests)", up.requests())
	}
}

func TestRunFailureIsolation(t *testing.T) {
	rig := newTestRig(t, Options{})
	good := newUpstream(t, serveRSS(`"g1"`, newsItems(3)...))
	bad := newUpstream(t, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusBadGateway) })
	goodSrc := feedSource(t, "good", good.URL+"/feed.xml")
	badSrc := feedSource(t, "bad", bad.URL+"/feed.xml")

	if rep := rig.run(goodSrc); rep.Outcome != OutcomeNew {
		t.Fatalf("good source: outcome %s (err %v); want new", rep.Outcome, rep.Err)
	}
	goodState, goodItems := rig.state(t, "good"), rig.items(t, "good")

	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() { rig.runner.Run(context.Background(), badSrc, true) })
	}
	wg.Wait()
	if d := cmp.Diff(goodState, rig.state(t, "good")); d != "" {
		t.Errorf("another source's failures changed the good source's state (-before +after):\n%s", d)
	}
	if d := cmp.Diff(goodItems, rig.items(t, "good")); d != "" {
		t.Errorf("another source's failures changed the good source's items (-before +after):\n%s", d)
	}
	if st := rig.state(t, "bad"); st.Failures < 1 || st.ErrorClass != data.ErrHTTP {
		t.Errorf("bad source: failures %d, class %q; want at least 1, http", st.Failures, st.ErrorClass)
	}
}

func TestRunBroken(t *testing.T) {
	var changes atomic.Int32
	rig := newTestRig(t, Options{OnChange: func() { changes.Add(1) }})
	items := newsItems(3)
	up := newUpstream(t, serveRSS("", items...))
	src := feedSource(t, "redesigned", up.URL+"/feed.xml")

	steps := []struct {
		name    string
		items   []rssItem
		outcome Outcome
		class   data.ErrorClass
		broken  bool
		changes int32 // OnChange calls so far
	}{
		{"items at first", items, OutcomeNew, data.ErrNone, false, 1},
		{"an empty feed turns it broken", nil, OutcomeFailed, data.ErrBroken, true, 2},
		{"still empty: still broken, no new notice", nil, OutcomeFailed, data.ErrBroken, true, 2},
		{"items again: recovered", items, OutcomeUnchanged, data.ErrNone, false, 3},
		{"healthy again: no change", items, OutcomeUnchanged, data.ErrNone, false, 3},
	}
	for i, s := range steps {
		if i > 0 {
			next := rig.clock.Now().Add(time.Hour)
			if na := rig.state(t, src.ID).NextAttempt; na.After(next) {
				next = na
			}
			rig.clock.Set(next)
		}
		up.set(serveRSS("", s.items...))
		rep := rig.run(src)
		st := rig.state(t, src.ID)
		if rep.Outcome != s.outcome || rep.Class != s.class || rep.Broken != s.broken {
			t.Errorf("%s: report outcome %s, class %q, broken %v (err %v); want %s, %q, %v",
				s.name, rep.Outcome, rep.Class, rep.Broken, rep.Err, s.outcome, s.class, s.broken)
		}
		if st.Broken != s.broken || st.ErrorClass != s.class || st.LastYield != 3 {
			t.Errorf("%s: state broken %v, class %q, last yield %d; want %v, %q, 3",
				s.name, st.Broken, st.ErrorClass, st.LastYield, s.broken, s.class)
		}
		if got := changes.Load(); got != s.changes {
			t.Errorf("%s: OnChange called %d times in all; want %d", s.name, got, s.changes)
		}
	}
	if n := len(rig.items(t, src.ID)); n != 3 {
		t.Errorf("%d items stored; want the 3 from before the breakage", n)
	}
}

func TestRunBusy(t *testing.T) {
	rig := newTestRig(t, Options{})
	release := make(chan struct{})
	up := newUpstream(t, nil)
	feed := serveRSS("", newsItems(2)...)
	up.set(func(w http.ResponseWriter, r *http.Request) {
		select { // hold the first fetch until the test saw the other run's report
		case <-release:
		case <-up.stop:
		}
		feed(w, r)
	})
	src := feedSource(t, "busy", up.URL+"/feed.xml")
	reports := make(chan Report, 2)
	for range 2 {
		go func() { reports <- rig.run(src) }()
	}
	first := receive(t, "the report of the run that found the source busy", reports)
	close(release)
	second := receive(t, "the report of the run that fetched", reports)
	if first.Outcome != OutcomeBusy || second.Outcome != OutcomeNew {
		t.Errorf("outcomes %s then %s; want busy then new", first.Outcome, second.Outcome)
	}
	if got := up.requests(); got != 1 {
		t.Errorf("upstream got %d requests; want 1", got)
	}
}

func TestRunCanceled(t *testing.T) {
	rig := newTestRig(t, Options{})
	up := newUpstream(t, serveRSS("", newsItems(2)...))
	src := feedSource(t, "shutdown", up.URL+"/feed.xml")
	if rep := rig.run(src); rep.Outcome != OutcomeNew {
		t.Fatalf("first run: outcome %s (err %v); want new", rep.Outcome, rep.Err)
	}
	before := rig.state(t, src.ID)

	entered := make(chan struct{}, 1)
	up.set(func(_ http.ResponseWriter, r *http.Request) {
		signal(entered)
		up.block(r)
	})
	rig.clock.Advance(time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reports := make(chan Report, 1)
	go func() { reports <- rig.runner.Run(ctx, src, false) }()
	receive(t, "the request", entered)
	cancel()
	rep := receive(t, "the canceled run's report", reports)
	if rep.Outcome != OutcomeCanceled || !errors.Is(rep.Err, context.Canceled) {
		t.Errorf("outcome %s, err %v; want canceled, context.Canceled", rep.Outcome, rep.Err)
	}
	after := rig.state(t, src.ID)
	if d := cmp.Diff(before, after); d != "" || after.Failures != 0 {
		t.Errorf("a canceled run changed the state (-before +after):\n%s", d)
	}
}

func TestRunRetention(t *testing.T) {
	rig := newTestRig(t, Options{Retention: func(id string) Retention {
		if id == "short" {
			return Retention{MaxItems: 2}
		}
		return Retention{}
	}})
	items := newsItems(5)
	up := newUpstream(t, serveRSS("", items...))
	src := feedSource(t, "short", up.URL+"/feed.xml")
	want := []string{"g:news-1", "g:news-2"} // the two newest

	rep := rig.run(src)
	if rep.Outcome != OutcomeNew || rep.Stats.New != 5 || rep.Pruned != 3 {
		t.Errorf("first run: outcome %s, stats %+v, pruned %d; want new, 5 new, 3 pruned", rep.Outcome, rep.Stats, rep.Pruned)
	}
	if got := itemKeys(rig.items(t, "short")); !cmp.Equal(got, want) {
		t.Errorf("stored after the first run: %q; want %q", got, want)
	}

	rig.clock.Advance(time.Hour)
	rep = rig.run(src)
	if want := (data.SaveStats{Unchanged: 2, Skipped: 3}); rep.Outcome != OutcomeUnchanged || rep.Stats != want || rep.Pruned != 0 {
		t.Errorf("second run: outcome %s, stats %+v, pruned %d; want unchanged, %+v, 0", rep.Outcome, rep.Stats, rep.Pruned, want)
	}
	if got := itemKeys(rig.items(t, "short")); !cmp.Equal(got, want) {
		t.Errorf("stored after the second run: %q; want %q (pruned items must not come back)", got, want)
	}
}

func itemKeys(its []data.Item) []string {
	out := make([]string, len(its))
	for i, it := range its {
		out[i] = it.Key
	}
	return out
}
