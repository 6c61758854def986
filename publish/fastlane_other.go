//go:build !linux

package publish

import "io"

// sender has no state where the lane sends with the standard library.
type sender struct{}

func (lc *laneConn) initSender() {}

// send writes head then e's body: from its file, which the connection
// sends with sendfile(2) where it can, or from memory with writev(2).
func (lc *laneConn) send(head []byte, e *encoded) error {
	if e.file != nil {
		if b, err := e.file.open(); err == nil {
			defer e.file.close(b)
			if _, err := lc.c.Write(head); err != nil {
				return err
			}
			_, err = io.Copy(lc.c, b.reader())
			return err
		}
	}
	return lc.sendBuffers(head, e.body)
}
