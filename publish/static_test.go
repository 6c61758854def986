package publish

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govfeed/govfeed/publish/internal/atomtest"
)

func TestWriteStatic(t *testing.T) {
	p, _, _ := newTest(t, Options{})
	srv := serve(t, p)
	dir := t.TempDir()
	// A previous run's file is replaced, not appended to.
	if err := os.WriteFile(filepath.Join(dir, "feed.atom"), []byte("stale"), 0o644); err != nil {
		t.Fatal(err)
	}
	var docs []string // every feed document, with a slash
	for _, base := range []string{"feed", "sources/cq", "sources/gd", "tags/chongqing", "tags/guangdong", "tags/省政府", "archive/0"} {
		for _, ext := range []string{".atom", ".rss", ".json"} {
			docs = append(docs, base+ext)
		}
	}
	var want []string
	for _, d := range docs {
		want = append(want, d, d+".gz")
	}
	want = append(want, "icon.png", "logo.png", "favicon.ico")
	for range 2 { // the second run finds every file up to date
		written, err := p.WriteStatic(t.Context(), dir)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, w := range written {
			rel, _ := filepath.Rel(dir, w)
			got = append(got, filepath.ToSlash(rel))
		}
		if diff := cmp.Diff(want, got); diff != "" {
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
	sorted := slices.Sorted(slices.Values(want))
	if diff := cmp.Diff(sorted, files); diff != "" {
		t.Errorf("files in dir, temporary files left? (-want +got):\n%s", diff)
	}
	for _, doc := range docs {
		t.Run(doc, func(t *testing.T) {
			path := "/" + doc
			name := filepath.Join(dir, filepath.FromSlash(doc))
			resp, served := fetch(t, srv, http.MethodGet, path, nil)
			file := readFile(t, name)
			// What the server adds: the paging link to the feed's first page,
			// whose cursor links a file server could not follow.
			if strings.HasSuffix(doc, ".json") {
				if !bytes.Equal(jsonWithout(t, served, "first_url"), jsonWithout(t, file, "first_url")) {
					t.Errorf("%s differs from what %s serves beyond _govfeed.first_url:\n%s\n%s", name, path, file, served)
				}
			} else if want := withoutLines(served, `rel="first"`); string(file) != want {
				t.Errorf("%s differs from what %s serves beyond rel=first:\n%s", name, path, cmp.Diff(want, string(file)))
			}
			if strings.HasSuffix(doc, ".atom") {
				atomtest.Validate(t, file)
			}
			if bytes.Contains(file, []byte("before=")) || bytes.Contains(file, []byte("after=")) || bytes.Contains(file, []byte(`"first"`)) {
				t.Errorf("%s links to a page cursor:\n%s", name, file)
			}
			if unzipped := gunzip(t, readFile(t, name+".gz")); !bytes.Equal(unzipped, file) {
				t.Errorf("%s.gz does not decode to %s", name, name)
			}
			lm, _ := http.ParseTime(resp.Header.Get("Last-Modified"))
			for _, n := range []string{name, name + ".gz"} {
				fi, err := os.Stat(n)
				if err != nil {
					t.Fatal(err)
				}
				if !fi.ModTime().Equal(lm) || fi.Mode().Perm() != 0o644 {
					t.Errorf("%s: mtime %v mode %v, want Last-Modified %v and 0644", n, fi.ModTime(), fi.Mode(), lm)
				}
			}
		})
	}
	for name, path := range map[string]string{"icon.png": "/icon.png", "logo.png": "/logo.png", "favicon.ico": "/favicon.ico"} {
		if !bytes.Equal(readFile(t, filepath.Join(dir, name)), get(t, srv, path)) {
			t.Errorf("%s differs from what %s serves", name, path)
		}
	}
}

// TestWriteStaticOwnIcons: with configured icon and logo URLs no embedded
// image is written.
func TestWriteStaticOwnIcons(t *testing.T) {
	p, _, _ := newTest(t, Options{Icon: "https://cdn.example.org/i.png", Logo: "https://cdn.example.org/l.png"})
	written, err := p.WriteStatic(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range written {
		if strings.HasSuffix(w, ".png") || strings.HasSuffix(w, ".ico") {
			t.Errorf("wrote %s although the feeds use configured images", w)
		}
	}
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// withoutLines drops the lines of doc that contain s.
func withoutLines(doc []byte, s string) string {
	lines := strings.SplitAfter(string(doc), "\n")
	return strings.Join(slices.DeleteFunc(lines, func(l string) bool { return strings.Contains(l, s) }), "")
}

// jsonWithout re-encodes a JSON Feed without the key of its _govfeed
// object, and without the object when nothing but its about is left.
func jsonWithout(t *testing.T, doc []byte, key string) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatalf("%v:\n%s", err, doc)
	}
	if ext, ok := m["_govfeed"].(map[string]any); ok {
		delete(ext, key)
		if len(ext) == 1 {
			delete(m, "_govfeed")
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
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

func TestWriteStaticSweepsTempFilesOfKilledRuns(t *testing.T) {
	p, _, _ := newTest(t, Options{})
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "sources"), 0o755); err != nil {
		t.Fatal(err)
	}
	left := []string{filepath.Join(dir, ".feed.atom.123.tmp"), filepath.Join(dir, "sources", ".cq.rss.456.tmp")}
	for _, f := range left {
		if err := os.WriteFile(f, []byte("<feed"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	keep := filepath.Join(dir, ".well-known")
	if err := os.WriteFile(keep, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := p.WriteStatic(t.Context(), dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range left {
		if _, err := os.Stat(f); !os.IsNotExist(err) {
			t.Errorf("%s left by a killed publish is still there (%v)", f, err)
		}
	}
	if _, err := os.Stat(keep); err != nil {
		t.Errorf("an unrelated hidden file was removed: %v", err)
	}
}
