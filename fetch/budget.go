package fetch

import (
	"context"
	"sync"
)

// budget is a weighted semaphore: acquire takes n units out of a fixed
// total and blocks until they are free, in order of arrival (a large
// request is not starved by small ones behind it). A request larger than
// the total takes all of it. The Runner's fetch and parse slots are
// budgets whose sources take one unit each.
type budget struct {
	mu      sync.Mutex
	total   int64
	free    int64
	waiters []*budgetWaiter // in order of arrival
}

type budgetWaiter struct {
	n     int64
	ready chan struct{} // closed when the units are granted
}

func newBudget(total int64) *budget {
	return &budget{total: total, free: total}
}

// clamp bounds n to [1, total].
func (b *budget) clamp(n int64) int64 {
	return max(1, min(n, b.total))
}

// acquire takes n units (see clamp) or fails, taking none, when ctx ends
// first. It returns the units taken, for release.
func (b *budget) acquire(ctx context.Context, n int64) (int64, error) {
	n = b.clamp(n)
	b.mu.Lock()
	if len(b.waiters) == 0 && b.free >= n {
		b.free -= n
		b.mu.Unlock()
		return n, nil
	}
	w := &budgetWaiter{n: n, ready: make(chan struct{})}
	b.waiters = append(b.waiters, w)
	b.mu.Unlock()
	select {
	case <-w.ready:
		return n, nil
	case <-ctx.Done():
		b.mu.Lock()
		defer b.mu.Unlock()
		select {
		case <-w.ready: // granted meanwhile: give it back
			b.free += n
		default:
			for i, o := range b.waiters {
				if o == w {
					b.waiters = append(b.waiters[:i], b.waiters[i+1:]...)
					break
				}
			}
		}
		b.grant()
		return 0, ctx.Err()
	}
}

// release gives back n units taken by acquire.
func (b *budget) release(n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.free += n
	b.grant()
}

// grant wakes the waiters at the head of the line whose units are free;
// b.mu must be held.
func (b *budget) grant() {
	for len(b.waiters) > 0 && b.free >= b.waiters[0].n {
		w := b.waiters[0]
		b.waiters = b.waiters[1:]
		b.free -= w.n
		close(w.ready)
	}
}
