package publish

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestServeHeaders(t *testing.T) {
	p, _, _ := newTest(t, Options{})
	srv := serve(t, p)
	resp, body := fetch(t, srv, http.MethodGet, "/feed.atom", nil)
	want := map[string]string{
		"Content-Type":     "application/atom+xml; charset=utf-8",
		"Cache-Control":    "public, max-age=300",
		"Vary":             "Accept-Encoding",
		"Last-Modified":    "Tue, 16 Jun 2026 11:00:00 GMT", // the newest Modified
		"Content-Encoding": "",
	}
	for k, v := range want {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
	etag := resp.Header.Get("ETag")
	if len(etag) < 3 || etag[0] != '"' || etag[len(etag)-1] != '"' || strings.HasPrefix(etag, "W/") {
		t.Errorf("ETag %q is not a quoted strong entity tag", etag)
	}
	if resp.StatusCode != 200 || resp.ContentLength != int64(len(body)) || !bytes.HasPrefix(body, []byte("<?xml")) {
		t.Errorf("status %s, Content-Length %d for %d bytes starting %.20q", resp.Status, resp.ContentLength, len(body), body)
	}
}

func TestConditionalGET(t *testing.T) {
	p, _, _ := newTest(t, Options{})
	srv := serve(t, p)
	first, _ := fetch(t, srv, http.MethodGet, "/feed.atom", nil)
	etag := first.Header.Get("ETag")
	gzResp, _ := fetch(t, srv, http.MethodGet, "/feed.atom", http.Header{"Accept-Encoding": {"gzip"}})
	gzETag := gzResp.Header.Get("ETag")
	tests := map[string]struct {
		header http.Header
		want   int
	}{
		"matching etag":                {http.Header{"If-None-Match": {etag}}, 304},
		"etag in a list":               {http.Header{"If-None-Match": {`"x", ` + etag}}, 304},
		"weak form of the etag":        {http.Header{"If-None-Match": {"W/" + etag}}, 304},
		"star":                         {http.Header{"If-None-Match": {"*"}}, 304},
		"other etag":                   {http.Header{"If-None-Match": {`"other"`}}, 200},
		"gzip etag for plain":          {http.Header{"If-None-Match": {gzETag}}, 200},
		"gzip etag for gzip":           {http.Header{"If-None-Match": {gzETag}, "Accept-Encoding": {"gzip"}}, 304},
		"plain etag for gzip":          {http.Header{"If-None-Match": {etag}, "Accept-Encoding": {"gzip"}}, 200},
		"modified since the same time": {http.Header{"If-Modified-Since": {"Tue, 16 Jun 2026 11:00:00 GMT"}}, 304},
		"modified since later":         {http.Header{"If-Modified-Since": {"Tue, 16 Jun 2026 11:30:00 GMT"}}, 304},
		"modified since earlier":       {http.Header{"If-Modified-Since": {"Tue, 16 Jun 2026 10:59:59 GMT"}}, 200},
		"bad date":                     {http.Header{"If-Modified-Since": {"yesterday"}}, 200},
		"etag wins over date":          {http.Header{"If-None-Match": {`"other"`}, "If-Modified-Since": {"Tue, 16 Jun 2026 11:30:00 GMT"}}, 200},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			resp, body := fetch(t, srv, http.MethodGet, "/feed.atom", tc.header)
			if resp.StatusCode != tc.want {
				t.Fatalf("status %s, want %d", resp.Status, tc.want)
			}
			if tc.want == 304 {
				if len(body) != 0 || resp.Header.Get("ETag") == "" || resp.Header.Get("Content-Encoding") != "" {
					t.Errorf("304 with %d body bytes, ETag %q, Content-Encoding %q; want no body, an ETag, no encoding",
						len(body), resp.Header.Get("ETag"), resp.Header.Get("Content-Encoding"))
				}
			}
		})
	}
	if etag == gzETag || gzETag != strings.TrimSuffix(etag, `"`)+`-gz"` {
		t.Errorf("gzip ETag %s, plain %s: want the plain tag with -gz", gzETag, etag)
	}
}

func TestServeGzip(t *testing.T) {
	p, _, _ := newTest(t, Options{})
	srv := serve(t, p)
	plain := get(t, srv, "/feed.atom")
	resp, zipped := fetch(t, srv, http.MethodGet, "/feed.atom", http.Header{"Accept-Encoding": {"br;q=1.0, gzip;q=0.8"}})
	if resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("Vary") != "Accept-Encoding" {
		t.Fatalf("Content-Encoding %q, Vary %q; want gzip, Accept-Encoding", resp.Header.Get("Content-Encoding"), resp.Header.Get("Vary"))
	}
	if resp.ContentLength != int64(len(zipped)) || len(zipped) >= len(plain) {
		t.Errorf("Content-Length %d, %d gzip bytes for %d plain", resp.ContentLength, len(zipped), len(plain))
	}
	zr, err := gzip.NewReader(bytes.NewReader(zipped))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(unzipped, plain) {
		t.Errorf("gzip variant decodes to %d bytes that differ from the %d plain bytes", len(unzipped), len(plain))
	}
}

func TestAcceptsGzip(t *testing.T) {
	tests := map[string]bool{
		"":                       false,
		"identity":               false,
		"gzip":                   true,
		"GZIP":                   true,
		"x-gzip":                 true,
		"deflate, gzip":          true,
		"br;q=1.0, gzip;q=0.8":   true,
		"gzip;q=0":               false,
		"gzip; q=0.0, *":         false,
		"*":                      true,
		"*;q=0":                  false,
		"br, *;q=0.1":            true,
		"gzip;q=bad":             false,
		"gzip;level=1":           true,
		"deflate;q=1, br;q=0.5 ": false,
	}
	for in, want := range tests {
		t.Run(in, func(t *testing.T) {
			if got := acceptsGzip(in); got != want {
				t.Errorf("acceptsGzip(%q) = %v, want %v", in, got, want)
			}
		})
	}
}

func TestServeHEAD(t *testing.T) {
	p, _, _ := newTest(t, Options{})
	srv := serve(t, p)
	for _, ae := range []string{"identity", "gzip"} {
		t.Run(ae, func(t *testing.T) {
			h := http.Header{"Accept-Encoding": {ae}}
			getResp, getBody := fetch(t, srv, http.MethodGet, "/sources/gd.atom", h)
			headResp, headBody := fetch(t, srv, http.MethodHead, "/sources/gd.atom", h)
			if headResp.StatusCode != 200 || len(headBody) != 0 {
				t.Fatalf("HEAD: %s with %d body bytes, want 200 and none", headResp.Status, len(headBody))
			}
			for _, k := range []string{"Content-Type", "Content-Length", "Content-Encoding", "ETag", "Last-Modified", "Cache-Control", "Vary"} {
				if g, h := getResp.Header.Get(k), headResp.Header.Get(k); g != h {
					t.Errorf("%s: GET %q, HEAD %q", k, g, h)
				}
			}
			if headResp.ContentLength != int64(len(getBody)) {
				t.Errorf("HEAD Content-Length %d, GET body %d bytes", headResp.ContentLength, len(getBody))
			}
		})
	}
}

func TestServeNotFound(t *testing.T) {
	p, _, _ := newTest(t, Options{})
	srv := serve(t, p)
	for _, path := range []string{
		"/sources/nope.atom", "/sources/cq", "/sources/.atom", "/sources/cq.xml", "/feed.xml", "/sources/cq.atom/x",
		"/tags/nope.atom", "/tags/chongqing", "/archive/1.atom", "/archive/-1.atom", "/archive/01.atom", "/archive/x.rss",
		"/feed.atom?source=nope", "/feed.rss?tag=nope",
	} {
		t.Run(path, func(t *testing.T) {
			if resp, _ := fetch(t, srv, http.MethodGet, path, nil); resp.StatusCode != 404 {
				t.Errorf("GET %s: %s, want 404", path, resp.Status)
			}
		})
	}
	if resp, _ := fetch(t, srv, http.MethodPost, "/feed.atom", nil); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /feed.atom: %s, want 405", resp.Status)
	}
}

func TestHealthz(t *testing.T) {
	p, st, _ := newTest(t, Options{})
	srv := serve(t, p)
	resp, body := fetch(t, srv, http.MethodGet, "/healthz", nil)
	if resp.StatusCode != 200 || string(body) != "ok" {
		t.Errorf("healthy: %s %q, want 200 ok", resp.Status, body)
	}
	st.set(func(s *fakeStore) { s.pingErr = errors.New("database is locked: /var/lib/govfeed/govfeed.db") })
	resp, body = fetch(t, srv, http.MethodGet, "/healthz", nil)
	if resp.StatusCode != 503 || strings.Contains(string(body), "locked") {
		t.Errorf("store down: %s %q, want 503 without the error", resp.Status, body)
	}
	if resp, _ := fetch(t, srv, http.MethodHead, "/healthz", nil); resp.StatusCode != 503 {
		t.Errorf("HEAD with store down: %s, want 503", resp.Status)
	}
}

func TestNewServer(t *testing.T) {
	s := NewServer(":0", http.NotFoundHandler())
	for name, d := range map[string]time.Duration{
		"ReadHeaderTimeout": s.ReadHeaderTimeout, "ReadTimeout": s.ReadTimeout,
		"WriteTimeout": s.WriteTimeout, "IdleTimeout": s.IdleTimeout,
	} {
		if d <= 0 {
			t.Errorf("%s is not set", name)
		}
	}
	if s.MaxHeaderBytes <= 0 || s.Addr != ":0" || s.Handler == nil {
		t.Errorf("server %+v lacks MaxHeaderBytes, Addr or Handler", s)
	}
}
