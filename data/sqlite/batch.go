package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Group commit. Every Save is a transaction of its own in meaning, but
// committing each one separately made the single writer the bottleneck of a
// fetch round: a commit appends the pages it dirtied to the WAL, and the
// pages that every Save touches (the sources table, index roots, the
// sequence) were written once per source. Saves that arrive while the
// writer is busy are therefore queued and run together, up to maxBatch of
// them, in one transaction, each inside a SAVEPOINT: a Save that fails rolls
// back to its savepoint and fails alone; a commit that fails fails all of
// them (and none is stored). A caller returns only after its Save was
// committed, so durability is unchanged.

// maxBatch bounds the Saves of one transaction, and so how long one commit
// keeps the others waiting.
const maxBatch = 32

// errClosed is returned by writes queued after Close.
var errClosed = errors.New("store is closed")

// A job is one queued write.
type job struct {
	ctx context.Context
	// fn runs inside a savepoint of the batch's transaction.
	fn func(ctx context.Context, tx *sql.Tx) error
	// after, if set, learns whether fn's writes were committed; for a job
	// that failed it is called at once, before the next job of the batch
	// runs (which must not see what the failed job left in memory).
	after func(committed bool)
	err   error
	done  chan struct{}
}

// batcher runs queued jobs in batches on the writer connection.
type batcher struct {
	jobs chan *job
	quit chan struct{} // closed by Close: run what is queued, then stop
	done chan struct{} // closed when the loop has stopped
}

// startBatcher starts the loop that runs s's writes.
func (s *Store) startBatcher() {
	b := &batcher{jobs: make(chan *job, maxBatch), quit: make(chan struct{}), done: make(chan struct{})}
	s.batch = b
	go func() {
		defer close(b.done)
		for {
			var first *job
			select {
			case first = <-b.jobs:
			case <-b.quit:
				for {
					select {
					case j := <-b.jobs:
						s.runBatch([]*job{j})
					default:
						return
					}
				}
			}
			batch := []*job{first}
		more:
			for len(batch) < maxBatch {
				select {
				case j := <-b.jobs:
					batch = append(batch, j)
				default:
					break more
				}
			}
			s.runBatch(batch)
		}
	}()
}

// stopBatcher runs the queued writes and stops the loop.
func (s *Store) stopBatcher() {
	if s.batch == nil {
		return
	}
	close(s.batch.quit)
	<-s.batch.done
}

// write runs fn in a transaction shared with other queued writes and returns
// once it is committed (nil) or failed.
func (s *Store) write(ctx context.Context, fn func(context.Context, *sql.Tx) error, after func(committed bool)) error {
	j := &job{ctx: ctx, fn: fn, after: after, done: make(chan struct{})}
	select {
	case <-s.batch.quit:
		return errClosed
	default:
	}
	select {
	case s.batch.jobs <- j:
	case <-s.batch.done:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once queued, the job runs (with its ctx, which may fail it quickly):
	// its caller waits for the verdict rather than guess it. Only a job
	// queued as Close drained the queue may never run.
	select {
	case <-j.done:
		return j.err
	case <-s.batch.done:
		select {
		case <-j.done:
			return j.err
		default:
			return errClosed
		}
	}
}

// runBatch runs jobs in one transaction, each in a savepoint.
func (s *Store) runBatch(jobs []*job) {
	// The transaction outlives any one caller's context.
	tx, err := s.w.BeginTx(context.Background(), nil)
	if err != nil {
		finish(jobs, fmt.Errorf("begin: %w", err))
		return
	}
	for _, j := range jobs {
		if j.err = j.ctx.Err(); j.err != nil {
			continue
		}
		if err := s.runJob(tx, j); err != nil {
			// The transaction is unusable (a savepoint could not be undone).
			_ = tx.Rollback()
			finish(jobs, err)
			return
		}
	}
	if err := tx.Commit(); err != nil {
		finish(jobs, fmt.Errorf("commit: %w", err))
		return
	}
	s.ckpt.poke()
	for _, j := range jobs {
		if j.after != nil {
			j.after(j.err == nil)
		}
		close(j.done)
	}
}

// runJob runs j inside a savepoint of tx, setting j.err if j failed; it
// returns an error only when the savepoint cannot be released or undone.
func (s *Store) runJob(tx *sql.Tx, j *job) error {
	bg := context.Background()
	if _, err := tx.StmtContext(bg, s.stmt.savepoint).ExecContext(bg); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	if j.err = j.fn(j.ctx, tx); j.err != nil {
		if j.after != nil {
			j.after(false)
			j.after = nil
		}
		if _, err := tx.StmtContext(bg, s.stmt.rollbackTo).ExecContext(bg); err != nil {
			return errors.Join(j.err, fmt.Errorf("roll back to savepoint: %w", err))
		}
	}
	if _, err := tx.StmtContext(bg, s.stmt.release).ExecContext(bg); err != nil {
		return fmt.Errorf("release savepoint: %w", err)
	}
	return nil
}

// finish fails every job of a batch that did not commit: jobs that failed
// on their own keep their error, the others get err.
func finish(jobs []*job, err error) {
	for _, j := range jobs {
		if j.err == nil {
			j.err = err
		}
		if j.after != nil {
			j.after(false)
		}
		close(j.done)
	}
}

// Checkpoints. SQLite's automatic checkpoint runs inside the commit that
// crosses 1,000 WAL pages: the writer copies the WAL into the database
// file and syncs it while every queued Save waits. The writer connection
// therefore has wal_autocheckpoint off, and a checkpointer goroutine on a
// connection of its own runs a PASSIVE checkpoint (it never blocks the
// writer or readers) after writes, at most once per checkpointEvery.

// checkpointEvery bounds how often the checkpointer runs.
const checkpointEvery = time.Second

// startCheckpointer starts the checkpointer on db, which the store closes
// after stopping it.
func (s *Store) startCheckpointer(db *sql.DB) {
	s.ckptDB = db
	s.ckpt = startLoop(false, func(ctx context.Context) {
		var busy, frames, done int
		if err := db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &done); err != nil && ctx.Err() == nil {
			s.log.Warn("checkpoint failed", "path", s.path, "err", err)
		}
		sleep(ctx, checkpointEvery)
	})
}
