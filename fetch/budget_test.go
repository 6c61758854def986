package fetch

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/govfeed/govfeed/data"
)

// waiting returns how many acquires wait on b.
func (b *budget) waiting() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.waiters)
}

// acquireAsync starts an acquire of n units and returns where its result
// arrives; it returns once the acquire waits (or has its units).
func acquireAsync(t *testing.T, ctx context.Context, b *budget, n int64) <-chan error {
	t.Helper()
	before := b.waiting()
	done := make(chan error, 1)
	go func() {
		_, err := b.acquire(ctx, n)
		done <- err
	}()
	deadline := time.Now().Add(waitLimit)
	for b.waiting() == before && len(done) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("acquire(%d) neither waited nor returned", n)
		}
		time.Sleep(time.Millisecond)
	}
	return done
}

func TestBudgetOrderAndRelease(t *testing.T) {
	ctx := context.Background()
	b := newBudget(10)
	if n, err := b.acquire(ctx, 8); n != 8 || err != nil {
		t.Fatalf("acquire(8) = %d, %v; want 8", n, err)
	}
	big := acquireAsync(t, ctx, b, 5)
	small := acquireAsync(t, ctx, b, 1) // 2 units are free, but it is behind big
	if w := b.waiting(); w != 2 {
		t.Fatalf("%d waiting, want 2 (the small one waits its turn)", w)
	}
	b.release(8)
	for _, ch := range []<-chan error{big, small} {
		if err := receive(t, "a granted acquire", ch); err != nil {
			t.Fatal(err)
		}
	}
	if b.free != 4 {
		t.Errorf("free = %d, want 4", b.free)
	}
	b.release(5)
	b.release(1)
	if b.free != 10 {
		t.Errorf("free after every release = %d, want 10", b.free)
	}
}

func TestBudgetClampsToTheTotal(t *testing.T) {
	b := newBudget(10)
	n, err := b.acquire(context.Background(), 1<<20)
	if n != 10 || err != nil {
		t.Fatalf("acquire(1 MiB) = %d, %v; want all 10 units", n, err)
	}
	b.release(10)
	// Nothing is free of charge: 0 units count as 1.
	if n, err := b.acquire(context.Background(), 0); n != 1 || err != nil || b.free != 9 {
		t.Errorf("acquire(0) = %d, %v, free %d; want 1 unit taken", n, err, b.free)
	}
}

func TestBudgetCancelledWaiterLetsOthersThrough(t *testing.T) {
	b := newBudget(10)
	if _, err := b.acquire(context.Background(), 8); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	big := acquireAsync(t, ctx, b, 5)
	small := acquireAsync(t, context.Background(), b, 2)
	cancel()
	if err := receive(t, "the cancelled acquire", big); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled acquire = %v, want context.Canceled", err)
	}
	if err := receive(t, "the acquire behind it", small); err != nil {
		t.Fatal(err)
	}
	if b.free != 0 {
		t.Errorf("free = %d, want 0 (8 + 2 taken, nothing by the cancelled one)", b.free)
	}
}

// TestHarvestWeight: a source's share of the save budget is the size of
// the document it has still to parse, else of the text of its items, and
// never less than what saving a state costs.
func TestHarvestWeight(t *testing.T) {
	items := []data.Item{
		{Title: "标题", Summary: "摘要", Content: strings.Repeat("正文", 1000)},
		{Title: "Title", Content: strings.Repeat("x", 2000)},
	}
	want := int64(len("标题") + len("摘要") + 6000 + len("Title") + 2000)
	for _, tc := range []struct {
		name string
		h    harvest
		want int64
	}{
		{"downloaded feed", harvest{size: 200_000}, 200_000},
		{"harvested items", harvest{items: items}, want},
		{"state only", harvest{}, minSaveWeight},
		{"not modified", harvest{notModified: true}, minSaveWeight},
		{"tiny item", harvest{items: []data.Item{{Title: "x"}}}, minSaveWeight},
	} {
		if got := tc.h.weight(); got != tc.want {
			t.Errorf("%s: weight %d, want %d", tc.name, got, tc.want)
		}
	}
}

// TestBudgetCancelledWhileGranted: when a waiter's context ends at the
// moment its units are granted, acquire fails and gives the units back, and
// the waiter behind it gets them. The test holds b.mu while it cancels and
// grants, so the cancelled acquire, once it has the lock, always finds its
// units granted; whether it fails (the branch under test) or succeeds
// depends on which ready case its select picks, so the scenario repeats
// until it has failed at least once.
func TestBudgetCancelledWhileGranted(t *testing.T) {
	const total = 3
	cancelled, cancelAll := context.WithCancel(context.Background())
	cancelAll()
	gaveBack := 0
	for attempt := 1; attempt <= 100 && gaveBack == 0; attempt++ {
		b := newBudget(total)
		if _, err := b.acquire(context.Background(), total); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		waiter := acquireAsync(t, ctx, b, 2)
		behind := acquireAsync(t, context.Background(), b, total)

		b.mu.Lock()
		cancel()
		b.free += total // what release(total) does, under the same lock
		b.grant()
		if b.free != 1 || len(b.waiters) != 1 {
			b.mu.Unlock()
			t.Fatalf("attempt %d: after the grant free = %d with %d waiting; want 1 free, the acquire of %d waiting",
				attempt, b.free, len(b.waiters), total)
		}
		b.mu.Unlock()

		err := receive(t, "the acquire cancelled while granted", waiter)
		switch {
		case err == nil:
			// Its select took the grant: it holds 2 units, an ordinary success.
			b.release(2)
		case errors.Is(err, context.Canceled):
			gaveBack++
			b.mu.Lock()
			free, waiting := b.free, len(b.waiters)
			b.mu.Unlock()
			if free != 0 || waiting != 0 {
				t.Fatalf("attempt %d: after the cancelled acquire free = %d with %d waiting; "+
					"want its 2 units given back and all %d granted to the acquire behind it", attempt, free, waiting, total)
			}
		default:
			t.Fatalf("attempt %d: cancelled acquire = %v, want nil or context.Canceled", attempt, err)
		}
		if err := receive(t, "the acquire behind the cancelled one", behind); err != nil {
			t.Fatalf("attempt %d: acquire behind = %v", attempt, err)
		}
		b.release(total)
		if b.free != total || b.waiting() != 0 {
			t.Fatalf("attempt %d: after every release free = %d with %d waiting; want %d, none", attempt, b.free, b.waiting(), total)
		}
		// A cancelled context fails any acquire that has to wait: this one
		// succeeds only if all the units are free at once.
		if n, err := b.acquire(cancelled, total); n != total || err != nil {
			t.Fatalf("attempt %d: acquire(%d) of a free budget = %d, %v; want it at once", attempt, total, n, err)
		}
		if gaveBack > 0 {
			t.Logf("the cancelled acquire gave its units back at attempt %d", attempt)
		}
	}
	if gaveBack == 0 {
		t.Fatal("in 100 attempts the cancelled acquire never saw its grant: the give-back branch did not run")
	}
}
