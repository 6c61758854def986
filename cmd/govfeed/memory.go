package main

import (
	"log/slog"
	"math"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// memoryCheck is how often the memory governor looks at the live heap.
const memoryCheck = 500 * time.Millisecond

// A memoryGovernor keeps the Go runtime's soft memory limit at floor (the
// config's memory_limit) while the live heap is well under half of it, so
// that a small server's heap stays near floor instead of growing to twice
// the live data plus what was freed and not yet returned, and lifts the
// limit while the live heap is above half of floor, so that a large store
// gets the runtime's default pacing (GOGC) instead of a collector running
// back to back to stay under a limit its data does not fit.
type memoryGovernor struct {
	floor   int64
	live    func() int64      // bytes of live heap marked by the last collection
	set     func(int64) int64 // debug.SetMemoryLimit
	log     *slog.Logger
	limited bool // the limit is floor, not off
}

// step applies the rule once, with hysteresis: the limit goes off above
// half of floor and comes back under two fifths.
func (g *memoryGovernor) step() {
	live := g.live()
	switch {
	case g.limited && live > g.floor/2:
		g.set(math.MaxInt64)
		g.limited = false
		g.log.Debug("live heap above half of memory_limit: collecting at the runtime's default pace", "live_bytes", live, "memory_limit", g.floor)
	case !g.limited && live < g.floor*2/5:
		g.set(g.floor)
		g.limited = true
		g.log.Debug("live heap under two fifths of memory_limit: limiting the heap to it", "live_bytes", live, "memory_limit", g.floor)
	}
}

// governMemory starts a memory governor for floor bytes and returns the
// function that stops it and restores the runtime's limit. It does nothing
// when floor is 0 or when a limit is already set (GOMEMLIMIT in the
// environment: the operator's choice).
func governMemory(floor int64, log *slog.Logger) (stop func()) {
	if floor <= 0 {
		return func() {}
	}
	if cur := debug.SetMemoryLimit(-1); cur != math.MaxInt64 {
		log.Debug("memory limit set by GOMEMLIMIT; memory_limit not applied", "limit_bytes", cur)
		return func() {}
	}
	g := &memoryGovernor{floor: floor, live: liveHeap, set: debug.SetMemoryLimit, log: log}
	return g.start(memoryCheck)
}

// start sets the limit to floor and applies the rule every interval until
// the returned stop is called; stop then waits for the governor to finish
// and restores the runtime's limit to none.
func (g *memoryGovernor) start(every time.Duration) (stop func()) {
	g.set(g.floor)
	g.limited = true
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				g.step()
			}
		}
	}()
	return func() {
		close(done)
		<-finished
		g.set(math.MaxInt64)
	}
}

// liveHeap reads the runtime's count of live heap bytes.
func liveHeap() int64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(s[0].Value.Uint64())
}
