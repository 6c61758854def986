package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"

	"github.com/govfeed/govfeed/data"
)

// defaultLimit is Recent's limit when the query gives none.
const defaultLimit = 100

// maxVars bounds the parameters of one IN list.
const maxVars = 500

// Recent returns stored items newest first: by sort date (Published when set
// and not later than FirstSeen+1h, else FirstSeen) descending, then ID
// descending. q.Before pages through that order; q.SourceIDs, q.Since and
// q.Text (full-text search, see fts.go) narrow it.
func (s *Store) Recent(ctx context.Context, q data.Query) ([]data.Item, error) {
	items, err := s.recent(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("read recent items: %w", err)
	}
	return items, nil
}

// recent runs q.
func (s *Store) recent(ctx context.Context, q data.Query) ([]data.Item, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	date, id := cursor(q)
	sources := dedupe(q.SourceIDs)
	if q.Text == "" && q.Since.IsZero() && len(sources) <= 1 {
		// The common reads, prepared once.
		var (
			rows *sql.Rows
			err  error
		)
		if len(sources) == 0 {
			rows, err = s.stmt.recent.QueryContext(ctx, date, id, limit)
		} else {
			rows, err = s.stmt.recentSource.QueryContext(ctx, sources[0], date, id, limit)
		}
		if err != nil {
			return nil, err
		}
		return s.collectItems(rows, limit)
	}
	f, ok := newFilter(q, false)
	if !ok {
		return nil, nil // nothing searchable: no word, only punctuation
	}
	query := f.newest(itemColumns)
	page := func(date, id int64, n int) ([]data.Item, error) {
		rows, err := s.r.QueryContext(ctx, query, f.args(date, id, n)...)
		if err != nil {
			return nil, err
		}
		return s.collectItems(rows, n)
	}
	if len(f.checks) == 0 {
		return page(date, id, limit)
	}
	return checkedPages(page, date, id, limit, f.checks)
}

// cursor is where a newest-first read starts: below q.Before, else at the
// top.
func cursor(q data.Query) (date, id int64) {
	if q.Before != nil {
		return ns(q.Before.Date), q.Before.ID
	}
	return math.MaxInt64, math.MaxInt64
}

// filter narrows a newest-first read of items.
type filter struct {
	conds  []string // ANDed, on the columns of items
	vals   []any    // the parameters of conds, in order
	checks []string // words each item's text must contain (see matchesText)
}

// newFilter is the filter of q; with heads, only the first item of each
// story passes. It is not ok when q.Text has nothing searchable.
func newFilter(q data.Query, heads bool) (filter, bool) {
	var f filter
	if heads {
		f.conds = append(f.conds, `story_id = id`)
	}
	if sources := dedupe(q.SourceIDs); len(sources) > 0 {
		f.conds = append(f.conds, `source_id IN (`+placeholders(len(sources))+`)`)
		for _, src := range sources {
			f.vals = append(f.vals, src)
		}
	}
	if q.Text != "" {
		terms := searchTerms(q.Text)
		if len(terms) == 0 {
			return f, false
		}
		// Indexed items through the index, queued ones by their text
		// (see ftsqueue.go).
		queued, queuedArgs := queuedMatch(terms)
		f.conds = append(f.conds, `(id IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)
			AND id NOT IN (SELECT item_id FROM fts_queue WHERE reindex = 1)
			OR id IN (SELECT item_id FROM fts_queue) AND `+queued+`)`)
		f.vals = append(append(f.vals, ftsQuery(terms)), queuedArgs...)
		f.checks = textChecks(terms)
	}
	if !q.Since.IsZero() {
		f.conds = append(f.conds, `sort_date >= ?`)
		f.vals = append(f.vals, ns(q.Since))
	}
	return f, true
}

// where is the WHERE clause of f followed by the cursor condition; its
// parameters are args(date, id, limit), the limit last.
func (f filter) where() string {
	return strings.Join(append(f.conds[:len(f.conds):len(f.conds)], `(sort_date, id) < (?, ?)`), " AND ")
}

// newest selects columns of the newest items that pass f, from the cursor
// on, newest first; its parameters are args(date, id, limit).
func (f filter) newest(columns string) string {
	return `SELECT ` + columns + ` FROM items WHERE ` + f.where() + ` ORDER BY sort_date DESC, id DESC LIMIT ?`
}

// args are the parameters of a query built on where: f's, the cursor and
// the limit.
func (f filter) args(date, id int64, limit int) []any {
	return append(f.vals[:len(f.vals):len(f.vals)], date, id, limit)
}

// checkedPages reads pages of candidates newest first from (date, id) on
// and keeps those containing every word of checks, until it has limit
// items or the candidates run out.
func checkedPages(page func(date, id int64, n int) ([]data.Item, error), date, id int64, limit int, checks []string) ([]data.Item, error) {
	n := max(2*limit, 64)
	var out []data.Item
	for {
		items, err := page(date, id, n)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			if matchesText(it, checks) {
				out = append(out, it)
				if len(out) == limit {
					return out, nil
				}
			}
		}
		if len(items) < n {
			return out, nil
		}
		last := items[len(items)-1]
		date, id = ns(last.SortDate()), last.ID
	}
}

// Known returns the stored items of sourceID among keys, by key. A key that
// retention removed maps to an Item with only SourceID and Key set (ID 0),
// so a fetcher neither fetches its page again nor expects it stored.
func (s *Store) Known(ctx context.Context, sourceID string, keys []string) (map[string]data.Item, error) {
	keys = dedupe(keys)
	out := make(map[string]data.Item)
	if len(keys) == 0 {
		return out, nil
	}
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("read known items of source %q: %w", sourceID, err)
	}
	defer func() { _ = tx.Rollback() }()
	for start := 0; start < len(keys); start += maxVars {
		chunk := keys[start:min(start+maxVars, len(keys))]
		if err := s.knownChunk(ctx, tx, sourceID, chunk, out); err != nil {
			return nil, fmt.Errorf("read known items of source %q: %w", sourceID, err)
		}
	}
	return out, nil
}

func (s *Store) knownChunk(ctx context.Context, tx *sql.Tx, sourceID string, keys []string, out map[string]data.Item) error {
	args := make([]any, 0, len(keys)+1)
	args = append(args, sourceID)
	for _, k := range keys {
		args = append(args, k)
	}
	in := placeholders(len(keys))
	rows, err := tx.QueryContext(ctx, `SELECT `+itemColumns+` FROM items WHERE source_id = ? AND key IN (`+in+`)`, args...)
	if err != nil {
		return err
	}
	items, err := s.collectItems(rows, len(keys))
	if err != nil {
		return err
	}
	for _, it := range items {
		out[it.Key] = it
	}
	rows, err = tx.QueryContext(ctx, `SELECT key FROM tombstones WHERE source_id = ? AND key IN (`+in+`)`, args...)
	if err != nil {
		return err
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return err
		}
		out[k] = data.Item{SourceID: sourceID, Key: k}
	}
	return rows.Err()
}

// collectItems scans and closes rows.
func (s *Store) collectItems(rows *sql.Rows, capacity int) ([]data.Item, error) {
	defer func() { _ = rows.Close() }()
	items := make([]data.Item, 0, min(capacity, 1024))
	for rows.Next() {
		it, err := s.scanItem(rows)
		if err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	return items, rows.Err()
}

func (s *Store) scanItem(sc scanner) (data.Item, error) {
	it, packed, err := scanRow(sc)
	if err != nil {
		return data.Item{}, err
	}
	if it.Content, err = s.z.unpack(it.Content, packed); err != nil {
		return data.Item{}, fmt.Errorf("item %d: %w", it.ID, err)
	}
	return it, nil
}

// scanRow is scanItem without decompressing the content: the item's
// Content is its plain column, packed its compressed one (see body.go).
func scanRow(sc scanner) (it data.Item, packed []byte, err error) {
	var (
		cats, encs           sql.NullString
		pub                  sql.NullInt64
		upd, first, modified int64
	)
	err = sc.Scan(&it.ID, &it.SourceID, &it.Key, &it.GUID, &it.Title, &it.Link, &it.Summary,
		&it.Content, &it.Author, &cats, &encs, &it.Lang, &pub, &upd, &first, &modified, &packed)
	if err != nil {
		return data.Item{}, nil, err
	}
	it.Published, it.Updated = fromNullNS(pub), fromNS(upd)
	it.FirstSeen, it.Modified = fromNS(first), fromNS(modified)
	if err := decodeLists(&it, cats, encs); err != nil {
		return data.Item{}, nil, err
	}
	return it, packed, nil
}

// dedupe returns vs without empty strings and repeats, in first-seen order.
func dedupe(vs []string) []string {
	seen := make(map[string]bool, len(vs))
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// placeholders returns "?, ?, …" with n marks.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
