package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// feedsCount reads from the daemon's metrics how many feed requests were
// answered with code.
func feedsCount(t *testing.T, d *runningDaemon, code string) int {
	t.Helper()
	return metricValue(t, d, `govfeed_http_requests_total\{code="`+code+`",route="feeds"\}`)
}

// laneCount returns how many of the feeds route's requests the fast lane
// answered.
func laneCount(t *testing.T, d *runningDaemon) int {
	t.Helper()
	return metricValue(t, d, `govfeed_http_lane_answers_total\{route="feeds"\}`)
}

// metricValue returns the value of the series that series (a regular
// expression) matches in /metrics, 0 when there is none.
func metricValue(t *testing.T, d *runningDaemon, series string) int {
	t.Helper()
	_, body := d.get(t, "/metrics")
	re := regexp.MustCompile(`(?m)^` + series + ` (\d+)$`)
	m := re.FindSubmatch(body)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// startLaneDaemon starts a daemon with one RSS source and waits until its
// combined feed has the source's items.
func startLaneDaemon(t *testing.T) *runningDaemon {
	t.Helper()
	up := newUpstream(t)
	dir := t.TempDir()
	cfg := dir + "/govfeed.yaml"
	writeFile(t, cfg, fmt.Sprintf(`listen: 127.0.0.1:0
data_dir: %s/data
feed: {title: Lane test, base_url: "http://feeds.example.test"}
defaults: {schedule: "@every 1h", jitter: 0s, timeout: 2s, grace: 2s}
log: {level: warn}
sources:
  - {id: rss, name: RSS source, url: "%s/rss.xml"}
`, dir, up.srv.URL))
	d := startDaemon(t, cfg)
	d.waitFeed(t, 1)
	return d
}

// rawGet sends one HTTP/1.1 request for target on a new connection and
// returns the answer with its body read.
func rawGet(t *testing.T, addr, target, acceptEncoding string) (*http.Response, []byte) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	req := "GET " + target + " HTTP/1.1\r\nHost: feeds.example.test\r\nConnection: close\r\n"
	if acceptEncoding != "" {
		req += "Accept-Encoding: " + acceptEncoding + "\r\n"
	}
	if _, err := io.WriteString(c, req+"\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// TestDaemonLaneAnswersAsNetHTTP: the fast lane answers /feed.atom, and
// hands /feed.atom? (an empty query) to net/http, whose handler serves the
// same document through the daemon's routes and middleware. The two answers
// must carry the same headers, so that nothing the routes add to the feeds
// is missing from the lane's answers.
func TestDaemonLaneAnswersAsNetHTTP(t *testing.T) {
	d := startLaneDaemon(t)
	defer d.shutdown(t)
	before := laneCount(t, d)
	for _, enc := range []string{"", "gzip"} {
		lane, laneBody := rawGet(t, d.addr, "/feed.atom", enc)
		std, stdBody := rawGet(t, d.addr, "/feed.atom?", enc)
		if lane.StatusCode != http.StatusOK || std.StatusCode != http.StatusOK {
			t.Fatalf("Accept-Encoding %q: status %d (lane) and %d (net/http), want 200", enc, lane.StatusCode, std.StatusCode)
		}
		lane.Header.Del("Date")
		std.Header.Del("Date")
		if !reflect.DeepEqual(lane.Header, std.Header) {
			t.Errorf("Accept-Encoding %q: headers differ\nlane:     %v\nnet/http: %v", enc, lane.Header, std.Header)
		}
		if !bytes.Equal(laneBody, stdBody) {
			t.Errorf("Accept-Encoding %q: bodies differ (%d and %d bytes)", enc, len(laneBody), len(stdBody))
		}
	}
	// The lane answered the two requests of /feed.atom, net/http the two
	// of /feed.atom?. An answer is counted once sent: the count may lag.
	deadline := time.Now().Add(10 * time.Second)
	for got := laneCount(t, d) - before; got != 2; got = laneCount(t, d) - before {
		if got > 2 || time.Now().After(deadline) {
			t.Fatalf("the lane answered %d requests, want 2 (those of /feed.atom)", got)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestDaemonCountsLaneAnswers checks that the combined feed's requests,
// which the fast lane answers, are counted in the feeds route's metrics,
// once each.
func TestDaemonCountsLaneAnswers(t *testing.T) {
	d := startLaneDaemon(t)
	defer d.shutdown(t)
	ok, notModified := feedsCount(t, d, "200"), feedsCount(t, d, "304")

	c, err := net.Dial("tcp", d.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	br := bufio.NewReader(c)
	etag := ""
	for i := range 4 {
		req := "GET /feed.atom HTTP/1.1\r\nHost: feeds.example.test\r\nAccept-Encoding: gzip\r\n"
		if i == 3 {
			req += "If-None-Match: " + etag + "\r\n"
		}
		if _, err := io.WriteString(c, req+"\r\n"); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		want := http.StatusOK
		if i == 3 {
			want = http.StatusNotModified
		}
		if resp.StatusCode != want || resp.Header.Get("ETag") == "" {
			t.Fatalf("request %d: %s, ETag %q; want %d", i, resp.Status, resp.Header.Get("ETag"), want)
		}
		etag = resp.Header.Get("ETag")
	}

	// An answer is counted once sent: the count may lag behind the client.
	deadline := time.Now().Add(10 * time.Second)
	for {
		gotOK, gotNM := feedsCount(t, d, "200")-ok, feedsCount(t, d, "304")-notModified
		if gotOK == 3 && gotNM == 1 {
			break
		}
		if gotOK > 3 || gotNM > 1 || time.Now().After(deadline) {
			t.Fatalf("feeds requests counted: %d answered 200 and %d 304, want 3 and 1", gotOK, gotNM)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
