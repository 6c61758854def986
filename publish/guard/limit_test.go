package guard

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"runtime"
	"sync"
	"testing"
	"time"
)

// clock is a settable clock for Limiter.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 6, 17, 9, 0, 0, 0, time.UTC)} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// from builds a search request from peer with optional X-Forwarded-For.
func from(peer, xff string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/feed.atom?q=%E5%9B%9B%E5%B7%9D", nil)
	r.RemoteAddr = peer
	if xff != "" {
		r.Header.Set("X-Forwarded-For", xff)
	}
	return r
}

// okHandler counts the requests that get through.
type okHandler struct {
	mu sync.Mutex
	n  int
}

func (h *okHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.n++
	h.mu.Unlock()
	fmt.Fprint(w, "ok")
}

func TestLimiterBurstThen429(t *testing.T) {
	tests := map[string]struct {
		rate           float64
		burst          int
		wantRetryAfter string
	}{
		"rate 1":      {rate: 1, burst: 3, wantRetryAfter: "1"},
		"rate 0.1":    {rate: 0.1, burst: 2, wantRetryAfter: "10"},
		"rate 4":      {rate: 4, burst: 5, wantRetryAfter: "1"}, // 250ms, rounded up
		"defaults":    {wantRetryAfter: "1"},                    // 2/s, burst 10
		"rate 1/3600": {rate: 1.0 / 3600, burst: 1, wantRetryAfter: "3600"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			clk := newClock()
			l := NewLimiter(LimiterOptions{Rate: tc.rate, Burst: tc.burst, Now: clk.now})
			next := &okHandler{}
			h := l.Wrap(next)
			burst := tc.burst
			if burst == 0 {
				burst = DefaultBurst
			}
			for i := range burst {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, from("203.0.113.7:4000", ""))
				if rec.Code != http.StatusOK {
					t.Fatalf("request %d of the burst: status %d, want 200", i+1, rec.Code)
				}
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, from("203.0.113.7:4001", ""))
			if rec.Code != http.StatusTooManyRequests {
				t.Fatalf("request after the burst: status %d, want 429", rec.Code)
			}
			if got := rec.Header().Get("Retry-After"); got != tc.wantRetryAfter {
				t.Errorf("Retry-After = %q, want %q", got, tc.wantRetryAfter)
			}
			if next.n != burst {
				t.Errorf("next served %d requests, want %d", next.n, burst)
			}
			// 1/rate later, one more request gets through, then not.
			rate := tc.rate
			if rate == 0 {
				rate = DefaultRate
			}
			refill := time.Duration(float64(time.Second) / rate)
			clk.advance(refill)
			if !l.Allow(from("203.0.113.7:4002", "")) {
				t.Errorf("no token %s after the 429", refill)
			}
			if l.Allow(from("203.0.113.7:4003", "")) {
				t.Errorf("a second token %s after the 429", refill)
			}
		})
	}
}

func TestLimiterRefillCapsAtBurst(t *testing.T) {
	clk := newClock()
	l := NewLimiter(LimiterOptions{Rate: 1, Burst: 2, Now: clk.now})
	r := from("203.0.113.7:1", "")
	l.Allow(r)
	l.Allow(r)
	clk.advance(time.Hour) // 3600 tokens' worth, capped at 2
	got := 0
	for range 5 {
		if l.Allow(r) {
			got++
		}
	}
	if got != 2 {
		t.Errorf("%d requests allowed after an idle hour, want the burst of 2", got)
	}
	clk.advance(-time.Minute) // a clock going back gives no tokens
	if l.Allow(r) {
		t.Error("a token after the clock went back")
	}
}

func TestLimiterClientsIndependent(t *testing.T) {
	clk := newClock()
	l := NewLimiter(LimiterOptions{Rate: 1, Burst: 2, Now: clk.now})
	exhaust := func(r *http.Request) {
		for range 2 {
			if !l.Allow(r) {
				t.Fatalf("%s: denied within its burst", r.RemoteAddr)
			}
		}
		if l.Allow(r) {
			t.Fatalf("%s: allowed beyond its burst", r.RemoteAddr)
		}
	}
	exhaust(from("203.0.113.7:1", ""))
	// In order: each step may use up a token that a later step misses.
	steps := []struct {
		name, peer string
		want       bool
	}{
		{"same IPv4, other port", "203.0.113.7:2", false},
		{"other IPv4", "203.0.113.8:1", true},
		{"IPv4-mapped same IPv4", "[::ffff:203.0.113.7]:1", false},
		{"IPv6 /64 one", "[2001:db8:1:2::1]:1", true},
		{"IPv6 same /64", "[2001:db8:1:2:ffff::9]:1", true}, // the /64's second token
		{"IPv6 same /64 again", "[2001:db8:1:2:abcd::1]:1", false},
		{"IPv6 neighbouring /64", "[2001:db8:1:3::1]:1", true},
		{"first client still out", "203.0.113.7:3", false},
	}
	for _, st := range steps {
		if got := l.Allow(from(st.peer, "")); got != st.want {
			t.Errorf("%s (%s): Allow = %v, want %v", st.name, st.peer, got, st.want)
		}
	}
}

func TestLimiterForwardedFor(t *testing.T) {
	proxy := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	t.Run("untrusted peer: XFF ignored", func(t *testing.T) {
		l := NewLimiter(LimiterOptions{Rate: 1, Burst: 2, TrustedProxies: proxy, Now: newClock().now})
		allowed := 0
		for i := range 10 { // a fresh forged client each time
			if l.Allow(from("203.0.113.7:1", fmt.Sprintf("198.51.100.%d", i))) {
				allowed++
			}
		}
		if allowed != 2 {
			t.Errorf("%d of 10 requests with forged X-Forwarded-For allowed, want 2 (the peer's burst)", allowed)
		}
	})
	t.Run("trusted proxy: XFF honoured", func(t *testing.T) {
		l := NewLimiter(LimiterOptions{Rate: 1, Burst: 2, TrustedProxies: proxy, Now: newClock().now})
		for i := range 10 { // ten clients behind one proxy
			if !l.Allow(from("127.0.0.1:1", fmt.Sprintf("198.51.100.%d", i))) {
				t.Errorf("client %d behind the proxy denied", i)
			}
		}
		for range 2 {
			l.Allow(from("127.0.0.1:1", "198.51.100.200"))
		}
		if l.Allow(from("127.0.0.1:1", "198.51.100.200")) {
			t.Error("one client behind the proxy allowed beyond its burst")
		}
		if !l.Allow(from("127.0.0.1:1", "")) {
			t.Error("the proxy itself (no XFF) denied")
		}
	})
}

func TestLimiterMemoryBounded(t *testing.T) {
	clk := newClock()
	l := NewLimiter(LimiterOptions{Rate: 1, Burst: 2, MaxClients: 1000, Now: clk.now})
	regular := from("203.0.113.7:1", "")
	l.Allow(regular)
	r := from("", "")
	for i := range 100_000 {
		r.RemoteAddr = netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), 1).String()
		l.Allow(r)
		if i%100 == 0 {
			l.Allow(regular) // seen recently: not the one forgotten
		}
		if n := l.Clients(); n > 1000 {
			t.Fatalf("after %d clients the limiter remembers %d, over its cap of 1000", i+1, n)
		}
	}
	if n := l.Clients(); n != 1000 {
		t.Errorf("Clients() = %d, want the cap 1000", n)
	}
	// The regular client took 1 + 1000 tokens over a frozen clock: it was
	// remembered, so it is out of tokens.
	if l.Allow(regular) {
		t.Error("the recently seen client was forgotten (its bucket was full again)")
	}
}

// TestLimiterMemoryBytes bounds the heap a limiter holds after 100,000
// distinct clients: with the default cap of 10,000 it is about 2.5 MB; 16
// MB is the generous bound asserted (remembering all 100,000 would take
// about 25 MB).
func TestLimiterMemoryBytes(t *testing.T) {
	if testing.Short() {
		t.Skip("measures the heap")
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	l := NewLimiter(LimiterOptions{Now: newClock().now})
	r := from("", "")
	for i := range 100_000 {
		r.RemoteAddr = netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), 1).String()
		l.Allow(r)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	grown := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("%d clients remembered, heap grown by %d bytes (%d per client)", l.Clients(), grown, grown/int64(l.Clients()))
	if grown > 16<<20 {
		t.Errorf("heap grew by %d bytes, over the 16 MB bound", grown)
	}
	runtime.KeepAlive(l)
}

func TestLimiterConcurrent(t *testing.T) {
	l := NewLimiter(LimiterOptions{Rate: 1, Burst: 50, MaxClients: 64, Now: newClock().now})
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := map[string]int{}
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				peer := fmt.Sprintf("198.51.100.%d:1", (g*500+i)%16)
				if l.Allow(from(peer, "")) {
					mu.Lock()
					allowed[peer]++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	for peer, n := range allowed {
		if n != 50 {
			t.Errorf("%s: %d allowed, want exactly its burst of 50 (frozen clock)", peer, n)
		}
	}
	if len(allowed) != 16 {
		t.Errorf("%d clients allowed anything, want 16", len(allowed))
	}
}
