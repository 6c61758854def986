package sqlite

import (
	"github.com/govfeed/govfeed/data/cluster"

	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"modernc.org/sqlite" // the "sqlite" driver and its Error type
	sqlite3 "modernc.org/sqlite/lib"
)

// File names inside the data directory.
const (
	dbName   = "govfeed.db"
	lockName = "govfeed.lock"
)

// busyTimeoutMS bounds how long a connection waits for a lock held by another
// connection (a checkpoint, or a reader during a WAL reset).
const busyTimeoutMS = 10000

// ErrLocked is returned by Open when another govfeed holds the data directory.
var ErrLocked = errors.New("data directory is locked")

// Options configure a Store. The zero value is ready to use.
type Options struct {
	Now    func() time.Time // default time.Now; all stored times UTC
	Logger *slog.Logger     // default discard
	// Cluster configures story clustering of new items; the zero value
	// turns it off (every item is a story of its own).
	Cluster cluster.Options
	// BackgroundIndex makes the store index saved items for search by
	// itself, a few seconds after each Save (see ftsqueue.go). Without it
	// they wait in a queue for IndexAllQueued, and searches find them by
	// substring meanwhile.
	BackgroundIndex bool
}

// Store is govfeed's on-disk state. It is safe for concurrent use.
type Store struct {
	path   string
	w      *sql.DB // the single writer connection
	r      *sql.DB // read-only connections
	lock   *os.File
	now    func() time.Time
	log    *slog.Logger
	stmt   statements
	cl     *clusterer
	ix     *loop      // the background indexer, nil without Options.BackgroundIndex
	batch  *batcher   // runs Saves in shared transactions (batch.go)
	ckpt   *loop      // checkpoints the WAL off the writer (batch.go)
	ckptDB *sql.DB    // the checkpointer's connection
	z      *bodyCodec // compresses stored content (body.go)

	closeOnce sync.Once
	closeErr  error
}

// Open opens (creating if needed) the store in dir. It creates dir with mode
// 0o750 if missing, locks dir/govfeed.lock (ErrLocked if another process
// holds it), opens dir/govfeed.db in WAL mode and migrates its schema.
func Open(ctx context.Context, dir string, opts Options) (*Store, error) {
	s := &Store{now: opts.Now, log: opts.Logger,
		cl: &clusterer{opts: opts.Cluster, index: cluster.NewIndex(opts.Cluster)}}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.cl.log = s.log
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("open store: create data directory: %w", err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	s.lock, err = lockDir(filepath.Join(abs, lockName))
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	s.path = filepath.Join(abs, dbName)
	if err := s.open(ctx); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("open store %s: %w", s.path, err)
	}
	s.startBatcher()
	if opts.BackgroundIndex {
		s.startIndexer()
	}
	return s, nil
}

func (s *Store) open(ctx context.Context) error {
	var err error
	if s.z, err = newBodyCodec(); err != nil {
		return err
	}
	u := url.URL{Scheme: "file", Path: s.path}
	common := fmt.Sprintf("_pragma=busy_timeout(%d)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)", busyTimeoutMS)
	// page_size applies to a new database only and must come before WAL
	// (the driver runs _journal_mode after the _pragma list): items of 1 to
	// 3 KB compressed waste less of 8 KB pages than of 4 KB ones (the
	// database of the benchmark corpus: -10%).
	if s.w, err = sql.Open("sqlite", u.String()+"?"+common+"&_pragma=page_size(8192)&_journal_mode=WAL&_pragma=wal_autocheckpoint(0)&_txlock=immediate"); err != nil {
		return err
	}
	// One writer connection: writes queue in the pool instead of meeting
	// SQLITE_BUSY, and the connection (with its prepared statements) is kept.
	s.w.SetMaxOpenConns(1)
	s.w.SetMaxIdleConns(1)
	s.w.SetConnMaxIdleTime(0)
	s.w.SetConnMaxLifetime(0)
	if err := s.w.PingContext(ctx); err != nil {
		return err
	}
	from, to, err := migrate(ctx, s.w)
	if err != nil {
		return err
	}
	if from != to {
		s.log.Info("store schema migrated", "path", s.path, "from", from, "to", to)
	}
	if from >= 1 && from < 5 {
		if err := fillLinkKeys(ctx, s.w); err != nil {
			return err
		}
	}
	if s.r, err = sql.Open("sqlite", u.String()+"?"+common+"&_pragma=query_only(1)"); err != nil {
		return err
	}
	n := max(4, runtime.GOMAXPROCS(0))
	s.r.SetMaxOpenConns(n)
	s.r.SetMaxIdleConns(n)
	if err := s.r.PingContext(ctx); err != nil {
		return err
	}
	ck, err := sql.Open("sqlite", u.String()+"?"+common)
	if err != nil {
		return err
	}
	ck.SetMaxOpenConns(1)
	s.startCheckpointer(ck)
	return s.stmt.prepare(ctx, s.w, s.r)
}

// Close closes the database and releases the directory lock. It is safe to
// call more than once.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.ix.stop()
		s.stopBatcher()
		var errs []error
		s.ckpt.stop()
		if s.ckptDB != nil {
			// The last connection to close checkpoints the rest.
			errs = append(errs, s.ckptDB.Close())
		}
		errs = append(errs, s.stmt.close())
		if s.r != nil {
			errs = append(errs, s.r.Close())
		}
		if s.w != nil {
			// Best effort: refresh the planner's statistics.
			_, _ = s.w.Exec("PRAGMA optimize")
			errs = append(errs, s.w.Close())
		}
		if s.lock != nil {
			errs = append(errs, s.lock.Close())
		}
		s.z.close()
		if err := errors.Join(errs...); err != nil {
			s.closeErr = fmt.Errorf("close store %s: %w", s.path, err)
		}
	})
	return s.closeErr
}

// Ping checks that the database answers, on both the writer and a reader.
func (s *Store) Ping(ctx context.Context) error {
	for _, db := range []*sql.DB{s.w, s.r} {
		var one int
		if err := db.QueryRowContext(ctx, "SELECT 1 FROM sqlite_schema LIMIT 1").Scan(&one); err != nil {
			return fmt.Errorf("ping store %s: %w", s.path, err)
		}
	}
	return nil
}

// fileErr names the database file in errors about the file itself (disk
// full, read-only, I/O), which the operator must fix outside govfeed.
func (s *Store) fileErr(err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_CORRUPT:
		return fmt.Errorf("database %s: %w", s.path, err)
	}
	return err
}
