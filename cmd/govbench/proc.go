package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// procResult is what one finished child process cost.
type procResult struct {
	Wall     time.Duration
	User     time.Duration
	Sys      time.Duration
	MaxRSSKB int64 // peak resident set, KiB (0 where the OS does not say)
	Stdout   []byte
	Stderr   []byte
}

// runProc runs name with args and extra environment, waits for it and
// measures it. A non-zero exit is an error that carries the stderr tail;
// the result is returned either way.
func runProc(ctx context.Context, env []string, name string, args ...string) (procResult, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return procResult{}, fmt.Errorf("%s: %w", name, err)
	}
	hwm := watchHWM(cmd.Process.Pid)
	err := cmd.Wait()
	res := procResult{Wall: time.Since(start), Stdout: stdout.Bytes(), Stderr: stderr.Bytes()}
	if ps := cmd.ProcessState; ps != nil {
		res.User, res.Sys = ps.UserTime(), ps.SystemTime()
		res.MaxRSSKB = hwm.peak(ps)
	}
	if err != nil {
		return res, fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, tail(stderr.String(), 800))
	}
	return res, nil
}

// hwmWatcher samples a child's peak resident set (VmHWM) until it exits.
//
// The rusage of a child cannot be used on Linux: Go starts children with
// vfork semantics, and the kernel carries the parent's high-water mark over
// the exec into the child's ru_maxrss, so every child would look as large
// as govbench (which holds the whole synthetic upstream).
type hwmWatcher struct {
	done chan struct{}
	max  chan int64
}

// hwmInterval is how often VmHWM is read; the mark only grows, so a late
// read loses at most the growth of the last interval.
const hwmInterval = 2 * time.Millisecond

func watchHWM(pid int) *hwmWatcher {
	w := &hwmWatcher{done: make(chan struct{}), max: make(chan int64, 1)}
	path := fmt.Sprintf("/proc/%d/status", pid)
	go func() {
		var peak int64
		t := time.NewTicker(hwmInterval)
		defer t.Stop()
		for {
			if kb, ok := readHWM(path); ok {
				peak = max(peak, kb)
			}
			select {
			case <-w.done:
				w.max <- peak
				return
			case <-t.C:
			}
		}
	}()
	return w
}

// peak stops the watcher and returns the peak in KiB, or the rusage figure
// where /proc is not available.
func (w *hwmWatcher) peak(ps *os.ProcessState) int64 {
	close(w.done)
	if kb := <-w.max; kb > 0 {
		return kb
	}
	return maxRSSKB(ps)
}

// readHWM reads VmHWM from a /proc/PID/status file.
func readHWM(path string) (int64, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	_, rest, ok := strings.Cut(string(b), "VmHWM:")
	if !ok {
		return 0, false
	}
	f := strings.Fields(rest)
	if len(f) == 0 {
		return 0, false
	}
	kb, err := strconv.ParseInt(f[0], 10, 64)
	return kb, err == nil
}

// tail returns the last n bytes of s.
func tail(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// loadAvg returns the 1, 5 and 15 minute load averages, as uptime prints them.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
