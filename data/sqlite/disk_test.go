package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/govfeed/govfeed/data"
)

// mountTmpfs mounts a tmpfs with opts on a temporary directory, or skips
// the test when this process may not mount (it needs root).
func mountTmpfs(t *testing.T, opts string) string {
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

func remount(t *testing.T, dir, mode string) {
	t.Helper()
	if out, err := exec.Command("mount", "-o", "remount,"+mode, dir).CombinedOutput(); err != nil {
		t.Fatalf("remount %s %s: %v: %s", dir, mode, err, out)
	}
}

// fillDisk fills the filesystem of dir with one file and returns its path.
func fillDisk(t *testing.T, dir string) string {
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

// bulkyItems are n items of about 4 KB each, keyed prefix000...
func bulkyItems(prefix string, n int) []data.Item {
	items := manyItems(prefix, n, t0)
	for i := range items {
		items[i].Content = "<p>" + strings.Repeat(fmt.Sprintf("%s %d 政府工作报告 ", prefix, i), 150) + "</p>"
	}
	return items
}

// storedKeys reads every key of the store with its integrity check.
func storedKeys(t *testing.T, s *Store) map[string]bool {
	t.Helper()
	var ok string
	if err := s.r.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Errorf("integrity_check = %q, %v; want ok", ok, err)
	}
	rows, err := s.r.Query("SELECT key FROM items")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	keys := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		keys[k] = true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return keys
}

func TestSaveOnFullDisk(t *testing.T) {
	dir := filepath.Join(mountTmpfs(t, "size=4m"), "data")
	ctx := context.Background()
	s, err := Open(ctx, dir, Options{Now: newClock(t0).Now})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	committed := map[string]bool{}
	saveBatch := func(prefix string) error {
		items := bulkyItems(prefix, 20)
		_, err := s.Save(ctx, data.FetchResult{State: data.SourceState{SourceID: "src"}, Items: items})
		if err == nil {
			for _, it := range items {
				committed[it.Key] = true
			}
		}
		return err
	}
	for i := range 3 {
		if err := saveBatch(fmt.Sprintf("before%d-", i)); err != nil {
			t.Fatalf("save before the disk filled: %v", err)
		}
	}

	filler := fillDisk(t, filepath.Dir(dir))
	// Pages freed by a WAL reset may take a few batches; then saves fail.
	var full error
	for i := 0; i < 200 && full == nil; i++ {
		full = saveBatch(fmt.Sprintf("full%d-", i))
	}
	if full == nil {
		t.Fatal("200 batches of 80 KB saved on a full 4 MB disk")
	}
	t.Logf("%d items committed; then: %v", len(committed), full)
	var se *sqlite.Error
	if !errors.As(full, &se) || se.Code()&0xff != sqlite3.SQLITE_FULL {
		t.Errorf("save on a full disk: %v, want an SQLITE_FULL error", full)
	}
	if want := filepath.Join(dir, dbName); !strings.Contains(full.Error(), want) || !strings.Contains(full.Error(), `source "src"`) {
		t.Errorf("save on a full disk: %q names neither %s nor the source", full, want)
	}
	if err := s.Ping(ctx); err != nil {
		t.Errorf("ping on a full disk: %v", err)
	}
	if got := storedKeys(t, s); len(got) != len(committed) {
		t.Errorf("on a full disk %d items are readable, %d were committed", len(got), len(committed))
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if err := saveBatch("after-"); err != nil {
		t.Fatalf("save after the disk was freed: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	s = openStore(t, dir, newClock(t0))
	got := storedKeys(t, s)
	for k := range committed {
		if !got[k] {
			t.Errorf("committed item %s lost", k)
		}
	}
	if len(got) != len(committed) {
		t.Errorf("reopened store has %d items, %d were committed", len(got), len(committed))
	}
}

func TestOpenOnReadOnlyDisk(t *testing.T) {
	mnt := mountTmpfs(t, "size=4m")
	dir := filepath.Join(mnt, "data")
	ctx := context.Background()
	s, err := Open(ctx, dir, Options{Now: newClock(t0).Now})
	if err != nil {
		t.Fatal(err)
	}
	save(t, s, "src", manyItems("k", 10, t0)...)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	remount(t, mnt, "ro")
	_, err = Open(ctx, dir, Options{})
	if err == nil {
		t.Fatal("Open on a read-only disk succeeded")
	}
	t.Logf("Open on a read-only disk: %v", err)
	if !errors.Is(err, syscall.EROFS) || !strings.Contains(err.Error(), dir) {
		t.Errorf("Open on a read-only disk: %v; want EROFS naming %s", err, dir)
	}
	remount(t, mnt, "rw")

	s = openStore(t, dir, newClock(t0))
	if got := storedKeys(t, s); len(got) != 10 {
		t.Errorf("after the disk turned writable the store has %d items, want 10", len(got))
	}
}
