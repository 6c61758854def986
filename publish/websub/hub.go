package websub

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of Options.
const (
	DefaultLease            = 10 * 24 * time.Hour
	DefaultMinLease         = time.Hour
	DefaultMaxLease         = 30 * 24 * time.Hour
	DefaultRetries          = 5
	DefaultRetryBase        = 10 * time.Second
	DefaultMaxSubscriptions = 10000
)

const (
	// workers is the number of concurrent content deliveries.
	workers = 4
	// maxVerifying bounds the intent verifications in flight; a request
	// beyond it is answered 503.
	maxVerifying = 32
	// minQueue and maxQueue bound the delivery queue, which is otherwise
	// sized at twice MaxSubscriptions. The retry list has the same bound.
	minQueue = 64
	maxQueue = 1 << 16
	// purgeEvery is how often Run deletes subscriptions whose lease ended.
	purgeEvery = 10 * time.Minute
	// Timeouts of one verification GET, one delivery POST and one store
	// call made in the background.
	verifyTimeout  = 15 * time.Second
	deliverTimeout = 30 * time.Second
	storeTimeout   = 10 * time.Second
)

// Options configure a Hub. The zero value of every field but URL and
// Topics is a usable default.
type Options struct {
	// URL is the public URL of the hub endpoint, sent as the rel="hub" Link
	// of every delivery; the feeds must advertise the same URL. Empty
	// omits that Link header, which subscribers may reject.
	URL string
	// Client makes verification and delivery requests; default a client
	// with a 30 s timeout. Give one that refuses private addresses to keep
	// subscribers from making the hub call into the local network.
	Client *http.Client
	Logger *slog.Logger     // default discard
	Now    func() time.Time // wall clock of leases; default time.Now
	// Topics reports whether topic is a feed this hub publishes. A nil
	// Topics refuses every subscription.
	Topics func(topic string) bool
	// Lease bounds: the lease granted when none is requested, and the
	// range a requested lease is clamped to. Defaults 10 days, 1 hour and
	// 30 days.
	DefaultLease, MinLease, MaxLease time.Duration
	// Retries is the number of retries of a failed delivery (default 5;
	// negative means none); retry n waits about RetryBase * 2^(n-1), with
	// jitter, at most about an hour. RetryBase defaults to 10 s.
	Retries   int
	RetryBase time.Duration
	// MaxSubscriptions bounds the live subscriptions of all topics
	// (default 10000); a new subscription beyond it is refused with 503.
	MaxSubscriptions int
}

// withDefaults returns o with its defaults applied.
func (o Options) withDefaults() Options {
	if o.Client == nil {
		o.Client = &http.Client{Timeout: deliverTimeout}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Topics == nil {
		o.Topics = func(string) bool { return false }
	}
	if o.MinLease <= 0 {
		o.MinLease = DefaultMinLease
	}
	if o.MaxLease <= 0 {
		o.MaxLease = DefaultMaxLease
	}
	o.MaxLease = max(o.MaxLease, o.MinLease)
	if o.DefaultLease <= 0 {
		o.DefaultLease = DefaultLease
	}
	o.DefaultLease = min(max(o.DefaultLease, o.MinLease), o.MaxLease)
	switch {
	case o.Retries == 0:
		o.Retries = DefaultRetries
	case o.Retries < 0:
		o.Retries = 0
	}
	if o.RetryBase <= 0 {
		o.RetryBase = DefaultRetryBase
	}
	if o.MaxSubscriptions <= 0 {
		o.MaxSubscriptions = DefaultMaxSubscriptions
	}
	return o
}

// Hub is a WebSub hub. It is safe for concurrent use.
type Hub struct {
	opts  Options
	store Store
	log   *slog.Logger

	// life ends at Close; every background request and store call derives
	// from it.
	life   context.Context
	cancel context.CancelFunc

	verifying chan struct{}  // semaphore of verifications in flight
	queue     chan *delivery // deliveries waiting for a worker
	wake      chan struct{}  // tells Run that a retry was scheduled
	maxRetry  int            // bound of retries

	mu      sync.Mutex
	closed  bool
	running bool
	retries retryList      // deliveries waiting for their next attempt
	wg      sync.WaitGroup // verifications and Run; Add under mu while !closed

	delivered, failed, retried atomic.Int64
}

// NewHub returns a hub that keeps its subscriptions in st. Its endpoint
// accepts subscriptions at once; deliveries are made while Run runs.
func NewHub(o Options, st Store) *Hub {
	o = o.withDefaults()
	size := min(max(2*o.MaxSubscriptions, minQueue), maxQueue)
	life, cancel := context.WithCancel(context.Background())
	return &Hub{
		opts:      o,
		store:     st,
		log:       o.Logger,
		life:      life,
		cancel:    cancel,
		verifying: make(chan struct{}, maxVerifying),
		queue:     make(chan *delivery, size),
		wake:      make(chan struct{}, 1),
		maxRetry:  size,
	}
}

// Stats count content deliveries since the hub was made.
type Stats struct {
	Delivered int64 // POSTs answered 2xx
	// Failed counts deliveries given up: retries exhausted, 410 Gone,
	// or dropped because the queue or retry list was full.
	Failed  int64
	Retried int64 // failed attempts scheduled for another try
}

// Stats returns the delivery counters, for metrics.
func (h *Hub) Stats() Stats {
	return Stats{Delivered: h.delivered.Load(), Failed: h.failed.Load(), Retried: h.retried.Load()}
}

// Run makes deliveries, schedules their retries and deletes subscriptions
// whose lease ended (at once, then every ten minutes) until ctx ends or
// Close is called. It returns after its workers stop; deliveries still
// queued stay queued for the next Run. Only one Run runs at a time: a
// second concurrent call returns at once.
func (h *Hub) Run(ctx context.Context) {
	h.mu.Lock()
	if h.closed || h.running {
		running := h.running
		h.mu.Unlock()
		if running {
			h.log.Warn("websub hub is already running")
		}
		return
	}
	h.running = true
	h.wg.Add(1)
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		h.running = false
		h.mu.Unlock()
		h.wg.Done()
	}()

	ctx, stop := context.WithCancel(ctx)
	defer stop()
	unhook := context.AfterFunc(h.life, stop)
	defer unhook()

	var ws sync.WaitGroup
	for range workers {
		ws.Go(func() { h.work(ctx) })
	}
	// The loop below ends only when ctx is done, so the workers are
	// stopping when this runs.
	defer ws.Wait()

	h.purge(ctx)
	tick := time.NewTicker(purgeEvery)
	defer tick.Stop()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			h.purge(ctx)
		case <-h.wake:
		case <-timer.C:
		}
		if wait, ok := h.releaseDue(); ok {
			timer.Reset(wait)
		}
	}
}

// Close stops the hub: new requests are refused with 503, Publish does
// nothing, and in-flight verifications and deliveries are cancelled. It
// returns when they and Run have ended. It is safe to call more than once.
func (h *Hub) Close() {
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
	h.cancel()
	h.wg.Wait()
}

// track registers a background goroutine; it is false once the hub is
// closed.
func (h *Hub) track() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	h.wg.Add(1)
	return true
}

// isClosed reports whether Close was called.
func (h *Hub) isClosed() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.closed
}

// purge deletes the subscriptions whose lease ended.
func (h *Hub) purge(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	n, err := h.store.PurgeSubscriptions(ctx, h.opts.Now())
	switch {
	case err != nil && ctx.Err() == nil:
		h.log.Error("websub purge of ended leases failed", "error", err)
	case n > 0:
		h.log.Info("websub subscriptions expired", "count", n)
	}
}
