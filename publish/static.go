package publish

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// WriteStatic writes every feed into dir for a web server to serve:
// feed.atom and sources/{id}.atom, each with a gzip copy (feed.atom.gz,
// sources/{id}.atom.gz) for nginx's gzip_static. Each file is replaced
// atomically and gets the feed's updated time as its modification time.
// It returns the paths written.
func (p *Publisher) WriteStatic(ctx context.Context, dir string) ([]string, error) {
	p.mu.Lock()
	keys := make([]string, 0, len(p.sources)+1)
	keys = append(keys, "")
	for _, s := range p.sources {
		keys = append(keys, s.ID)
	}
	p.mu.Unlock()

	if err := os.MkdirAll(filepath.Join(dir, "sources"), 0o755); err != nil {
		return nil, fmt.Errorf("publish: create static dir %s: %w", dir, err)
	}
	var written []string
	for _, key := range keys {
		if strings.ContainsAny(key, `/\`) || !filepath.IsLocal(key+".atom") {
			return written, fmt.Errorf("publish: source id %q cannot be a file name", key)
		}
		r, err := p.get(ctx, key)
		if err != nil {
			return written, fmt.Errorf("publish: build %s: %w", feedName(key), err)
		}
		name := filepath.Join(dir, filepath.FromSlash(feedName(key)))
		for _, f := range []struct {
			path string
			b    []byte
		}{{name, r.body}, {name + ".gz", r.gz}} {
			if err := writeAtomic(f.path, f.b, r.modified); err != nil {
				return written, fmt.Errorf("publish: %w", err)
			}
			written = append(written, f.path)
		}
	}
	return written, nil
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
