package sqlite

import (
	"context"
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

func (s *Store) prune(ctx context.Context, sourceID string, maxAge time.Duration, maxItems int) (deleted, purged int64, err error) {
	now := s.now()
	var (
		conds []string
		args  = []any{sourceID}
	)
	if maxAge > 0 {
		conds = append(conds, "sort_date < ?")
		args = append(args, ns(now.Add(-maxAge)))
	}
	if maxItems > 0 {
		conds = append(conds, `id IN (SELECT id FROM items WHERE source_id = ?
			ORDER BY sort_date DESC, id DESC LIMIT -1 OFFSET ?)`)
		args = append(args, sourceID, maxItems)
	}
	keep := minTombstoneAge
	if maxAge > keep/2 {
		keep = 2 * maxAge
		if keep < maxAge { // overflow
			keep = maxAge
		}
	}

	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, fmt.Errorf("begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if len(conds) > 0 {
		where := "source_id = ? AND (" + strings.Join(conds, " OR ") + ")"
		at := ns(now)
		_, err := tx.ExecContext(ctx, `INSERT INTO tombstones (source_id, key, deleted_at, last_seen)
			SELECT source_id, key, ?, ? FROM items WHERE `+where+`
			ON CONFLICT DO UPDATE SET deleted_at = excluded.deleted_at, last_seen = excluded.last_seen`,
			append([]any{at, at}, args...)...)
		if err != nil {
			return 0, 0, fmt.Errorf("write tombstones: %w", err)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM items WHERE `+where, args...)
		if err != nil {
			return 0, 0, fmt.Errorf("delete items: %w", err)
		}
		if deleted, err = res.RowsAffected(); err != nil {
			return 0, 0, fmt.Errorf("delete items: %w", err)
		}
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM tombstones WHERE source_id = ? AND last_seen < ?`,
		sourceID, ns(now.Add(-keep)))
	if err != nil {
		return 0, 0, fmt.Errorf("purge tombstones: %w", err)
	}
	purged, err = res.RowsAffected()
	if err != nil {
		return 0, 0, fmt.Errorf("purge tombstones: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, 0, fmt.Errorf("commit: %w", err)
	}
	return deleted, purged, nil
}
