package main

import (
	"log/slog"
	"math"
	"runtime/debug"
	"sync/atomic"
	"testing"
	"time"
)

// TestMemoryGovernorStep walks the live heap up and down across the two
// thresholds of a 100 MiB floor (off above 50 MiB, on again under 40 MiB)
// and checks each limit the governor sets.
func TestMemoryGovernorStep(t *testing.T) {
	const mib = 1 << 20
	var live int64
	var sets []int64
	g := &memoryGovernor{
		floor:   100 * mib,
		live:    func() int64 { return live },
		set:     func(v int64) int64 { sets = append(sets, v); return 0 },
		log:     slog.New(slog.DiscardHandler),
		limited: true,
	}
	steps := []struct {
		live int64
		want []int64 // limits set by this step
	}{
		{10 * mib, nil},                    // well under: stays at the floor
		{50 * mib, nil},                    // exactly half: not above it
		{51 * mib, []int64{math.MaxInt64}}, // above half: off
		{45 * mib, nil},                    // between the thresholds: stays off
		{40 * mib, nil},                    // exactly two fifths: not under it
		{39 * mib, []int64{100 * mib}},     // under two fifths: the floor again
		{45 * mib, nil},                    // stays on
		{200 * mib, []int64{math.MaxInt64}},
	}
	for i, s := range steps {
		live, sets = s.live, nil
		g.step()
		if len(sets) != len(s.want) || (len(sets) == 1 && sets[0] != s.want[0]) {
			t.Errorf("step %d (live %d MiB): set %v, want %v", i, s.live/mib, sets, s.want)
		}
	}
}

// TestGovernMemory checks the real runtime limit: governMemory sets the
// floor and its stop restores "no limit"; a limit already in force (as
// GOMEMLIMIT sets it) is left alone, and 0 turns the governor off.
func TestGovernMemory(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	prev := debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() { debug.SetMemoryLimit(prev) })

	const floor = 1 << 40 // far above this test's live heap: the governor keeps it
	stop := governMemory(floor, log)
	if got := debug.SetMemoryLimit(-1); got != floor {
		t.Errorf("limit with the governor = %d, want %d", got, int64(floor))
	}
	stop()
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("limit after stop = %d, want none", got)
	}

	governMemory(0, log)()
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("limit with memory_limit 0 = %d, want none", got)
	}

	debug.SetMemoryLimit(3 << 30)
	stop = governMemory(floor, log)
	if got := debug.SetMemoryLimit(-1); got != 3<<30 {
		t.Errorf("limit with GOMEMLIMIT in force = %d, want it kept (%d)", got, int64(3<<30))
	}
	stop()
	if got := debug.SetMemoryLimit(-1); got != 3<<30 {
		t.Errorf("limit after stop = %d, want GOMEMLIMIT's kept (%d)", got, int64(3<<30))
	}
}

// TestMemoryGovernorLoop checks that the governor's goroutine applies the
// rule: with the live heap above half of floor it lifts the real runtime
// limit, under two fifths it sets floor again, and stop restores no limit.
// The governor checks every millisecond; the test waits for each limit set
// on a channel, never for a time.
func TestMemoryGovernorLoop(t *testing.T) {
	prev := debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() { debug.SetMemoryLimit(prev) })

	const floor = 1 << 40 // far above this test's live heap: harmless as a real limit
	var live atomic.Int64
	live.Store(floor) // above half of floor
	sets := make(chan int64, 8)
	g := &memoryGovernor{
		floor: floor,
		live:  live.Load,
		set: func(v int64) int64 {
			old := debug.SetMemoryLimit(v)
			sets <- v
			return old
		},
		log: slog.New(slog.DiscardHandler),
	}
	next := func(what string) int64 {
		t.Helper()
		select {
		case v := <-sets:
			return v
		case <-time.After(10 * time.Second):
			t.Fatalf("gave up waiting for the governor to %s", what)
			return 0
		}
	}

	stop := g.start(time.Millisecond)
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			stop()
		}
	})
	if v := next("set floor"); v != floor {
		t.Fatalf("first limit set = %d, want floor %d", v, int64(floor))
	}
	if v := next("lift the limit (live heap above half of floor)"); v != math.MaxInt64 {
		t.Fatalf("limit set with live heap above half of floor = %d, want none (MaxInt64)", v)
	}
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("runtime limit once lifted = %d, want none", got)
	}

	live.Store(floor / 10)
	if v := next("set floor again (live heap under two fifths)"); v != floor {
		t.Fatalf("limit set with live heap under two fifths of floor = %d, want floor %d", v, int64(floor))
	}
	if got := debug.SetMemoryLimit(-1); got != floor {
		t.Errorf("runtime limit once set again = %d, want floor %d", got, int64(floor))
	}

	stop()
	stopped = true
	if v := next("restore no limit at stop"); v != math.MaxInt64 {
		t.Errorf("limit set by stop = %d, want none (MaxInt64)", v)
	}
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("runtime limit after stop = %d, want none", got)
	}
	select {
	case v := <-sets:
		t.Errorf("limit %d set after the governor stopped", v)
	default:
	}
}
