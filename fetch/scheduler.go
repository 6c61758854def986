package fetch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/govfeed/govfeed/data"
)

// SchedulerOptions configure a Scheduler.
type SchedulerOptions struct {
	// Jitter is the largest random delay added before each scheduled run,
	// so sources sharing a schedule do not all fire in the same second.
	Jitter time.Duration
	Logger *slog.Logger
	// OnReport, if set, receives every scheduled fetch's report.
	OnReport func(Report)
}

// Scheduler runs every source on its own cron schedule through a Runner.
type Scheduler struct {
	opts   SchedulerOptions
	runner *Runner
	store  Store
	cron   *cron.Cron
	log    *slog.Logger

	// base is the parent context of every scheduled fetch; cancel ends them.
	base   context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup // catch-up fetches in flight (cron tracks its own)

	mu      sync.Mutex
	entries map[string]entry
	stopped bool
}

type entry struct {
	src         data.Source
	id          cron.EntryID
	fingerprint string
	schedule    cron.Schedule
}

// NewScheduler returns a stopped Scheduler with no sources.
func NewScheduler(o SchedulerOptions, r *Runner) *Scheduler {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	base, cancel := context.WithCancel(context.Background())
	return &Scheduler{
		opts:    o,
		runner:  r,
		store:   r.store,
		cron:    cron.New(cron.WithLocation(time.UTC)),
		log:     o.Logger,
		base:    base,
		cancel:  cancel,
		entries: make(map[string]entry),
	}
}

// Set makes srcs the scheduled sources: new ones are added, removed ones
// dropped, and changed ones rescheduled with their new settings. Sources
// that did not change keep their place in the schedule. A source never
// fetched, or overdue by its schedule, is fetched soon after it is added.
func (s *Scheduler) Set(ctx context.Context, srcs []data.Source) error {
	parsed := make(map[string]cron.Schedule, len(srcs))
	for _, src := range srcs {
		sched, err := cron.ParseStandard(src.Schedule)
		if err != nil {
			return fmt.Errorf("source %s: schedule %q: %w", src.ID, src.Schedule, err)
		}
		parsed[src.ID] = sched
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return fmt.Errorf("scheduler stopped")
	}
	keep := make(map[string]bool, len(srcs))
	for _, src := range srcs {
		keep[src.ID] = true
		fp := fingerprint(src)
		old, exists := s.entries[src.ID]
		if exists && old.fingerprint == fp {
			continue
		}
		if exists {
			s.cron.Remove(old.id)
		}
		job := s.job(src)
		id := s.cron.Schedule(parsed[src.ID], cron.FuncJob(job))
		s.entries[src.ID] = entry{src: src, id: id, fingerprint: fp, schedule: parsed[src.ID]}
		if s.overdue(ctx, src.ID, parsed[src.ID]) {
			s.launch(job)
		}
	}
	for id, e := range s.entries {
		if !keep[id] {
			s.cron.Remove(e.id)
			delete(s.entries, id)
			s.runner.Forget(id)
		}
	}
	return nil
}

// overdue reports whether a source's last attempt is older than its schedule
// allows, so a restart catches up instead of waiting a whole period. It
// reads the Runner's clock, the one LastAttempt was stamped with.
func (s *Scheduler) overdue(ctx context.Context, id string, sched cron.Schedule) bool {
	st, err := s.store.State(ctx, id)
	if err != nil || st.LastAttempt.IsZero() {
		return true
	}
	return !sched.Next(st.LastAttempt).After(s.runner.now())
}

// job is the scheduled work for one source: wait a random jitter, then
// fetch. Overlapping runs are impossible: the Runner refuses a source
// already being fetched.
func (s *Scheduler) job(src data.Source) func() {
	return func() {
		if s.opts.Jitter > 0 {
			t := time.NewTimer(rand.N(s.opts.Jitter))
			select {
			case <-t.C:
			case <-s.base.Done():
				t.Stop()
				return
			}
		}
		if s.base.Err() != nil {
			return
		}
		for attempt := 0; ; attempt++ {
			rep := s.runner.Run(s.base, src, false)
			if s.opts.OnReport != nil {
				s.opts.OnReport(rep)
			}
			// A source that never got a turn at its busy host was not
			// fetched at all: try again soon rather than a whole schedule
			// period later (a few times, with growing waits).
			if !errors.Is(rep.Err, errHostBusy) || attempt >= hostBusyRetries {
				return
			}
			t := time.NewTimer(hostBusyWait << attempt)
			select {
			case <-t.C:
			case <-s.base.Done():
				t.Stop()
				return
			}
		}
	}
}

// A scheduled fetch that found its host busy until its deadline is retried
// hostBusyRetries times, after hostBusyWait, then twice that, and so on.
const (
	hostBusyRetries = 3
	hostBusyWait    = 2 * time.Second
)

// launch runs job now, outside the cron ticks. The caller holds s.mu, so
// the WaitGroup is never added to after Stop began waiting.
func (s *Scheduler) launch(job func()) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		job()
	}()
}

// ErrUnknownSource is returned by Trigger for a source not scheduled.
var ErrUnknownSource = errors.New("unknown source")

// ErrBusy is returned by Trigger for a source being fetched right now.
var ErrBusy = errors.New("source is being fetched")

// Trigger fetches a scheduled source now, in the background, even if it is
// backing off (an operator asked for it).
func (s *Scheduler) Trigger(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries[id]
	if !ok || s.stopped {
		return fmt.Errorf("%w: %q", ErrUnknownSource, id)
	}
	if s.runner.busy(id) {
		return fmt.Errorf("%w: %q", ErrBusy, id)
	}
	src := e.src
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		rep := s.runner.Run(s.base, src, true)
		if s.opts.OnReport != nil {
			s.opts.OnReport(rep)
		}
	}()
	return nil
}

// Start begins running the schedule.
func (s *Scheduler) Start() { s.cron.Start() }

// Next returns the next scheduled run of a source (zero if unknown).
func (s *Scheduler) Next(id string) time.Time {
	s.mu.Lock()
	e, ok := s.entries[id]
	s.mu.Unlock()
	if !ok {
		return time.Time{}
	}
	return s.cron.Entry(e.id).Next
}

// Stop stops taking new work and waits for fetches in flight. When ctx ends
// first, the fetches still running are cancelled and Stop waits for them to
// return (they honour cancellation promptly).
func (s *Scheduler) Stop(ctx context.Context) {
	s.mu.Lock()
	s.stopped = true
	s.mu.Unlock()
	cronDone := s.cron.Stop().Done()
	done := make(chan struct{})
	go func() {
		<-cronDone
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		s.log.Warn("grace period over; cancelling fetches in flight")
		s.cancel()
		<-done
	}
	s.cancel()
}

// fingerprint identifies a source's settings, to tell a changed source from
// an unchanged one on reload.
func fingerprint(src data.Source) string {
	loc := ""
	if src.Location != nil {
		loc = src.Location.String()
	}
	b, err := json.Marshal(struct {
		S   data.Source
		Loc string
	}{src, loc})
	if err != nil {
		return fmt.Sprintf("%p", &src) // unreachable: Source always marshals
	}
	return string(b)
}
