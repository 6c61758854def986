package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"
)

// The search index is kept up to date behind the writes, not inside them.
//
// Indexing an item costs more than storing it: FTS5 tokenizes some
// thousand bigrams per article and, at every commit, flushes its in-memory
// postings into a new segment and merges segments. Done inside Save, one
// transaction per fetched source, that was 40% of the CPU of an ingest and
// 60% of the time the single writer was busy. So Save only queues the ids
// of new and changed items in fts_queue (one small row each), and
// IndexAllQueued indexes the queue in large batches, where FTS5's flush and
// merge costs are shared by hundreds of items. With Options.BackgroundIndex
// (the daemon) the store does that itself shortly after each Save; a
// one-shot command leaves the queue to the next daemon or IndexAllQueued call.
//
// A search never misses a queued item: Recent matches queued items by
// substring on their stored text (queuedMatch) and indexed items through
// FTS5, so search results are complete at every moment, and exact (by
// FTS5's rules) once the queue is empty.

// ftsQueueSchema is migration 6. reindex is 1 when the item is in the index
// with older text, which indexing must delete first.
const ftsQueueSchema = `
CREATE TABLE fts_queue (
	item_id INTEGER PRIMARY KEY,
	reindex INTEGER NOT NULL
) STRICT;
CREATE TRIGGER items_fts_queue_delete AFTER DELETE ON items BEGIN
	DELETE FROM fts_queue WHERE item_id = old.id;
END;
`

// Queue statements of Save. An item changed again before it was indexed
// keeps the row it has (with reindex 0 it is still absent from the index).
const (
	queueNewSQL     = `INSERT INTO fts_queue (item_id, reindex) VALUES (?, 0)`
	queueChangedSQL = `INSERT INTO fts_queue (item_id, reindex) VALUES (?, 1) ON CONFLICT (item_id) DO NOTHING`
)

// indexBatch is how many queued items one indexing transaction indexes
// in the background: large enough to share FTS5's flush, small enough to
// hold the writer for only a fraction of a second and to bound FTS5's
// pending data (indexing 50,000 items: 1,000 a batch 18-19 s and 62 MB
// of RSS, 500 20.5-21.5 s and 57 MB, 250 28 s and 54 MB).
const indexBatch = 500

// indexDelay is how long the background indexer waits after a Save before
// it indexes, so that the Saves of one round of fetches share a batch;
// indexRetry is how long it waits after a failed batch (a full disk).
const (
	indexDelay = 2 * time.Second
	indexRetry = time.Minute
)

// indexQueued indexes up to limit queued items (all of them when limit <= 0)
// in one transaction and returns how many it indexed and how many it read
// (those changed meanwhile stay queued).
func (s *Store) indexQueued(ctx context.Context, limit int) (indexed, read int, err error) {
	docs, err := s.readQueued(ctx, limit)
	if err == nil && len(docs) > 0 {
		indexed, err = s.writeIndexed(ctx, docs)
	}
	if err != nil {
		return 0, len(docs), fmt.Errorf("index queued items: %w", s.fileErr(err))
	}
	return indexed, len(docs), nil
}

// queuedDoc is a queued item read for indexing.
type queuedDoc struct {
	id                      int64
	hash                    []byte // of the item as read: the writer indexes it only if unchanged
	title, summary, content string
	packed                  []byte
	text                    string // what goes into the index
}

// textChunk is how many index texts are built at once. writeIndexed builds
// the next chunk's texts, on the other cores, while it writes one chunk, so
// that at most two chunks' texts are in memory: all of a batch's texts at
// once (a CJK text segmented into bigrams is 2.3 times its HTML's text)
// were 9 MB of the heap of `govfeed index`, which peaked near 64 MB.
const textChunk = 32

// queuedQuery reads the oldest queued items. CROSS JOIN makes the queue
// the outer loop, read in item order until the limit: with a plain JOIN
// SQLite scanned the whole items table and sorted, for every batch, which
// made indexing quadratic (4.7 s of the 26 s of CPU that indexing 50,000
// items took).
const queuedQuery = `SELECT q.item_id, i.hash, i.title, i.summary, i.content, i.content_z
	FROM fts_queue AS q CROSS JOIN items AS i ON i.id = q.item_id ORDER BY q.item_id LIMIT ?`

// readQueued reads up to limit queued items (all with limit <= 0) from a
// reader, oldest first, their content still compressed: writeIndexed builds
// their texts as it writes them.
func (s *Store) readQueued(ctx context.Context, limit int) ([]queuedDoc, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := s.r.QueryContext(ctx, queuedQuery, limit)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var docs []queuedDoc
	for rows.Next() {
		var d queuedDoc
		if err := rows.Scan(&d.id, &d.hash, &d.title, &d.summary, &d.content, &d.packed); err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	return docs, rows.Err()
}

// buildTexts sets each doc's index text, on every core (decompressing and
// flattening the HTML is a third of what indexing costs), and drops the
// HTML.
func buildTexts(ctx context.Context, docs []queuedDoc, z *bodyCodec) error {
	workers := min(runtime.GOMAXPROCS(0), len(docs))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(docs) && ctx.Err() == nil; i += workers {
				d := &docs[i]
				content, err := z.unpack(d.content, d.packed)
				if err != nil {
					errs[w] = fmt.Errorf("item %d: %w", d.id, err)
					return
				}
				d.text = ftsText(d.title, d.summary, content)
				d.title, d.summary, d.content, d.packed = "", "", "", nil
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	return errors.Join(errs...)
}

// writeIndexed indexes docs in one transaction, building their texts a
// chunk ahead on the other cores (see textChunk). An item that changed or
// left the queue since it was read is skipped: it is still queued with
// its new text (or indexed by someone else) and the next batch takes it.
func (s *Store) writeIndexed(ctx context.Context, docs []queuedDoc) (int, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	check, unindex := tx.StmtContext(ctx, s.stmt.ftsCheck), tx.StmtContext(ctx, s.stmt.ftsDelete)
	index, dequeue := tx.StmtContext(ctx, s.stmt.ftsInsert), tx.StmtContext(ctx, s.stmt.ftsDequeue)
	// The texts of chunk k+1 are built while chunk k is written.
	built := make(chan error, 1)
	build := func(from int) {
		built <- buildTexts(ctx, docs[from:min(from+textChunk, len(docs))], s.z)
	}
	go build(0)
	n := 0
	for i := range docs {
		if i%textChunk == 0 {
			if err := <-built; err != nil {
				return 0, err
			}
			if next := i + textChunk; next < len(docs) {
				go build(next)
			}
		}
		d := &docs[i]
		text := d.text
		d.text = "" // written: its memory can go
		var (
			reindex bool
			hash    []byte
		)
		switch err := check.QueryRowContext(ctx, d.id).Scan(&reindex, &hash); {
		case errors.Is(err, sql.ErrNoRows):
			continue // indexed meanwhile, or deleted
		case err != nil:
			return 0, fmt.Errorf("check item %d: %w", d.id, err)
		case !bytes.Equal(hash, d.hash):
			continue // changed since it was read: the next batch reads it again
		}
		if reindex {
			if _, err := unindex.ExecContext(ctx, d.id); err != nil {
				return 0, fmt.Errorf("unindex item %d: %w", d.id, err)
			}
		}
		if _, err := index.ExecContext(ctx, d.id, text); err != nil {
			return 0, fmt.Errorf("index item %d: %w", d.id, err)
		}
		if _, err := dequeue.ExecContext(ctx, d.id); err != nil {
			return 0, fmt.Errorf("dequeue item %d: %w", d.id, err)
		}
		n++
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("commit: %w", err)
	}
	s.ckpt.poke()
	return n, nil
}

// queuedForIndex returns how many items wait to be indexed for search (for
// tests: nothing outside the store needs it yet).
func (s *Store) queuedForIndex(ctx context.Context) (int, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM fts_queue`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count items queued for indexing: %w", err)
	}
	return n, nil
}

// startIndexer starts s's background indexer. It runs at start (a one-shot
// command may have left a queue), indexDelay after a Save queued items,
// and indexRetry after a failure.
func (s *Store) startIndexer() {
	s.ix = startLoop(true, func(ctx context.Context) {
		for delay := indexDelay; sleep(ctx, delay); delay = indexRetry {
			_, err := s.IndexAllQueued(ctx)
			if err == nil || ctx.Err() != nil {
				return
			}
			s.log.Warn("search indexing failed; queued items stay findable by substring",
				"err", err, "retry_in", indexRetry)
		}
	})
}

// IndexAllQueued indexes the whole queue in transactions of indexBatch
// items and returns how many it indexed; it stops at the first failure.
func (s *Store) IndexAllQueued(ctx context.Context) (int, error) {
	total := 0
	for {
		start := time.Now()
		n, read, err := s.indexQueued(ctx, indexBatch)
		total += n
		if err != nil {
			return total, err
		}
		if n > 0 {
			s.log.Debug("indexed queued items", "items", n, "took", time.Since(start))
		}
		if read < indexBatch {
			return total, nil
		}
	}
}
