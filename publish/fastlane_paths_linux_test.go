package publish

import (
	"bufio"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// queuedListener returns each connection once the first want bytes its
// peer sent have arrived, so that each read of the lane gets all the bytes
// its buffer has room for.
type queuedListener struct {
	net.Listener
	want   atomic.Int64
	queued atomic.Bool // the last connection returned had its bytes queued
}

func (l *queuedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.queued.Store(false)
	rc, err := c.(*net.TCPConn).SyscallConn()
	if err != nil {
		return c, nil
	}
	peek := make([]byte, l.want.Load())
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		var n int
		var rerr error
		if err := rc.Control(func(fd uintptr) {
			n, _, rerr = syscall.Recvfrom(int(fd), peek, syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		}); err != nil || (rerr != nil && rerr != syscall.EAGAIN) {
			break
		}
		if n == len(peek) {
			l.queued.Store(true)
			break
		}
	}
	return c, nil
}

// bufferSplits are the places of a head where the lane's read buffer may
// end, as offsets in the head h.
var bufferSplits = []struct {
	name string
	at   func(h string) int
}{
	{"after the first byte", func(string) int { return 1 }},
	{"in the method", func(string) int { return 2 }},
	{"in the version", func(h string) int { return strings.Index(h, " HTTP/") + 4 }},
	{"between CR and LF of the request line", func(h string) int { return strings.Index(h, "\r\n") + 1 }},
	{"after the request line", func(h string) int { return strings.Index(h, "\r\n") + 2 }},
	{"in a header name", func(h string) int { return strings.Index(h, "X-Pad") + 3 }},
	{"in a header value", func(h string) int { return strings.Index(h, "X-Pad: ") + 9 }},
	{"between CR and LF of a header line", func(h string) int { return strings.Index(h, "\r\nX-Pad") + 1 }},
	{"before the blank line", func(h string) int { return len(h) - 2 }},
	{"between CR and LF of the blank line", func(h string) int { return len(h) - 1 }},
	{"at the end of a head", func(h string) int { return len(h) }}, // the buffer empties: no compaction
}

// straddling returns pipelined requests such that, if each read of the
// lane fills its buffer, the buffer ends at offset at(head) of a head
// times times in a row. The lane answers the complete heads of a full
// buffer, then moves the incomplete one to its start and reads after it:
// the next buffer ends laneBufSize bytes after that head's start.
func straddling(t *testing.T, at func(string) int, times int) []laneReq {
	t.Helper()
	var reqs []laneReq
	length, end := 0, laneBufSize // bytes of reqs; where the buffer ends
	add := func(r laneReq) {
		reqs = append(reqs, r)
		length += len(r.raw)
	}
	for range times {
		head := shapedReq(len(reqs), 180, false)
		split := at(head.raw)
		if split <= 0 || split > len(head.raw) {
			t.Fatalf("split at %d of %q", split, head.raw)
		}
		for gap := end - split - length; gap > 0; {
			size := 150 + len(reqs)*53%200
			if gap-size < minReqSize {
				size = gap
			}
			r := shapedReq(len(reqs), size, false)
			if len(r.raw) != size {
				t.Fatalf("a filler of %d bytes, want %d", len(r.raw), size)
			}
			add(r)
			gap -= size
		}
		if length+split != end {
			t.Fatalf("the head starts at %d, want %d", length, end-split)
		}
		start := length
		add(head)
		if split == len(head.raw) {
			end += laneBufSize
		} else {
			end = start + laneBufSize
		}
	}
	for i := range 3 { // then requests that end the connection
		add(shapedReq(len(reqs), minReqSize+i*40, i == 2))
	}
	return reqs
}

// TestLaneCompactsItsBuffer checks that the lane answers, itself, in order
// and whole, pipelined requests sent in one write and more than its read
// buffer holds, where the buffer, filled, ends within a head at every
// awkward place, twice in a row: the lane then moves the start of that
// head to the start of its buffer and reads the rest after it.
func TestLaneCompactsItsBuffer(t *testing.T) {
	var ql *queuedListener
	r := newLaneTestWith(t, laneOptions{items: 3, files: true, wrap: func(ln net.Listener) net.Listener {
		ql = &queuedListener{Listener: ln}
		return ql
	}})
	for _, sp := range bufferSplits {
		t.Run(sp.name, func(t *testing.T) {
			reqs := straddling(t, sp.at, 2)
			raw := joinReqs(reqs)
			if len(raw) <= 2*laneBufSize {
				t.Fatalf("%d bytes of requests: too few", len(raw))
			}
			answered, handed := r.counts()
			ql.want.Store(int64(len(raw)))
			c := dial(t, r.lane)
			if _, err := io.WriteString(c, raw); err != nil {
				t.Fatal(err)
			}
			checkAnswers(t, bufio.NewReader(c), r.p, reqs)
			if !ql.queued.Load() {
				t.Error("the requests had not all arrived when the lane got the connection: the buffer ended elsewhere")
			}
			if a, h := r.waitCounts(t, answered+len(reqs)); a-answered != len(reqs) || h != handed {
				t.Errorf("the lane answered %d requests and handed %d connections off, want %d and 0", a-answered, h-handed, len(reqs))
			}
		})
	}
}
