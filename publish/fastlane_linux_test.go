package publish

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"syscall"
	"testing"
	"time"
)

// smallSendListener gives each accepted connection a send buffer of 64 KB,
// so that a large body overflows it whatever the host's TCP settings: the
// connection stays a *net.TCPConn, which the lane sends files to.
type smallSendListener struct{ net.Listener }

func (l smallSendListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(64 << 10)
	}
	return c, err
}

// TestLaneSendsFileToASlowReader: the combined feed, kept in a file and
// many times larger than the server's socket buffer (64 KB, set by the
// listener), goes by sendfile to a client with a small receive buffer: the
// lane's sends stop for want of room and resume where they stopped, and the
// body arrives whole.
func TestLaneSendsFileToASlowReader(t *testing.T) {
	lt := newLaneTestWith(t, laneOptions{items: 1500, entries: 1500, files: true,
		wrap: func(ln net.Listener) net.Listener { return smallSendListener{ln} }})
	doc := cached(t, lt.p, formatAtom)
	if len(doc.body) < 1<<20 {
		t.Fatalf("feed of %d bytes: too small to fill the sockets' buffers", len(doc.body))
	}
	d := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		var serr error
		if err := rc.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 64<<10)
		}); err != nil {
			return err
		}
		return serr
	}}
	c, err := d.Dial("tcp", lt.lane)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	answered, _ := lt.counts()
	if _, err := io.WriteString(c, "GET /feed.atom HTTP/1.1\r\nHost: feeds.example.org\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, %d body bytes, %v", resp.StatusCode, len(body), err)
	}
	if !bytes.Equal(body, doc.body) {
		t.Errorf("body of %d bytes differs from the feed's %d", len(body), len(doc.body))
	}
	if a, _ := lt.waitCounts(t, answered+1); a != answered+1 {
		t.Errorf("the lane answered %d requests, want 1", a-answered)
	}
}
