package publish

import (
	"bufio"
	"bytes"
	"net/http"
	"net/textproto"
	"strings"
	"testing"

	"golang.org/x/net/http/httpguts"
)

// laneHeads are request heads for the parser's tests and the fuzz seeds.
var laneHeads = []string{
	"GET /feed.atom HTTP/1.1\r\nHost: a\r\n\r\n",
	"HEAD /feed.rss HTTP/1.0\r\n\r\n",
	"GET /feed.json HTTP/1.0\r\nConnection: Keep-Alive\r\nAccept-Encoding: gzip\r\n\r\n",
	"GET /feed.atom HTTP/1.1\r\nhost:a\r\naccept-encoding:  gzip;q=0 \t\r\nIf-None-Match: \"x\"\r\nIf-Modified-Since: Tue, 16 Jun 2026 12:00:00 GMT\r\n\r\n",
	"GET /feed.atom HTTP/1.1\r\nHost: a\r\nConnection: te, close\r\nContent-Length: 0\r\nX-Obs: caf\xc3\xa9\r\n\r\n",
	"GET /feed.atom HTTP/1.1\r\nHost: a\r\nConnection: ,\r\n\r\n",
	"GET /feed.atom HTTP/1.1\r\nHost: [::1]:80\r\nX-Empty:\r\n\r\n",
	"GET /feed.atom?x HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /feed.atom HTTP/1.1\r\n\r\n",
	"GET /feed.atom HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n",
	"GET /feed.atom HTTP/1.1\r\nHost: a\r\n b\r\n\r\n",
	"GET /feed.atom HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
	"GET /feed.atom HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\n",
	"GET /feed.atom HTTP/1.1\r\nHost : a\r\n\r\n",
	"GET /feed.atom HTTP/1.1\r\nHost: a\r\nX: a\x7fb\r\n\r\n",
	"GET /feed.atom HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n",
	"GET /feed.atom HTTP/1.1\r\nHost: a\r\nConnection: keep alive\r\n\r\n",
	"GET /feed.atom HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\nACCEPT-ENCODING: br\r\n\r\n",
	"GET /feed.atom HTTP/1.1\r\nHost: a\r\nIf-None-Match: \"caf\xc3\xa9\"\r\n\r\n",
	"GET  /feed.atom HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET /feed.atom HTTP/1.1 \r\nHost: a\r\n\r\n",
	"GET /feed.atom HTTP/1.1\r\nHost: a b\r\n\r\n",
	"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
}

func TestParseHead(t *testing.T) {
	tests := map[int]struct {
		lane bool
		want laneRequest // checked when lane
	}{
		0: {true, laneRequest{format: formatAtom}},
		1: {true, laneRequest{head: true, format: formatRSS, http10: true, close: true}},
		2: {true, laneRequest{format: formatJSON, http10: true, keepAlive10: true, acceptEncoding: []byte("gzip")}},
		3: {true, laneRequest{format: formatAtom, acceptEncoding: []byte("gzip;q=0"), ifNoneMatch: []byte(`"x"`), ifModifiedSince: []byte("Tue, 16 Jun 2026 12:00:00 GMT")}},
		4: {true, laneRequest{format: formatAtom, close: true}},
		5: {true, laneRequest{format: formatAtom}},
		6: {true, laneRequest{format: formatAtom}},
	}
	for i, h := range laneHeads {
		n, _, bad := headEnd([]byte(h), 0)
		if bad || n == 0 {
			continue // TestHeadEnd
		}
		var req laneRequest
		got := parseHead([]byte(h[:n]), &req)
		tc := tests[i]
		if got != tc.lane {
			t.Errorf("parseHead(%q) = %v, want %v", h, got, tc.lane)
			continue
		}
		if !got {
			continue
		}
		tc.want.size = n
		if req.head != tc.want.head || req.format != tc.want.format || req.http10 != tc.want.http10 ||
			req.close != tc.want.close || req.keepAlive10 != tc.want.keepAlive10 || req.size != tc.want.size ||
			!bytes.Equal(req.acceptEncoding, tc.want.acceptEncoding) || !bytes.Equal(req.ifNoneMatch, tc.want.ifNoneMatch) ||
			!bytes.Equal(req.ifModifiedSince, tc.want.ifModifiedSince) {
			t.Errorf("parseHead(%q):\ngot  %+v\nwant %+v", h, req, tc.want)
		}
	}
}

func TestHeadEnd(t *testing.T) {
	tests := []struct {
		in   string
		from int
		n    int
		next int
		bad  bool
	}{
		{"GET / HTTP/1.1\r\n\r\n", 0, 18, 18, false},
		{"GET / HTTP/1.1\r\n\r\nGET", 0, 18, 18, false},
		{"GET / HTTP/1.1\r\nHost: a\r\n", 0, 0, 25, false},
		{"GET / HTTP/1.1\r\nHost: a\r\n\r", 0, 0, 25, false},     // the last CR waits for its LF
		{"GET / HTTP/1.1\r\nHost: a\r\n\r\n", 25, 27, 27, false}, // resumes where it stopped
		{"GET / HTTP/1.1\nHost: a\r\n\r\n", 0, 0, 0, true},       // bare LF
		{"GET / HTTP/1.1\r\nHost: a\n\n", 0, 0, 0, true},         // bare LF later
		{"GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", 0, 0, 0, true},  // lone CR
		{"\r\n\r\n", 0, 4, 4, false},                             // empty request line: parseHead refuses it
		{"\n", 0, 0, 0, true},
	}
	for _, tc := range tests {
		n, next, bad := headEnd([]byte(tc.in), tc.from)
		if n != tc.n || next != tc.next || bad != tc.bad {
			t.Errorf("headEnd(%q, %d) = %d, %d, %v; want %d, %d, %v", tc.in, tc.from, n, next, bad, tc.n, tc.next, tc.bad)
		}
	}
}

func TestCouldBeLane(t *testing.T) {
	for in, want := range map[string]bool{
		"":                             true,
		"G":                            true,
		"HEAD /feed.j":                 true,
		"GET /feed.atom HTTP/1.1\r":    true,
		"GET /feed.atom HTTP/1.1\r\nX": true,
		"GET /feed.atom?":              false,
		"POST":                         false,
		"GET /feed.atom HTTP/1.2":      false,
		"GET /feed.xml":                false,
		"PRI * HTTP/2.0":               false,
	} {
		if got := couldBeLane([]byte(in)); got != want {
			t.Errorf("couldBeLane(%q) = %v, want %v", in, got, want)
		}
	}
}

// FuzzParseHead checks that every head the lane answers is one net/http
// reads without error, and that the lane reads it as net/http does: the
// method, path, version, connection handling and the header values the
// answer depends on.
func FuzzParseHead(f *testing.F) {
	for _, h := range laneHeads {
		f.Add([]byte(h))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		n, next, bad := headEnd(b, 0)
		if bad || n == 0 {
			if n != 0 || next > len(b) {
				t.Fatalf("headEnd(%q) = %d, %d, %v", b, n, next, bad)
			}
			return
		}
		head := b[:n]
		var req laneRequest
		if !parseHead(head, &req) {
			return
		}
		if !couldBeLane(head) {
			t.Errorf("parseHead accepts %q, which couldBeLane refuses", head)
		}
		r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(head)))
		if err != nil {
			t.Fatalf("the lane answers %q, which net/http refuses: %v", head, err)
		}
		wantMethod := http.MethodGet
		if req.head {
			wantMethod = http.MethodHead
		}
		if r.Method != wantMethod || r.RequestURI != "/feed."+req.format.ext() || r.URL.Path != r.RequestURI || r.URL.RawQuery != "" {
			t.Errorf("%q: net/http reads %s %s, the lane %s %s", head, r.Method, r.RequestURI, wantMethod, "/feed."+req.format.ext())
		}
		if r.ProtoMajor != 1 || (r.ProtoMinor == 0) != req.http10 || r.ProtoMinor > 1 {
			t.Errorf("%q: net/http reads %s, the lane HTTP/1.0 = %v", head, r.Proto, req.http10)
		}
		if r.Close != req.close {
			t.Errorf("%q: net/http closes %v, the lane %v", head, r.Close, req.close)
		}
		keepAlive10 := r.ProtoMinor == 0 && httpguts.HeaderValuesContainsToken(r.Header["Connection"], "keep-alive")
		if keepAlive10 != req.keepAlive10 {
			t.Errorf("%q: net/http's HTTP/1.0 keep-alive is %v, the lane's %v", head, keepAlive10, req.keepAlive10)
		}
		if r.ContentLength != 0 || len(r.TransferEncoding) > 0 || r.Header.Get("Expect") != "" || r.Header.Get("Upgrade") != "" {
			t.Errorf("%q: a body, Expect or Upgrade: length %d, %v", head, r.ContentLength, r.TransferEncoding)
		}
		// What the server adds to ReadRequest's checks (conn.readRequest).
		tp := textproto.NewReader(bufio.NewReader(bytes.NewReader(head)))
		_, _ = tp.ReadLine()
		mh, err := tp.ReadMIMEHeader() // ReadRequest moved Host out of r.Header
		if err != nil {
			t.Fatalf("%q: %v", head, err)
		}
		hosts := mh["Host"]
		if (len(hosts) == 0 && !req.http10) || len(hosts) > 1 || (len(hosts) == 1 && !httpguts.ValidHostHeader(hosts[0])) {
			t.Errorf("%q: net/http refuses Host %q", head, hosts)
		}
		for k, vv := range r.Header {
			if !httpguts.ValidHeaderFieldName(k) {
				t.Errorf("%q: net/http refuses header name %q", head, k)
			}
			for _, v := range vv {
				if !httpguts.ValidHeaderFieldValue(v) {
					t.Errorf("%q: net/http refuses the value %q of %s", head, v, k)
				}
			}
		}
		for name, got := range map[string][]byte{"Accept-Encoding": req.acceptEncoding, "If-None-Match": req.ifNoneMatch, "If-Modified-Since": req.ifModifiedSince} {
			vv := r.Header[name]
			if len(vv) > 1 || (len(vv) == 1) != (got != nil) || (len(vv) == 1 && vv[0] != string(got)) {
				t.Errorf("%q: net/http reads %s %q, the lane %q", head, name, vv, got)
			}
		}
		if strings.Count(string(head), "\r\n\r\n") != 1 || req.size != n {
			t.Errorf("%q: head of %d bytes, the lane's is %d", head, n, req.size)
		}
	})
}
