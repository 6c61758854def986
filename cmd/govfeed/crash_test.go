package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite" // database/sql driver "sqlite" for the checks

	"github.com/govfeed/govfeed/publish"
)

// The crash suite runs the real govfeed binary: it kills the daemon and
// `govfeed publish` with SIGKILL at random points many times, puts the data
// directory on a full and on a read-only filesystem, and starts a second
// daemon on a data directory in use. After every ordeal the database must
// pass PRAGMA integrity_check and hold every entry it ever served, once.
//
//	go test ./cmd/govfeed -run TestCrashSuite -v
//	GOVFEED_CRASH_ROUNDS=200 GOVFEED_CRASH_SEED=42 go test ./cmd/govfeed -run TestCrashSuite/kill -v -timeout 30m

// crashDefaultRounds is the number of daemon kills at default settings.
const crashDefaultRounds = 25

func TestCrashSuite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the real binary; skipped under -short")
	}
	bin := crashBuild(t)
	// The subtests mostly wait on the daemons: they run side by side.
	for _, tc := range []struct {
		name string
		run  func(*testing.T, string)
	}{
		{"kill_restart", testCrashKillRestart},
		{"disk_full", testCrashDiskFull},
		{"disk_readonly", testCrashDiskReadOnly},
		{"second_daemon", testCrashSecondDaemon},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, bin)
		})
	}
}

// crashBuild compiles govfeed into a temporary directory.
func crashBuild(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "govfeed")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// crashRounds is GOVFEED_CRASH_ROUNDS, else crashDefaultRounds.
func crashRounds(t *testing.T) int {
	s := os.Getenv("GOVFEED_CRASH_ROUNDS")
	if s == "" {
		return crashDefaultRounds
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		t.Fatalf("GOVFEED_CRASH_ROUNDS=%q is not a positive number", s)
	}
	return n
}

// crashSeed is GOVFEED_CRASH_SEED, else a fresh one; it is logged so that
// a failing run can be replayed.
func crashSeed(t *testing.T) uint64 {
	if s := os.Getenv("GOVFEED_CRASH_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("GOVFEED_CRASH_SEED=%q is not a number", s)
		}
		return n
	}
	return uint64(time.Now().UnixNano())
}

// testCrashKillRestart kills the daemon at a random time in each round,
// records the feed it served just before, and between rounds kills
// `govfeed publish` at a random point; then it checks the database, the
// served feeds and the published files.
func testCrashKillRestart(t *testing.T, bin string) {
	rounds, seed := crashRounds(t), crashSeed(t)
	t.Logf("rounds %d, seed %d (rerun with GOVFEED_CRASH_SEED=%d)", rounds, seed, seed)
	rng := rand.New(rand.NewPCG(seed, seed>>1|1))

	up := newCrashUpstream(t, 20, map[int]bool{0: true, 7: true, 13: true})
	dir := t.TempDir()
	cfg := up.config(t, dir, filepath.Join(dir, "data"), 200)
	out := filepath.Join(dir, "public")
	served := newCrashServed()
	var snapshots [][]byte // every feed served, validated at the end

	var st struct {
		kills, beforeServing, duringFetch        int
		pubRuns, pubKilled, pubDone, staticFiles int
		inDaemons, inPublish                     time.Duration
	}
	var pubTook time.Duration
	for round := range rounds {
		p := startCrashProc(t, bin, "run", "--config", cfg)
		wait := 200*time.Millisecond + time.Duration(rng.Int64N(int64(2300*time.Millisecond)))
		addr, ok := p.serving(t, time.Until(p.started.Add(wait)))
		if ok {
			time.Sleep(time.Until(p.started.Add(wait)))
			if body, err := crashGet(addr, "/feed.atom"); err == nil {
				served.add(t, fmt.Sprintf("round %d", round), body)
				snapshots = append(snapshots, body)
			} else {
				t.Errorf("round %d: GET /feed.atom: %v", round, err)
			}
		} else {
			st.beforeServing++
		}
		if up.inflight.Load() > 0 {
			st.duringFetch++
		}
		p.kill(t)
		st.kills++
		st.inDaemons += time.Since(p.started)

		if pubTook == 0 || rng.IntN(3) == 0 {
			st.pubRuns++
			pp := startCrashProc(t, bin, "publish", "--config", cfg, "--out", out)
			if pubTook == 0 {
				// The first publish runs to the end: it measures how long one takes.
				if err := pp.wait(t, time.Minute); err != nil {
					t.Fatalf("round %d: publish: %v\n%s", round, err, pp.logs)
				}
				pubTook = time.Since(pp.started)
				st.pubDone++
			} else {
				// Kill within 1.2 times the last measured run. A publish takes
				// longer as the database grows, so the window widens after
				// each kill and is measured again after each complete run.
				at := time.Duration(rng.Int64N(int64(pubTook + pubTook/5)))
				if pp.killAfter(t, at) {
					st.pubKilled++
					pubTook += pubTook / 5
				} else {
					st.pubDone++
					pubTook = time.Since(pp.started)
				}
			}
			st.inPublish += time.Since(pp.started)
			files, temps := crashCheckStatic(t, out)
			st.staticFiles += files
			if temps > st.pubKilled {
				t.Errorf("round %d: %d temporary files after %d killed publish runs; a run leaves at most one", round, temps, st.pubKilled)
			}
		}
		for _, l := range p.logs.lines() {
			crashNoCorruption(t, fmt.Sprintf("round %d", round), l)
		}
	}

	loopDone := time.Now()

	// A clean start after the last kill: it must serve, fetch every source
	// again, and stop cleanly.
	p := startCrashProc(t, bin, "run", "--config", cfg)
	addr, ok := p.serving(t, 30*time.Second)
	if !ok {
		t.Fatalf("the daemon did not serve after %d kills\n%s", rounds, p.logs)
	}
	up.waitAllFetched(t, 2, 30*time.Second)
	finalFeed, err := crashGet(addr, "/feed.atom")
	if err != nil {
		t.Fatalf("final GET /feed.atom: %v", err)
	}
	final := served.add(t, "final run", finalFeed)
	if final == 0 {
		t.Error("the final feed has no entries")
	}
	if err := p.stop(t); err != nil {
		t.Errorf("clean stop after the crash rounds: %v\n%s", err, p.logs)
	}
	for _, l := range p.logs.lines() {
		crashNoCorruption(t, "final run", l)
	}

	// A complete publish after the killed ones.
	pp := startCrashProc(t, bin, "publish", "--config", cfg, "--out", out)
	if err := pp.wait(t, time.Minute); err != nil {
		t.Fatalf("final publish: %v\n%s", err, pp.logs)
	}
	files, temps := crashCheckStatic(t, out)
	st.staticFiles += files
	if temps > st.pubKilled {
		t.Errorf("%d temporary files after %d killed publish runs; a run leaves at most one", temps, st.pubKilled)
	}
	published, err := os.ReadFile(filepath.Join(out, "feed.atom"))
	if err != nil {
		t.Errorf("final publish wrote no feed.atom: %v", err)
	}

	db := crashCheckDB(t, filepath.Join(dir, "data", "govfeed.db"), served)
	t.Logf("RELIABILITY kill_restart: seed %d; daemon kills %d (%d during an upstream fetch, %d before serving); "+
		"publish runs %d (%d killed mid-run, %d completed), static files checked %d, temp files left by kills %d; "+
		"feed snapshots %d, distinct entries served %d, items stored %d (%d in another's story), lost %d, stored twice %d; "+
		"time in daemons %v, in publish runs %v, after the loop %v",
		seed, st.kills, st.duringFetch, st.beforeServing, st.pubRuns, st.pubKilled, st.pubDone,
		st.staticFiles, temps, served.snapshots, len(served.ids), db.items, db.joined, db.lost, db.dups,
		st.inDaemons.Round(time.Millisecond), st.inPublish.Round(time.Millisecond), time.Since(loopDone).Round(time.Millisecond))
	// Last, as validateAtom skips the test where xmllint is missing.
	for _, b := range append(snapshots, finalFeed, published) {
		if b != nil {
			validateAtom(t, b)
		}
	}
}

// testCrashDiskFull fills the data directory's filesystem under a running
// daemon, kills and restarts it on the full disk, then frees the disk.
func testCrashDiskFull(t *testing.T, bin string) {
	mnt := crashMount(t, "size=8m")
	up := newCrashUpstream(t, 3, nil)
	dataDir := filepath.Join(mnt, "data")
	cfg := up.config(t, t.TempDir(), dataDir, 1000)
	served := newCrashServed()

	p := startCrashProc(t, bin, "run", "--config", cfg)
	addr, ok := p.serving(t, 30*time.Second)
	if !ok {
		t.Fatalf("daemon did not serve\n%s", p.logs)
	}
	up.waitAllFetched(t, 2, 30*time.Second)
	body, err := crashGet(addr, "/feed.atom")
	if err != nil {
		t.Fatal(err)
	}
	before := served.add(t, "before the disk filled", body)
	if before == 0 {
		t.Fatal("nothing served before the disk filled")
	}

	filler := crashFill(t, mnt)
	// Upstream adds items on every request: saving them must fail.
	full := p.logs.waitFor(t, 30*time.Second, 0, func(l string) bool {
		return strings.Contains(l, "is full") && strings.Contains(l, dataDir)
	})
	if full == "" {
		t.Fatalf("no error naming %s and a full disk within 30s; logs:\n%s", dataDir, p.logs)
	}
	t.Logf("error on a full disk: %s", full)
	up.waitAllFetched(t, 2, 30*time.Second) // more failed fetches while full
	for _, path := range []string{"/feed.atom", "/healthz", "/"} {
		body, err := crashGet(addr, path)
		if err != nil {
			t.Errorf("GET %s on a full disk: %v", path, err)
			continue
		}
		if path == "/feed.atom" {
			if n := served.add(t, "disk full", body); n < before {
				t.Errorf("on a full disk the feed has %d entries, had %d", n, before)
			}
		}
	}
	// Killed on the full disk and started again on it: the daemon either
	// serves what it has or exits with an error naming the data directory.
	p.kill(t)
	for _, l := range p.logs.lines() {
		crashNoCorruption(t, "disk full", l)
	}
	p = startCrashProc(t, bin, "run", "--config", cfg)
	restart := "served what it had"
	if addr, ok = p.servingOrExit(t, 30*time.Second); ok {
		body, err := crashGet(addr, "/feed.atom")
		if err != nil {
			t.Errorf("GET /feed.atom after a restart on a full disk: %v", err)
		} else if n := served.add(t, "restarted on a full disk", body); n < before {
			t.Errorf("restarted on a full disk, the feed has %d entries, had %d", n, before)
		}
	} else {
		msg := strings.TrimSpace(p.logs.String())
		if !strings.Contains(msg, dataDir) {
			t.Errorf("a daemon started on a full disk exited with an error that does not name %s:\n%s", dataDir, msg)
		}
		restart = "refused: " + msg
	}
	t.Logf("restarted on the full disk: %s", restart)

	freedAt := len(p.logs.lines())
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if !ok {
		p = startCrashProc(t, bin, "run", "--config", cfg)
		freedAt = 0
		if addr, ok = p.serving(t, 30*time.Second); !ok {
			t.Fatalf("daemon did not serve after the disk was freed\n%s", p.logs)
		}
	}
	// Freed: new items are stored again.
	stored := p.logs.waitFor(t, 30*time.Second, freedAt, func(l string) bool {
		return strings.Contains(l, `"msg":"fetched"`) && !strings.Contains(l, `"new":0`)
	})
	if stored == "" {
		t.Fatalf("no new items stored within 30s after the disk was freed; logs:\n%s", p.logs)
	}
	up.waitAllFetched(t, 2, 30*time.Second)
	body, err = crashGet(addr, "/feed.atom")
	if err != nil {
		t.Fatal(err)
	}
	if n := served.add(t, "after freeing the disk", body); n <= before {
		t.Errorf("after freeing the disk the feed has %d entries, want more than %d", n, before)
	}
	if err := p.stop(t); err != nil {
		t.Errorf("clean stop: %v\n%s", err, p.logs)
	}
	for _, l := range p.logs.lines() {
		crashNoCorruption(t, "disk full", l)
	}
	db := crashCheckDB(t, filepath.Join(dataDir, "govfeed.db"), served)
	t.Logf("RELIABILITY disk_full: tmpfs filled to ENOSPC under a running daemon; served %d entries before, kept serving, "+
		"SIGKILLed and restarted on the full disk (%s), recovered after freeing; items stored %d, distinct entries served %d, "+
		"lost %d, stored twice %d", before, restart, db.items, len(served.ids), db.lost, db.dups)
}

// testCrashDiskReadOnly starts govfeed on a data directory whose
// filesystem turned read-only, then again once it is writable.
func testCrashDiskReadOnly(t *testing.T, bin string) {
	mnt := crashMount(t, "size=16m")
	up := newCrashUpstream(t, 3, nil)
	dataDir := filepath.Join(mnt, "data")
	cfg := up.config(t, t.TempDir(), dataDir, 1000)
	served := newCrashServed()

	p := startCrashProc(t, bin, "run", "--config", cfg)
	addr, ok := p.serving(t, 30*time.Second)
	if !ok {
		t.Fatalf("daemon did not serve\n%s", p.logs)
	}
	up.waitAllFetched(t, 2, 30*time.Second)
	body, err := crashGet(addr, "/feed.atom")
	if err != nil {
		t.Fatal(err)
	}
	before := served.add(t, "before read-only", body)
	if err := p.stop(t); err != nil {
		t.Fatalf("clean stop: %v\n%s", err, p.logs)
	}

	// A mount with files open for writing cannot turn read-only, so the
	// disk turns read-only between two runs, as after a reboot.
	crashRemount(t, mnt, "ro")
	for _, args := range [][]string{{"run", "--config", cfg}, {"publish", "--config", cfg, "--out", t.TempDir()}} {
		p := startCrashProc(t, bin, args...)
		err := p.wait(t, 15*time.Second)
		if err == nil {
			t.Errorf("govfeed %s on a read-only data dir exited 0\n%s", args[0], p.logs)
			continue
		}
		msg := p.logs.String()
		if !strings.Contains(msg, dataDir) || !strings.Contains(msg, "read-only file system") {
			t.Errorf("govfeed %s on a read-only data dir: the error does not name %s and say read-only:\n%s", args[0], dataDir, msg)
		}
		t.Logf("govfeed %s on a read-only disk: %s", args[0], strings.TrimSpace(msg))
	}
	crashRemount(t, mnt, "rw")

	p = startCrashProc(t, bin, "run", "--config", cfg)
	if addr, ok = p.serving(t, 30*time.Second); !ok {
		t.Fatalf("daemon did not serve once the disk was writable again\n%s", p.logs)
	}
	up.waitAllFetched(t, 2, 30*time.Second)
	body, err = crashGet(addr, "/feed.atom")
	if err != nil {
		t.Fatal(err)
	}
	if n := served.add(t, "after read-only", body); n <= before {
		t.Errorf("after the disk turned writable the feed has %d entries, want more than %d", n, before)
	}
	if err := p.stop(t); err != nil {
		t.Errorf("clean stop: %v\n%s", err, p.logs)
	}
	db := crashCheckDB(t, filepath.Join(dataDir, "govfeed.db"), served)
	t.Logf("RELIABILITY disk_readonly: run and publish refused with a clear error; items stored %d, distinct entries served %d, lost %d, stored twice %d",
		db.items, len(served.ids), db.lost, db.dups)
}

// testCrashSecondDaemon starts a second govfeed run and publish on the data
// directory of a running daemon.
func testCrashSecondDaemon(t *testing.T, bin string) {
	up := newCrashUpstream(t, 2, nil)
	dir := t.TempDir()
	dataDir := filepath.Join(dir, "data")
	cfg := up.config(t, dir, dataDir, 100)

	first := startCrashProc(t, bin, "run", "--config", cfg)
	addr, ok := first.serving(t, 30*time.Second)
	if !ok {
		t.Fatalf("first daemon did not serve\n%s", first.logs)
	}
	pid := strconv.Itoa(first.cmd.Process.Pid)
	for _, args := range [][]string{{"run", "--config", cfg}, {"publish", "--config", cfg, "--out", t.TempDir()}} {
		second := startCrashProc(t, bin, args...)
		err := second.wait(t, 10*time.Second)
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 {
			t.Errorf("second govfeed %s: exit %v, want status 1\n%s", args[0], err, second.logs)
		}
		msg := second.logs.String()
		for _, want := range []string{dataDir, "another govfeed", "pid " + pid} {
			if !strings.Contains(msg, want) {
				t.Errorf("second govfeed %s: message lacks %q:\n%s", args[0], want, msg)
			}
		}
		t.Logf("second govfeed %s: %s", args[0], strings.TrimSpace(msg))
	}
	if _, err := crashGet(addr, "/healthz"); err != nil {
		t.Errorf("first daemon after the second was refused: %v", err)
	}
	if err := first.stop(t); err != nil {
		t.Errorf("first daemon stop: %v\n%s", err, first.logs)
	}
}

// crashProc is one run of the real binary.
type crashProc struct {
	cmd     *exec.Cmd
	logs    *crashLog
	started time.Time
	done    chan struct{} // closed when the process was reaped
	err     error         // cmd.Wait's result, valid after done
}

func startCrashProc(t *testing.T, bin string, args ...string) *crashProc {
	t.Helper()
	p := &crashProc{cmd: exec.Command(bin, args...), logs: &crashLog{}, done: make(chan struct{})}
	p.cmd.Stdout = io.Discard
	p.cmd.Stderr = p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start govfeed %s: %v", args[0], err)
	}
	p.started = time.Now()
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	// Cleanups run last-in first-out: the process dies before the unmount
	// or removal of a directory made before it started.
	t.Cleanup(func() { p.kill(t) })
	return p
}

// serving waits up to d for the daemon's "serving" log line and returns
// its address; false if d passed first. It fails if the daemon exits.
func (p *crashProc) serving(t *testing.T, d time.Duration) (string, bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		if addr := p.logs.addr(); addr != "" {
			return addr, true
		}
		select {
		case <-p.done:
			t.Fatalf("daemon exited before serving: %v\n%s", p.err, p.logs)
		default:
		}
		if time.Now().After(deadline) {
			return "", false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// servingOrExit is serving, except that a process that exits first is no
// failure: it returns false then. It fails if neither happens within d.
func (p *crashProc) servingOrExit(t *testing.T, d time.Duration) (string, bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		if addr := p.logs.addr(); addr != "" {
			return addr, true
		}
		select {
		case <-p.done:
			return "", false
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("daemon neither served nor exited within %v\n%s", d, p.logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// kill sends SIGKILL (if the process still runs) and reaps it.
func (p *crashProc) kill(t *testing.T) {
	t.Helper()
	_ = p.cmd.Process.Kill()
	<-p.done
}

// killAfter kills the process after d unless it ended first; it reports
// whether the kill interrupted it. A process that ended must have exited 0.
func (p *crashProc) killAfter(t *testing.T, d time.Duration) bool {
	t.Helper()
	select {
	case <-p.done:
		if p.err != nil {
			t.Errorf("govfeed %s failed: %v\n%s", p.cmd.Args[1], p.err, p.logs)
		}
		return false
	case <-time.After(d):
		p.kill(t)
		return true
	}
}

// stop sends SIGTERM and returns the exit error.
func (p *crashProc) stop(t *testing.T) error {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	return p.wait(t, 30*time.Second)
}

// wait waits up to d for the process to exit and returns cmd.Wait's error.
func (p *crashProc) wait(t *testing.T, d time.Duration) error {
	t.Helper()
	select {
	case <-p.done:
		return p.err
	case <-time.After(d):
		p.kill(t)
		t.Fatalf("govfeed %s did not exit within %v\n%s", p.cmd.Args[1], d, p.logs)
		return nil
	}
}

// crashLog collects a process's stderr line by line.
type crashLog struct {
	mu      sync.Mutex
	partial []byte
	all     []string
	serving string
}

func (l *crashLog) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.partial = append(l.partial, b...)
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			return len(b), nil
		}
		line := string(l.partial[:i])
		l.partial = l.partial[i+1:]
		l.all = append(l.all, line)
		var rec struct{ Msg, Addr string }
		if l.serving == "" && json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "serving" {
			l.serving = rec.Addr
		}
	}
}

func (l *crashLog) addr() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.serving
}

func (l *crashLog) lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.all...)
}

func (l *crashLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.all, "\n") + string(l.partial)
}

// waitFor returns the first line from line index start on that match
// accepts, waiting up to d; "" if none came.
func (l *crashLog) waitFor(t *testing.T, d time.Duration, start int, match func(string) bool) string {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		lines := l.lines()
		for _, line := range lines[min(start, len(lines)):] {
			if match(line) {
				return line
			}
		}
		if time.Now().After(deadline) {
			return ""
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// crashNoCorruption fails on a log line that reports a corrupt database.
func crashNoCorruption(t *testing.T, when, line string) {
	t.Helper()
	l := strings.ToLower(line)
	if strings.Contains(l, "malformed") || strings.Contains(l, "corrupt") {
		t.Errorf("%s: the daemon reported corruption: %s", when, line)
	}
}

// crashGet fetches path from a daemon and requires a 200.
func crashGet(addr, path string) ([]byte, error) {
	c := &http.Client{Timeout: 20 * time.Second}
	resp, err := c.Get("http://" + addr + path)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: status %d: %s", path, resp.StatusCode, b)
	}
	return b, nil
}

// crashServed is every entry the daemon ever served: entry id -> link.
type crashServed struct {
	ids       map[string]string
	links     map[string]string // link -> entry id
	snapshots int
}

func newCrashServed() *crashServed {
	return &crashServed{ids: map[string]string{}, links: map[string]string{}}
}

// add records the entries of one served Atom feed and returns how many it
// has. An id or link twice in one feed, or a link served under two ids
// over time, is an error.
func (s *crashServed) add(t *testing.T, when string, body []byte) int {
	t.Helper()
	var feed struct {
		Entries []struct {
			ID    string `xml:"id"`
			Links []struct {
				Rel  string `xml:"rel,attr"`
				Href string `xml:"href,attr"`
			} `xml:"link"`
			Categories []struct {
				Term string `xml:"term,attr"`
			} `xml:"category"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(body, &feed); err != nil {
		t.Errorf("%s: served feed is not XML: %v", when, err)
		return 0
	}
	s.snapshots++
	ids, links := map[string]bool{}, map[string]bool{}
	n := 0
	for _, e := range feed.Entries {
		if len(e.Categories) > 0 && e.Categories[0].Term == "govfeed-status" {
			continue
		}
		var link string
		for _, l := range e.Links {
			if l.Rel == "" || l.Rel == "alternate" {
				link = l.Href
				break
			}
		}
		n++
		if ids[e.ID] || links[link] {
			t.Errorf("%s: entry %s (%s) appears twice in one feed", when, e.ID, link)
		}
		ids[e.ID], links[link] = true, true
		if old, ok := s.links[link]; ok && old != e.ID {
			t.Errorf("%s: link %s served as %s, earlier as %s", when, link, e.ID, old)
		}
		s.links[link] = e.ID
		if _, ok := s.ids[e.ID]; !ok {
			s.ids[e.ID] = link
		}
	}
	return n
}

// crashDB is what crashCheckDB found.
type crashDB struct {
	items, lost, dups, joined int // joined: items in another item's story
}

// crashCheckDB opens the database read-only and checks its integrity, that
// no key or link is stored twice per source, and that every served entry
// is stored under its entry id.
func crashCheckDB(t *testing.T, dbPath string, served *crashServed) crashDB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+dbPath+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	rows, err := db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		t.Fatalf("integrity_check %s: %v", dbPath, err)
	}
	var check []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		check = append(check, s)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if len(check) != 1 || check[0] != "ok" {
		t.Errorf("PRAGMA integrity_check on %s = %q, want ok", dbPath, check)
	}
	var res crashDB
	for _, q := range []struct {
		what, sql string
		n         *int
	}{
		{"foreign key violations", "SELECT count(*) FROM pragma_foreign_key_check", new(int)},
		{"keys stored twice", "SELECT count(*) FROM (SELECT 1 FROM items GROUP BY source_id, key HAVING count(*) > 1)", &res.dups},
		{"links stored twice", "SELECT count(*) FROM (SELECT 1 FROM items GROUP BY source_id, link HAVING count(*) > 1)", new(int)},
		{"items in no stored story", "SELECT count(*) FROM items WHERE story_id NOT IN (SELECT id FROM items)", new(int)},
	} {
		if err := db.QueryRowContext(ctx, q.sql).Scan(q.n); err != nil {
			t.Fatalf("%s: %v", q.what, err)
		}
		if *q.n != 0 {
			t.Errorf("%s: %d", q.what, *q.n)
		}
	}
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM items WHERE story_id != id").Scan(&res.joined); err != nil {
		t.Fatal(err)
	}

	type item struct {
		link  string
		story int64
	}
	byEntry := map[string]item{}
	byLink := map[string][]item{}
	rows, err = db.QueryContext(ctx, "SELECT source_id, key, link, story_id FROM items")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var src, key string
		var it item
		if err := rows.Scan(&src, &key, &it.link, &it.story); err != nil {
			t.Fatal(err)
		}
		byEntry[publish.EntryID(src, key)] = it
		byLink[it.link] = append(byLink[it.link], it)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	for id, link := range served.ids {
		it, ok := byEntry[id]
		if !ok {
			res.lost++
			t.Errorf("served entry %s (%s) is not stored", id, link)
			continue
		}
		if it.link == link {
			continue
		}
		// A story entry links to its primary report, which may be another
		// item of the story.
		same := false
		for _, o := range byLink[link] {
			same = same || o.story == it.story
		}
		if !same {
			t.Errorf("served entry %s linked to %s; stored with link %s and no item of its story has that link", id, link, it.link)
		}
	}
	if res.lost > 0 {
		t.Errorf("%d of %d served entries lost", res.lost, len(served.ids))
	}
	res.items = len(byEntry)
	return res
}

// crashCheckStatic checks every file a (possibly killed) publish left in
// dir: each visible file is complete; temporary files are hidden dotfiles.
// It returns the numbers of visible and temporary files.
func crashCheckStatic(t *testing.T, dir string) (files, temps int) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name := d.Name()
		if strings.HasPrefix(name, ".") {
			if !strings.HasSuffix(name, ".tmp") {
				t.Errorf("unexpected hidden file %s", p)
			}
			temps++
			return nil
		}
		files++
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := crashComplete(name, b); err != nil {
			t.Errorf("published file %s is not complete: %v", p, err)
		}
		return nil
	})
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Errorf("walk %s: %v", dir, err)
	}
	return files, temps
}

// crashComplete checks that b is a whole file of the kind its name says.
func crashComplete(name string, b []byte) error {
	if base, ok := strings.CutSuffix(name, ".gz"); ok {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return err
		}
		inner, err := io.ReadAll(zr) // checks the CRC and length trailer
		if err != nil {
			return err
		}
		return crashComplete(base, inner)
	}
	switch path.Ext(name) {
	case ".atom", ".rss":
		return crashWellFormed(b)
	case ".json":
		if !json.Valid(b) {
			return errors.New("invalid JSON")
		}
	case ".png":
		if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) || !bytes.HasSuffix(b, []byte("IEND\xaeB`\x82")) {
			return errors.New("truncated PNG")
		}
	case ".ico":
		if !bytes.HasPrefix(b, []byte{0, 0, 1, 0}) || len(b) < 22 {
			return errors.New("truncated ICO")
		}
	default:
		return errors.New("unexpected file")
	}
	return nil
}

// crashWellFormed checks that b is one complete XML document.
func crashWellFormed(b []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(b))
	depth, roots := 0, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			depth++
		case xml.EndElement:
			depth--
		}
	}
	if depth != 0 || roots != 1 {
		return fmt.Errorf("%d root elements, %d left open", roots, depth)
	}
	return nil
}

// crashMount mounts a tmpfs with opts on a temporary directory, or skips
// the test when this process may not mount.
func crashMount(t *testing.T, opts string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", opts, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs (needs root or CAP_SYS_ADMIN): %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

func crashRemount(t *testing.T, dir, mode string) {
	t.Helper()
	if out, err := exec.Command("mount", "-o", "remount,"+mode, dir).CombinedOutput(); err != nil {
		t.Fatalf("remount %s %s: %v: %s", dir, mode, err, out)
	}
}

// crashFill fills the filesystem of dir to the last byte with one file,
// whose path it returns.
func crashFill(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "filler")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, n := range []int{1 << 20, 4 << 10, 1} {
		buf := make([]byte, n)
		for {
			if _, err := f.Write(buf); err != nil {
				if !errors.Is(err, syscall.ENOSPC) {
					t.Fatalf("fill %s: %v", dir, err)
				}
				break
			}
		}
	}
	return p
}

// crashUpstream serves feeds that grow on every request: feed i answers
// at /f/i with its newest items, crashPerRequest more each time. Big feeds
// list many long items and send them slowly, so fetches take time.
type crashUpstream struct {
	srv      *httptest.Server
	t0       time.Time
	big      map[int]bool
	inflight atomic.Int64

	mu   sync.Mutex
	reqs []int // requests answered per feed
}

const (
	crashPerRequest = 1   // new items per request
	crashWindow     = 30  // items listed by a feed
	crashBigWindow  = 100 // items listed by a big feed
)

func newCrashUpstream(t *testing.T, feeds int, big map[int]bool) *crashUpstream {
	t.Helper()
	u := &crashUpstream{t0: time.Now().UTC().Truncate(time.Second), big: big, reqs: make([]int, feeds)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /f/{i}", func(w http.ResponseWriter, r *http.Request) {
		u.inflight.Add(1)
		defer u.inflight.Add(-1)
		i, err := strconv.Atoi(r.PathValue("i"))
		if err != nil || i < 0 || i >= feeds {
			http.NotFound(w, r)
			return
		}
		u.mu.Lock()
		u.reqs[i]++
		newest := u.reqs[i] * crashPerRequest
		u.mu.Unlock()
		body := u.feed(i, newest)
		if i%2 == 0 {
			w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		} else {
			w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
		}
		if !u.big[i] {
			_, _ = w.Write(body)
			return
		}
		// Ten chunks 30ms apart: a big fetch is in flight for 300ms.
		chunk := len(body)/10 + 1
		for len(body) > 0 {
			n := min(chunk, len(body))
			if _, err := w.Write(body[:n]); err != nil {
				return
			}
			body = body[n:]
			w.(http.Flusher).Flush()
			time.Sleep(30 * time.Millisecond)
		}
	})
	u.srv = httptest.NewServer(mux)
	t.Cleanup(u.srv.Close)
	return u
}

// crashChars are the characters of the generated Chinese text.
const crashChars = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞"

// crashText is n characters of text that depend only on (feed, item), so
// an item reads the same on every request and items do not resemble one
// another.
func crashText(feed, item, n int) string {
	chars := []rune(crashChars)
	rng := rand.New(rand.NewPCG(uint64(feed), uint64(item)))
	var b strings.Builder
	for range n {
		b.WriteRune(chars[rng.IntN(len(chars))])
	}
	return b.String()
}

// feed renders feed i listing items newest down to the window's start.
func (u *crashUpstream) feed(i, newest int) []byte {
	window, size := crashWindow, 80
	if u.big[i] {
		window, size = crashBigWindow, 1500
	}
	var b bytes.Buffer
	home := fmt.Sprintf("https://f%d.gov.cn/", i)
	atom := i%2 == 1
	if atom {
		fmt.Fprintf(&b, `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Feed %d</title><id>urn:crash:%d</id><updated>%s</updated><link href="%s"/>`+"\n",
			i, i, u.t0.Format(time.RFC3339), home)
	} else {
		fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Feed %d</title><link>%s</link><description>d</description>`+"\n", i, home)
	}
	for n := newest; n > max(0, newest-window); n-- {
		link := fmt.Sprintf("%sa/%d.html", home, n)
		title := fmt.Sprintf("%d号通知 %s", n, crashText(i, n, 12))
		body := "<p>" + crashText(i, -n, size) + "</p>"
		pub := u.t0.Add(time.Duration(n) * time.Second)
		if atom {
			fmt.Fprintf(&b, `<entry><title>%s</title><id>urn:crash:%d:%d</id><link href="%s"/><updated>%s</updated><published>%[4]s</published><content type="html">%s</content></entry>`+"\n",
				title, i, n, link, pub.Format(time.RFC3339), html.EscapeString(body))
		} else {
			fmt.Fprintf(&b, `<item><title>%s</title><link>%s</link><guid isPermaLink="false">f%d-%d</guid><pubDate>%s</pubDate><description><![CDATA[%s]]></description></item>`+"\n",
				title, link, i, n, pub.Format(time.RFC1123Z), body)
		}
	}
	if atom {
		b.WriteString("</feed>\n")
	} else {
		b.WriteString("</channel></rss>\n")
	}
	return b.Bytes()
}

// waitAllFetched waits until every feed has answered n more requests than
// now. The daemon never fetches a source twice at once, so the n-1 first
// of those fetches have ended, their items saved or their failure recorded.
func (u *crashUpstream) waitAllFetched(t *testing.T, n int, d time.Duration) {
	t.Helper()
	u.mu.Lock()
	from := append([]int(nil), u.reqs...)
	u.mu.Unlock()
	deadline := time.Now().Add(d)
	for {
		u.mu.Lock()
		done := true
		for i, r := range u.reqs {
			done = done && r >= from[i]+n
		}
		u.mu.Unlock()
		if done {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the feeds were not fetched %d more times within %v", n, d)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// config writes a config for the daemon into dir: every feed on "@every
// 1s" without jitter, no retention limit (nothing served may go away),
// JSON logs at info level (the test reads the "serving" line).
func (u *crashUpstream) config(t *testing.T, dir, dataDir string, entries int) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, `listen: 127.0.0.1:0
data_dir: %s
feed:
  title: Crash test
  base_url: http://feeds.example.test
  entries: %d
defaults:
  schedule: "@every 1s"
  jitter: 0s
  timeout: 20s
  grace: 1s
  concurrency: 8
  per_host: 32
  delay: 0s
  retention: {max_age: 0s, max_items: 0}
  user_agent: "govfeed-crash-test (+https://example.test/contact)"
log:
  level: info
  format: json
sources:
`, dataDir, entries)
	for i := range u.reqs {
		tag := "small"
		if u.big[i] {
			tag = "big"
		}
		fmt.Fprintf(&b, "  - {id: f%02d, name: Feed %d, url: %q, tags: [%s]}\n", i, i, fmt.Sprintf("%s/f/%d", u.srv.URL, i), tag)
	}
	p := filepath.Join(dir, "govfeed.yaml")
	writeFile(t, p, b.String())
	return p
}

// TestCrashCompleteCatchesDamage checks the static-file check itself: a
// file cut anywhere is caught.
func TestCrashCompleteCatchesDamage(t *testing.T) {
	atom := []byte(`<?xml version="1.0" encoding="utf-8"?>` + "\n" +
		`<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><title>标题</title></entry></feed>` + "\n")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	if _, err := zw.Write(atom); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	whole := map[string][]byte{
		"feed.atom":    atom,
		"feed.atom.gz": gz.Bytes(),
		"feed.json":    []byte(`{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1"}]}`),
	}
	for name, b := range whole {
		if err := crashComplete(name, b); err != nil {
			t.Errorf("%s whole: %v", name, err)
		}
		n := len(bytes.TrimRight(b, "\n")) // a cut final newline leaves a whole document
		for _, cut := range []int{0, 1, n / 2, n - 8, n - 1} {
			if err := crashComplete(name, b[:cut]); err == nil {
				t.Errorf("%s cut at %d of %d bytes passed", name, cut, len(b))
			}
		}
	}
	if err := crashComplete("feed.html", []byte("<p>")); err == nil {
		t.Error("an unexpected file name passed")
	}
}
