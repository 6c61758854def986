package guard

import (
	"container/list"
	"math"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Defaults of LimiterOptions.
const (
	DefaultRate       = 2     // requests per second per client
	DefaultBurst      = 10    // requests at once per client
	DefaultMaxClients = 10000 // clients remembered at once
)

// LimiterOptions configure a Limiter. Zero values mean the defaults.
type LimiterOptions struct {
	// Rate is the sustained number of requests per second one client may
	// make; <= 0 means DefaultRate.
	Rate float64
	// Burst is how many requests one client may make at once; <= 0 means
	// DefaultBurst.
	Burst int
	// MaxClients bounds the clients remembered; when a new client comes and
	// the table is full, the one idle longest is forgotten (it starts
	// again with a full burst, as a new client does). <= 0 means
	// DefaultMaxClients. The memory used is about 270 bytes per client,
	// so under 3 MB with the default (TestLimiterMemoryBytes).
	MaxClients int
	// TrustedProxies are the peers whose X-Forwarded-For is believed (see
	// ClientIP).
	TrustedProxies []netip.Prefix
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Limiter is a token-bucket rate limiter per client. A client is one IPv4
// address or one IPv6 /64 (the block a single host usually gets, so that
// walking through its addresses gains nothing). It is safe for concurrent
// use.
type Limiter struct {
	rate    float64
	burst   float64
	max     int
	trusted []netip.Prefix
	now     func() time.Time

	mu      sync.Mutex
	clients map[netip.Prefix]*list.Element // of *bucket
	idle    list.List                      // least recently seen at the back
}

// bucket is one client's tokens as of last.
type bucket struct {
	key    netip.Prefix
	tokens float64
	last   time.Time
}

// NewLimiter returns a Limiter with options o.
func NewLimiter(o LimiterOptions) *Limiter {
	l := &Limiter{
		rate:    o.Rate,
		burst:   float64(o.Burst),
		max:     o.MaxClients,
		trusted: slices.Clone(o.TrustedProxies),
		now:     o.Now,
		clients: map[netip.Prefix]*list.Element{},
	}
	if l.rate <= 0 {
		l.rate = DefaultRate
	}
	if l.burst <= 0 {
		l.burst = DefaultBurst
	}
	if l.max <= 0 {
		l.max = DefaultMaxClients
	}
	if l.now == nil {
		l.now = time.Now
	}
	return l
}

// Allow takes one token from the client of r and reports whether there was
// one. It fits publish.Options.Allow.
func (l *Limiter) Allow(r *http.Request) bool {
	ok, _ := l.Take(r)
	return ok
}

// Take takes one token from the client of r. When there is none it
// returns false and how long until there is one.
func (l *Limiter) Take(r *http.Request) (ok bool, retryAfter time.Duration) {
	return l.take(clientKey(ClientIP(r, l.trusted)))
}

// Wrap returns next behind the limiter: a request beyond its client's rate
// is answered 429 Too Many Requests with a Retry-After header, and next is
// not called.
func (l *Limiter) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ok, wait := l.Take(r)
		if !ok {
			w.Header().Set("Retry-After", strconv.Itoa(RetryAfterSeconds(wait)))
			http.Error(w, "too many requests", http.StatusTooManyRequests)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// RetryAfterSeconds rounds a wait up to whole seconds for a Retry-After
// header, at least 1.
func RetryAfterSeconds(wait time.Duration) int {
	return max(1, int(math.Ceil(wait.Seconds())))
}

// Clients returns the number of clients remembered.
func (l *Limiter) Clients() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.clients)
}

// take takes one token from the bucket of key.
func (l *Limiter) take(key netip.Prefix) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	var b *bucket
	if e, ok := l.clients[key]; ok {
		b = e.Value.(*bucket)
		l.idle.MoveToFront(e)
		if elapsed := now.Sub(b.last); elapsed > 0 {
			b.tokens = min(l.burst, b.tokens+elapsed.Seconds()*l.rate)
		}
		b.last = now
	} else {
		for len(l.clients) >= l.max {
			oldest := l.idle.Back()
			delete(l.clients, oldest.Value.(*bucket).key)
			l.idle.Remove(oldest)
		}
		b = &bucket{key: key, tokens: l.burst, last: now}
		l.clients[key] = l.idle.PushFront(b)
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}

// clientKey is the block a client is limited by: its IPv4 address, or the
// /64 of its IPv6 address. An invalid address (a peer that did not parse)
// is the zero Prefix, one shared client.
func clientKey(a netip.Addr) netip.Prefix {
	switch {
	case a.Is4():
		return netip.PrefixFrom(a, 32)
	case a.Is6():
		p, _ := a.Prefix(64)
		return p
	}
	return netip.Prefix{}
}
