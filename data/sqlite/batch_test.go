package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/govfeed/govfeed/data"
)

// testJob returns a job that inserts a tombstone for key (a small write the
// test can count) and then fails with fail, if set; runs and undos count
// how often fn ran and how often undo was called.
func testJob(key string, fail func(context.Context, *sql.Tx) error, counts map[string]int, mu *sync.Mutex) *job {
	return &job{
		ctx: context.Background(),
		fn: func(ctx context.Context, tx *sql.Tx) error {
			mu.Lock()
			counts[key+" runs"]++
			mu.Unlock()
			if _, err := tx.ExecContext(ctx, `INSERT INTO tombstones (source_id, key, deleted_at, last_seen) VALUES ('t', ?, 0, 0)`, key); err != nil {
				return err
			}
			if fail != nil {
				return fail(ctx, tx)
			}
			return nil
		},
		undo: func() {
			mu.Lock()
			defer mu.Unlock()
			counts[key+" undos"]++
		},
		done: make(chan struct{}),
	}
}

func tombstoneKeys(t *testing.T, s *Store) map[string]bool {
	t.Helper()
	rows, err := s.r.Query(`SELECT key FROM tombstones WHERE source_id = 't'`)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	got := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		got[k] = true
	}
	return got
}

// TestBatchFailureIsolated: a job that fails inside a batch fails alone:
// the jobs before it are undone and run again, the failed one is told
// before the jobs after it run, and only its write is lost.
func TestBatchFailureIsolated(t *testing.T) {
	s, _ := newStore(t)
	var mu sync.Mutex
	counts := map[string]int{}
	boom := errors.New("boom")
	var bToldFirst bool
	jobs := []*job{
		testJob("a", nil, counts, &mu),
		testJob("b", func(context.Context, *sql.Tx) error { return boom }, counts, &mu),
		nil,
	}
	jobs[2] = testJob("c", func(context.Context, *sql.Tx) error {
		select {
		case <-jobs[1].done:
			bToldFirst = true
		default:
		}
		return nil
	}, counts, &mu)
	s.runBatch(jobs)
	for i, want := range []error{nil, boom, nil} {
		if !errors.Is(jobs[i].err, want) || (want == nil && jobs[i].err != nil) {
			t.Errorf("job %d error = %v, want %v", i, jobs[i].err, want)
		}
		select {
		case <-jobs[i].done:
		default:
			t.Errorf("job %d not finished", i)
		}
	}
	// a ran with b, was undone with it and ran again with c; b ran once,
	// undone; c ran once, after b was told.
	want := map[string]int{"a runs": 2, "a undos": 1, "b runs": 1, "b undos": 1, "c runs": 1}
	if fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("counts = %v, want %v", counts, want)
	}
	if !bToldFirst {
		t.Error("the job after a failed one ran before the failed one was told")
	}
	if got := tombstoneKeys(t, s); !got["a"] || got["b"] || !got["c"] || len(got) != 2 {
		t.Errorf("stored = %v, want a and c only", got)
	}
}

// TestBatchCancelledJobSkipped: a job whose caller gave up before it ran is
// failed with its context's error and writes nothing; the others commit.
func TestBatchCancelledJobSkipped(t *testing.T) {
	s, _ := newStore(t)
	var mu sync.Mutex
	counts := map[string]int{}
	jobs := []*job{testJob("a", nil, counts, &mu), testJob("b", nil, counts, &mu), testJob("c", nil, counts, &mu)}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	jobs[1].ctx = ctx
	s.runBatch(jobs)
	if jobs[0].err != nil || !errors.Is(jobs[1].err, context.Canceled) || jobs[2].err != nil {
		t.Errorf("errors = %v, %v, %v; want nil, canceled, nil", jobs[0].err, jobs[1].err, jobs[2].err)
	}
	if got := tombstoneKeys(t, s); !got["a"] || got["b"] || !got["c"] {
		t.Errorf("stored = %v, want a and c only", got)
	}
	if counts["b runs"] != 0 {
		t.Errorf("the cancelled job ran %d times", counts["b runs"])
	}
}

// TestBatchBrokenTransactionFailsAll: when a job fails and the shared
// transaction cannot be rolled back as asked (SQLite ended it already, as it
// may on a full disk or an I/O error), no job of the batch is stored, every
// one is told so and undone, and the writer works afterwards.
func TestBatchBrokenTransactionFailsAll(t *testing.T) {
	s, _ := newStore(t)
	var mu sync.Mutex
	counts := map[string]int{}
	broke := errors.New("broke")
	jobs := []*job{
		testJob("a", nil, counts, &mu),
		testJob("b", func(ctx context.Context, tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `ROLLBACK`); err != nil { // ends the shared transaction
				return err
			}
			return broke
		}, counts, &mu),
		testJob("c", nil, counts, &mu),
	}
	s.runBatch(jobs)
	for i, j := range jobs {
		if j.err == nil {
			t.Errorf("job %d succeeded in a broken batch", i)
		}
	}
	if !errors.Is(jobs[1].err, broke) {
		t.Errorf("failed job's error = %v, want its own", jobs[1].err)
	}
	if counts["a undos"] < 1 || counts["b undos"] < 1 || counts["c runs"] > counts["c undos"] {
		t.Errorf("counts = %v: a and b must be undone, c undone if it ran", counts)
	}
	if got := tombstoneKeys(t, s); len(got) != 0 {
		t.Errorf("stored %v from a failed batch", got)
	}
	// The writer still works afterwards.
	save(t, s, "sc", item("after", t0.Add(-time.Hour)))
}

// TestConcurrentSavesAndClose: many Saves at once all land, each exactly
// once; Saves racing Close either land or fail with errClosed, never hang.
func TestConcurrentSavesAndClose(t *testing.T) {
	s, _ := newStore(t)
	base := t0.Add(-48 * time.Hour)
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			src := fmt.Sprintf("s%02d", i)
			res := data.FetchResult{State: data.SourceState{SourceID: src}, Items: manyItems(src, 5, base)}
			if _, err := s.Save(context.Background(), res); err != nil {
				t.Errorf("save %s: %v", src, err)
			}
		})
	}
	wg.Wait()
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Items != 200 || len(st.PerSource) != 40 {
		t.Fatalf("stored %d items of %d sources, want 200 of 40", st.Items, len(st.PerSource))
	}

	errs := make(chan error, 40)
	for i := range 40 {
		wg.Go(func() {
			src := fmt.Sprintf("late%02d", i)
			_, err := s.Save(context.Background(), data.FetchResult{State: data.SourceState{SourceID: src}, Items: manyItems(src, 2, base)})
			errs <- err
		})
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil && !errors.Is(err, errClosed) {
			t.Errorf("save racing Close: %v, want nil or %v", err, errClosed)
		}
	}
}

// TestSaveCancelled: a Save whose context is done stores nothing.
func TestSaveCancelled(t *testing.T) {
	s, _ := newStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Save(ctx, data.FetchResult{State: data.SourceState{SourceID: "sc"}, Items: manyItems("sc", 3, t0)}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Save error = %v, want context.Canceled", err)
	}
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Items != 0 {
		t.Errorf("cancelled Save stored %d items", st.Items)
	}
}

// TestCheckpointOffTheWriter: the writer does not checkpoint (its
// autocheckpoint is off), so only the checkpointer can move saved pages
// from the WAL into the database file, and it must do so soon after Saves.
func TestCheckpointOffTheWriter(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, newClock(t0))
	size := func() int64 {
		fi, err := os.Stat(filepath.Join(dir, dbName))
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	before := size()
	for i := range 5 {
		save(t, s, fmt.Sprintf("s%d", i), manyItems(fmt.Sprintf("s%d", i), 50, t0)...)
	}
	deadline := time.Now().Add(20 * time.Second)
	for size() <= before {
		if time.Now().After(deadline) {
			t.Fatalf("database file still %d bytes 20 s after 250 saved items: nothing checkpointed", before)
		}
		time.Sleep(20 * time.Millisecond)
	}
	var auto int
	if err := s.w.QueryRow(`PRAGMA wal_autocheckpoint`).Scan(&auto); err != nil || auto != 0 {
		t.Errorf("writer wal_autocheckpoint = %d (%v), want 0", auto, err)
	}
}

// txJob returns a job that records the transaction it ran in under key.
func txJob(key string, light bool, txs map[string]*sql.Tx, mu *sync.Mutex) *job {
	return &job{
		ctx:   context.Background(),
		light: light,
		fn: func(ctx context.Context, tx *sql.Tx) error {
			mu.Lock()
			defer mu.Unlock()
			txs[key] = tx
			return nil
		},
		done: make(chan struct{}),
	}
}

// waitJob fails the test unless j finishes within 30 s.
func waitJob(t *testing.T, j *job, what string) {
	t.Helper()
	select {
	case <-j.done:
		if j.err != nil {
			t.Errorf("%s: %v", what, j.err)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("%s has not run after 30 s", what)
	}
}

// Light jobs (a source's state alone) wait for company, up to the delay;
// a job with items ends the wait, and never waits itself.
func TestLightJobsWaitForCompany(t *testing.T) {
	s, _ := newStore(t)
	s.batch.delay = time.Hour // only a job with items, or Close, ends a wait
	var mu sync.Mutex
	txs := map[string]*sql.Tx{}
	a, b, heavy := txJob("a", true, txs, &mu), txJob("b", true, txs, &mu), txJob("heavy", false, txs, &mu)
	s.batch.jobs <- a
	time.Sleep(20 * time.Millisecond) // without the wait, a commits alone meanwhile
	s.batch.jobs <- b
	time.Sleep(20 * time.Millisecond)
	s.batch.jobs <- heavy
	for _, j := range []*job{a, b, heavy} {
		waitJob(t, j, "a job of the batch")
	}
	if txs["a"] != txs["b"] || txs["b"] != txs["heavy"] {
		t.Errorf("the light jobs and the job that ended their wait ran in different transactions")
	}

	// A job with items, alone, runs at once.
	alone := txJob("alone", false, txs, &mu)
	s.batch.jobs <- alone
	waitJob(t, alone, "a job with items")

	// Close ends a wait, and the waiting job is committed.
	last := txJob("last", true, txs, &mu)
	s.batch.jobs <- last
	time.Sleep(20 * time.Millisecond)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	waitJob(t, last, "a light job waiting at Close")
}

// A Save without items (a 304: the source's state alone) is light: it waits
// for company, and the next Save with items ends its wait.
func TestStateSaveIsLight(t *testing.T) {
	s, _ := newStore(t)
	s.batch.delay = time.Hour
	done := make(chan error, 1)
	go func() {
		_, err := s.Save(context.Background(), data.FetchResult{State: data.SourceState{SourceID: "quiet", ETag: `"v1"`}})
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("the state-only Save returned (%v) before any company came", err)
	default:
	}
	save(t, s, "busy", manyItems("k", 1, t0)...)
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the state-only Save still waits after a Save with items")
	}
	if st, err := s.State(context.Background(), "quiet"); err != nil || st.ETag != `"v1"` {
		t.Errorf("state after the Save = %+v, %v; want its ETag stored", st, err)
	}
}
