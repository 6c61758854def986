package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// runningDaemon is the real daemon running in-process.
type runningDaemon struct {
	addr   string
	stop   context.CancelFunc
	reload chan os.Signal
	done   chan error
	logs   *lockedWriter
}

func startDaemon(t *testing.T, cfgPath string) *runningDaemon {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	d := &runningDaemon{stop: cancel, reload: make(chan os.Signal, 1), done: make(chan error, 1), logs: &lockedWriter{b: &bytes.Buffer{}}}
	ready := make(chan string, 1)
	e := env{getenv: func(string) string { return "" }, stdin: strings.NewReader(""), stdout: io.Discard, stderr: d.logs}
	go func() { d.done <- daemon(ctx, e, daemonOptions{cfgPath: cfgPath, reload: d.reload, ready: ready}) }()
	select {
	case d.addr = <-ready:
	case err := <-d.done:
		t.Fatalf("daemon exited before serving: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("daemon did not start serving within 30s")
	}
	return d
}

// shutdown stops the daemon as SIGTERM would and checks it exits cleanly.
func (d *runningDaemon) shutdown(t *testing.T) {
	t.Helper()
	d.stop()
	select {
	case err := <-d.done:
		if err != nil {
			t.Fatalf("daemon exit: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("daemon did not stop within 30s")
	}
}

func (d *runningDaemon) get(t *testing.T, path string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get("http://" + d.addr + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return resp, b
}

// waitFeed polls /feed.atom until it has want entries.
func (d *runningDaemon) waitFeed(t *testing.T, want int) *gofeed.Feed {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, body := d.get(t, "/feed.atom")
		f, err := gofeed.NewParser().ParseString(string(body))
		if err == nil && len(f.Items) >= want {
			return f
		}
		if time.Now().After(deadline) {
			n, links := -1, []string(nil)
			if f != nil {
				n = len(f.Items)
				for _, it := range f.Items {
					links = append(links, it.Link)
				}
			}
			t.Fatalf("feed has %d entries after 30s, want %d (err %v): %v\nlogs:\n%s", n, want, err, links, d.logs)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

const wantEntries = 10 // rss 2 + atom 1 + jsonfeed 1 + gbk 1 + cond 1 + changing 1 + guids 3

func TestDaemonEndToEnd(t *testing.T) {
	up := newUpstream(t)
	dir := t.TempDir()
	cfg := up.config(t, dir)

	d := startDaemon(t, cfg)
	f := d.waitFeed(t, wantEntries)
	checkFeed(t, f)
	resp, body := d.get(t, "/feed.atom")
	if ct := resp.Header.Get("Content-Type"); ct != "application/atom+xml; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	validateAtom(t, body)
	if p := os.Getenv("GOVFEED_CI_FEED"); p != "" {
		// .ci/run validates this published feed once more with xmllint.
		writeFile(t, p, string(body))
	}
	if bytes.Contains(body, []byte("<script")) || bytes.Contains(body, []byte("&lt;script")) {
		t.Error("feed carries a script from an upstream description")
	}
	checkSources(t, body)
	if resp, _ := d.get(t, "/healthz"); resp.StatusCode != 200 {
		t.Errorf("/healthz = %d", resp.StatusCode)
	}
	ids := entryIDs(f)

	// The title changes upstream: a SIGHUP reload with an added source
	// fetches that source; the changed item is updated in place on the next
	// pass (govfeed fetch cannot run beside the daemon: the store is locked).
	d.shutdown(t)
	up.setTitle("新标题")
	var out bytes.Buffer
	err := run(context.Background(), []string{"fetch", "--config", cfg}, func(string) string { return "" }, nil, &out, io.Discard)
	if err == nil {
		t.Errorf("fetch with failing sources exited 0; output:\n%s", &out)
	}
	for _, want := range []string{"broken", "slow", "big", "total: 10 sources"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("fetch output lacks %q:\n%s", want, &out)
		}
	}
	checkFetchLine(t, out.String(), "cond", "not_modified")
	checkFetchLine(t, out.String(), "changing", "updated")
	checkFetchLine(t, out.String(), "rss", "unchanged")
	checkFetchLine(t, out.String(), "broken", "http")
	checkFetchLine(t, out.String(), "slow", "timeout")
	checkFetchLine(t, out.String(), "big", "too_large")

	// Restart on the same data dir: nothing lost, nothing duplicated, the
	// changed title is there under the same entry id.
	d = startDaemon(t, cfg)
	f = d.waitFeed(t, wantEntries)
	if got := entryIDs(f); strings.Join(got, " ") != strings.Join(ids, " ") {
		t.Errorf("entry ids after restart differ:\n got %v\nwant %v", got, ids)
	}
	var changed *gofeed.Item
	for _, it := range f.Items {
		if it.Link == "https://ch.gov.cn/1.html" {
			changed = it
		}
	}
	if changed == nil || changed.Title != "新标题" {
		t.Errorf("changed item = %+v, want title 新标题", changed)
	}
	if len(f.Items) != wantEntries {
		t.Errorf("feed has %d entries after restart and refetch, want %d", len(f.Items), wantEntries)
	}

	// SIGHUP with an invalid file keeps the old config serving.
	writeFile(t, cfg, "listen: [\n")
	d.reload <- syscall.SIGHUP
	time.Sleep(200 * time.Millisecond)
	if resp, _ := d.get(t, "/feed.atom"); resp.StatusCode != 200 {
		t.Errorf("after an invalid reload /feed.atom = %d", resp.StatusCode)
	}
	d.shutdown(t)
	if !strings.Contains(d.logs.String(), "configuration not reloaded") {
		t.Errorf("invalid reload not logged; logs:\n%s", d.logs)
	}
	if _, n := up.stats("/cond.xml"); n == 0 {
		t.Error("the conditional source was never answered 304")
	}
}

func checkFetchLine(t *testing.T, out, id, want string) {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == id {
			if !strings.Contains(line, want) {
				t.Errorf("fetch line for %s = %q, want it to say %q", id, line, want)
			}
			return
		}
	}
	t.Errorf("no fetch line for %s in:\n%s", id, out)
}

func entryIDs(f *gofeed.Feed) []string {
	ids := make([]string, 0, len(f.Items))
	for _, it := range f.Items {
		ids = append(ids, it.GUID)
	}
	sort.Strings(ids)
	return ids
}

func checkFeed(t *testing.T, f *gofeed.Feed) {
	t.Helper()
	if len(f.Items) != wantEntries {
		t.Errorf("feed has %d entries, want %d", len(f.Items), wantEntries)
	}
	byLink := map[string]*gofeed.Item{}
	seen := map[string]bool{}
	for _, it := range f.Items {
		if seen[it.GUID] {
			t.Errorf("entry id %s appears twice", it.GUID)
		}
		seen[it.GUID] = true
		if !strings.HasPrefix(it.GUID, "urn:uuid:") {
			t.Errorf("entry id %q is not a urn:uuid", it.GUID)
		}
		if byLink[it.Link] != nil {
			t.Errorf("link %s appears twice", it.Link)
		}
		byLink[it.Link] = it
	}
	want := map[string]string{
		"https://www.sc.gov.cn/10462/a/2026/6/17/aaaa.shtml":          "四川省召开全省经济工作会议",
		"https://english.cq.gov.cn/a/202606/t20260616_1.html":         "Chongqing opens new port",
		"https://www.gd.gov.cn/gdywdt/bmdt/content/post_4906500.html": "广东部门动态",
		"http://www.zj.gov.cn/art/2026/10/1/art_1554467_1.html":       "省政府常务会议召开",
		"https://g.gov.cn/a.html":                                     "Provincial budget report released",
		"https://g.gov.cn/b.html":                                     "Flood prevention drill held in Yibin",
	}
	for link, title := range want {
		it := byLink[link]
		if it == nil {
			t.Errorf("no entry for %s", link)
			continue
		}
		if it.Title != title {
			t.Errorf("entry %s title = %q, want %q", link, it.Title, title)
		}
	}
	if it := byLink["https://www.gd.gov.cn/gdywdt/bmdt/content/post_4906500.html"]; it != nil && it.PublishedParsed != nil {
		if got := it.PublishedParsed.UTC().Format(time.RFC3339); got != "2026-06-04T02:13:50Z" {
			t.Errorf("JSON Feed item published = %s, want 2026-06-04T02:13:50Z", got)
		}
	}
}

// checkSources reads atom:source of each entry from the raw XML.
func checkSources(t *testing.T, body []byte) {
	t.Helper()
	var doc struct {
		Entries []struct {
			Link []struct {
				Href string `xml:"href,attr"`
			} `xml:"link"`
			Source *struct {
				ID    string `xml:"id"`
				Title string `xml:"title"`
			} `xml:"source"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatalf("feed is not XML: %v", err)
	}
	for _, e := range doc.Entries {
		if e.Source == nil {
			t.Errorf("entry %v has no atom:source", e.Link)
			continue
		}
		if e.Link[0].Href == "https://www.sc.gov.cn/10462/a/2026/6/17/aaaa.shtml" {
			if e.Source.Title != "RSS 2.0 source" || e.Source.ID != "http://feeds.example.test/sources/rss.atom" {
				t.Errorf("atom:source = %+v, want title %q id %q", e.Source, "RSS 2.0 source", "http://feeds.example.test/sources/rss.atom")
			}
		}
	}
}

// validateAtom checks body against the RFC 4287 RELAX NG schema with xmllint.
func validateAtom(t *testing.T, body []byte) {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("xmllint not installed (apt-get install libxml2-utils)")
		}
		t.Skip("xmllint not installed")
	}
	schema, err := filepath.Abs("../../../shared/schemas/atom.rng")
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "feed.atom")
	if err := os.WriteFile(f, body, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(xmllint, "--noout", "--relaxng", schema, f).CombinedOutput()
	if err != nil {
		t.Errorf("feed does not validate against atom.rng: %v\n%s", err, out)
	}
}
