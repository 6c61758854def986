package faultsrv

import (
	"net/http"
	"strings"
	"sync"
	"time"
)

// Options tune the faults. Zero values mean the defaults given per field.
type Options struct {
	// DripEvery is the pause between two bytes of Drip; default 1s.
	DripEvery time.Duration
	// RetryAfter is what Status503RetryAfter and Status429RetryAfter ask
	// for (Status429RetryDate asks for twice as long); default 1h.
	RetryAfter time.Duration
	// HugeBytes is the announced and sent size of Huge; default 2 GiB.
	HugeBytes int64
	// BombBytes is the decoded size of GzipBomb, rounded up to a MiB;
	// default 1 GiB. Its first request computes the bomb (about 0.3 s for
	// 1 GiB); later ones reuse it.
	BombBytes int64
	// Now is the clock of Status429RetryDate; nil means time.Now.
	Now func() time.Time
}

// Server is the fault upstream, an http.Handler. A path under /fault/
// always shows its fault (see Path); any other path shows what Set and
// SetItems made it, and answers 404 until one of them was called. It is
// safe for concurrent use.
type Server struct {
	opts Options
	stop chan struct{} // closed by Close: blocked handlers return
	once sync.Once     // closes stop

	bombOnce sync.Once
	bomb     []byte // GzipBomb's body, built on first use

	mu     sync.Mutex
	routes map[string]*route
	hits   map[string]int
	sent   map[string]int64
}

// route is what one path serves.
type route struct {
	fault Fault
	items []Item
}

// New returns a Server with opts.
func New(opts Options) *Server {
	if opts.DripEvery <= 0 {
		opts.DripEvery = time.Second
	}
	if opts.RetryAfter <= 0 {
		opts.RetryAfter = time.Hour
	}
	if opts.HugeBytes <= 0 {
		opts.HugeBytes = 2 << 30
	}
	if opts.BombBytes <= 0 {
		opts.BombBytes = 1 << 30
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Server{
		opts:   opts,
		stop:   make(chan struct{}),
		routes: map[string]*route{},
		hits:   map[string]int{},
		sent:   map[string]int64{},
	}
}

// Set makes path show f from the next request on; OK serves its feed
// again. The path keeps its items. Set panics on a Fault that does not
// exist, a mistake in the calling test.
func (s *Server) Set(path string, f Fault) {
	if !f.valid() {
		panic("faultsrv: unknown fault " + string(f))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.route(path).fault = f
}

// SetItems makes items the feed of path (served by OK and by the charset
// faults). A path never given items serves DefaultItems(path).
func (s *Server) SetItems(path string, items []Item) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.route(path).items = append([]Item(nil), items...)
}

// AddItem puts it first in path's feed (newest first, as sites list).
func (s *Server) AddItem(path string, it Item) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.route(path)
	r.items = append([]Item{it}, r.items...)
}

// route returns path's route, creating it with the default items. The
// caller holds s.mu.
func (s *Server) route(path string) *route {
	r, ok := s.routes[path]
	if !ok {
		r = &route{fault: OK, items: DefaultItems(path)}
		s.routes[path] = r
	}
	return r
}

// Hits is how many requests path got.
func (s *Server) Hits(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

// Sent is how many body bytes path sent (for Reset, the bytes written
// before the reset, headers included).
func (s *Server) Sent(path string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sent[path]
}

// Close releases every blocked handler, now and later: after Close, Hang,
// Stall, Drip, Huge and Endless return at once. It is idempotent.
func (s *Server) Close() { s.once.Do(func() { close(s.stop) }) }

// ServeHTTP answers r with its path's fault.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	s.mu.Lock()
	s.hits[path]++
	var (
		f     Fault
		items []Item
	)
	if name, ok := strings.CutPrefix(path, faultPrefix); ok {
		f, items = Fault(name), DefaultItems(path)
	} else if rt, ok := s.routes[path]; ok {
		f, items = rt.fault, rt.items
	}
	s.mu.Unlock()
	if !f.valid() {
		http.NotFound(w, r)
		return
	}
	cw := &countingWriter{ResponseWriter: w, count: func(n int) { s.count(path, n) }}
	s.serve(cw, r, f, items)
}

// count adds n body bytes to path's total.
func (s *Server) count(path string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent[path] += int64(n)
}

// countingWriter counts the body bytes written through it. Unwrap lets
// http.ResponseController reach the real writer's Flush and Hijack.
type countingWriter struct {
	http.ResponseWriter
	count func(int)
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.ResponseWriter.Write(p)
	c.count(n)
	return n, err
}

// Unwrap returns the wrapped writer.
func (c *countingWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }
