package publish

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// corkMin is the least body length for which serveBody corks the
// connection: a smaller answer leaves net/http in one write anyway.
const corkMin = 4 << 10

// ServeFiles makes p keep the combined feed's bytes (each format, plain
// and gzip) also as files in dir, created if needed, and send them from
// there with sendfile(2), as nginx does, instead of copying them from
// memory into each connection. Each build writes its files atomically
// (see WriteStatic), named by the entity tag, so that an answer always
// sends the version its headers describe, and removes the older versions;
// an answer whose file is gone, or that cannot be opened, is sent from
// memory. Call it before serving; documents built before it are sent from
// memory until their next build.
func (p *Publisher) ServeFiles(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("publish: create feed file directory: %w", err)
	}
	sweepTemp(dir, p.log)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.files = dir
	return nil
}

// writeFiles writes r, the combined feed in format f, into the files
// directory dir and sets the file names in r's wire. Failures are logged:
// the bytes are then sent from memory.
func (p *Publisher) writeFiles(dir string, r *rendered, f format) {
	base := spec{kind: kindCombined}.fileName(f) // feed.atom
	tag := strings.Trim(r.etag, `"`)
	keep := map[string]bool{}
	for c := range r.wire.enc {
		e := &r.wire.enc[c]
		name := base + "." + tag
		if c == codingGzip {
			name += ".gz"
		}
		path := filepath.Join(dir, name)
		if err := writeIfChanged(path, e.body, r.modified); err != nil {
			p.log.Warn("feed file not written; sending the feed from memory", "err", err)
			continue
		}
		e.file = newFeedFile(path, int64(len(e.body)))
		keep[name] = true
	}
	// Older versions: an answer that still has one open sends it whole.
	entries, err := os.ReadDir(dir)
	if err != nil {
		p.log.Warn("listing feed files", "dir", dir, "err", err)
		return
	}
	for _, de := range entries {
		if name := de.Name(); strings.HasPrefix(name, base+".") && !keep[name] {
			if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				p.log.Warn("removing an old feed file", "err", err)
			}
		}
	}
}

// serveBody sends e, the body of a 200 answer whose headers are set: from
// its file when it has one, else from memory. A large body goes out on a
// corked connection (TCP_CORK, nginx's tcp_nopush), so that the headers
// and the start of the body share a packet.
func serveBody(w http.ResponseWriter, r *http.Request, e *encoded) {
	corked := false
	if len(e.body) >= corkMin && r.ProtoMajor == 1 { // HTTP/2 streams share the connection
		if c := connOf(r); c != nil {
			setCork(c, true)
			defer setCork(c, false)
			corked = true
		}
	}
	if e.file != nil {
		if b, err := e.file.open(); err == nil {
			defer e.file.close(b)
			w.WriteHeader(http.StatusOK)
			// The headers go now, so that net/http hands the whole file
			// to sendfile(2) instead of reading its first bytes itself.
			if f, ok := w.(http.Flusher); ok {
				f.Flush()
			}
			_, _ = io.Copy(w, b.reader()) // a write error means the client has gone
			return
		}
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(e.body)
	if f, ok := w.(http.Flusher); ok && corked {
		f.Flush() // the tail net/http still buffers goes out with the rest
	}
}

// retire closes the descriptors kept open on r's files, once a newer
// build replaced r.
func (r *rendered) retire() {
	for _, e := range r.wire.enc {
		if e.file != nil {
			e.file.retire()
		}
	}
}
