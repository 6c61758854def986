package main

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/microcosm-cc/bluemonday"
	"github.com/mmcdole/gofeed"
	_ "modernc.org/sqlite"
)

// The storage floor: the library limit plus the least that keeps every
// item, with the libraries govfeed uses. Each item's HTML goes through
// bluemonday's stock UGC policy (a feed republished from untrusted sites
// must be sanitized) and the item is inserted into SQLite (WAL,
// synchronous=NORMAL, one writer committing whatever is queued), keyed by
// source and GUID so that an item seen again is not stored twice. No
// canonical URLs, content hashes, compression, search index or stories:
// what govfeed's ingest costs beyond this floor is the price of those.

// floorStore sanitizes in the callers' goroutines and writes in its own.
type floorStore struct {
	db     *sql.DB
	policy *bluemonday.Policy
	now    time.Time
	queue  chan []floorRow
	done   chan error
	stored int
}

type floorRow struct {
	source, key, title, link, content string
	published                         int64
}

const floorSchema = `CREATE TABLE items (
	id INTEGER PRIMARY KEY,
	source TEXT NOT NULL,
	key TEXT NOT NULL,
	title TEXT NOT NULL,
	link TEXT NOT NULL,
	published INTEGER NOT NULL,
	content TEXT NOT NULL,
	UNIQUE (source, key)
)`

// openFloor creates a new store in dir and starts its writer.
func openFloor(ctx context.Context, dir string) (*floorStore, error) {
	path := filepath.Join(dir, "floor.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=synchronous(NORMAL)&_journal_mode=WAL&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("floor store %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, floorSchema); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("floor store %s: %w", path, err)
	}
	f := &floorStore{
		db:     db,
		policy: bluemonday.UGCPolicy(),
		now:    time.Now().UTC(),
		queue:  make(chan []floorRow, 64),
		done:   make(chan error, 1),
	}
	go func() { f.done <- f.write(ctx) }()
	return f, nil
}

// add sanitizes the items of one feed and queues them for the writer.
func (f *floorStore) add(source string, feed *gofeed.Feed) {
	rows := make([]floorRow, 0, len(feed.Items))
	for _, it := range feed.Items {
		key := it.GUID
		if key == "" {
			key = it.Link
		}
		html := it.Content
		if html == "" {
			html = it.Description
		}
		t := f.now
		switch {
		case it.PublishedParsed != nil:
			t = *it.PublishedParsed
		case it.UpdatedParsed != nil:
			t = *it.UpdatedParsed
		}
		rows = append(rows, floorRow{source: source, key: key, title: it.Title, link: it.Link,
			content: f.sanitize(html), published: t.UTC().Unix()})
	}
	f.queue <- rows
}

// sanitize is bluemonday's Sanitize without its growing buffer (see
// clean.Sanitizer.HTML): the floor must not pay for what govfeed does not.
func (f *floorStore) sanitize(html string) string {
	var b strings.Builder
	b.Grow(len(html))
	if err := f.policy.SanitizeReaderToWriter(strings.NewReader(html), &b); err != nil {
		return ""
	}
	return b.String()
}

// write inserts queued rows, one transaction for whatever is waiting.
func (f *floorStore) write(ctx context.Context) error {
	var failed error
	for rows := range f.queue {
		if failed != nil {
			continue // keep draining so that add never blocks for good
		}
		batch := [][]floorRow{rows}
	more:
		for {
			select {
			case r, ok := <-f.queue:
				if !ok {
					break more
				}
				batch = append(batch, r)
			default:
				break more
			}
		}
		n, err := f.insert(ctx, batch)
		f.stored += n
		failed = err
	}
	return failed
}

func (f *floorStore) insert(ctx context.Context, batch [][]floorRow) (int, error) {
	tx, err := f.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer func() { _ = tx.Rollback() }()
	st, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO items (source, key, title, link, published, content) VALUES (?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, rows := range batch {
		for _, r := range rows {
			res, err := st.ExecContext(ctx, r.source, r.key, r.title, r.link, r.published, r.content)
			if err != nil {
				return 0, err
			}
			k, _ := res.RowsAffected()
			n += int(k)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	return n, nil
}

// close waits for the writer and returns how many items it stored.
func (f *floorStore) close() (int, error) {
	close(f.queue)
	err := <-f.done
	if cerr := f.db.Close(); err == nil {
		err = cerr
	}
	return f.stored, err
}
