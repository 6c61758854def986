package publish

import (
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestWriteStatic(t *testing.T) {
	p, _, _ := newTest(t, Options{})
	srv := serve(t, p)
	dir := t.TempDir()
	// A previous run's file is replaced, not appended to.
	if err := os.WriteFile(filepath.Join(dir, "feed.atom"), []byte("stale"), 0o644); err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second run replaces the first run's files
		written, err := p.WriteStatic(t.Context(), dir)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"feed.atom", "feed.atom.gz", "sources/cq.atom", "sources/cq.atom.gz", "sources/gd.atom", "sources/gd.atom.gz"}
		for i, w := range want {
			want[i] = filepath.Join(dir, filepath.FromSlash(w))
		}
		if diff := cmp.Diff(want, written); diff != "" {
			t.Errorf("files written (-want +got):\n%s", diff)
		}
	}
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, path)
			files = append(files, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	if diff := cmp.Diff([]string{"feed.atom", "feed.atom.gz", "sources/cq.atom", "sources/cq.atom.gz", "sources/gd.atom", "sources/gd.atom.gz"}, files); diff != "" {
		t.Errorf("files in dir, temporary files left? (-want +got):\n%s", diff)
	}
	for _, path := range []string{"/feed.atom", "/sources/cq.atom", "/sources/gd.atom"} {
		name := filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(path, "/")))
		for _, v := range []struct {
			suffix, encoding string
		}{{"", "identity"}, {".gz", "gzip"}} {
			resp, served := fetch(t, srv, http.MethodGet, path, http.Header{"Accept-Encoding": {v.encoding}})
			file, err := os.ReadFile(name + v.suffix)
			if err != nil {
				t.Fatal(err)
			}
			if string(file) != string(served) {
				t.Errorf("%s%s differs from what %s serves with %s", name, v.suffix, path, v.encoding)
			}
			fi, err := os.Stat(name + v.suffix)
			if err != nil {
				t.Fatal(err)
			}
			lm, _ := http.ParseTime(resp.Header.Get("Last-Modified"))
			if !fi.ModTime().Equal(lm) || fi.Mode().Perm() != 0o644 {
				t.Errorf("%s%s: mtime %v mode %v, want Last-Modified %v and 0644", name, v.suffix, fi.ModTime(), fi.Mode(), lm)
			}
		}
	}
}

func TestWriteStaticFailureLeavesNoTemp(t *testing.T) {
	p, st, _ := newTest(t, Options{})
	dir := t.TempDir()
	st.set(func(s *fakeStore) { s.err = errors.New("store down") })
	if _, err := p.WriteStatic(t.Context(), dir); err == nil {
		t.Fatal("WriteStatic with a failing store returned no error")
	}
	// A directory in the way makes the rename fail after the temporary
	// file was written; that file must be removed.
	st.set(func(s *fakeStore) { s.err = nil })
	p.Invalidate()
	if err := os.MkdirAll(filepath.Join(dir, "feed.atom", "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := p.WriteStatic(t.Context(), dir); err == nil {
		t.Fatal("WriteStatic over a directory returned no error")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

func TestWriteAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	mtime := time.Date(2026, 6, 16, 11, 0, 0, 0, time.UTC)
	for _, content := range []string{"one", "two"} {
		if err := writeAtomic(path, []byte(content), mtime); err != nil {
			t.Fatal(err)
		}
		if b, err := os.ReadFile(path); err != nil || string(b) != content {
			t.Errorf("file holds %q (%v), want %q", b, err, content)
		}
	}
	if err := writeAtomic(filepath.Join(dir, "missing", "f"), []byte("x"), mtime); err == nil {
		t.Error("writeAtomic into a missing directory returned no error")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("dir holds %d entries, want only f", len(entries))
	}
}
