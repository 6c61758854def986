package publish

import (
	"bytes"
	"encoding/binary"
	"image/png"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/govfeed/govfeed/publish/internal/atomtest"
)

// TestBaseURLWinsOverHost: behind a reverse proxy the links name the
// configured public URL, whatever Host or X-Forwarded-* says.
func TestBaseURLWinsOverHost(t *testing.T) {
	p, _, _ := newTest(t, Options{BaseURL: "https://gov.example.org/feeds/"})
	srv := serve(t, p)
	h := http.Header{"X-Forwarded-Host": {"evil.example"}, "X-Forwarded-Proto": {"http"}, "Forwarded": {"host=evil.example"}}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/sources/cq.atom?before=1.1", nil)
	req.Host = "evil.example"
	req.Header = h
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	doc := buf.String()
	if strings.Contains(doc, "evil") || strings.Contains(doc, "127.0.0.1") {
		t.Errorf("the feed names the request's host:\n%s", doc)
	}
	f := atomtest.Decode(t, buf.Bytes())
	for rel, want := range map[string]string{
		"self":  "https://gov.example.org/feeds/sources/cq.atom?before=1.1",
		"first": "https://gov.example.org/feeds/sources/cq.atom",
	} {
		if got := linkHref(f.Links, rel); got != want {
			t.Errorf("rel=%s %q, want %q", rel, got, want)
		}
	}
	if f.Icon != "https://gov.example.org/feeds/icon.png" || f.Logo != "https://gov.example.org/feeds/logo.png" {
		t.Errorf("icon %q logo %q", f.Icon, f.Logo)
	}
}

// TestIcons: without configured images the feeds use the embedded ones,
// which are served; configured ones are used as they are.
func TestIcons(t *testing.T) {
	p, _, _ := newTest(t, Options{})
	srv := serve(t, p)
	for path, size := range map[string][2]int{"/icon.png": {144, 144}, "/logo.png": {288, 144}} {
		resp, b := fetch(t, srv, http.MethodGet, path, nil)
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil || resp.Header.Get("Content-Type") != "image/png" || img.Bounds().Dx() != size[0] || img.Bounds().Dy() != size[1] {
			t.Errorf("%s: %s, %v; want a %dx%d PNG", path, resp.Header.Get("Content-Type"), err, size[0], size[1])
		}
	}
	resp, ico := fetch(t, srv, http.MethodGet, "/favicon.ico", nil)
	// ICONDIR: reserved 0, type 1, one image of 144x144 at offset 22, a PNG.
	if len(ico) < 30 || binary.LittleEndian.Uint16(ico[2:]) != 1 || binary.LittleEndian.Uint16(ico[4:]) != 1 ||
		ico[6] != 144 || ico[7] != 144 || binary.LittleEndian.Uint32(ico[18:]) != 22 ||
		int(binary.LittleEndian.Uint32(ico[14:])) != len(ico)-22 || !bytes.Equal(ico[22:30], []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("/favicon.ico (%s) is not an ICO holding the PNG: % x", resp.Header.Get("Content-Type"), ico[:min(len(ico), 30)])
	}
	j := decodeJSON(t, get(t, srv, "/feed.json"))
	if j.Icon != base+"/icon.png" || j.Favicon != base+"/icon.png" {
		t.Errorf("JSON icon %q favicon %q", j.Icon, j.Favicon)
	}

	own, _, _ := newTest(t, Options{Icon: "https://cdn.example.org/i.png", Logo: "https://cdn.example.org/l.svg"})
	f := atomtest.Decode(t, get(t, serve(t, own), "/feed.atom"))
	if f.Icon != "https://cdn.example.org/i.png" || f.Logo != "https://cdn.example.org/l.svg" {
		t.Errorf("configured icon %q logo %q", f.Icon, f.Logo)
	}
}

// TestHub: every feed advertises the hub and its own URL as the topic, in
// the document and in Link headers (WebSub discovery).
func TestHub(t *testing.T) {
	const hub = "https://feeds.example.org/websub"
	p, _, _ := newTest(t, Options{Hub: hub})
	srv := serve(t, p)
	for _, path := range []string{"/feed.atom", "/sources/gd.rss", "/tags/chongqing.json", "/feed.atom?q=x", "/archive/0.rss"} {
		t.Run(path, func(t *testing.T) {
			resp, doc := fetch(t, srv, http.MethodGet, path, nil)
			self := base + path
			want := []string{"<" + hub + `>; rel="hub"`, "<" + self + `>; rel="self"`}
			if got := resp.Header.Values("Link"); strings.Join(got, ", ") != strings.Join(want, ", ") {
				t.Errorf("Link headers %q, want %q", got, want)
			}
			f := formatAtom
			for _, fm := range formats {
				if strings.Contains(path, "."+fm.ext()) {
					f = fm
				}
			}
			_, links := docLinks(t, f, doc)
			if f != formatJSON && (links["hub"] != hub || links["self"] != self) {
				t.Errorf("links %v, want hub %s and self %s", links, hub, self)
			}
			if f == formatJSON && (!strings.Contains(string(doc), `"url": "`+hub+`"`) || links["self"] != self) {
				t.Errorf("JSON hubs or feed_url missing:\n%s", doc)
			}
		})
	}
	// Without a hub, none is advertised.
	plain, _, _ := newTest(t, Options{})
	resp, doc := fetch(t, serve(t, plain), http.MethodGet, "/feed.atom", nil)
	if resp.Header.Get("Link") != "" || strings.Contains(string(doc), `rel="hub"`) {
		t.Errorf("a hub is advertised without Options.Hub")
	}
}

// TestCacheControlMaxAge: the feeds' max-age is Options.MaxAge.
func TestCacheControlMaxAge(t *testing.T) {
	p, _, _ := newTest(t, Options{MaxAge: 15 * time.Minute})
	srv := serve(t, p)
	for _, path := range []string{"/feed.atom", "/feed.rss", "/sources/cq.json", "/feed.atom?q=x", "/archive/0.atom"} {
		if resp, _ := fetch(t, srv, http.MethodGet, path, nil); resp.Header.Get("Cache-Control") != "public, max-age=900" {
			t.Errorf("%s: Cache-Control %q, want public, max-age=900", path, resp.Header.Get("Cache-Control"))
		}
	}
}

// TestConditionalGETEveryFormat: ETag and 304 hold for RSS and JSON too.
func TestConditionalGETEveryFormat(t *testing.T) {
	p, _, _ := newTest(t, Options{})
	srv := serve(t, p)
	etags := map[string]bool{}
	for _, f := range formats {
		path := "/feed." + f.ext()
		for _, ae := range []string{"identity", "gzip"} {
			resp, _ := fetch(t, srv, http.MethodGet, path, http.Header{"Accept-Encoding": {ae}})
			etag := resp.Header.Get("ETag")
			etags[etag] = true
			again, body := fetch(t, srv, http.MethodGet, path, http.Header{"Accept-Encoding": {ae}, "If-None-Match": {etag}})
			if again.StatusCode != http.StatusNotModified || len(body) != 0 {
				t.Errorf("%s %s with its ETag: %s", path, ae, again.Status)
			}
		}
	}
	if len(etags) != 6 {
		t.Errorf("%d distinct ETags for 3 formats, plain and gzip; want 6", len(etags))
	}
}
