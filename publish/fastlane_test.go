package publish

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// laneTest is one Publisher served twice on loopback: by net/http alone
// (plain) and by the same kind of http.Server behind a Lane (lane), with
// what each part of the lane's side answered.
type laneTest struct {
	p           *Publisher
	st          *fakeStore
	plain, lane string // addresses
	l           *Lane
	srv         *http.Server // the lane's
	plainSrv    *http.Server
	mu          sync.Mutex
	answered    int          // answers the lane sent
	codes       map[int]int  // of them, by status code
	handed      int          // connections the lane handed to net/http
	served      chan error   // receives what srv.Serve returned
	errLog      lockedBuffer // srv's ErrorLog
}

// laneOptions configure newLaneTestWith.
type laneOptions struct {
	items, entries int                             // in the store; in the feeds (0: the default)
	files          bool                            // keep the feeds in files (sendfile)
	adjust         func(*http.Server)              // changes both servers before they start
	wrap           func(net.Listener) net.Listener // wraps the lane's listener
	lane           LaneOptions                     // Server is the rig's; Observe is called after the rig counted
}

// newLaneTest serves a Publisher of n items with a WebSub hub (so that
// answers carry Link headers), its combined feed kept in files when files
// is set. adjust, when set, changes both servers before they start.
func newLaneTest(t *testing.T, n int, files bool, adjust func(*http.Server)) *laneTest {
	t.Helper()
	return newLaneTestWith(t, laneOptions{items: n, files: files, adjust: adjust})
}

// newLaneTestWith is newLaneTest with all of o.
func newLaneTestWith(t *testing.T, o laneOptions) *laneTest {
	t.Helper()
	lt := &laneTest{codes: map[int]int{}, served: make(chan error, 1)}
	lt.p, lt.st, _ = newTest(t, Options{Hub: "https://hub.example.org/", Entries: o.entries})
	lt.st.set(func(s *fakeStore) { s.items = benchItems(o.items) })
	lt.p.Invalidate()
	if o.files {
		if err := lt.p.ServeFiles(filepath.Join(t.TempDir(), "cache")); err != nil {
			t.Fatal(err)
		}
	}
	listen := func() net.Listener {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		return ln
	}
	pln, lln := listen(), listen()
	lt.plain, lt.lane = pln.Addr().String(), lln.Addr().String()
	lt.plainSrv = NewServer(lt.plain, lt.p.Handler())
	lt.srv = NewServer(lt.lane, lt.p.Handler())
	lt.srv.ErrorLog = log.New(&lt.errLog, "", 0)
	if o.wrap != nil {
		lln = o.wrap(lln)
	}
	lt.srv.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			lt.mu.Lock()
			lt.handed++
			lt.mu.Unlock()
		}
	}
	if o.adjust != nil {
		o.adjust(lt.plainSrv)
		o.adjust(lt.srv)
	}
	lo := o.lane
	lo.Server = lt.srv
	observe := lo.Observe
	lo.Observe = func(code int, elapsed time.Duration) {
		if elapsed < 0 {
			t.Errorf("observed a negative duration %v", elapsed)
		}
		lt.mu.Lock()
		lt.answered++
		lt.codes[code]++
		lt.mu.Unlock()
		if observe != nil {
			observe(code, elapsed)
		}
	}
	lt.l = FastLane(lln, lt.p, lo)
	go func() { _ = lt.plainSrv.Serve(pln) }()
	go func() { lt.served <- lt.srv.Serve(lt.l) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_ = lt.plainSrv.Shutdown(ctx)
		if err := lt.srv.Shutdown(ctx); err != nil {
			t.Errorf("http.Server.Shutdown: %v", err)
		}
		// Every goroutine of the lane has ended when Shutdown returns nil.
		if err := lt.l.Shutdown(ctx); err != nil {
			t.Errorf("Lane.Shutdown: %v", err)
		}
	})
	for _, f := range formats {
		cached(t, lt.p, f) // built before the requests
	}
	return lt
}

// counts returns the number of answers the lane sent and of connections
// it handed off so far.
func (lt *laneTest) counts() (answered, handed int) {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	return lt.answered, lt.handed
}

// waitCounts waits until the lane has answered at least answered requests
// (Observe runs after an answer is sent, so it may lag behind the client)
// and returns the counts then.
func (lt *laneTest) waitCounts(t *testing.T, answered int) (int, int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		a, h := lt.counts()
		if a >= answered || time.Now().After(deadline) {
			return a, h
		}
		time.Sleep(time.Millisecond)
	}
}

// rawResponse is one answer as received, its Date value replaced by
// <date> once checked.
type rawResponse struct {
	head string // status line and header lines, blank line included
	body []byte
}

// dial connects to addr, with a deadline against a hung test.
func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	return c
}

// readResponse reads one answer to a request whose method was HEAD when
// head is set: its body by Content-Length, or up to the end of the
// connection without one.
func readResponse(t *testing.T, br *bufio.Reader, head bool) (rawResponse, error) {
	t.Helper()
	var r rawResponse
	var b strings.Builder
	length := -1
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return r, err
		}
		name, value, _ := strings.Cut(strings.TrimSuffix(line, "\r\n"), ": ")
		switch name {
		case "Date":
			if d, err := http.ParseTime(value); err != nil || time.Since(d) > time.Hour || time.Until(d) > time.Hour {
				t.Errorf("Date %q is not now", value)
			}
			line = "Date: <date>\r\n"
		case "Content-Length":
			length, _ = strconv.Atoi(value)
		}
		b.WriteString(line)
		if line == "\r\n" {
			break
		}
	}
	r.head = b.String()
	var err error
	switch {
	case head || strings.HasPrefix(r.head[len("HTTP/1.x "):], "304 "):
	case length >= 0:
		r.body = make([]byte, length)
		_, err = io.ReadFull(br, r.body)
	default:
		r.body, err = io.ReadAll(br)
	}
	return r, err
}

// exchange writes the chunks of raw on a new connection to addr, one
// write each, and reads up to n answers; heads[i] says whether the i-th
// request is a HEAD. It then probes the connection with a HEAD request and
// reports whether it was still open.
func exchange(t *testing.T, addr string, chunks []string, n int, heads ...bool) (rs []rawResponse, open bool) {
	t.Helper()
	c := dial(t, addr)
	for i, ch := range chunks {
		if i > 0 {
			time.Sleep(time.Millisecond) // so that the server may read them apart
		}
		if _, err := io.WriteString(c, ch); err != nil {
			t.Fatal(err)
		}
	}
	br := bufio.NewReader(c)
	for i := range n {
		r, err := readResponse(t, br, i < len(heads) && heads[i])
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || isReset(err) {
				return rs, false
			}
			t.Fatalf("reading answer %d from %s: %v", i, addr, err)
		}
		rs = append(rs, r)
	}
	if _, err := io.WriteString(c, "HEAD /feed.atom HTTP/1.1\r\nHost: probe\r\n\r\n"); err != nil {
		return rs, false
	}
	r, err := readResponse(t, br, true)
	return rs, err == nil && strings.HasPrefix(r.head, "HTTP/1.1 200 OK\r\n")
}

// isReset reports whether err is a connection reset, which a closing
// server causes when a request is left unread.
func isReset(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && strings.Contains(op.Err.Error(), "reset")
}

// laneCase is one request of the differential test.
type laneCase struct {
	method, path, proto string
	header              []string // "Name: value" lines
}

func (c laneCase) raw() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s\r\nHost: feeds.example.org\r\nUser-Agent: lane-test\r\n", c.method, c.path, c.proto)
	for _, h := range c.header {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("\r\n")
	return b.String()
}

func (c laneCase) String() string {
	return c.method + " " + c.path + " " + c.proto + " " + strings.Join(c.header, "; ")
}

// differentialCases returns the requests of TestLaneAnswersAsNetHTTP for
// a document of entity tags etag and gzETag last modified at modified.
func differentialCases(etag, gzETag string, modified time.Time) []laneCase {
	aes := []string{"", "gzip", "gzip;q=0", "*", "x-gzip, br", "br;q=1, *;q=0", "identity", "GZIP;Q=0.001", "gzip;q=0, *"}
	inms := []string{"", etag, gzETag, `"nope"`, "*", "W/" + gzETag, `"nope", ` + etag}
	imss := []string{"", modified.UTC().Format(http.TimeFormat), modified.Add(-time.Hour).UTC().Format(http.TimeFormat), "yesterday"}
	var cases []laneCase
	add := func(method, path, proto string, header ...string) {
		cases = append(cases, laneCase{method, path, proto, slices.DeleteFunc(header, func(h string) bool { return strings.HasSuffix(h, ": ") })})
	}
	// Every negotiation, on the most common request shape.
	for _, ae := range aes {
		for _, inm := range inms {
			for _, ims := range imss {
				add("GET", "/feed.atom", "HTTP/1.1", "Accept-Encoding: "+ae, "If-None-Match: "+inm, "If-Modified-Since: "+ims)
			}
		}
	}
	// Every method, format and connection handling.
	conns := []struct{ proto, conn string }{
		{"HTTP/1.1", ""}, {"HTTP/1.1", "close"}, {"HTTP/1.1", "Keep-Alive"}, {"HTTP/1.1", "te, CLOSE"},
		{"HTTP/1.0", ""}, {"HTTP/1.0", "keep-alive"}, {"HTTP/1.0", "close"},
	}
	for _, m := range []string{"GET", "HEAD"} {
		for _, f := range formats {
			for _, c := range conns {
				for _, h := range [][]string{{"Accept-Encoding: gzip"}, {"Accept-Encoding: gzip;q=0"}, {}, {"If-None-Match: *"}} {
					add(m, "/feed."+f.ext(), c.proto, append(h, "Connection: "+c.conn)...)
				}
			}
		}
	}
	// Odd but valid heads.
	add("GET", "/feed.atom", "HTTP/1.1", "accept-encoding:gzip", "Content-Length: 0", "X-Empty:", "X-Tab: \ta b\t ")
	add("GET", "/feed.atom", "HTTP/1.1", "Accept-Encoding:   gzip  ", "X-Obs-Text: caf\xc3\xa9")
	return cases
}

// TestLaneAnswersAsNetHTTP sends the same requests to net/http and to the
// lane and checks that the lane answers each itself, with the same bytes
// (the Date value aside) and the same connection handling.
func TestLaneAnswersAsNetHTTP(t *testing.T) {
	for _, files := range []bool{false, true} {
		t.Run(fmt.Sprintf("files=%v", files), func(t *testing.T) {
			lt := newLaneTest(t, 20, files, nil)
			doc := cached(t, lt.p, formatAtom)
			for _, c := range differentialCases(doc.etag, doc.gzETag, doc.modified) {
				head := c.method == http.MethodHead
				want, wantOpen := exchange(t, lt.plain, []string{c.raw()}, 1, head)
				answered, handed := lt.counts()
				got, gotOpen := exchange(t, lt.lane, []string{c.raw()}, 1, head)
				if len(want) != 1 || len(got) != 1 {
					t.Fatalf("%s: %d answers from net/http, %d from the lane", c, len(want), len(got))
				}
				if want[0].head != got[0].head || string(want[0].body) != string(got[0].body) {
					t.Errorf("%s:\nnet/http: %q (%d body bytes)\nlane:     %q (%d body bytes)", c, want[0].head, len(want[0].body), got[0].head, len(got[0].body))
				}
				if gotOpen != wantOpen {
					t.Errorf("%s: connection open after the answer: %v with net/http, %v with the lane", c, wantOpen, gotOpen)
				}
				wantAnswers := 1
				if gotOpen {
					wantAnswers++ // the probe
				}
				a, h := lt.waitCounts(t, answered+wantAnswers)
				if a-answered != wantAnswers || h != handed {
					t.Errorf("%s: the lane answered %d requests and handed %d connections off, want %d and 0", c, a-answered, h-handed, wantAnswers)
				}
			}
			lt.mu.Lock()
			defer lt.mu.Unlock()
			if lt.codes[200] == 0 || lt.codes[304] == 0 || len(lt.codes) != 2 {
				t.Errorf("observed codes lack 200 or 304: %v", lt.codes)
			}
		})
	}
}

// TestLaneHandsOff checks that the requests the lane must not answer get
// net/http's answer on a connection that stays usable.
func TestLaneHandsOff(t *testing.T) {
	lt := newLaneTest(t, 20, true, nil)
	const (
		host = "Host: feeds.example.org\r\n"
		feed = "GET /feed.atom HTTP/1.1\r\n" + host + "\r\n"
	)
	split := func(s string, n int) []string {
		var out []string
		for len(s) > n {
			out = append(out, s[:n])
			s = s[n:]
		}
		return append(out, s)
	}
	tests := map[string]struct {
		chunks   []string
		n        int    // answers
		heads    []bool // which requests are HEAD
		answered int    // by the lane
		handed   bool   // to net/http
	}{
		"query":           {[]string{"GET /feed.atom?since=7d HTTP/1.1\r\n" + host + "\r\n"}, 1, nil, 0, true},
		"empty query":     {[]string{"GET /feed.atom? HTTP/1.1\r\n" + host + "\r\n"}, 1, nil, 0, true},
		"POST":            {[]string{"POST /feed.atom HTTP/1.1\r\n" + host + "Content-Length: 3\r\n\r\nabc"}, 1, nil, 0, true},
		"other path":      {[]string{"GET /sources/gd.atom HTTP/1.1\r\n" + host + "\r\n"}, 1, nil, 0, true},
		"trailing slash":  {[]string{"GET /feed.atom/ HTTP/1.1\r\n" + host + "\r\n"}, 1, nil, 0, true},
		"escaped path":    {[]string{"GET /feed%2Eatom HTTP/1.1\r\n" + host + "\r\n"}, 1, nil, 0, true},
		"absolute form":   {[]string{"GET http://feeds.example.org/feed.atom HTTP/1.1\r\n" + host + "\r\n"}, 1, nil, 0, true},
		"lower-case GET":  {[]string{"get /feed.atom HTTP/1.1\r\n" + host + "\r\n"}, 1, nil, 0, true},
		"HTTP/1.2":        {[]string{"GET /feed.atom HTTP/1.2\r\n" + host + "\r\n"}, 1, nil, 0, true},
		"chunked body":    {[]string{"GET /feed.atom HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"}, 1, nil, 0, true},
		"body":            {[]string{"GET /feed.atom HTTP/1.1\r\n" + host + "Content-Length: 2\r\n\r\nab"}, 1, nil, 0, true},
		"obs-fold":        {[]string{"GET /feed.atom HTTP/1.1\r\n" + host + "X-Folded: a\r\n b\r\n\r\n"}, 1, nil, 0, true},
		"bare LF":         {[]string{"GET /feed.atom HTTP/1.1\n" + "Host: feeds.example.org\n\n"}, 1, nil, 0, true},
		"bare LF later":   {[]string{"GET /feed.atom HTTP/1.1\r\n" + "Host: feeds.example.org\n\n"}, 1, nil, 0, true},
		"large header":    {[]string{"GET /feed.atom HTTP/1.1\r\n" + host + "X-Big: " + strings.Repeat("b", 6000) + "\r\n\r\n"}, 1, nil, 0, true},
		"huge header":     {[]string{"GET /feed.atom HTTP/1.1\r\n" + host + "X-Big: " + strings.Repeat("b", 80<<10) + "\r\n\r\n"}, 1, nil, 0, true},
		"no Host":         {[]string{"GET /feed.atom HTTP/1.1\r\n\r\n"}, 1, nil, 0, true},
		"two Hosts":       {[]string{"GET /feed.atom HTTP/1.1\r\n" + host + "host: b.example.org\r\n\r\n"}, 1, nil, 0, true},
		"bad Host":        {[]string{"GET /feed.atom HTTP/1.1\r\nHost: a b\r\n\r\n"}, 1, nil, 0, true},
		"space in name":   {[]string{"GET /feed.atom HTTP/1.1\r\n" + host + "Accept-Encoding : gzip\r\n\r\n"}, 1, nil, 0, true},
		"NUL in value":    {[]string{"GET /feed.atom HTTP/1.1\r\n" + host + "X-A: a\x00b\r\n\r\n"}, 1, nil, 0, true},
		"two encodings":   {[]string{"GET /feed.atom HTTP/1.1\r\n" + host + "Accept-Encoding: gzip\r\nAccept-Encoding: br\r\n\r\n"}, 1, nil, 0, true},
		"Expect":          {[]string{"GET /feed.atom HTTP/1.1\r\n" + host + "Expect: 100-continue\r\n\r\n"}, 1, nil, 0, true},
		"Upgrade":         {[]string{"GET /feed.atom HTTP/1.1\r\n" + host + "Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n"}, 1, nil, 0, true},
		"1.0 both":        {[]string{"GET /feed.atom HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n"}, 1, nil, 0, true},
		"HTTP/2 preface":  {[]string{"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"}, 1, nil, 0, true},
		"pipelined":       {[]string{feed + "GET /healthz HTTP/1.1\r\n" + host + "\r\n"}, 2, nil, 1, true},
		"pipelined lane":  {[]string{feed + "HEAD /feed.rss HTTP/1.1\r\n" + host + "\r\n" + feed}, 3, []bool{false, true, false}, 3 + 1, false},
		"split lane":      {split(feed, 3), 1, nil, 1 + 1, false},
		"split other":     {split("GET /feed.atom?x=1 HTTP/1.1\r\n"+host+"\r\n", 3), 1, nil, 0, true},
		"split late":      {split("GET /feed.atom HTTP/1.1\r\n"+host+"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 5), 1, nil, 0, true},
		"second is other": {[]string{feed, "POST /feed.atom HTTP/1.1\r\n" + host + "Content-Length: 0\r\n\r\n"}, 2, nil, 1, true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			want, wantOpen := exchange(t, lt.plain, tc.chunks, tc.n, tc.heads...)
			answered, handed := lt.counts()
			got, gotOpen := exchange(t, lt.lane, tc.chunks, tc.n, tc.heads...)
			if len(got) != len(want) {
				t.Fatalf("%d answers from net/http, %d from the lane", len(want), len(got))
			}
			for i := range want {
				if want[i].head != got[i].head || string(want[i].body) != string(got[i].body) {
					t.Errorf("answer %d:\nnet/http: %q %.80q\nlane:     %q %.80q", i, want[i].head, want[i].body, got[i].head, got[i].body)
				}
			}
			if gotOpen != wantOpen {
				t.Errorf("connection open after the answers: %v with net/http, %v with the lane", wantOpen, gotOpen)
			}
			a, h := lt.waitCounts(t, answered+tc.answered)
			if a-answered != tc.answered || (h > handed) != tc.handed {
				t.Errorf("the lane answered %d requests and handed %d connections off; want %d answered, handed off %v", a-answered, h-handed, tc.answered, tc.handed)
			}
		})
	}
}
