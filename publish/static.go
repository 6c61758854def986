package publish

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// WriteStatic writes every feed into dir for a web server to serve: in
// each format (.atom, .rss, .json), the combined feed (feed.*), each
// source's (sources/{id}.*), each tag's (tags/{tag}.*) and every archive
// page (archive/{n}.*), each with a gzip copy (*.gz) for nginx's
// gzip_static; and icon.png, logo.png and favicon.ico when the feeds use
// the embedded ones. The documents are those the Handler serves, without
// the paging links whose cursor a file server cannot follow. Each file is
// replaced atomically and gets the feed's updated time as its modification
// time; a file that already holds the same bytes is left alone. It returns
// the paths of the files, written or already up to date.
func (p *Publisher) WriteStatic(ctx context.Context, dir string) ([]string, error) {
	specs := p.heads()
	for _, s := range specs[1:] {
		if strings.ContainsAny(s.name, `/\`) || !filepath.IsLocal(s.name) {
			return nil, fmt.Errorf("publish: %q cannot be a file name", s.name)
		}
	}
	maxID, err := p.store.MaxItemID(ctx)
	if err != nil {
		return nil, fmt.Errorf("publish: read the newest item id: %w", err)
	}
	for n := int64(0); n*ArchivePageSize < maxID; n++ {
		specs = append(specs, spec{kind: kindArchive, page: n})
	}
	for _, sub := range []string{"sources", "tags", "archive"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return nil, fmt.Errorf("publish: create static dir %s: %w", dir, err)
		}
	}
	sweepTemp(dir, p.log)
	var written []string
	for _, s := range specs {
		s.static = true
		for _, f := range formats {
			r, err := p.renderStatic(ctx, s, f)
			if err != nil {
				return written, fmt.Errorf("publish: build %s: %w", s.fileName(f), err)
			}
			name := filepath.Join(dir, filepath.FromSlash(s.fileName(f)))
			for _, file := range []struct {
				path string
				b    []byte
			}{{name, r.body}, {name + ".gz", r.gz}} {
				if err := writeIfChanged(file.path, file.b, r.modified); err != nil {
					return written, fmt.Errorf("publish: %w", err)
				}
				written = append(written, file.path)
			}
		}
	}
	for _, file := range []struct {
		name string
		b    []byte
		used bool
	}{
		{"icon.png", iconPNG, p.opts.Icon == ""},
		{"logo.png", logoPNG, p.opts.Logo == ""},
		{"favicon.ico", p.favicon, p.opts.Icon == ""},
	} {
		if !file.used {
			continue
		}
		path := filepath.Join(dir, file.name)
		if err := writeIfChanged(path, file.b, time.Unix(0, 0)); err != nil {
			return written, fmt.Errorf("publish: %w", err)
		}
		written = append(written, path)
	}
	return written, nil
}

// renderStatic builds document s in format f outside the cache.
func (p *Publisher) renderStatic(ctx context.Context, s spec, f format) (*rendered, error) {
	p.mu.Lock()
	v, err := p.viewLocked(s, f)
	p.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return p.render(ctx, v)
}

// writeIfChanged writes b to path with writeAtomic unless path already
// holds b, in which case it only sets the modification time.
func writeIfChanged(path string, b []byte, mtime time.Time) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, b) {
		if err := os.Chtimes(path, mtime, mtime); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		return nil
	}
	return writeAtomic(path, b, mtime)
}

// sweepTemp removes the hidden temporary files a killed publish left behind
// (only one publish runs at a time: it holds the store's lock).
func sweepTemp(dir string, log *slog.Logger) {
	for _, sub := range []string{".", "sources", "tags", "archive"} {
		left, _ := filepath.Glob(filepath.Join(dir, sub, ".*.tmp"))
		for _, f := range left {
			if err := os.Remove(f); err != nil {
				log.Warn("removing a temporary file left by an earlier publish", "path", f, "err", err)
			}
		}
	}
}

// writeAtomic replaces path with b: it writes a temporary file in the same
// directory, syncs it, renames it over path and syncs the directory. On
// error the temporary file is removed.
func writeAtomic(path string, b []byte, mtime time.Time) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	renamed := false
	defer func() {
		if err == nil {
			return
		}
		err = fmt.Errorf("write %s: %w", path, err)
		if !renamed {
			err = errors.Join(err, os.Remove(tmp))
		}
	}()
	_, err = f.Write(b)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Chtimes(tmp, mtime, mtime); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	renamed = true
	return syncDir(dir)
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
