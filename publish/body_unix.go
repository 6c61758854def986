//go:build unix

package publish

import (
	"io"
	"sync"
	"syscall"
)

// maxIdle bounds the descriptors a feedFile keeps open between answers:
// about the answers sent at once.
const maxIdle = 64

// feedFile is a feed file being served: its path and length, and the
// descriptors opened on it kept for the next answers, since opening a
// file costs a good part of what sending it does. The file never changes
// (its name holds its entity tag); once a newer build replaces it,
// retire closes the descriptors.
type feedFile struct {
	path string
	size int64

	mu      sync.Mutex
	idle    []*fileBody // open, not in use
	retired bool
}

// fileBody is a feed file opened to send answers, one at a time. It is an
// io.Reader whose SyscallConn lets net/http send it with sendfile(2), as
// it sends an *os.File, without the cost of an *os.File (a registration
// with the poller, which a regular file refuses, and a cleanup).
type fileBody struct {
	fd    int
	lr    io.LimitedReader // the bytes to send: R is the fileBody
	moved bool             // the file position may be past the start
}

func newFeedFile(path string, size int64) *feedFile {
	return &feedFile{path: path, size: size}
}

// open returns the file ready to send from its start, through reader.
func (f *feedFile) open() (*fileBody, error) {
	b, err := f.get()
	if err != nil {
		return nil, err
	}
	if b.moved {
		if _, err := syscall.Seek(b.fd, 0, io.SeekStart); err != nil {
			_ = syscall.Close(b.fd)
			if b, err = f.openNew(); err != nil {
				return nil, err
			}
		}
	}
	b.lr.N = f.size
	b.moved = true // by the answer that reads it
	return b, nil
}

// get returns a descriptor of the file, whatever its position, for an
// answer that sends it from an explicit offset (the fast lane); close
// gives it back.
func (f *feedFile) get() (*fileBody, error) {
	f.mu.Lock()
	if n := len(f.idle); n > 0 {
		b := f.idle[n-1]
		f.idle[n-1] = nil
		f.idle = f.idle[:n-1]
		f.mu.Unlock()
		return b, nil
	}
	f.mu.Unlock()
	return f.openNew()
}

// openNew opens a new descriptor on the file.
func (f *feedFile) openNew() (*fileBody, error) {
	fd, err := syscall.Open(f.path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	b := &fileBody{fd: fd}
	b.lr = io.LimitedReader{R: b, N: f.size}
	return b, nil
}

// close ends an answer's use of b. Its descriptor is kept for the next
// answer unless f is retired or keeps enough.
func (f *feedFile) close(b *fileBody) {
	f.mu.Lock()
	if !f.retired && len(f.idle) < maxIdle {
		f.idle = append(f.idle, b)
		f.mu.Unlock()
		return
	}
	f.mu.Unlock()
	_ = syscall.Close(b.fd)
}

// retire closes the kept descriptors; those in use are closed by close.
func (f *feedFile) retire() {
	f.mu.Lock()
	idle := f.idle
	f.idle, f.retired = nil, true
	f.mu.Unlock()
	for _, b := range idle {
		_ = syscall.Close(b.fd)
	}
}

// reader returns the bytes to send, as an *io.LimitedReader of the file,
// which net/http and package net pass to sendfile(2) with the length.
func (b *fileBody) reader() io.Reader { return &b.lr }

// Read reads from the file's current position, for writers that cannot
// take a file.
func (b *fileBody) Read(p []byte) (int, error) {
	n, err := syscall.Read(b.fd, p)
	switch {
	case err != nil:
		return 0, err
	case n == 0 && len(p) > 0:
		return 0, io.EOF
	}
	return n, nil
}

// SyscallConn gives sendfile(2) the file descriptor.
func (b *fileBody) SyscallConn() (syscall.RawConn, error) { return (*rawFile)(b), nil }

// rawFile is the syscall.RawConn of a fileBody. A regular file is always
// ready, so Read and Write call f until it is done, which is at once.
type rawFile fileBody

func (f *rawFile) Control(fn func(fd uintptr)) error {
	fn(uintptr(f.fd))
	return nil
}

func (f *rawFile) Read(fn func(fd uintptr) bool) error {
	for !fn(uintptr(f.fd)) {
	}
	return nil
}

func (f *rawFile) Write(fn func(fd uintptr) bool) error {
	for !fn(uintptr(f.fd)) {
	}
	return nil
}
