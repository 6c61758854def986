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

// TestLaneSendsFileToASlowReader: the combined feed, kept in a file and
// larger than the server's socket can buffer (4 MiB here at most), goes by
// sendfile to a client that waits before it reads and has a small receive
// buffer: the lane's sends stop for want of room and resume where they
// stopped, and the body arrives whole.
func TestLaneSendsFileToASlowReader(t *testing.T) {
	lt := newLaneTestWith(t, laneOptions{items: 1500, entries: 1500, files: true})
	doc := cached(t, lt.p, formatAtom)
	if len(doc.body) < 9<<19 { // 4.5 MiB
		t.Fatalf("feed of %d bytes: too small to fill the socket's buffers", len(doc.body))
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
	time.Sleep(200 * time.Millisecond) // the lane fills the buffers and waits
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
