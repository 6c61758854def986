package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/govfeed/govfeed/fetch/govsim"
	"github.com/govfeed/govfeed/fetch/web"
)

// TestDemoPipeline runs what `govfeed demo` runs: the daemon, with
// zero-config sources for every imitated portal, every connection sent to
// the imitation; then reads the combined feed back.
func TestDemoPipeline(t *testing.T) {
	sim := govsim.New(govsim.Options{})
	simSrv := newLoopback(t, sim)
	cfg, err := demoConfig(sim, "127.0.0.1:0", t.TempDir())
	if err != nil {
		t.Fatalf("demo config: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	logs := &lockedWriter{b: new(bytes.Buffer)}
	e := env{getenv: func(string) string { return "" }, stdout: io.Discard, stderr: logs}
	go func() {
		done <- daemon(ctx, e, daemonOptions{cfg: cfg, client: web.ClientOptions{DialAddr: simSrv}, ready: ready})
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("daemon: %v", err)
	}
	d := &runningDaemon{addr: addr}
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("daemon exit: %v", err)
		}
	}()

	// Every imitated source stores items; the combined feed then has one
	// entry per story (the Zhejiang column's feed and list page carry the
	// same articles, so those pairs are one entry each).
	// Done when the entry count has not moved for two seconds.
	var f *gofeed.Feed
	deadline := time.Now().Add(60 * time.Second)
	last, since := -1, time.Now()
	for {
		_, body := d.get(t, "/feed.atom")
		f, err = gofeed.NewParser().ParseString(string(body))
		if err == nil && len(f.Items) != last {
			last, since = len(f.Items), time.Now()
		}
		if err == nil && len(f.Items) >= 30 && time.Since(since) > 2*time.Second {
			validateAtom(t, body)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("feed not complete after 60s: %v entries (err %v)\nlogs:\n%s", len(f.Items), err, logs)
		}
		time.Sleep(200 * time.Millisecond)
	}
	links := map[string]bool{}
	hosts := map[string]bool{}
	for _, it := range f.Items {
		if links[it.Link] {
			t.Errorf("link %s appears twice in the combined feed", it.Link)
		}
		links[it.Link] = true
		if i := strings.Index(it.Link, "://"); i > 0 {
			hosts[strings.SplitN(it.Link[i+3:], "/", 2)[0]] = true
		}
		if strings.Contains(it.Title, "_四川省人民政府") || strings.Contains(it.Title, "_重庆市人民政府网") {
			t.Errorf("title keeps its site suffix: %q", it.Title)
		}
		if it.PublishedParsed == nil {
			t.Errorf("entry %s has no published date", it.Link)
		}
	}
	for _, h := range []string{"www.sc.gov.cn", "www.cq.gov.cn", "english.cq.gov.cn", "www.gd.gov.cn", "www.zj.gov.cn", "www.gov.cn"} {
		if !hosts[h] {
			t.Errorf("no entry from %s in the combined feed (hosts: %v)", h, hosts)
		}
	}
}

// newLoopback serves h on loopback for the test and returns its address.
func newLoopback(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String()
}
