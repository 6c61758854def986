package fetch

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/govfeed/govfeed/fetch/web"
)

// hostGate wraps a Getter so that one host gets at most perHost requests at
// a time, and, when a request asks for it, a least delay between the start
// of two requests to that host.
type hostGate struct {
	next    Getter
	perHost int

	mu    sync.Mutex
	hosts map[string]*hostSlot
}

type hostSlot struct {
	sem chan struct{}
	// turn is held by the one request waiting out the delay; a lock that
	// gives up when the request's context ends. It guards last.
	turn chan struct{}
	// last is when the previous delayed request to this host started.
	last time.Time
}

// errHostBusy is wrapped by the error of a request whose context ended
// while it waited for its host: the other requests to that host held every
// slot (or every turn of the delay) until then, and it was never sent.
var errHostBusy = errors.New("host busy")

func newHostGate(next Getter, perHost int) *hostGate {
	if perHost <= 0 {
		perHost = 2
	}
	return &hostGate{next: next, perHost: perHost, hosts: make(map[string]*hostSlot)}
}

func (g *hostGate) slot(host string) *hostSlot {
	g.mu.Lock()
	defer g.mu.Unlock()
	s, ok := g.hosts[host]
	if !ok {
		s = &hostSlot{sem: make(chan struct{}, g.perHost), turn: make(chan struct{}, 1)}
		g.hosts[host] = s
	}
	return s
}

// get performs r through the gate; delay is the least spacing between
// requests to r's host (0 for none). When ctx ends before r's turn, the
// error wraps errHostBusy.
func (g *hostGate) get(ctx context.Context, r web.Request, delay time.Duration) (*web.Response, error) {
	host := hostOf(r.URL)
	s := g.slot(host)
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		err := fmt.Errorf("%w: %d other requests to %s ran until the deadline: %w", errHostBusy, g.perHost, host, ctx.Err())
		return nil, &web.Error{Class: classOfCtx(ctx), URL: r.URL, Err: err}
	}
	defer func() { <-s.sem }()
	if delay > 0 {
		if err := s.wait(ctx, delay); err != nil {
			err = fmt.Errorf("%w: waiting out the %v delay between requests to %s: %w", errHostBusy, delay, host, err)
			return nil, &web.Error{Class: classOfCtx(ctx), URL: r.URL, Err: err}
		}
	}
	return g.next.Get(ctx, r)
}

// wait sleeps until delay has passed since the previous delayed request to
// the host started, then records this request's start. Requests wait their
// turn one at a time and the start recorded is the real one, taken after the
// sleep, so two starts are never less than delay apart even when a timer
// fires late.
func (s *hostSlot) wait(ctx context.Context, delay time.Duration) error {
	select {
	case s.turn <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.turn }()
	if d := time.Until(s.last.Add(delay)); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	s.last = time.Now()
	return nil
}
