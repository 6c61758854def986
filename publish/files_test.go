package publish

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// newFileTest returns a Publisher over 100 items that keeps its combined
// feed as files in dir, served by a NewServer on a loopback port at url.
func newFileTest(t *testing.T) (p *Publisher, st *fakeStore, dir, url string) {
	t.Helper()
	p, st, _ = newTest(t, Options{Entries: 100})
	st.set(func(s *fakeStore) { s.items = benchItems(100) })
	p.Invalidate()
	dir = filepath.Join(t.TempDir(), "cache")
	if err := p.ServeFiles(dir); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(ln.Addr().String(), p.Handler())
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return p, st, dir, "http://" + ln.Addr().String()
}

// answer is one response as received.
type answer struct {
	resp   *http.Response
	body   []byte
	reused bool // sent on a kept-alive connection
}

// request GETs url with Accept-Encoding ae ("" for none) on c.
func request(t *testing.T, c *http.Client, url, ae string) answer {
	t.Helper()
	var a answer
	trace := &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) { a.reused = i.Reused }}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ae != "" {
		req.Header.Set("Accept-Encoding", ae)
	}
	if a.resp, err = c.Do(req); err != nil {
		t.Fatal(err)
	}
	defer a.resp.Body.Close()
	if a.body, err = io.ReadAll(a.resp.Body); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	if a.resp.StatusCode != http.StatusOK || a.resp.ContentLength != int64(len(a.body)) {
		t.Fatalf("GET %s: %s, Content-Length %d for %d bytes", url, a.resp.Status, a.resp.ContentLength, len(a.body))
	}
	return a
}

// plainClient keeps connections alive and does not decompress.
func plainClient(t *testing.T) *http.Client {
	tr := &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 1}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// cached returns the combined feed's document in format f as the
// Publisher holds it in memory.
func cached(t *testing.T, p *Publisher, f format) *rendered {
	t.Helper()
	r, err := p.get(t.Context(), spec{kind: kindCombined}, f)
	if err != nil || r == nil {
		t.Fatalf("combined %s feed: %v", f.ext(), err)
	}
	return r
}

// feedFiles lists the files in dir.
func feedFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestServeFiles(t *testing.T) {
	p, _, dir, url := newFileTest(t)
	c := plainClient(t)
	type key struct {
		round      int
		path, code string
	}
	got := map[key]answer{}
	n := 0
	for round := range 3 {
		for _, path := range []string{"/feed.atom", "/feed.json", "/sources/gd.atom"} {
			for _, ae := range []string{"", "gzip"} {
				a := request(t, c, url+path, ae)
				if n > 0 && !a.reused {
					t.Fatalf("answer %d came on a new connection: the one before did not end cleanly", n)
				}
				got[key{round, path, ae}] = a
				n++
			}
		}
	}
	var want []string
	for _, f := range []format{formatAtom, formatJSON} {
		r := cached(t, p, f)
		if len(r.body) < corkMin || len(r.gz) < corkMin {
			t.Errorf("the %s feed has %d bytes, %d gzipped: too few to test corked answers", f.ext(), len(r.body), len(r.gz))
		}
		name := "feed." + f.ext() + "." + strings.Trim(r.etag, `"`)
		want = append(want, name, name+".gz")
		for file, body := range map[string][]byte{name: r.body, name + ".gz": r.gz} {
			b, err := os.ReadFile(filepath.Join(dir, file))
			if err != nil || !bytes.Equal(b, body) {
				t.Errorf("%s: %d bytes, %v; want the %d bytes built", file, len(b), err, len(body))
			}
		}
		for round := range 3 {
			plain, zipped := got[key{round, "/feed." + f.ext(), ""}], got[key{round, "/feed." + f.ext(), "gzip"}]
			if !bytes.Equal(plain.body, r.body) || plain.resp.Header.Get("ETag") != r.etag {
				t.Errorf("round %d: %s plain: %d bytes, ETag %s; want the %d bytes built, %s", round, f.ext(), len(plain.body), plain.resp.Header.Get("ETag"), len(r.body), r.etag)
			}
			if !bytes.Equal(zipped.body, r.gz) || zipped.resp.Header.Get("Content-Encoding") != "gzip" {
				t.Errorf("round %d: %s gzip: %d bytes, Content-Encoding %q; want the %d gzip bytes built", round, f.ext(), len(zipped.body), zipped.resp.Header.Get("Content-Encoding"), len(r.gz))
			}
		}
	}
	for round := range 3 { // from memory
		plain, zipped := got[key{round, "/sources/gd.atom", ""}], got[key{round, "/sources/gd.atom", "gzip"}]
		if len(plain.body) < corkMin || !bytes.Equal(gunzip(t, zipped.body), plain.body) {
			t.Errorf("round %d: source feed of %d bytes, gzip does not decode to it or it is too short to test a corked answer", round, len(plain.body))
		}
	}
	if names := feedFiles(t, dir); !slices.Equal(names, slices.Sorted(slices.Values(want))) {
		t.Errorf("files %q, want %q: only the combined feed's requested formats", names, want)
	}
}

func TestServeFilesNewVersion(t *testing.T) {
	p, st, dir, url := newFileTest(t)
	c := plainClient(t)
	first := request(t, c, url+"/feed.atom", "gzip")
	request(t, c, url+"/feed.atom", "")
	old := feedFiles(t, dir)
	if len(old) != 2 {
		t.Fatalf("files %q, want the plain and gzip atom feed", old)
	}
	st.set(func(s *fakeStore) { s.items = benchItems(99) })
	p.Invalidate()
	second := request(t, c, url+"/feed.atom", "gzip")
	plain := request(t, c, url+"/feed.atom", "")
	if first.resp.Header.Get("ETag") == second.resp.Header.Get("ETag") || bytes.Equal(first.body, second.body) {
		t.Fatal("the feed did not change with its items")
	}
	if !bytes.Equal(gunzip(t, second.body), plain.body) {
		t.Error("the new gzip answer does not decode to the new plain one")
	}
	now := feedFiles(t, dir)
	for _, name := range old {
		if slices.Contains(now, name) {
			t.Errorf("old version %s was not removed: files %q", name, now)
		}
	}
	if len(now) != 2 {
		t.Errorf("files %q, want the new plain and gzip atom feed", now)
	}
	if runtime.GOOS != "linux" {
		return
	}
	// The descriptors kept open on the old version are closed.
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	for _, fd := range fds {
		target, _ := os.Readlink(filepath.Join("/proc/self/fd", fd.Name()))
		for _, name := range old {
			if strings.HasPrefix(target, filepath.Join(dir, name)) {
				t.Errorf("descriptor %s is still open on %s", fd.Name(), target)
			}
		}
	}
}

// TestServeFilesFallBackToMemory checks that an answer whose file is gone
// is sent from memory.
func TestServeFilesFallBackToMemory(t *testing.T) {
	p, _, dir, url := newFileTest(t)
	r := cached(t, p, formatAtom) // built and written, not yet opened
	for _, name := range feedFiles(t, dir) {
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	c := plainClient(t)
	for _, ae := range []string{"", "gzip", ""} {
		a := request(t, c, url+"/feed.atom", ae)
		want := r.body
		if ae == "gzip" {
			want = r.gz
		}
		if !bytes.Equal(a.body, want) {
			t.Errorf("Accept-Encoding %q: %d bytes, want the %d bytes built", ae, len(a.body), len(want))
		}
	}
}

// fileSinkWriter is a sinkWriter that takes a file the way net/http's
// writer does: with ReadFrom, after a Flush.
type fileSinkWriter struct {
	sinkWriter
}

func (w *fileSinkWriter) Flush() {}

func (w *fileSinkWriter) ReadFrom(src io.Reader) (int64, error) {
	n, err := io.Copy(io.Discard, src)
	w.n += int(n)
	return n, err
}

func TestServeFilesAllocatesNothing(t *testing.T) {
	p, _, _, _ := newFileTest(t)
	h := p.Handler()
	for _, ae := range []string{"identity", "gzip"} {
		t.Run(ae, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/feed.atom", nil)
			r.Header.Set("Accept-Encoding", ae)
			w := &fileSinkWriter{sinkWriter{h: http.Header{}}}
			h.ServeHTTP(w, r)
			if w.code != http.StatusOK || strconv.Itoa(w.n) != w.h.Get("Content-Length") {
				t.Fatalf("status %d, %d bytes for Content-Length %s", w.code, w.n, w.h.Get("Content-Length"))
			}
			checkNoAllocs(t, w, h, r)
		})
	}
}

func TestNewServerKeepsTheConnection(t *testing.T) {
	var got []bool
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = append(got, connOf(r) != nil) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer("", h)
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	other := httptest.NewServer(h)
	defer other.Close()
	for _, u := range []string{"http://" + ln.Addr().String(), other.URL} {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if want := []bool{true, false}; !slices.Equal(got, want) {
		t.Errorf("connection found %v, want %v (NewServer, a plain server)", got, want)
	}
}
