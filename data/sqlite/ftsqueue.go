package sqlite

import (
	"context"
	"fmt"
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
// IndexQueued indexes the queue in large batches, where FTS5's flush and
// merge costs are shared by hundreds of items. With Options.BackgroundIndex
// (the daemon) the store does that itself shortly after each Save; a
// one-shot command leaves the queue to the next daemon or IndexQueued call.
//
// A search never misses a queued item: Recent matches queued items by
// substring on their stored text (queuedMatch) and indexed items through
// FTS5, so search results are complete at every moment, and exact (by
// FTS5's rules) once the queue is empty.

// ftsQueueSchema is migration 6. reindex is 1 when the item is in the index
// with older text, which IndexQueued must delete first.
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

// indexBatch is how many queued items one IndexQueued transaction indexes
// in the background: large enough to share FTS5's flush, small enough to
// hold the writer for only a fraction of a second.
const indexBatch = 1000

// indexDelay is how long the background indexer waits after a Save before
// it indexes, so that the Saves of one round of fetches share a batch;
// indexRetry is how long it waits after a failed batch (a full disk).
const (
	indexDelay = 2 * time.Second
	indexRetry = time.Minute
)

// IndexQueued indexes up to limit queued items (all of them when limit <= 0)
// in one transaction and returns how many it indexed.
func (s *Store) IndexQueued(ctx context.Context, limit int) (int, error) {
	n, err := s.indexQueued(ctx, limit)
	if err != nil {
		return 0, fmt.Errorf("index queued items: %w", s.fileErr(err))
	}
	return n, nil
}

func (s *Store) indexQueued(ctx context.Context, limit int) (int, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	rows, err := tx.QueryContext(ctx, `SELECT q.item_id, q.reindex, i.title, i.summary, i.content, i.content_z
		FROM fts_queue AS q JOIN items AS i ON i.id = q.item_id ORDER BY q.item_id LIMIT ?`, limit)
	if err != nil {
		return 0, err
	}
	type doc struct {
		id      int64
		reindex bool
		text    string
	}
	var docs []doc
	for rows.Next() {
		var (
			d                       doc
			title, summary, content string
			packed                  []byte
		)
		if err := rows.Scan(&d.id, &d.reindex, &title, &summary, &content, &packed); err != nil {
			_ = rows.Close()
			return 0, err
		}
		if content, err = s.z.unpack(content, packed); err != nil {
			_ = rows.Close()
			return 0, fmt.Errorf("item %d: %w", d.id, err)
		}
		d.text = ftsText(title, summary, content)
		docs = append(docs, d)
	}
	if err := rows.Close(); err != nil {
		return 0, err
	}
	for _, d := range docs {
		if d.reindex {
			if _, err := tx.ExecContext(ctx, `DELETE FROM items_fts WHERE rowid = ?`, d.id); err != nil {
				return 0, fmt.Errorf("unindex item %d: %w", d.id, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO items_fts (rowid, body) VALUES (?, ?)`, d.id, d.text); err != nil {
			return 0, fmt.Errorf("index item %d: %w", d.id, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM fts_queue WHERE item_id = ?`, d.id); err != nil {
			return 0, fmt.Errorf("dequeue item %d: %w", d.id, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("commit: %w", err)
	}
	s.ckpt.poke()
	return len(docs), nil
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
		n, err := s.IndexQueued(ctx, indexBatch)
		total += n
		if err != nil {
			return total, err
		}
		if n > 0 {
			s.log.Debug("indexed queued items", "items", n, "took", time.Since(start))
		}
		if n < indexBatch {
			return total, nil
		}
	}
}
