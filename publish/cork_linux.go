package publish

import "syscall"

// setCork sets or clears TCP_CORK on c: while set, the kernel sends only
// full packets; clearing it sends what is queued.
func setCork(c syscall.RawConn, on bool) {
	v := 0
	if on {
		v = 1
	}
	_ = c.Control(func(fd uintptr) {
		_ = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_CORK, v)
	})
}
