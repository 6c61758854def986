package publish

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// LaneOptions configure FastLane.
type LaneOptions struct {
	// Server is the http.Server given the Lane as its listener. The lane
	// applies its ReadHeaderTimeout, ReadTimeout, IdleTimeout and
	// WriteTimeout as net/http does; nil means NewServer's. Its Handler
	// must answer the combined feed's requests with the Publisher's
	// Handler, maybe wrapped in middleware that adds no header.
	Server *http.Server
	// Observe, when set, is called after each answer the lane sends
	// itself, with its status code and how long it took: the hook that
	// counts them with the answers net/http sends (metrics.Observer).
	Observe func(code int, elapsed time.Duration)
	Logger  *slog.Logger
	Now     func() time.Time // for the Date header and Observe; time.Now if nil
}

// Lane is a net.Listener for an http.Server that answers the most
// requested document, the combined feed, itself: a connection whose
// requests are all strictly formed GET or HEAD requests of /feed.atom,
// /feed.rss or /feed.json, without a query or a body, never reaches
// net/http. Its answers are those the Handler gives (same status, headers
// and body; the negotiation is the same code), without net/http's cost
// per request: its request and header maps, its ResponseWriter and its
// goroutine reading in the background.
//
// At the first request the lane does not answer, or doubts about, it
// hands the connection, with every byte it read and did not answer, to
// the http.Server through Accept, which then serves it for good, as if
// the lane were not there. So net/http answers every other request
// exactly as it would.
//
// Close, which http.Server.Shutdown calls, stops accepting, closes the
// lane's idle connections and lets answers in progress end; Shutdown
// waits for them.
//
// It is for a plain-text HTTP/1.x listener (TLS and HTTP/2 bytes go to
// net/http untouched). It does not see http.Server.SetKeepAlivesEnabled
// nor ConnState hooks, which apply to the connections handed off only.
type Lane struct {
	ln      net.Listener
	p       *Publisher
	log     *slog.Logger
	now     func() time.Time
	observe func(code int, elapsed time.Duration)
	// Timeouts as net/http applies them; 0 for none.
	headTimeout, idleTimeout, writeTimeout time.Duration

	// base is the context of the builds a lane answer waits for,
	// canceled when Shutdown gives up waiting.
	base   context.Context
	cancel context.CancelFunc

	handoffs chan net.Conn  // connections for net/http
	errs     chan error     // errors of the inner Accept, for Accept
	done     chan struct{}  // closed by Close
	stopped  chan struct{}  // closed when every goroutine of the lane ended
	closing  atomic.Bool    // Close was called; set under mu
	wg       sync.WaitGroup // the accept loop and each connection's goroutine

	mu    sync.Mutex
	conns map[*laneConn]struct{} // connections the lane serves
}

// FastLane returns a Lane that accepts connections from ln and answers
// their combined-feed requests with p's documents. Give it to the
// http.Server of o.Server as its listener:
//
//	srv := NewServer(addr, handler)
//	lane := FastLane(ln, p, LaneOptions{Server: srv})
//	go srv.Serve(lane)
//	...
//	srv.Shutdown(ctx)
//	lane.Shutdown(ctx)
func FastLane(ln net.Listener, p *Publisher, o LaneOptions) *Lane {
	srv := o.Server
	if srv == nil {
		srv = NewServer("", nil)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	l := &Lane{
		ln:       ln,
		p:        p,
		log:      o.Logger,
		now:      o.Now,
		observe:  o.Observe,
		handoffs: make(chan net.Conn),
		errs:     make(chan error),
		done:     make(chan struct{}),
		stopped:  make(chan struct{}),
		conns:    map[*laneConn]struct{}{},
	}
	// As net/http: the head must arrive within ReadHeaderTimeout and
	// ReadTimeout, and a kept-alive connection may wait IdleTimeout (else
	// ReadTimeout) for its next request.
	l.headTimeout = firstPositive(srv.ReadHeaderTimeout, srv.ReadTimeout)
	if srv.ReadTimeout > 0 && srv.ReadTimeout < l.headTimeout {
		l.headTimeout = srv.ReadTimeout
	}
	l.idleTimeout = firstPositive(srv.IdleTimeout, srv.ReadTimeout)
	l.writeTimeout = srv.WriteTimeout
	l.base, l.cancel = context.WithCancel(context.Background())
	l.wg.Add(1)
	go l.acceptLoop()
	return l
}

// firstPositive returns the first positive duration, or 0.
func firstPositive(ds ...time.Duration) time.Duration {
	for _, d := range ds {
		if d > 0 {
			return d
		}
	}
	return 0
}

// Accept returns the next connection for net/http: one the lane handed
// off.
func (l *Lane) Accept() (net.Conn, error) {
	select {
	case c := <-l.handoffs:
		return c, nil
	case err := <-l.errs:
		return nil, err
	case <-l.done:
		return nil, net.ErrClosed
	}
}

// Addr is the address of the inner listener.
func (l *Lane) Addr() net.Addr { return l.ln.Addr() }

// Close closes the inner listener and the lane's idle connections; the
// answers in progress end, then their connections close. It does not
// wait for them: Shutdown does.
func (l *Lane) Close() error {
	l.mu.Lock()
	if l.closing.Swap(true) {
		l.mu.Unlock()
		return nil
	}
	close(l.done)
	// A connection waiting for a request wakes up and closes; one that
	// reads or answers a request finishes first (see readHead).
	for lc := range l.conns {
		_ = lc.c.SetReadDeadline(aLongTimeAgo)
	}
	l.mu.Unlock()
	err := l.ln.Close()
	go func() {
		l.wg.Wait()
		l.cancel()
		close(l.stopped)
	}()
	return err
}

// aLongTimeAgo is a read deadline in the past, which wakes a reader.
var aLongTimeAgo = time.Unix(1, 0)

// Shutdown closes l (see Close) and waits until its answers in progress
// are sent and its connections closed, or until ctx ends: it then closes
// the connections still open, stops waiting for feed builds and returns
// ctx's error.
func (l *Lane) Shutdown(ctx context.Context) error {
	err := l.Close() // nil when http.Server.Shutdown closed it already
	select {
	case <-l.stopped:
		return err
	case <-ctx.Done():
	}
	l.cancel()
	l.mu.Lock()
	for lc := range l.conns {
		_ = lc.c.Close()
	}
	l.mu.Unlock()
	return ctx.Err()
}

// acceptLoop accepts connections and serves each on a goroutine of its
// own, until the inner listener is closed.
func (l *Lane) acceptLoop() {
	defer l.wg.Done()
	for {
		c, err := l.ln.Accept()
		if err != nil {
			// net/http decides: it retries after a temporary error, with
			// a backoff (it calls Accept again), and else stops.
			select {
			case l.errs <- err:
			case <-l.done:
				return
			}
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		l.mu.Lock()
		if l.closing.Load() {
			l.mu.Unlock()
			_ = c.Close()
			continue
		}
		lc := newLaneConn(l, c)
		l.conns[lc] = struct{}{}
		l.wg.Add(1)
		l.mu.Unlock()
		go lc.serve()
	}
}

// handOff gives lc's connection to net/http, with the bytes lc read and
// did not answer to be read first; after Close it closes it instead.
func (l *Lane) handOff(lc *laneConn) {
	l.mu.Lock()
	delete(l.conns, lc) // Close no longer touches it
	closed := l.closing.Load()
	l.mu.Unlock()
	if closed {
		_ = lc.c.Close()
		return
	}
	// net/http sets the deadlines it wants; with no timeouts it sets none
	// and must not inherit the lane's.
	_ = lc.c.SetDeadline(time.Time{})
	c := &handoff{Conn: lc.c, pending: lc.buf[lc.r:lc.w], err: lc.rerr}
	select {
	case l.handoffs <- c:
	case <-l.done:
		_ = lc.c.Close()
	}
}

// release forgets lc, whose goroutine ends.
func (l *Lane) release(lc *laneConn) {
	l.mu.Lock()
	delete(l.conns, lc)
	l.mu.Unlock()
	l.wg.Done()
}
