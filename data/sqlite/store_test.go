package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/govfeed/govfeed/data"
)

func TestReopenKeepsEverything(t *testing.T) {
	dir := t.TempDir()
	c := newClock(t0)
	ctx := context.Background()
	s, err := Open(ctx, dir, Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	st := data.SourceState{SourceID: "src", ETag: `"e"`, LastSuccess: t0, Failures: 1, LastYield: 4}
	items := daily(3)
	items = append(items, item("oldest-last", t0.Add(-30*day))) // highest ID, pruned below
	if _, err := s.Save(ctx, data.FetchResult{State: st, Items: items}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Prune(ctx, "src", 0, 3); err != nil {
		t.Fatal(err)
	}
	before := recent(t, s, data.Query{})
	maxID := int64(4) // "oldest-last" had id 4 before it was pruned
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s2 := openStore(t, dir, c)
	if got, err := s2.State(ctx, "src"); err != nil || !cmp.Equal(st, got) {
		t.Errorf("State after reopen = %+v, %v; want %+v", got, err, st)
	}
	if diff := cmp.Diff(before, recent(t, s2, data.Query{})); diff != "" {
		t.Errorf("items after reopen (-before +after):\n%s", diff)
	}
	if got := save(t, s2, "src", items...); got != (data.SaveStats{Unchanged: 3, Skipped: 1}) {
		t.Errorf("Save after reopen: stats = %+v, want 3 unchanged, 1 skipped (tombstone kept)", got)
	}
	save(t, s2, "src", item("fresh", t0))
	if id := byKey(t, s2, "src")["fresh"].ID; id <= maxID {
		t.Errorf("new item got ID %d, want > %d (IDs are never reused)", id, maxID)
	}
}

func TestOpenLocked(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	first, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	second, err := Open(ctx, dir, Options{})
	if !errors.Is(err, ErrLocked) {
		if second != nil {
			_ = second.Close()
		}
		t.Fatalf("second Open error = %v, want ErrLocked", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "another govfeed") || !strings.Contains(msg, filepath.Join(dir, lockName)) ||
		!strings.Contains(msg, fmt.Sprintf("pid %d", os.Getpid())) {
		t.Errorf("lock error %q does not say another govfeed (pid) holds the lock file", msg)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if err := first.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	third, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	if err := third.Ping(ctx); err != nil {
		t.Errorf("Ping: %v", err)
	}
	if err := third.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestMigrateFromEmptyFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, dbName), nil, 0o640); err != nil {
		t.Fatal(err)
	}
	s := openStore(t, dir, newClock(t0))
	var version int
	var mode string
	if err := s.w.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if version != len(migrations) || version == 0 {
		t.Errorf("user_version = %d, want %d", version, len(migrations))
	}
	if err := s.w.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	for _, table := range []string{"sources", "items", "tombstones"} {
		var n int
		if err := s.r.QueryRow("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?", table).Scan(&n); err != nil || n != 1 {
			t.Errorf("table %s: count %d, err %v", table, n, err)
		}
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	dir := t.TempDir()
	db, err := sql.Open("sqlite", filepath.Join(dir, dbName))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := Open(context.Background(), dir, Options{})
	if err == nil {
		_ = s.Close()
		t.Fatal("Open of a newer schema succeeded")
	}
	if !strings.Contains(err.Error(), "schema version 99") {
		t.Errorf("error %q does not name the schema version", err)
	}
	// The failed Open released the lock: trying again meets the schema, not the lock.
	if s, err := Open(context.Background(), dir, Options{}); err == nil || errors.Is(err, ErrLocked) {
		if s != nil {
			_ = s.Close()
		}
		t.Errorf("second Open after a failed one: %v; want the schema error again", err)
	}
}

func TestOpenReadOnlyDirectory(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root: root ignores directory permissions, so a read-only directory cannot be simulated")
	}
	dir := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(dir, 0o700) })
	s, err := Open(context.Background(), dir, Options{})
	if err == nil {
		_ = s.Close()
		t.Fatal("Open on a read-only directory succeeded")
	}
	if !strings.Contains(err.Error(), dir) || !errors.Is(err, os.ErrPermission) {
		t.Errorf("error %q does not name %s or is not a permission error", err, dir)
	}
}

func TestOpenOnAFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(context.Background(), file, Options{})
	if err == nil {
		_ = s.Close()
		t.Fatal("Open on a regular file succeeded")
	}
	if !strings.Contains(err.Error(), file) {
		t.Errorf("error %q does not name %s", err, file)
	}
}

func TestStats(t *testing.T) {
	s, c := newStore(t)
	ctx := context.Background()
	save(t, s, "a", daily(4)...)
	c.Advance(time.Hour)
	save(t, s, "b", item("x", t0))
	if _, err := s.Save(ctx, data.FetchResult{State: data.SourceState{SourceID: "empty"}}); err != nil {
		t.Fatal(err)
	}
	c.Advance(time.Hour)
	if _, err := s.Prune(ctx, "a", 0, 1); err != nil {
		t.Fatal(err)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Items != 2 || st.Tombstones != 3 || !cmp.Equal(st.PerSource, map[string]int{"a": 1, "b": 1, "empty": 0}) {
		t.Errorf("Stats = %+v; want 2 items, 3 tombstones, per source a:1 b:1 empty:0", st)
	}
	fi, err := os.Stat(s.path)
	if err != nil {
		t.Fatal(err)
	}
	// The default page size is 4096; the file may lag behind in WAL mode.
	if st.DBBytes == 0 || st.DBBytes%4096 != 0 || st.DBBytes < fi.Size() {
		t.Errorf("DBBytes = %d, want a non-zero multiple of 4096 >= the file size %d", st.DBBytes, fi.Size())
	}
}

// TestIntegrityAfterMixedWorkload runs inserts, updates, prunes and
// reinserts across sources and checks the database file.
func TestIntegrityAfterMixedWorkload(t *testing.T) {
	s, c := newStore(t)
	ctx := context.Background()
	for round := range 12 {
		for _, src := range []string{"a", "b", "c"} {
			items := manyItems(src, 30, c.Now())
			for i := range items {
				if (i+round)%4 == 0 {
					items[i].Content += fmt.Sprintf(" rev %d", round)
				}
			}
			save(t, s, src, items...)
			if _, err := s.Prune(ctx, src, 40*time.Hour, 20+round%5); err != nil {
				t.Fatal(err)
			}
		}
		c.Advance(5 * day)
	}
	for _, check := range []string{"PRAGMA integrity_check", "PRAGMA foreign_key_check"} {
		rows, err := s.w.Query(check)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprint(vals...))
		}
		_ = rows.Close()
		want := []string{"ok"}
		if check == "PRAGMA foreign_key_check" {
			want = nil
		}
		if !cmp.Equal(want, out) {
			t.Errorf("%s = %q, want %q", check, out, want)
		}
	}
}

// TestConcurrentSavesAndReads saves from several goroutines while others
// read; none may see an error such as "database is locked".
func TestConcurrentSavesAndReads(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	const writers, readers, rounds = 4, 4, 15
	var wg sync.WaitGroup
	errs := make(chan error, writers*rounds+readers*rounds)
	for w := range writers {
		wg.Go(func() {
			src := fmt.Sprintf("s%d", w)
			for r := range rounds {
				items := manyItems(fmt.Sprintf("r%d-", r), 10, t0)
				if _, err := s.Save(ctx, data.FetchResult{State: data.SourceState{SourceID: src, LastYield: r}, Items: items}); err != nil {
					errs <- err
				}
				if r%5 == 4 {
					if _, err := s.Prune(ctx, src, 0, 100); err != nil {
						errs <- err
					}
				}
			}
		})
	}
	for range readers {
		wg.Go(func() {
			for r := range rounds {
				if _, err := s.Recent(ctx, data.Query{Limit: 20}); err != nil {
					errs <- err
				}
				if _, err := s.State(ctx, fmt.Sprintf("s%d", r%writers)); err != nil {
					errs <- err
				}
				if _, err := s.Known(ctx, "s0", []string{"r0-000", "r1-001"}); err != nil {
					errs <- err
				}
				if _, err := s.Stats(ctx); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for w := range writers {
		if n := st.PerSource[fmt.Sprintf("s%d", w)]; n != 100 {
			t.Errorf("source s%d has %d items, want 100 (150 saved, pruned to 100)", w, n)
		}
	}
}

// TestSaveDiskFull fills the database (max_page_count stands in for a full
// disk): the error names the database file and nothing is half-written.
func TestSaveDiskFull(t *testing.T) {
	s, _ := newStore(t)
	save(t, s, "src", item("a", t0))
	var pages int
	if err := s.w.QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.Exec(fmt.Sprintf("PRAGMA max_page_count = %d", pages+2)); err != nil {
		t.Fatal(err)
	}
	big := manyItems("big", 20, t0)
	for i := range big {
		big[i].Content = "<p>" + noise(6000, uint32(i)) + "</p>" // does not compress away
	}
	_, err := s.Save(context.Background(), data.FetchResult{State: data.SourceState{SourceID: "src"}, Items: big})
	if err == nil {
		t.Fatal("Save into a full database succeeded")
	}
	if msg := err.Error(); !strings.Contains(msg, s.path) || !strings.Contains(msg, "full") || !strings.Contains(msg, `"src"`) {
		t.Errorf("error %q does not name the source, the database file and the cause", msg)
	}
	if got := keys(recent(t, s, data.Query{})); !cmp.Equal(got, []string{"a"}) {
		t.Errorf("items after the failed Save = %v, want [a]", got)
	}
}
