//go:build !unix

package publish

import (
	"io"
	"os"
)

// feedFile is a feed file being served.
type feedFile struct {
	path string
	size int64
}

// fileBody is a feed file opened to send one answer.
type fileBody struct {
	f  *os.File
	lr io.LimitedReader // the bytes to send: R is f
}

func newFeedFile(path string, size int64) *feedFile {
	return &feedFile{path: path, size: size}
}

// open opens the file to send it from its start.
func (f *feedFile) open() (*fileBody, error) {
	fl, err := os.Open(f.path)
	if err != nil {
		return nil, err
	}
	return &fileBody{f: fl, lr: io.LimitedReader{R: fl, N: f.size}}, nil
}

// close closes b's file.
func (f *feedFile) close(b *fileBody) { _ = b.f.Close() }

// retire does nothing: no descriptor is kept.
func (f *feedFile) retire() {}

// reader returns the bytes to send.
func (b *fileBody) reader() io.Reader { return &b.lr }
