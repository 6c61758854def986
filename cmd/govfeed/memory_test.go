package main

import (
	"log/slog"
	"math"
	"runtime/debug"
	"testing"
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
