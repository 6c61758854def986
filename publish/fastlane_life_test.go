package publish

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// readToEnd reads c until the server closes it and returns what came.
func readToEnd(t *testing.T, c net.Conn) string {
	t.Helper()
	b, err := io.ReadAll(c)
	if err != nil && !isReset(err) {
		t.Fatalf("reading until the server closes: %v (got %q)", err, b)
	}
	return string(b)
}

// TestLaneTimeouts checks that the lane ends, as net/http does, a
// connection that sends no request, sends its head too slowly, or stays
// idle between requests. Part of a head that times out goes to net/http,
// with the timeout, for the answer it gives to such a part (400 for a
// line without a colon, nothing otherwise).
func TestLaneTimeouts(t *testing.T) {
	lt := newLaneTest(t, 5, false, func(s *http.Server) {
		s.ReadHeaderTimeout = 150 * time.Millisecond
		s.IdleTimeout = 250 * time.Millisecond
	})
	const feed = "GET /feed.atom HTTP/1.1\r\nHost: feeds.example.org\r\n\r\n"
	tests := map[string]struct {
		send    string
		answers int  // by the lane, before the connection ends
		handed  bool // the part of a head to net/http
	}{
		"silent":          {"", 0, false},
		"slow line":       {"GET /feed.at", 0, true},
		"slow header":     {"GET /feed.atom HTTP/1.1\r\nHo", 0, true},
		"slow value":      {"GET /feed.atom HTTP/1.1\r\nHost: feeds", 0, true},
		"idle":            {feed, 1, false},
		"two, idle":       {feed + feed, 2, false},
		"one, slow":       {feed + "GET /feed.atom HTTP/1.1\r\nHo", 1, true},
		"one, slow value": {feed + "GET /feed.atom HTTP/1.1\r\nHost: feeds", 1, true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var got [2]string
			for i, addr := range []string{lt.plain, lt.lane} {
				answered, handed := lt.counts()
				c := dial(t, addr)
				if _, err := io.WriteString(c, tc.send); err != nil {
					t.Fatal(err)
				}
				got[i] = dateless(readToEnd(t, c))
				if addr == lt.lane {
					a, h := lt.waitCounts(t, answered+tc.answers)
					if a-answered != tc.answers || (h > handed) != tc.handed {
						t.Errorf("the lane answered %d and handed %d off, want %d answered, handed off %v", a-answered, h-handed, tc.answers, tc.handed)
					}
				}
			}
			if got[0] != got[1] {
				t.Errorf("before the close, net/http sent\n%.300q\nand the lane\n%.300q", got[0], got[1])
			}
		})
	}
}

// dateless blanks the values of Date headers in s.
func dateless(s string) string {
	lines := strings.SplitAfter(s, "\r\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "Date: ") {
			lines[i] = "Date: <date>\r\n"
		}
	}
	return strings.Join(lines, "")
}

// gateBuild makes the next build of the combined feed wait until the
// returned function is called, and returns a channel that receives once
// the build has started.
func gateBuild(t *testing.T, lt *laneTest) (started <-chan struct{}, release func()) {
	t.Helper()
	entered, gate := make(chan struct{}, 16), make(chan struct{})
	lt.st.set(func(s *fakeStore) { s.entered, s.gate = entered, gate })
	lt.p.Invalidate()
	done := false
	release = func() {
		if !done {
			done = true
			close(gate)
		}
	}
	t.Cleanup(release)
	return entered, release
}

// idleLaneConn returns a connection on which the lane answered one request
// and that now waits for the next.
func idleLaneConn(t *testing.T, lt *laneTest) net.Conn {
	t.Helper()
	c := dial(t, lt.lane)
	if _, err := io.WriteString(c, "HEAD /feed.atom HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	if r, err := readResponse(t, bufio.NewReader(c), true); err != nil || !strings.HasPrefix(r.head, "HTTP/1.1 200 ") {
		t.Fatalf("HEAD: %q, %v", r.head, err)
	}
	return c
}

// TestLaneShutdown checks that http.Server.Shutdown, through the lane's
// Close, stops new connections and closes idle ones, that an answer in
// progress ends with Connection: close, and that Lane.Shutdown then
// returns once every goroutine of the lane has ended.
func TestLaneShutdown(t *testing.T) {
	lt := newLaneTest(t, 5, true, nil)
	idle := idleLaneConn(t, lt)
	started, release := gateBuild(t, lt)
	busy := dial(t, lt.lane)
	if _, err := io.WriteString(busy, "GET /feed.atom HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	<-started // the lane waits for the build of the changed feed

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := lt.srv.Shutdown(ctx); err != nil {
		t.Fatalf("http.Server.Shutdown: %v", err)
	}
	if got := readToEnd(t, idle); got != "" {
		t.Errorf("idle connection got %q before it closed", got)
	}
	if c, err := net.Dial("tcp", lt.lane); err == nil {
		_ = c.Close()
		t.Error("a new connection was accepted after Shutdown")
	}
	select {
	case <-lt.l.stopped:
		t.Fatal("the lane stopped before its answer in progress")
	default:
	}

	release()
	br := bufio.NewReader(busy)
	r, err := readResponse(t, br, false)
	if err != nil || !strings.HasPrefix(r.head, "HTTP/1.1 200 OK\r\n") || !strings.Contains(r.head, "\r\nConnection: close\r\n") {
		t.Fatalf("answer in progress: %q, %v; want 200 with Connection: close", r.head, err)
	}
	if rest, err := io.ReadAll(br); err != nil || len(rest) > 0 {
		t.Errorf("after the answer: %q, %v; want the end of the connection", rest, err)
	}
	if err := lt.l.Shutdown(ctx); err != nil {
		t.Errorf("Lane.Shutdown: %v", err)
	}
	if _, handed := lt.counts(); handed != 0 {
		t.Errorf("%d connections handed to net/http", handed)
	}
}

// TestLaneShutdownGivesUp checks that Lane.Shutdown closes the connections
// still busy when its context ends, and that their goroutines end.
func TestLaneShutdownGivesUp(t *testing.T) {
	lt := newLaneTest(t, 5, false, nil)
	started, release := gateBuild(t, lt)
	busy := dial(t, lt.lane)
	if _, err := io.WriteString(busy, "GET /feed.atom HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := lt.l.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Lane.Shutdown = %v, want the context's deadline", err)
	}
	if got := readToEnd(t, busy); got != "" {
		t.Errorf("busy connection got %q before it closed", got)
	}
	release()
	ctx, cancel = context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := lt.l.Shutdown(ctx); err != nil {
		t.Errorf("second Lane.Shutdown: %v (goroutines left)", err)
	}
}

// TestLaneHandsOffFailedBuild checks that a request whose build fails goes
// to net/http, which answers it from the last good document as the
// Handler does, and that after Close such a connection is closed instead.
func TestLaneHandsOffFailedBuild(t *testing.T) {
	failure := errors.New("disk I/O error")
	t.Run("serving", func(t *testing.T) {
		lt := newLaneTest(t, 5, false, nil)
		lt.st.set(func(s *fakeStore) { s.err = failure })
		lt.p.Invalidate()
		c := dial(t, lt.lane)
		if _, err := io.WriteString(c, "GET /feed.atom HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		r, err := readResponse(t, bufio.NewReader(c), false)
		if err != nil || !strings.HasPrefix(r.head, "HTTP/1.1 200 OK\r\n") {
			t.Fatalf("answer: %q, %v; want the last good feed", r.head, err)
		}
		if answered, handed := lt.counts(); answered != 0 || handed != 1 {
			t.Errorf("the lane answered %d and handed %d off, want 0 and 1", answered, handed)
		}
	})
	t.Run("closed", func(t *testing.T) {
		lt := newLaneTest(t, 5, false, nil)
		started, release := gateBuild(t, lt)
		c := dial(t, lt.lane)
		if _, err := io.WriteString(c, "GET /feed.atom HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		<-started
		lt.st.set(func(s *fakeStore) { s.err = failure }) // for the reads after the gate
		if err := lt.l.Close(); err != nil {
			t.Fatal(err)
		}
		release()
		if got := readToEnd(t, c); got != "" {
			t.Errorf("got %q, want the connection closed", got)
		}
		if _, handed := lt.counts(); handed != 0 {
			t.Errorf("%d connections handed off after Close", handed)
		}
	})
}

// TestLaneHandOffKeepsConn checks that a handler serving a handed-off
// connection finds its TCP connection, to cork it.
func TestLaneHandOffKeepsConn(t *testing.T) {
	p, _, _ := newTest(t, Options{})
	found := make(chan bool, 1)
	srv := NewServer("", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { found <- connOf(r) != nil }))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := FastLane(ln, p, LaneOptions{Server: srv})
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close(); _ = l.Shutdown(context.Background()) })
	c := dial(t, ln.Addr().String())
	if _, err := io.WriteString(c, "GET /other HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	if !<-found {
		t.Error("the handler found no TCP connection behind the handed-off one")
	}
}

// TestLaneAllocatesNothing checks that the lane answers a request without
// allocating, on either side of a loopback connection (the client here
// allocates nothing either).
func TestLaneAllocatesNothing(t *testing.T) {
	lt := newLaneTest(t, 20, true, nil)
	doc := cached(t, lt.p, formatAtom)
	const host = "Host: feeds.example.org\r\n"
	tests := map[string]string{
		"gzip file":      "GET /feed.atom HTTP/1.1\r\n" + host + "Accept-Encoding: gzip, deflate, br\r\n\r\n",
		"plain file":     "GET /feed.atom HTTP/1.1\r\n" + host + "\r\n",
		"HEAD":           "HEAD /feed.json HTTP/1.1\r\n" + host + "Accept-Encoding: gzip\r\n\r\n",
		"304 etag":       "GET /feed.atom HTTP/1.1\r\n" + host + "Accept-Encoding: gzip\r\nIf-None-Match: " + doc.gzETag + "\r\n\r\n",
		"304 date":       "GET /feed.atom HTTP/1.1\r\n" + host + "If-Modified-Since: " + doc.modified.UTC().Format(http.TimeFormat) + "\r\n\r\n",
		"1.0 keep-alive": "GET /feed.rss HTTP/1.0\r\nConnection: keep-alive\r\nAccept-Encoding: gzip\r\n\r\n",
	}
	for name, req := range tests {
		t.Run(name, func(t *testing.T) {
			c := dial(t, lt.lane)
			if _, err := io.WriteString(c, req); err != nil {
				t.Fatal(err)
			}
			r, err := readResponse(t, bufio.NewReader(c), strings.HasPrefix(req, "HEAD"))
			if err != nil {
				t.Fatal(err)
			}
			// Every answer has this length: the Date value has a fixed one.
			answer := make([]byte, len(r.head)-len("<date>")+len(http.TimeFormat)+len(r.body))
			reqBytes := []byte(req)
			allocs := testing.AllocsPerRun(50, func() {
				if _, err := c.Write(reqBytes); err != nil {
					t.Fatal(err)
				}
				if _, err := io.ReadFull(c, answer); err != nil {
					t.Fatal(err)
				}
			})
			if allocs != 0 {
				t.Errorf("%v allocations per request, want 0", allocs)
			}
			if _, handed := lt.counts(); handed != 0 {
				t.Errorf("the lane handed %d connections off", handed)
			}
		})
	}
}
