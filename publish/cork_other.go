//go:build !linux

package publish

import "syscall"

// setCork does nothing: TCP_CORK is Linux's.
func setCork(syscall.RawConn, bool) {}
