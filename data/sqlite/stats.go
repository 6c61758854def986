package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// Stats describe the store's contents, for metrics and /status.
type Stats struct {
	Items      int            // items stored
	PerSource  map[string]int // items per saved source id (0 for a source with none)
	Tombstones int            // keys retention removed and still remembers
	Stories    int            // stories (a story of one item counts)
	DBBytes    int64          // size of the database: page_count * page_size (WAL excluded)
}

// Stats counts items per source and measures the database.
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return Stats{}, fmt.Errorf("read store stats: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	st := Stats{PerSource: make(map[string]int)}
	rows, err := tx.QueryContext(ctx, `SELECT s.id, count(i.id) FROM sources AS s
		LEFT JOIN items AS i ON i.source_id = s.id GROUP BY s.id`)
	if err != nil {
		return Stats{}, fmt.Errorf("read store stats: %w", err)
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var (
			id string
			n  int
		)
		if err := rows.Scan(&id, &n); err != nil {
			return Stats{}, fmt.Errorf("read store stats: %w", err)
		}
		st.PerSource[id] = n
		st.Items += n
	}
	if err := rows.Err(); err != nil {
		return Stats{}, fmt.Errorf("read store stats: %w", err)
	}
	err = tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM tombstones),
		(SELECT count(*) FROM items WHERE story_id = id),
		(SELECT page_count FROM pragma_page_count()) * (SELECT page_size FROM pragma_page_size())`).
		Scan(&st.Tombstones, &st.Stories, &st.DBBytes)
	if err != nil {
		return Stats{}, fmt.Errorf("read store stats: %w", err)
	}
	return st, nil
}
