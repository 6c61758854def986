package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations are applied in order; migrations[i] takes the schema from
// user_version i to i+1. Never edit a released migration: append a new one.
var migrations = []string{
	// 1: sources, items, tombstones.
	`
CREATE TABLE sources (
	id            TEXT PRIMARY KEY,
	etag          TEXT NOT NULL DEFAULT '',
	last_modified TEXT NOT NULL DEFAULT '',
	last_attempt  INTEGER,
	last_success  INTEGER,
	failures      INTEGER NOT NULL DEFAULT 0,
	last_error    TEXT NOT NULL DEFAULT '',
	error_class   TEXT NOT NULL DEFAULT '',
	next_attempt  INTEGER,
	title         TEXT NOT NULL DEFAULT '',
	link          TEXT NOT NULL DEFAULT '',
	last_yield    INTEGER NOT NULL DEFAULT 0,
	broken        INTEGER NOT NULL DEFAULT 0
) STRICT;

-- AUTOINCREMENT: an item's id is its entry id and is never reused.
CREATE TABLE items (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	source_id  TEXT NOT NULL REFERENCES sources(id),
	key        TEXT NOT NULL,
	guid       TEXT NOT NULL DEFAULT '',
	title      TEXT NOT NULL DEFAULT '',
	link       TEXT NOT NULL DEFAULT '',
	summary    TEXT NOT NULL DEFAULT '',
	content    TEXT NOT NULL DEFAULT '',
	author     TEXT NOT NULL DEFAULT '',
	categories TEXT,            -- JSON array of strings, NULL when none
	enclosures TEXT,            -- JSON array of objects, NULL when none
	lang       TEXT NOT NULL DEFAULT '',
	published  INTEGER,         -- upstream's, NULL when unknown
	updated    INTEGER NOT NULL,
	first_seen INTEGER NOT NULL,
	modified   INTEGER NOT NULL,
	sort_date  INTEGER NOT NULL, -- published if not after first_seen+1h, else first_seen
	hash       BLOB NOT NULL,    -- of the compared content, see contentHash
	UNIQUE (source_id, key)
) STRICT;
CREATE INDEX items_recent ON items (sort_date DESC, id DESC);
CREATE INDEX items_source_recent ON items (source_id, sort_date DESC, id DESC);
CREATE INDEX items_modified ON items (modified);

-- Keys removed by retention; they block re-insertion while upstream lists them.
CREATE TABLE tombstones (
	source_id  TEXT NOT NULL,
	key        TEXT NOT NULL,
	deleted_at INTEGER NOT NULL,
	last_seen  INTEGER NOT NULL,
	PRIMARY KEY (source_id, key)
) STRICT, WITHOUT ROWID;
CREATE INDEX tombstones_deleted_at ON tombstones (deleted_at);
`,
	// 2: full-text search (see fts.go); deletes reach the index by trigger,
	// inserts and updates from Go, which segments the text. Migration 7
	// replaces it and queues every item for indexing.
	ftsSchema + `
CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
	DELETE FROM items_fts WHERE rowid = old.id;
END;
`,
	// 3: stories (see story.go).
	storySchema,
	// 4: WebSub subscriptions (see websub.go).
	WebSubSchema,
	// 5: link keys (see story.go); filled for older items by Open.
	linkSchema,
	// 6: the queue of items to index for search (see ftsqueue.go).
	ftsQueueSchema,
	// 7: the search index without positions (see fts.go), rebuilt.
	ftsBareSchema,
	// 8: compressed content (see body.go).
	bodySchema,
	// 9: no index on items.modified: nothing reads by it, and every insert
	// and update paid for it.
	`DROP INDEX items_modified;`,
	// 10: one index by date for items and stories. items_story_recent (the
	// story heads) held nearly the rows of items_recent, and
	// sketches_published the same dates again: in an ingest whose items
	// span weeks, each of these indexes rewrote about forty leaf pages per
	// Save, a third of the WAL each. items_recent now carries story_id, so
	// the heads are read from it without visiting the table, and the
	// clustering window is read through it (see clusterer.load).
	`
DROP INDEX items_story_recent;
DROP INDEX sketches_published;
DROP INDEX items_recent;
CREATE INDEX items_recent ON items (sort_date DESC, id DESC, story_id);
`,
	// 11: FTS5 merges the search index's segments once 16 of a level
	// exist rather than 4 (its 'automerge', 16 at most). Indexing 50,000
	// items: 13.9-14.3 -> 11.0-11.7 s, a database 7% larger (162 -> 173
	// MB; 1.27 -> 1.36 times the raw XML), searches 0.4-0.7 ms either way.
	ftsMergeSchema,
	// 12: sketches.published, read by nothing since migration 10 (the
	// window is found by items.sort_date, and the sketch carries its own
	// time, which the index uses).
	`ALTER TABLE sketches DROP COLUMN published;`,
}

// migrate brings the database to len(migrations), one transaction per step.
func migrate(ctx context.Context, db *sql.DB) (from, to int, err error) {
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&from); err != nil {
		return 0, 0, fmt.Errorf("read schema version: %w", err)
	}
	if from > len(migrations) {
		return from, from, fmt.Errorf("schema version %d is newer than this govfeed knows (%d)", from, len(migrations))
	}
	for v := from; v < len(migrations); v++ {
		if err := migrateOne(ctx, db, v); err != nil {
			return from, v, err
		}
	}
	return from, len(migrations), nil
}

func migrateOne(ctx context.Context, db *sql.DB, v int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migration %d: begin: %w", v+1, err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
		return fmt.Errorf("migration %d: %w", v+1, err)
	}
	// PRAGMA takes no parameters; v+1 is an int we computed.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1)); err != nil {
		return fmt.Errorf("migration %d: set user_version: %w", v+1, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migration %d: commit: %w", v+1, err)
	}
	return nil
}
