package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// itemColumns is the column list scanItem reads.
const itemColumns = `id, source_id, key, guid, title, link, summary, content, author,
	categories, enclosures, lang, published, updated, first_seen, modified, content_z`

// The newest-first reads; args: [source id,] cursor date, cursor id, limit.
const (
	recentQuery = `SELECT ` + itemColumns + ` FROM items
		WHERE (sort_date, id) < (?, ?)
		ORDER BY sort_date DESC, id DESC LIMIT ?`
	recentSourceQuery = `SELECT ` + itemColumns + ` FROM items
		WHERE source_id = ? AND (sort_date, id) < (?, ?)
		ORDER BY sort_date DESC, id DESC LIMIT ?`
)

// statements are the hot queries, prepared once at Open.
type statements struct {
	// On the writer.
	upsertState  *sql.Stmt
	findItem     *sql.Stmt
	insertItem   *sql.Stmt
	updateItem   *sql.Stmt
	seeTomb      *sql.Stmt
	queueNew     *sql.Stmt
	queueChanged *sql.Stmt
	sameLink     *sql.Stmt // the story of another item with the same link key
	storyOf      *sql.Stmt
	addSketch    *sql.Stmt
	seq          *sql.Stmt // the AUTOINCREMENT sequence of items
	// Of retention (see prune.go), by pruneRule.
	pruneMark, pruneDelete [pruneRules]*sql.Stmt
	purgeTombs             *sql.Stmt
	// Of search indexing (see ftsqueue.go).
	ftsCheck, ftsDelete, ftsInsert, ftsDequeue *sql.Stmt
	// On the readers.
	state        *sql.Stmt
	recent       *sql.Stmt
	recentSource *sql.Stmt

	all []*sql.Stmt // every statement prepared, for close
}

func (st *statements) prepare(ctx context.Context, w, r *sql.DB) error {
	type prep struct {
		dst   **sql.Stmt
		db    *sql.DB
		query string
	}
	list := []prep{
		{&st.upsertState, w, `INSERT INTO sources (id, etag, last_modified, last_attempt, last_success, failures,
			last_error, error_class, next_attempt, title, link, last_yield, broken)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
			last_attempt = excluded.last_attempt, last_success = excluded.last_success,
			failures = excluded.failures, last_error = excluded.last_error,
			error_class = excluded.error_class, next_attempt = excluded.next_attempt,
			title = excluded.title, link = excluded.link, last_yield = excluded.last_yield,
			broken = excluded.broken`},
		{&st.findItem, w, `SELECT id, hash, updated, first_seen FROM items WHERE source_id = ? AND key = ?`},
		{&st.insertItem, w, `INSERT INTO items (id, source_id, key, guid, title, link, summary, content, content_z,
			author, categories, enclosures, lang, published, updated, first_seen, modified, sort_date, hash, link_key,
			story_id, story_score, story_reason)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&st.updateItem, w, `UPDATE items SET guid = ?, title = ?, link = ?, summary = ?, content = ?, content_z = ?,
			author = ?, categories = ?, enclosures = ?, lang = ?, published = ?, updated = ?,
			modified = ?, sort_date = ?, hash = ?
		WHERE id = ?`},
		{&st.seeTomb, w, `UPDATE tombstones SET last_seen = ? WHERE source_id = ? AND key = ?`},
		{&st.queueNew, w, queueNewSQL},
		{&st.queueChanged, w, queueChangedSQL},
		// "link_key != ''" lets SQLite use the partial index items_link_key;
		// without it every insert scanned the whole table.
		{&st.sameLink, w, `SELECT story_id FROM items WHERE link_key = ? AND link_key != '' AND id != ?
			AND story_id IS NOT NULL ORDER BY id LIMIT 1`},
		{&st.storyOf, w, `SELECT story_id FROM items WHERE id = ?`},
		{&st.seq, w, `SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'items'), 0)`},
		{&st.addSketch, w, `INSERT INTO sketches (item_id, sketch) VALUES (?, ?)`},
		{&st.state, r, `SELECT ` + stateColumns + ` FROM sources WHERE id = ?`},
		{&st.recent, r, recentQuery},
		{&st.recentSource, r, recentSourceQuery},
		{&st.purgeTombs, w, purgeTombsSQL},
		{&st.ftsCheck, w, `SELECT q.reindex, i.hash FROM fts_queue AS q JOIN items AS i ON i.id = q.item_id WHERE q.item_id = ?`},
		{&st.ftsDelete, w, `DELETE FROM items_fts WHERE rowid = ?`},
		{&st.ftsInsert, w, `INSERT INTO items_fts (rowid, body) VALUES (?, ?)`},
		{&st.ftsDequeue, w, `DELETE FROM fts_queue WHERE item_id = ?`},
	}
	for rule := pruneRule(1); rule < pruneRules; rule++ {
		list = append(list, prep{&st.pruneMark[rule], w, pruneMarkSQL(rule)},
			prep{&st.pruneDelete[rule], w, pruneDeleteSQL(rule)})
	}
	for _, p := range list {
		stmt, err := p.db.PrepareContext(ctx, p.query)
		if err != nil {
			return fmt.Errorf("prepare %q: %w", firstLine(p.query), err)
		}
		*p.dst = stmt
		st.all = append(st.all, stmt)
	}
	return nil
}

func (st *statements) close() error {
	var errs []error
	for _, s := range st.all {
		errs = append(errs, s.Close())
	}
	return errors.Join(errs...)
}

func firstLine(q string) string {
	for i, c := range q {
		if c == '\n' {
			return q[:i]
		}
	}
	return q
}
