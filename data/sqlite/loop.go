package sqlite

import (
	"context"
	"time"
)

// A loop is a background goroutine of the store that runs a step each time
// it is woken; wake-ups that arrive while a step runs are coalesced into
// one. The indexer (ftsqueue.go) and the checkpointer (batch.go) are loops.
type loop struct {
	wake   chan struct{} // capacity 1: a pending wake-up
	cancel context.CancelFunc
	done   chan struct{}
}

// startLoop starts a loop running step, woken at once when now is set.
// step gets a context that is cancelled by stop.
func startLoop(now bool, step func(ctx context.Context)) *loop {
	ctx, cancel := context.WithCancel(context.Background())
	l := &loop{wake: make(chan struct{}, 1), cancel: cancel, done: make(chan struct{})}
	if now {
		l.wake <- struct{}{}
	}
	go func() {
		defer close(l.done)
		for {
			select {
			case <-ctx.Done():
				return
			case <-l.wake:
			}
			step(ctx)
		}
	}()
	return l
}

// poke wakes the loop; it does nothing on a nil loop (one not started).
func (l *loop) poke() {
	if l == nil {
		return
	}
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// stop cancels the loop and waits for its step to return; it does nothing
// on a nil loop.
func (l *loop) stop() {
	if l == nil {
		return
	}
	l.cancel()
	<-l.done
}

// sleep waits d, or less if ctx ends first, and reports whether it waited d.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
