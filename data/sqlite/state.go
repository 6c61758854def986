package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/govfeed/govfeed/data"
)

// stateColumns is the column list scanState reads.
const stateColumns = `id, etag, last_modified, last_attempt, last_success, failures,
	last_error, error_class, next_attempt, title, link, last_yield, broken`

// State returns what the store remembers about a source: the zero state
// with SourceID set if the source was never saved.
func (s *Store) State(ctx context.Context, sourceID string) (data.SourceState, error) {
	st, err := scanState(s.stmt.state.QueryRowContext(ctx, sourceID))
	if errors.Is(err, sql.ErrNoRows) {
		return data.SourceState{SourceID: sourceID}, nil
	}
	if err != nil {
		return data.SourceState{}, fmt.Errorf("read state of source %q: %w", sourceID, err)
	}
	return st, nil
}

// States returns the state of every saved source, ordered by source id.
func (s *Store) States(ctx context.Context) ([]data.SourceState, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+stateColumns+` FROM sources ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("read source states: %w", err)
	}
	defer func() { _ = rows.Close() }()
	var out []data.SourceState
	for rows.Next() {
		st, err := scanState(rows)
		if err != nil {
			return nil, fmt.Errorf("read source states: %w", err)
		}
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read source states: %w", err)
	}
	return out, nil
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

func scanState(sc scanner) (data.SourceState, error) {
	var (
		st                     data.SourceState
		attempt, success, next sql.NullInt64
		class                  string
		broken                 bool
	)
	err := sc.Scan(&st.SourceID, &st.ETag, &st.LastModified, &attempt, &success, &st.Failures,
		&st.LastError, &class, &next, &st.Title, &st.Link, &st.LastYield, &broken)
	if err != nil {
		return data.SourceState{}, err
	}
	st.LastAttempt, st.LastSuccess, st.NextAttempt = fromNullNS(attempt), fromNullNS(success), fromNullNS(next)
	st.ErrorClass = data.ErrorClass(class)
	st.Broken = broken
	return st, nil
}

// saveState upserts st inside tx.
func (s *Store) saveState(ctx context.Context, tx *sql.Tx, st data.SourceState) error {
	_, err := tx.StmtContext(ctx, s.stmt.upsertState).ExecContext(ctx,
		st.SourceID, st.ETag, st.LastModified, nullNS(st.LastAttempt), nullNS(st.LastSuccess),
		st.Failures, st.LastError, string(st.ErrorClass), nullNS(st.NextAttempt),
		st.Title, st.Link, st.LastYield, st.Broken)
	if err != nil {
		return fmt.Errorf("write state: %w", err)
	}
	return nil
}
