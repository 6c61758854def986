package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// minTombstoneAge is the least time a tombstone is kept after upstream last
// listed its key.
const minTombstoneAge = 30 * 24 * time.Hour

// Prune applies retention to one source: it deletes the items whose sort
// date is older than now-maxAge (0 = no age limit) and all but the newest
// maxItems (0 = no count limit). Each deleted key leaves a tombstone, so the
// item does not come back while upstream still lists it; tombstones that
// upstream has not listed for max(2*maxAge, 30 days) are purged. It returns
// the number of items deleted.
func (s *Store) Prune(ctx context.Context, sourceID string, maxAge time.Duration, maxItems int) (int, error) {
	if maxAge < 0 || maxItems < 0 {
		return 0, fmt.Errorf("prune source %q: negative limit (max age %v, max items %d)", sourceID, maxAge, maxItems)
	}
	deleted, purged, err := s.prune(ctx, sourceID, maxAge, maxItems)
	if err != nil {
		return 0, fmt.Errorf("prune source %q: %w", sourceID, s.fileErr(err))
	}
	if deleted > 0 || purged > 0 {
		s.log.Info("pruned source", "source_id", sourceID, "deleted", deleted, "tombstones_purged", purged)
	}
	return int(deleted), nil
}

// A pruneRule says which limits retention applies: pruneAge, pruneCount or
// both. Each has its statements, prepared at Open: preparing them for each
// source (SQLite compiles the delete triggers too) was 60% of Prune's time.
type pruneRule int

const (
	pruneAge pruneRule = 1 << iota
	pruneCount
	pruneRules = (pruneAge | pruneCount) + 1 // the number of rules, 0 (none) included
)

// pruneWhere selects the items of a source that rule deletes. Its
// arguments: source id, then the cut-off sort date (pruneAge), then the
// source id again and the number of items kept (pruneCount).
func pruneWhere(rule pruneRule) string {
	var conds []string
	if rule&pruneAge != 0 {
		conds = append(conds, "sort_date < ?")
	}
	if rule&pruneCount != 0 {
		conds = append(conds, `id IN (SELECT id FROM items WHERE source_id = ?
			ORDER BY sort_date DESC, id DESC LIMIT -1 OFFSET ?)`)
	}
	return "source_id = ? AND (" + strings.Join(conds, " OR ") + ")"
}

// pruneMarkSQL leaves a tombstone for each item rule deletes; arguments:
// deleted_at, last_seen, then pruneWhere's.
func pruneMarkSQL(rule pruneRule) string {
	return `INSERT INTO tombstones (source_id, key, deleted_at, last_seen)
		SELECT source_id, key, ?, ? FROM items WHERE ` + pruneWhere(rule) + `
		ON CONFLICT DO UPDATE SET deleted_at = excluded.deleted_at, last_seen = excluded.last_seen`
}

// pruneDeleteSQL deletes the items rule selects; arguments: pruneWhere's.
func pruneDeleteSQL(rule pruneRule) string {
	return `DELETE FROM items WHERE ` + pruneWhere(rule)
}

// purgeTombsSQL deletes a source's tombstones last listed before a time.
const purgeTombsSQL = `DELETE FROM tombstones WHERE source_id = ? AND last_seen < ?`

// prune runs in the batch of the Saves queued with it (see batch.go), so a
// source's retention shares their commit instead of taking the writer for
// a transaction of its own.
func (s *Store) prune(ctx context.Context, sourceID string, maxAge time.Duration, maxItems int) (deleted, purged int64, err error) {
	now := s.now()
	var (
		rule pruneRule
		args = []any{sourceID}
	)
	if maxAge > 0 {
		rule |= pruneAge
		args = append(args, ns(now.Add(-maxAge)))
	}
	if maxItems > 0 {
		rule |= pruneCount
		args = append(args, sourceID, maxItems)
	}
	keep := minTombstoneAge
	if maxAge > keep/2 {
		keep = 2 * maxAge
		if keep < maxAge { // overflow
			keep = maxAge
		}
	}
	err = s.write(ctx, false, func(ctx context.Context, tx *sql.Tx) error {
		deleted, purged = 0, 0
		if rule != 0 {
			at := ns(now)
			if _, err := tx.StmtContext(ctx, s.stmt.pruneMark[rule]).ExecContext(ctx, append([]any{at, at}, args...)...); err != nil {
				return fmt.Errorf("write tombstones: %w", err)
			}
			res, err := tx.StmtContext(ctx, s.stmt.pruneDelete[rule]).ExecContext(ctx, args...)
			if err != nil {
				return fmt.Errorf("delete items: %w", err)
			}
			if deleted, err = res.RowsAffected(); err != nil {
				return fmt.Errorf("delete items: %w", err)
			}
		}
		res, err := tx.StmtContext(ctx, s.stmt.purgeTombs).ExecContext(ctx, sourceID, ns(now.Add(-keep)))
		if err != nil {
			return fmt.Errorf("purge tombstones: %w", err)
		}
		if purged, err = res.RowsAffected(); err != nil {
			return fmt.Errorf("purge tombstones: %w", err)
		}
		return nil
	}, nil)
	return deleted, purged, err
}
