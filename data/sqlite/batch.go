package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Group commit. Every Save is a transaction of its own in meaning, but
// committing each one separately made the single writer the bottleneck of a
// fetch round: a commit appends the pages it dirtied to the WAL, and the
// pages that every Save touches (the sources table, index roots, the
// sequence) were written once per source. Saves that arrive while the
// writer is busy are therefore queued and run together, up to maxBatch of
// them, in one transaction. A Save that fails must fail alone: the
// transaction is rolled back, the failed Save is told, and the others run
// again in a new one. (A SAVEPOINT per Save would undo one alone, but
// SQLite then copies every page a Save changes that was there before it
// into a statement journal: 1 GB of page copies, written to temporary
// files, in the 1,000-feed ingest, where the Saves of a batch all touch
// the same index pages. Failures are rare; commits are not.) A commit that
// fails fails all of them (and none is stored). A caller returns only after
// its Save was committed, so durability is unchanged.
//
// A batch of light jobs (a source's state and no item: a 304) waits up to
// commitDelay for company before it runs, as PostgreSQL's commit_delay
// does. Such a job is mostly the transaction's fixed cost (begin, commit,
// the WAL frame of the sources page), and in a fetch round sources finish
// one at a time, each just after the last commit: the 1,000 states of an
// all-304 pass took about 1,400 WAL writes. A job with items never waits,
// and one arriving ends the wait.

// maxBatch bounds the Saves of one transaction, and so how long one commit
// keeps the others waiting.
const maxBatch = 32

// commitDelay is how long a batch of light jobs waits for more. With 1 ms
// the process of an all-304 pass over 1,000 sources takes 0.15-0.17 s
// instead of 0.19-0.22 s, and 0.17-0.21 s of CPU instead of 0.22-0.26 s
// (eight runs each, alternating). An ingest's Saves have items: they
// never wait.
const commitDelay = time.Millisecond

// errClosed is returned by writes queued after Close.
var errClosed = errors.New("store is closed")

// A job is one queued write.
type job struct {
	ctx context.Context
	// fn runs inside the batch's transaction. It may run more than once:
	// when another job of the batch fails, the transaction is rolled back
	// and fn runs again in the next one.
	fn func(ctx context.Context, tx *sql.Tx) error
	// undo, if set, drops what fn left in memory. It is called each time
	// fn's writes are rolled back, before anything else runs on the writer.
	undo func()
	// light is set when fn writes a few rows only: it may wait for
	// company (see commitDelay).
	light bool
	err   error
	done  chan struct{}
}

// batcher runs queued jobs in batches on the writer connection.
type batcher struct {
	delay time.Duration // commitDelay; tests lengthen it
	jobs  chan *job
	quit  chan struct{} // closed by Close: run what is queued, then stop
	done  chan struct{} // closed when the loop has stopped
}

// startBatcher starts the loop that runs s's writes.
func (s *Store) startBatcher() {
	b := &batcher{delay: commitDelay, jobs: make(chan *job, maxBatch), quit: make(chan struct{}), done: make(chan struct{})}
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
			if allLight(batch) {
				batch = b.linger(batch)
			}
			s.runBatch(batch)
		}
	}()
}

// allLight reports whether every job of batch is light.
func allLight(batch []*job) bool {
	for _, j := range batch {
		if !j.light {
			return false
		}
	}
	return true
}

// linger adds the jobs that arrive within b.delay to batch, and stops
// early when the batch is full, a job that is not light arrives, or the
// store closes.
func (b *batcher) linger(batch []*job) []*job {
	t := time.NewTimer(b.delay)
	defer t.Stop()
	for len(batch) < maxBatch {
		select {
		case j := <-b.jobs:
			batch = append(batch, j)
			if !j.light {
				return batch
			}
		case <-t.C:
			return batch
		case <-b.quit:
			return batch
		}
	}
	return batch
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
// once it is committed (nil) or failed. fn may run more than once (see job);
// undo, if set, is called each time its writes are rolled back; light marks
// a write of a few rows (see job).
func (s *Store) write(ctx context.Context, light bool, fn func(context.Context, *sql.Tx) error, undo func()) error {
	j := &job{ctx: ctx, fn: fn, undo: undo, light: light, done: make(chan struct{})}
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

// runBatch runs jobs in one transaction; when one fails, it alone is
// failed and the others run again in the next.
func (s *Store) runBatch(jobs []*job) {
	for len(jobs) > 0 {
		jobs = s.tryBatch(jobs)
	}
}

// tryBatch runs jobs in one transaction and finishes every one of them,
// unless one job fails: then it rolls the transaction back, finishes that
// job with its error and returns the others, to run again.
func (s *Store) tryBatch(jobs []*job) (again []*job) {
	// The transaction outlives any one caller's context.
	tx, err := s.w.BeginTx(context.Background(), nil)
	if err != nil {
		finish(jobs, fmt.Errorf("begin: %w", err))
		return nil
	}
	for i, j := range jobs {
		if j.err = j.ctx.Err(); j.err != nil {
			continue // finished with the batch, its fn not run
		}
		if j.err = j.fn(j.ctx, tx); j.err == nil {
			continue
		}
		rerr := tx.Rollback()
		undo(jobs[:i+1])
		close(j.done)
		again = append(slices.Clone(jobs[:i]), jobs[i+1:]...)
		if rerr != nil {
			// Not rolled back as asked: the connection's state is unknown,
			// and nothing of this transaction can have been committed.
			finish(again, fmt.Errorf("roll back the batch of a failed save: %w", rerr))
			return nil
		}
		for _, k := range again {
			k.err = nil
		}
		return again
	}
	if err := tx.Commit(); err != nil {
		finish(jobs, fmt.Errorf("commit: %w", err))
		return nil
	}
	s.ckpt.poke()
	for _, j := range jobs {
		close(j.done)
	}
	return nil
}

// undo calls the undo of each job that may have written.
func undo(jobs []*job) {
	for _, j := range jobs {
		if j.undo != nil {
			j.undo()
		}
	}
}

// finish fails every job of a batch that did not commit: jobs that failed
// on their own keep their error, the others get err.
func finish(jobs []*job, err error) {
	undo(jobs)
	for _, j := range jobs {
		if j.err == nil {
			j.err = err
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
