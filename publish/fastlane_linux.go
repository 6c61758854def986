package publish

import (
	"io"
	"syscall"
)

// maxSendfile bounds one sendfile(2) call.
const maxSendfile = 1 << 30

// sender is the state of a send in progress on Linux, read by sendStep,
// which RawConn.Write calls again each time the socket can take more.
type sender struct {
	step    func(fd uintptr) bool // lc.sendStep, made once per connection
	pending []byte                // bytes of the head not sent yet
	file    int                   // the body's file descriptor
	off     int64                 // next byte of the file to send
	remain  int64                 // bytes of the file not sent yet
	err     error                 // what ended the send early
}

func (lc *laneConn) initSender() { lc.step = lc.sendStep }

// send writes head then e's body. A body kept in a file goes with
// sendfile(2), from an explicit offset, after the head sent with MSG_MORE,
// so that the head and the start of the body share a packet, as the
// Handler's TCP_CORK does, for two system calls fewer. Otherwise head and
// body go with one writev(2).
func (lc *laneConn) send(head []byte, e *encoded) error {
	if lc.raw != nil && e.file != nil {
		if b, err := e.file.get(); err == nil {
			lc.pending, lc.file, lc.off, lc.remain, lc.err = head, b.fd, 0, e.file.size, nil
			err := lc.raw.Write(lc.step)
			e.file.close(b)
			lc.pending = nil
			if err == nil {
				err = lc.err
			}
			return err
		}
	}
	return lc.sendBuffers(head, e.body)
}

// sendStep sends what it can of the pending head then of the file; it
// returns false to wait until the socket can take more.
func (lc *laneConn) sendStep(fd uintptr) bool {
	for len(lc.pending) > 0 {
		n, err := syscall.SendmsgN(int(fd), lc.pending, nil, nil, syscall.MSG_MORE)
		switch {
		case err == syscall.EINTR:
		case err == syscall.EAGAIN:
			return false
		case err != nil:
			lc.err = err
			return true
		default:
			lc.pending = lc.pending[n:]
		}
	}
	for lc.remain > 0 {
		n, err := syscall.Sendfile(int(fd), lc.file, &lc.off, int(min(lc.remain, maxSendfile)))
		switch {
		case err == syscall.EINTR:
		case err == syscall.EAGAIN:
			return false
		case err != nil:
			lc.err = err
			return true
		case n == 0:
			lc.err = io.ErrUnexpectedEOF // the file is shorter than its entity
			return true
		default:
			lc.remain -= int64(n)
		}
	}
	return true
}
