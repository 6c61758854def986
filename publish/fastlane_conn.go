package publish

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime/debug"
	"syscall"
	"time"
)

// laneBufSize is the read buffer of a lane connection: the largest request
// head the lane answers. A larger head goes to net/http, whose limit
// (MaxHeaderBytes plus 4 KiB) is always above it.
const laneBufSize = 4 << 10

// errLaneClosing ends a connection that waits for a request when the lane
// closes.
var errLaneClosing = errors.New("publish: fast lane closed")

// laneConn is a connection the lane serves, and its buffers, reused from
// one request to the next.
type laneConn struct {
	l   *Lane
	c   net.Conn
	raw syscall.RawConn // of a TCP connection; nil for another kind

	buf     []byte // bytes read: buf[r:w] are not answered yet
	r, w    int
	scanned int   // of buf[r:w], the bytes headEnd has looked at
	rerr    error // the read error after buf[r:w], for net/http

	out     []byte // the head of an answer
	date    []byte // the Date header value, for the second dateSec
	dateSec int64

	bufs [2][]byte // head and body for vec
	vec  net.Buffers

	sender // the state of a send, for the system calls of the platform
}

func newLaneConn(l *Lane, c net.Conn) *laneConn {
	lc := &laneConn{
		l:       l,
		c:       c,
		buf:     make([]byte, laneBufSize),
		out:     make([]byte, 0, 1024),
		date:    make([]byte, 0, len(http.TimeFormat)),
		dateSec: -1,
	}
	if tc, ok := c.(*net.TCPConn); ok {
		if raw, err := tc.SyscallConn(); err == nil {
			lc.raw = raw
		}
	}
	lc.initSender()
	return lc
}

// serve answers lc's requests until the connection closes or goes to
// net/http.
func (lc *laneConn) serve() {
	defer lc.l.release(lc)
	defer func() {
		if v := recover(); v != nil { // as net/http: log, close, go on serving others
			lc.l.log.Error("fast lane: panic serving a connection", "remote", lc.c.RemoteAddr().String(),
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			_ = lc.c.Close()
		}
	}()
	for first := true; ; first = false {
		req, lane, err := lc.readHead(first)
		if err != nil {
			_ = lc.c.Close()
			return
		}
		if !lane {
			lc.l.handOff(lc)
			return
		}
		start := lc.l.now()
		// As the Handler: the cached document, or one built now or by the
		// build in progress. A failed build is the Handler's to answer.
		res, err := lc.l.p.get(lc.l.base, spec{kind: kindCombined}, req.format)
		if err != nil || res == nil {
			lc.l.handOff(lc)
			return
		}
		code, closeAfter, err := lc.answer(&req, res)
		lc.r += req.size
		lc.scanned = 0
		if lc.l.observe != nil {
			lc.l.observe(code, lc.l.now().Sub(start))
		}
		if err != nil || closeAfter {
			_ = lc.c.Close()
			return
		}
	}
}

// readHead reads the next request head. lane is false for a request the
// lane does not answer, and err set when the connection is to be closed:
// it failed, timed out, or the lane closes while it waits for a request.
func (lc *laneConn) readHead(first bool) (req laneRequest, lane bool, err error) {
	deadline := first // the first request's deadline is set below
	if first {
		if err := lc.setReadDeadline(lc.l.headTimeout); err != nil {
			return req, false, err
		}
	}
	for {
		if b := lc.buf[lc.r:lc.w]; len(b) > 0 {
			n, next, bad := headEnd(b, lc.scanned)
			switch {
			case bad:
				return req, false, nil
			case n > 0:
				return req, parseHead(b[:n], &req), nil
			case !couldBeLane(b):
				return req, false, nil
			}
			lc.scanned = next
			if !deadline {
				// As net/http: ReadHeaderTimeout from the first bytes of
				// a request on.
				if err := lc.setReadDeadline(lc.l.headTimeout); err != nil {
					return req, false, err
				}
				deadline = true
			}
			if lc.w == len(lc.buf) {
				if lc.r == 0 {
					return req, false, nil // a head too large for the lane
				}
				lc.w = copy(lc.buf, b)
				lc.r = 0
			}
		} else {
			lc.r, lc.w, lc.scanned = 0, 0, 0
			if !deadline {
				// As net/http: IdleTimeout for the next request to start.
				if err := lc.setReadDeadline(lc.l.idleTimeout); err != nil {
					return req, false, err
				}
			}
		}
		n, err := lc.c.Read(lc.buf[lc.w:])
		lc.w += n
		if err != nil {
			if lc.w > lc.r && !lc.l.closing.Load() {
				// Part of a head came: net/http decides what to answer
				// (400 for some, nothing for others) from the same bytes
				// and error.
				lc.rerr = err
				return req, false, nil
			}
			return req, false, err
		}
	}
}

// setReadDeadline sets the read deadline d from now (none for 0), then
// fails if the lane is closing: Close sets every deadline in the past
// after it marks the lane closing, so that either this sees the mark or
// Close's deadline wins.
func (lc *laneConn) setReadDeadline(d time.Duration) error {
	var t time.Time
	if d > 0 {
		t = time.Now().Add(d)
	}
	if err := lc.c.SetReadDeadline(t); err != nil {
		return err
	}
	if lc.l.closing.Load() {
		return errLaneClosing
	}
	return nil
}

// Status lines of the lane's answers.
const (
	status11OK          = "HTTP/1.1 200 OK\r\n"
	status11NotModified = "HTTP/1.1 304 Not Modified\r\n"
	status10OK          = "HTTP/1.0 200 OK\r\n"
	status10NotModified = "HTTP/1.0 304 Not Modified\r\n"
)

// answer sends the answer to req with document res, as net/http sends the
// Handler's: the status line, the Handler's headers, then Date and
// Connection as net/http adds them. closeAfter says whether the
// connection closes after it.
func (lc *laneConn) answer(req *laneRequest, res *rendered) (code int, closeAfter bool, err error) {
	c, unchanged := res.negotiate(bytesString(req.acceptEncoding),
		bytesString(req.ifNoneMatch), bytesString(req.ifModifiedSince))
	e := &res.wire.enc[c]
	out := lc.out[:0]
	switch {
	case unchanged && req.http10:
		out = append(out, status10NotModified...)
	case unchanged:
		out = append(out, status11NotModified...)
	case req.http10:
		out = append(out, status10OK...)
	default:
		out = append(out, status11OK...)
	}
	code, which := http.StatusOK, answer200
	if unchanged {
		code, which = http.StatusNotModified, answer304
	}
	out = append(out, e.heads[which]...)
	out = append(out, "Date: "...)
	out = append(out, lc.dateHeader()...)
	out = append(out, "\r\n"...)
	// As net/http: once the server shuts down, an HTTP/1.1 answer says
	// that the connection closes; an HTTP/1.0 client that asked for
	// keep-alive is told yes either way.
	closeAfter = req.close || lc.l.closing.Load()
	switch {
	case req.keepAlive10:
		out = append(out, "Connection: keep-alive\r\n"...)
	case closeAfter && !req.http10:
		out = append(out, "Connection: close\r\n"...)
	}
	out = append(out, "\r\n"...)
	lc.out = out
	if d := lc.l.writeTimeout; d > 0 {
		if err := lc.c.SetWriteDeadline(time.Now().Add(d)); err != nil {
			return code, true, err
		}
	}
	if unchanged || req.head {
		_, err = lc.c.Write(out)
	} else {
		err = lc.send(out, e)
	}
	return code, closeAfter, err
}

// dateHeader returns the value of the Date header for now, formatted once
// a second.
func (lc *laneConn) dateHeader() []byte {
	now := lc.l.now()
	if s := now.Unix(); s != lc.dateSec {
		lc.date = now.UTC().AppendFormat(lc.date[:0], http.TimeFormat)
		lc.dateSec = s
	}
	return lc.date
}

// sendBuffers writes head and body with one writev(2) where the
// connection has it.
func (lc *laneConn) sendBuffers(head, body []byte) error {
	lc.bufs = [2][]byte{head, body}
	lc.vec = lc.bufs[:]
	_, err := lc.vec.WriteTo(lc.c)
	lc.bufs = [2][]byte{} // do not keep a retired document alive
	return err
}

// handoff is a connection the lane gives net/http: its reads return first
// the bytes the lane read and did not answer, then the error the lane's
// next read got, if it got one. It keeps the methods of a
// *net.TCPConn that net/http uses: ReadFrom, by which it sends files with
// sendfile(2), and CloseWrite.
type handoff struct {
	net.Conn
	pending []byte
	err     error // when set, what reads return after pending
}

func (h *handoff) Read(p []byte) (int, error) {
	if len(h.pending) > 0 {
		n := copy(p, h.pending)
		if h.pending = h.pending[n:]; len(h.pending) == 0 {
			h.pending = nil // the lane's buffer can go
		}
		return n, nil
	}
	if h.err != nil {
		return 0, h.err
	}
	return h.Conn.Read(p)
}

// NetConn returns the connection h wraps, as tls.Conn's does, for
// withConn.
func (h *handoff) NetConn() net.Conn { return h.Conn }

// ReadFrom is the wrapped connection's, which sends a file with sendfile.
func (h *handoff) ReadFrom(r io.Reader) (int64, error) {
	if rf, ok := h.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(struct{ io.Writer }{h.Conn}, r)
}

// CloseWrite is the wrapped connection's, when it has one.
func (h *handoff) CloseWrite() error {
	if cw, ok := h.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
