package publish

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Tests of three paths of the fast lane its other tests do not take: heads
// that arrive in pieces or straddle the end of the read buffer, a panic
// while serving a connection, and errors of the inner listener's Accept.

// lockedBuffer is a bytes.Buffer safe for concurrent use.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// laneReq is a request the lane answers, and what it asks for.
type laneReq struct {
	raw  string
	f    format
	head bool // HEAD, else GET
	gzip bool // accepts gzip
}

// minReqSize is the least size shapedReq makes: above the longest request
// it makes without padding (about 105 bytes).
const minReqSize = 128

// shapedReq returns request i of a pipeline, size bytes long (at least
// minReqSize) thanks to an X-Pad header: its method, format and coding
// vary with i, and the last one asks to close the connection.
func shapedReq(i, size int, last bool) laneReq {
	r := laneReq{f: formats[i%len(formats)], head: i%4 == 3, gzip: i%2 == 0}
	var b strings.Builder
	if r.head {
		b.WriteString("HEAD")
	} else {
		b.WriteString("GET")
	}
	b.WriteString(" /feed." + r.f.ext() + " HTTP/1.1\r\nHost: feeds.example.org\r\n")
	if r.gzip {
		b.WriteString("Accept-Encoding: gzip\r\n")
	}
	if last {
		b.WriteString("Connection: close\r\n")
	}
	b.WriteString("X-Pad: ")
	b.WriteString(strings.Repeat("p", max(0, size-b.Len()-len("\r\n\r\n"))))
	b.WriteString("\r\n\r\n")
	r.raw = b.String()
	return r
}

// joinReqs returns the bytes of reqs one after the other.
func joinReqs(reqs []laneReq) string {
	var b strings.Builder
	for _, r := range reqs {
		b.WriteString(r.raw)
	}
	return b.String()
}

// checkAnswers reads from br the answers to reqs, in order, and checks
// that each is the combined feed its request asked for, whole; then that
// the connection ends (the last request asks for that).
func checkAnswers(t *testing.T, br *bufio.Reader, p *Publisher, reqs []laneReq) {
	t.Helper()
	for i, rq := range reqs {
		method := http.MethodGet
		if rq.head {
			method = http.MethodHead
		}
		resp, err := http.ReadResponse(br, &http.Request{Method: method})
		if err != nil {
			t.Fatalf("answer %d of %d (%s %s): %v", i+1, len(reqs), method, rq.f.ext(), err)
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("answer %d of %d: body: %v", i+1, len(reqs), err)
		}
		doc := cached(t, p, rq.f)
		want, coding := doc.body, ""
		if rq.gzip {
			want, coding = doc.gz, "gzip"
		}
		if rq.head {
			want = nil
		}
		wantLength := strconv.Itoa(len(doc.body))
		if rq.gzip {
			wantLength = strconv.Itoa(len(doc.gz))
		}
		h := resp.Header
		if resp.Proto != "HTTP/1.1" || resp.StatusCode != http.StatusOK || h.Get("Content-Type") != doc.contentType ||
			h.Get("Content-Encoding") != coding || h.Get("Content-Length") != wantLength || !bytes.Equal(body, want) {
			t.Fatalf("answer %d of %d (%s %s, gzip %v): %s %d, Content-Type %q, Content-Encoding %q, Content-Length %q, %d body bytes (equal: %v); "+
				"want HTTP/1.1 200, %q, %q, %s, %d bytes",
				i+1, len(reqs), method, rq.f.ext(), rq.gzip, resp.Proto, resp.StatusCode, h.Get("Content-Type"),
				h.Get("Content-Encoding"), h.Get("Content-Length"), len(body), bytes.Equal(body, want),
				doc.contentType, coding, wantLength, len(want))
		}
	}
	if rest, err := io.ReadAll(br); err != nil || len(rest) > 0 {
		t.Errorf("after the last answer: %.80q, %v; want the end of the connection", rest, err)
	}
}

// trickleListener's connections return at most max bytes per Read.
type trickleListener struct {
	net.Listener
	max int
}

func (l trickleListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &trickleConn{Conn: c, max: l.max}, nil
}

// trickleConn is a connection whose reads return at most max bytes.
type trickleConn struct {
	net.Conn
	max int
}

func (c *trickleConn) Read(p []byte) (int, error) {
	if len(p) > c.max {
		p = p[:c.max]
	}
	return c.Conn.Read(p)
}

// TestLaneReadsHeadsInPieces checks that the lane answers, itself, in
// order and whole, pipelined heads that reach it in pieces: written by the
// client a byte at a time (the lane reads what arrived), and read by the
// lane a byte at a time, so that every byte of every head, CR and LF
// apart, ends a read.
func TestLaneReadsHeadsInPieces(t *testing.T) {
	var reqs []laneReq
	for i := range 7 {
		reqs = append(reqs, shapedReq(i, minReqSize+i*13, i == 6))
	}
	raw := joinReqs(reqs)
	tests := map[string]struct {
		files bool
		wrap  func(net.Listener) net.Listener
		write func(c net.Conn) error
	}{
		"client writes bytes": {files: true, write: func(c net.Conn) error {
			for i := range len(raw) {
				if _, err := io.WriteString(c, raw[i:i+1]); err != nil {
					return err
				}
			}
			return nil
		}},
		"lane reads bytes": {
			wrap:  func(ln net.Listener) net.Listener { return trickleListener{ln, 1} },
			write: func(c net.Conn) error { _, err := io.WriteString(c, raw); return err },
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := newLaneTestWith(t, laneOptions{items: 3, files: tc.files, wrap: tc.wrap})
			c := dial(t, r.lane)
			if err := tc.write(c); err != nil {
				t.Fatal(err)
			}
			checkAnswers(t, bufio.NewReader(c), r.p, reqs)
			if a, h := r.waitCounts(t, len(reqs)); a != len(reqs) || h != 0 {
				t.Errorf("the lane answered %d requests and handed %d connections off, want %d and 0", a, h, len(reqs))
			}
		})
	}
}

// recordHandler is a slog.Handler that sends each record on a channel.
type recordHandler chan slog.Record

func (h recordHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h recordHandler) Handle(_ context.Context, r slog.Record) error {
	h <- r.Clone()
	return nil
}
func (h recordHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h recordHandler) WithGroup(string) slog.Handler      { return h }

// TestLaneRecoversFromAPanic checks that a panic while the lane serves a
// connection, in a hook it calls (Now before an answer, Observe after
// one), is recovered as net/http recovers a handler's: logged with the
// client's address, the value and the stack, the connection closed (after
// the answer when the answer was sent), the connection's goroutine ended;
// and that the lane serves the next connection.
func TestLaneRecoversFromAPanic(t *testing.T) {
	const boom = "boom in a lane hook"
	tests := map[string]struct {
		options    func(armed *atomic.Bool) LaneOptions
		answered   bool // the panicking connection got its answer
		wantCounts int  // Observe calls in all
	}{
		"Now, before the answer": {
			options: func(armed *atomic.Bool) LaneOptions {
				return LaneOptions{Now: func() time.Time {
					if armed.CompareAndSwap(true, false) {
						panic(boom)
					}
					return time.Now()
				}}
			},
			answered: false, wantCounts: 1,
		},
		"Observe, after the answer": {
			options: func(armed *atomic.Bool) LaneOptions {
				return LaneOptions{Observe: func(int, time.Duration) {
					if armed.CompareAndSwap(true, false) {
						panic(boom)
					}
				}}
			},
			answered: true, wantCounts: 2, // the rig counts the panicking call
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var armed atomic.Bool
			records := make(recordHandler, 16)
			o := tc.options(&armed)
			o.Logger = slog.New(records)
			r := newLaneTestWith(t, laneOptions{items: 3, files: true, lane: o})

			c := dial(t, r.lane)
			armed.Store(true)
			if _, err := io.WriteString(c, "GET /feed.atom HTTP/1.1\r\nHost: feeds.example.org\r\n\r\n"); err != nil {
				t.Fatal(err)
			}
			// Keep-alive was asked: only the recovery closes the connection.
			b, err := io.ReadAll(c)
			if err != nil {
				t.Fatalf("reading until the lane closes the connection: %v (after %d bytes)", err, len(b))
			}
			got := string(b)
			if armed.Load() {
				t.Fatal("the hook was not called")
			}
			if tc.answered {
				br := bufio.NewReader(strings.NewReader(got))
				checkAnswers(t, br, r.p, []laneReq{{f: formatAtom}})
			} else if got != "" {
				t.Errorf("the panicking connection got %.80q, want none before its end", got)
			}

			select {
			case rec := <-records:
				attrs := map[string]string{}
				rec.Attrs(func(a slog.Attr) bool { attrs[a.Key] = a.Value.String(); return true })
				if rec.Level != slog.LevelError || rec.Message != "fast lane: panic serving a connection" ||
					attrs["remote"] != c.LocalAddr().String() || attrs["panic"] != boom ||
					!strings.Contains(attrs["stack"], "TestLaneRecoversFromAPanic") {
					t.Errorf("logged %v %q %q; want an error with remote %s, panic %q and the stack", rec.Level, rec.Message, attrs, c.LocalAddr(), boom)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the panic was not logged")
			}

			c2 := dial(t, r.lane)
			reqs := []laneReq{shapedReq(1, minReqSize, true)}
			if _, err := io.WriteString(c2, reqs[0].raw); err != nil {
				t.Fatal(err)
			}
			checkAnswers(t, bufio.NewReader(c2), r.p, reqs)
			if a, h := r.waitCounts(t, tc.wantCounts); a != tc.wantCounts || h != 0 {
				t.Errorf("Observe called %d times and %d connections handed off, want %d and 0", a, h, tc.wantCounts)
			}
			select {
			case rec := <-records:
				t.Errorf("logged also %q", rec.Message)
			default:
			}
		})
	}
}

// acceptErr is an error of Accept, temporary or not, as net.Error tells.
type acceptErr struct{ temporary bool }

func (e acceptErr) Error() string {
	return fmt.Sprintf("accept: test error (temporary %v)", e.temporary)
}
func (e acceptErr) Timeout() bool   { return false }
func (e acceptErr) Temporary() bool { return e.temporary }

// flakyListener returns its errors from its first Accept calls, then its
// listener's connections.
type flakyListener struct {
	net.Listener
	mu       sync.Mutex
	errs     []error
	returned int // errors returned
}

func (l *flakyListener) Accept() (net.Conn, error) {
	l.mu.Lock()
	if l.returned < len(l.errs) {
		err := l.errs[l.returned]
		l.returned++
		l.mu.Unlock()
		return nil, err
	}
	l.mu.Unlock()
	return l.Listener.Accept()
}

func (l *flakyListener) errorsReturned() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.returned
}

// TestLaneAcceptErrors checks that the lane gives the errors of its
// listener's Accept to net/http, unchanged, for net/http to decide: after
// a temporary error net/http logs it, waits and accepts again, and the
// lane and net/http serve the connections that come next; a permanent
// error ends http.Server.Serve with that error, which closes the lane: it
// stops listening and its goroutines end.
func TestLaneAcceptErrors(t *testing.T) {
	temporary, permanent := acceptErr{temporary: true}, acceptErr{temporary: false}
	tests := map[string]struct {
		errs      []error
		temporary int  // of errs
		ends      bool // Serve returns permanent
	}{
		"temporary":             {[]error{temporary, temporary, temporary}, 3, false},
		"permanent":             {[]error{permanent}, 0, true},
		"temporary, permanent":  {[]error{temporary, temporary, permanent}, 2, true},
		"temporary, one at all": {[]error{temporary}, 1, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var fl *flakyListener
			r := newLaneTestWith(t, laneOptions{items: 3, wrap: func(ln net.Listener) net.Listener {
				fl = &flakyListener{Listener: ln, errs: tc.errs}
				return fl
			}})
			if tc.ends {
				select {
				case err := <-r.served:
					if err != error(permanent) {
						t.Errorf("http.Server.Serve returned %#v, want the listener's error itself, %#v", err, permanent)
					}
				case <-time.After(10 * time.Second):
					t.Fatal("http.Server.Serve goes on after a permanent error")
				}
				// Serve closed the lane: the listener too, and every
				// goroutine of the lane ends (checked at the test's end).
				if _, err := r.l.Accept(); !errors.Is(err, net.ErrClosed) {
					t.Errorf("Lane.Accept after Serve returned: %v, want net.ErrClosed", err)
				}
				if c, err := net.Dial("tcp", r.lane); err == nil {
					_ = c.Close()
					t.Error("the lane's address still accepts connections")
				}
			} else {
				// The lane answers a feed request, and net/http, which
				// accepts again, a request handed off.
				feed := []laneReq{shapedReq(0, minReqSize, true)}
				c := dial(t, r.lane)
				if _, err := io.WriteString(c, feed[0].raw); err != nil {
					t.Fatal(err)
				}
				checkAnswers(t, bufio.NewReader(c), r.p, feed)
				c2 := dial(t, r.lane)
				if _, err := io.WriteString(c2, "GET /no-such-document HTTP/1.1\r\nHost: feeds.example.org\r\nConnection: close\r\n\r\n"); err != nil {
					t.Fatal(err)
				}
				resp, err := http.ReadResponse(bufio.NewReader(c2), nil)
				if err != nil {
					t.Fatalf("handed-off request: %v", err)
				}
				_ = resp.Body.Close()
				if resp.StatusCode != http.StatusNotFound {
					t.Errorf("handed-off request: status %d, want 404 from the Handler", resp.StatusCode)
				}
				if a, h := r.waitCounts(t, 1); a != 1 || h != 1 {
					t.Errorf("the lane answered %d requests and handed %d connections off, want 1 and 1", a, h)
				}
				select {
				case err := <-r.served:
					t.Fatalf("http.Server.Serve returned %v", err)
				default:
				}
			}
			if n := fl.errorsReturned(); n != len(tc.errs) {
				t.Errorf("the listener returned %d errors of %d", n, len(tc.errs))
			}
			// net/http saw each temporary error: it logs it before it waits.
			if got := strings.Count(r.errLog.String(), "; retrying in "); got != tc.temporary {
				t.Errorf("net/http retried %d times, want %d; its log:\n%s", got, tc.temporary, r.errLog.String())
			}
		})
	}
}
