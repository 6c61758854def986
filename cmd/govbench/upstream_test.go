package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html/charset"

	"github.com/govfeed/govfeed/data"
)

// testNow is the upstream clock of the tests.
var testNow = time.Date(2026, 6, 17, 9, 0, 0, 0, time.UTC)

// newTestUpstream serves a small upstream on loopback; every request is
// sent to it whatever its host, as GOVFEED_DIAL does.
func newTestUpstream(t *testing.T, o upstreamOptions) (*upstream, *http.Client) {
	t.Helper()
	o.Now = func() time.Time { return testNow }
	up := newUpstream(o)
	srv := httptest.NewServer(up)
	t.Cleanup(srv.Close)
	addr := srv.Listener.Addr().String()
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
		DisableCompression: true,
	}}
	return up, client
}

func get(t *testing.T, c *http.Client, u string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	return resp, b
}

func TestUpstreamFeedsParseInEveryFormat(t *testing.T) {
	up, c := newTestUpstream(t, upstreamOptions{Feeds: 10, Items: 30, Seed: 3})
	urls := up.feedURLs()
	if len(urls) != 10 {
		t.Fatalf("%d feed URLs, want 10", len(urls))
	}
	for i, u := range urls {
		f := formatOf(i)
		t.Run(f.String(), func(t *testing.T) {
			resp, body := get(t, c, u)
			if resp.StatusCode != 200 {
				t.Fatalf("GET %s: %s", u, resp.Status)
			}
			if got := resp.Header.Get("Content-Type"); got != f.contentType() {
				t.Errorf("Content-Type = %q, want %q", got, f.contentType())
			}
			if f == rssGBK && !bytes.HasPrefix(body, []byte(`<?xml version="1.0" encoding="GBK"?>`)) {
				t.Errorf("GBK feed starts %q", body[:40])
			}
			feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("gofeed: %v", err)
			}
			if len(feed.Items) != 30 {
				t.Fatalf("%d items, want 30", len(feed.Items))
			}
			it := feed.Items[0]
			if !strings.HasPrefix(it.Title, placeOf(i)) {
				t.Errorf("title %q does not start with the source's place %q", it.Title, placeOf(i))
			}
			if data.ArticleID(it.Link) == "" {
				t.Errorf("link %q has no CMS article id", it.Link)
			}
			if n := len(it.Content); n < 500 || n > 6000 {
				t.Errorf("content of %d bytes, want 0.5 to 5 KB plus markup", n)
			}
			if it.PublishedParsed == nil || !it.PublishedParsed.Before(testNow) || it.PublishedParsed.Before(testNow.Add(-40*24*time.Hour)) {
				t.Errorf("published %v, want within the 40 days before %v", it.PublishedParsed, testNow)
			}
		})
	}
}

func TestUpstreamConditionalGetAndCounts(t *testing.T) {
	up, c := newTestUpstream(t, upstreamOptions{Feeds: 3, Items: 20, Seed: 1})
	u := up.feedURLs()[0]
	resp, body := get(t, c, u)
	etag, lm := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	if etag == "" || lm == "" {
		t.Fatalf("validators missing: ETag %q, Last-Modified %q", etag, lm)
	}
	tests := []struct {
		name   string
		header []string
		want   int
	}{
		{"If-None-Match", []string{"If-None-Match", etag}, 304},
		{"If-None-Match among others", []string{"If-None-Match", `"x", ` + etag}, 304},
		{"If-Modified-Since", []string{"If-Modified-Since", lm}, 304},
		{"stale If-None-Match", []string{"If-None-Match", `"old"`}, 200},
		{"older If-Modified-Since", []string{"If-Modified-Since", testNow.Add(-48 * time.Hour).Format(http.TimeFormat)}, 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, _ := get(t, c, u, tc.header...)
			if resp.StatusCode != tc.want {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.want)
			}
		})
	}
	get(t, c, "http://nowhere.example/rss.xml")
	want := counts{Total: 7, OK: 3, NotModified: 3, Other: 1, Bytes: 3 * int64(len(body)), Feeds: 3}
	if got := up.stats.snapshot(); got != want {
		t.Errorf("counts = %+v, want %+v", got, want)
	}

	// A new item changes the validators; the old ones now get the body.
	up.publish([]int{0})
	resp, body2 := get(t, c, u, "If-None-Match", etag)
	if resp.StatusCode != 200 || resp.Header.Get("ETag") == etag {
		t.Fatalf("after publish: status %d, ETag %q (was %q); want 200 and a new ETag", resp.StatusCode, resp.Header.Get("ETag"), etag)
	}
	f, err := gofeed.NewParser().Parse(bytes.NewReader(body2))
	if err != nil || len(f.Items) != 20 {
		t.Fatalf("after publish: %v, %d items; want 20", err, len(f.Items))
	}
	if !f.Items[0].PublishedParsed.Equal(testNow) {
		t.Errorf("newest item published %v, want %v", f.Items[0].PublishedParsed, testNow)
	}
	// The other feeds did not change.
	other := up.feedURLs()[1]
	r1, _ := get(t, c, other)
	if r2, _ := get(t, c, other, "If-None-Match", r1.Header.Get("ETag")); r2.StatusCode != 304 {
		t.Errorf("unchanged feed: status %d, want 304", r2.StatusCode)
	}
}

func TestUpstreamChangeCountsSources(t *testing.T) {
	up, _ := newTestUpstream(t, upstreamOptions{Feeds: 200, Items: 3, Seed: 1})
	before := make([]string, 200)
	for i, d := range up.feeds {
		before[i] = d.etag
	}
	if n := up.change(0.01); n != 2 {
		t.Fatalf("change(0.01) of 200 sources = %d, want 2", n)
	}
	changed := 0
	for i, d := range up.feeds {
		if d.etag != before[i] {
			changed++
		}
	}
	if changed != 2 {
		t.Errorf("%d feeds changed, want 2", changed)
	}
	if n := up.change(0.0001); n != 1 {
		t.Errorf("change(0.0001) = %d, want at least one source", n)
	}
}

func TestUpstreamSitesAreGBKGovernmentPages(t *testing.T) {
	up, c := newTestUpstream(t, upstreamOptions{Sites: 2, SiteItems: 5, Seed: 2})
	list := up.siteURLs()[1]
	resp, body := get(t, c, list)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s", list, resp.Status)
	}
	utf, err := decodeGBK(body)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(body, []byte(placeOf(1))) || !strings.Contains(utf, placeOf(1)) {
		t.Errorf("list page is not GBK-encoded text about %s", placeOf(1))
	}
	var links []string
	for _, part := range strings.Split(utf, `<a href="./`)[1:] {
		href, _, _ := strings.Cut(part, `"`)
		links = append(links, "http://"+siteHost(1)+"/xwdt/"+href)
	}
	if len(links) != 5 {
		t.Fatalf("%d article links, want 5", len(links))
	}
	for _, l := range links {
		if data.ArticleID(l) == "" {
			t.Errorf("article link %q has no CMS article id", l)
		}
		resp, page := get(t, c, l)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %s", l, resp.Status)
		}
		utf, err := decodeGBK(page)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(utf, `<meta name="ArticleTitle" content="`+placeOf(1)) || !strings.Contains(utf, `<meta name="PubDate"`) {
			t.Errorf("article %s lacks the national metadata tags", l)
		}
	}
	if got := up.stats.snapshot(); got.Lists != 1 || got.Articles != 5 {
		t.Errorf("counts = %+v, want 1 list and 5 articles", got)
	}
}

func TestGeneratedTextIsDeterministic(t *testing.T) {
	it := itemSpec{id: 7, seed: 99, size: 2000, at: testNow, place: "成都市"}
	t1, s1, c1 := it.text()
	t2, s2, c2 := it.text()
	if t1 != t2 || s1 != s2 || c1 != c2 {
		t.Error("the same item gave two texts")
	}
	if n := len(c1); n < 2000 || n > 3000 {
		t.Errorf("content of %d bytes for a size of 2000", n)
	}
	other := it
	other.seed = 100
	if t3, _, _ := other.text(); t3 == t1 {
		t.Error("two seeds gave the same title")
	}
}

func decodeGBK(b []byte) (string, error) {
	r, err := charset.NewReaderLabel("gbk", bytes.NewReader(b))
	if err != nil {
		return "", err
	}
	out, err := io.ReadAll(r)
	return string(out), err
}
