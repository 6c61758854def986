package fetch

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govfeed/govfeed/data"
)

// reportLog collects the reports a Scheduler hands to OnReport.
type reportLog struct {
	mu   sync.Mutex
	reps []Report
	ch   chan Report
}

func newReportLog() *reportLog { return &reportLog{ch: make(chan Report, 64)} }

func (l *reportLog) add(r Report) {
	l.mu.Lock()
	l.reps = append(l.reps, r)
	l.mu.Unlock()
	l.ch <- r
}

// all returns the reports received so far.
func (l *reportLog) all() []Report {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Report(nil), l.reps...)
}

// newTestScheduler starts a Scheduler over rig's Runner; it is stopped when
// the test ends.
func newTestScheduler(t *testing.T, rig *testRig, log *reportLog) *Scheduler {
	t.Helper()
	s := NewScheduler(SchedulerOptions{OnReport: log.add}, rig.runner)
	s.Start()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
		defer cancel()
		s.Stop(ctx)
	})
	return s
}

// stopScheduler stops s, failing the test if Stop does not return within
// waitLimit.
func stopScheduler(t *testing.T, s *Scheduler, grace time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	done := make(chan struct{})
	go func() {
		s.Stop(ctx)
		close(done)
	}()
	receive(t, "Stop to return", done)
}

func TestSchedulerSet(t *testing.T) {
	rig := newTestRig(t, Options{})
	up := newUpstream(t, serveRSS("", newsItems(2)...))
	log := newReportLog()
	s := newTestScheduler(t, rig, log)
	a := feedSource(t, "a", up.URL+"/a.xml")
	b := feedSource(t, "b", up.URL+"/b.xml")

	// Never fetched: both are fetched at once, not in an hour.
	if err := s.Set(context.Background(), []data.Source{a, b}); err != nil {
		t.Fatalf("Set: %v", err)
	}
	got := map[string]Outcome{}
	for range 2 {
		rep := receive(t, "a catch-up fetch", log.ch)
		got[rep.SourceID] = rep.Outcome
	}
	if got["a"] != OutcomeNew || got["b"] != OutcomeNew {
		t.Errorf("catch-up outcomes %v; want new for a and b", got)
	}
	now := time.Now()
	for _, id := range []string{"a", "b"} {
		if next := s.Next(id); !next.After(now) || next.After(now.Add(time.Hour+time.Second)) {
			t.Errorf("Next(%s) = %v; want within the hour after %v", id, next, now)
		}
	}

	// b removed, a's schedule changed.
	a.Schedule = "@every 2h"
	if err := s.Set(context.Background(), []data.Source{a}); err != nil {
		t.Fatalf("second Set: %v", err)
	}
	if next := s.Next("a"); next.Before(time.Now().Add(time.Hour + time.Minute)) {
		t.Errorf("Next(a) = %v after the change to every 2h; want about two hours from now", next)
	}
	if next := s.Next("b"); !next.IsZero() {
		t.Errorf("Next(b) = %v after b was removed; want zero", next)
	}
	if next := s.Next("never-configured"); !next.IsZero() {
		t.Errorf("Next of an unknown source = %v; want zero", next)
	}

	// Stop waits for catch-up fetches, so the counts below are final:
	// a's reschedule was not overdue and did not fetch again.
	stopScheduler(t, s, waitLimit)
	if got := up.hits("/a.xml"); got != 1 {
		t.Errorf("a fetched %d times; want 1", got)
	}
	if got := len(log.all()); got != 2 {
		t.Errorf("%d reports; want 2", got)
	}
	if err := s.Set(context.Background(), []data.Source{a}); err == nil {
		t.Errorf("Set after Stop: no error")
	}
}

func TestSchedulerCatchUpOnlyWhenOverdue(t *testing.T) {
	rig := newTestRig(t, Options{})
	up := newUpstream(t, serveRSS("", newsItems(2)...))
	now := rig.clock.Now()
	for id, last := range map[string]time.Time{"recent": now.Add(-10 * time.Minute), "overdue": now.Add(-2 * time.Hour)} {
		st := data.SourceState{SourceID: id, LastAttempt: last, LastSuccess: last}
		if _, err := rig.store.Save(context.Background(), data.FetchResult{State: st}); err != nil {
			t.Fatal(err)
		}
	}
	log := newReportLog()
	s := newTestScheduler(t, rig, log)
	srcs := []data.Source{
		feedSource(t, "recent", up.URL+"/recent.xml"),
		feedSource(t, "overdue", up.URL+"/overdue.xml"),
	}
	if err := s.Set(context.Background(), srcs); err != nil {
		t.Fatalf("Set: %v", err)
	}
	stopScheduler(t, s, waitLimit) // waits for the catch-up fetches
	if got := up.hits("/overdue.xml"); got != 1 {
		t.Errorf("source last tried 2h ago on an hourly schedule fetched %d times; want 1", got)
	}
	if got := up.hits("/recent.xml"); got != 0 {
		t.Errorf("source last tried 10m ago on an hourly schedule fetched %d times; want 0 (not due)", got)
	}
}

func TestSchedulerBadSpec(t *testing.T) {
	rig := newTestRig(t, Options{})
	up := newUpstream(t, serveRSS("", newsItems(1)...))
	log := newReportLog()
	s := newTestScheduler(t, rig, log)
	good := feedSource(t, "good", up.URL+"/good.xml")
	if err := s.Set(context.Background(), []data.Source{good}); err != nil {
		t.Fatalf("Set: %v", err)
	}
	before := s.Next("good")

	tests := []struct{ name, spec string }{
		{"words", "every hour"},
		{"too few fields", "0 8 *"},
		{"minute out of range", "61 * * * *"},
		{"empty", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := feedSource(t, "bad-source", up.URL+"/bad.xml")
			bad.Schedule = tt.spec
			changed := good
			changed.Schedule = "@every 3h"
			err := s.Set(context.Background(), []data.Source{changed, bad})
			if err == nil || !strings.Contains(err.Error(), "bad-source") {
				t.Fatalf("Set with schedule %q: err %v; want an error naming bad-source", tt.spec, err)
			}
			if next := s.Next("good"); !next.Equal(before) {
				t.Errorf("a failed Set changed the schedule of good: Next %v; want %v", next, before)
			}
			if next := s.Next("bad-source"); !next.IsZero() {
				t.Errorf("Next(bad-source) = %v; want zero", next)
			}
		})
	}
}

func TestSchedulerStopWaitsForFetch(t *testing.T) {
	rig := newTestRig(t, Options{})
	entered, release := make(chan struct{}, 1), make(chan struct{})
	up := newUpstream(t, nil)
	feed := serveRSS("", newsItems(2)...)
	up.set(func(w http.ResponseWriter, r *http.Request) {
		signal(entered)
		select {
		case <-release:
		case <-up.stop:
		}
		feed(w, r)
	})
	log := newReportLog()
	s := newTestScheduler(t, rig, log)
	if err := s.Set(context.Background(), []data.Source{feedSource(t, "slow", up.URL+"/feed.xml")}); err != nil {
		t.Fatalf("Set: %v", err)
	}
	receive(t, "the catch-up request", entered)

	stopped := make(chan struct{})
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
		defer cancel()
		s.Stop(ctx)
		close(stopped)
	}()
	select { // a correct Stop never returns here; this gives a wrong one the time to
	case <-stopped:
		t.Fatal("Stop returned while a fetch was in flight")
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	receive(t, "Stop to return", stopped)
	reps := log.all() // the fetch reported before Stop returned
	if len(reps) != 1 || reps[0].Outcome != OutcomeNew {
		t.Fatalf("reports when Stop returned: %+v; want the fetch's, outcome new", reps)
	}
	if st := rig.state(t, "slow"); st.LastSuccess.IsZero() {
		t.Errorf("state after Stop: %+v; want the fetch saved", st)
	}
}

func TestSchedulerStopGraceExpires(t *testing.T) {
	rig := newTestRig(t, Options{})
	entered, ended := make(chan struct{}, 1), make(chan struct{}, 1)
	up := newUpstream(t, nil)
	up.set(func(_ http.ResponseWriter, r *http.Request) {
		signal(entered)
		up.block(r)
		if r.Context().Err() != nil {
			signal(ended)
		}
	})
	log := newReportLog()
	s := newTestScheduler(t, rig, log)
	if err := s.Set(context.Background(), []data.Source{feedSource(t, "stuck", up.URL+"/feed.xml")}); err != nil {
		t.Fatalf("Set: %v", err)
	}
	receive(t, "the catch-up request", entered)

	stopScheduler(t, s, 200*time.Millisecond)
	receive(t, "the upstream to see its request canceled", ended)
	reps := log.all()
	if len(reps) != 1 || reps[0].Outcome != OutcomeCanceled {
		t.Fatalf("reports when Stop returned: %+v; want one, outcome canceled", reps)
	}
	if st := rig.state(t, "stuck"); st.Failures != 0 || !st.LastAttempt.IsZero() {
		t.Errorf("state after a canceled fetch: failures %d, last attempt %v; want untouched", st.Failures, st.LastAttempt)
	}
}

// TestSchedulerRetriesHostBusy: a scheduled fetch that never got a turn at
// its host (another source held it until the deadline) is retried soon,
// not a whole schedule period later.
func TestSchedulerRetriesHostBusy(t *testing.T) {
	rig := newTestRig(t, Options{PerHost: 1})
	var up *upstream
	up = newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/hang.xml" {
			up.block(r)
			return
		}
		serveRSS("", newsItems(2)...)(w, r)
	})
	log := newReportLog()
	s := newTestScheduler(t, rig, log)
	hang := feedSource(t, "hang", up.URL+"/hang.xml")
	hang.Timeout = 1500 * time.Millisecond
	b := feedSource(t, "b", up.URL+"/b.xml")
	b.Timeout = 300 * time.Millisecond
	if err := s.Set(context.Background(), []data.Source{hang}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(waitLimit)
	for up.hits("/hang.xml") == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the hanging source was never fetched")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := s.Set(context.Background(), []data.Source{hang, b}); err != nil {
		t.Fatal(err)
	}
	var busy, fetched bool
	for !fetched {
		r := receive(t, "a report", log.ch)
		switch {
		case r.SourceID == "b" && errors.Is(r.Err, errHostBusy):
			busy = true
		case r.SourceID == "b" && r.Outcome == OutcomeNew:
			fetched = true
		}
	}
	if !busy {
		t.Error("b was fetched at once; the test did not make its host busy")
	}
	if n := len(rig.items(t, "b")); n != 2 {
		t.Errorf("b has %d items after its retry, want 2", n)
	}
}
