package fetch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"runtime"
	"sync"
	"time"

	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/fetch/clean"
	"github.com/govfeed/govfeed/fetch/web"
)

// Options configure a Runner. Zero values are documented defaults.
type Options struct {
	Concurrency int           // sources fetched at once; default 8
	PerHost     int           // requests to one host at once; default 2
	Delay       time.Duration // least delay between article requests to one host (html, json); default 1s
	BackoffBase time.Duration // delay after the first failure; default 1m
	BackoffMax  time.Duration // cap on the backoff; default 6h
	// Retention returns how long a source's items are kept; nil keeps all.
	Retention func(sourceID string) Retention
	// Sanitizer cleans upstream HTML and makes its links absolute.
	// Required: upstream HTML is never stored unsanitized.
	Sanitizer *clean.Sanitizer
	// OnChange is called after a fetch changed what is stored (new,
	// updated or pruned items, or a source turning broken or healthy).
	OnChange func()
	Logger   *slog.Logger
	Now      func() time.Time
}

// Runner fetches sources. It is safe for concurrent use; a source already
// being fetched is not fetched again at the same time.
type Runner struct {
	opts  Options
	store Store
	gate  *hostGate
	slots *budget // sources fetching, one unit each
	// saving holds the sources being parsed and stored, weighed by the size of
	// what they fetched: a downloaded source takes its share of the budget
	// before it gives its fetch slot back, so that the next source downloads
	// while this one is parsed and waits for the store's single writer, and what
	// is in memory stays bounded: a feed's parsed items only within the budget
	// (list pages and JSON APIs are parsed as they are read, in their fetch
	// slot), downloaded documents in fetch slots. When the store falls behind,
	// fetching waits. Weighing by size lets many small sources wait for the
	// writer together, so that they share its commits, while large feeds are few
	// at a time. (1,000 feeds of 133 KB on 2 cores: 16 save slots, parsing in
	// the fetch slot and no bound on the results waiting for a slot made the
	// peak RSS 90 MB; four feeds at a time, 73 MB. 10,000 feeds of 14 KB: four
	// at a time took 27 s, 32 at a time 21 s, the writer committing fewer,
	// larger transactions.)
	saving *budget
	// parsing bounds the sources parsing at once to the cores: more would
	// not parse faster, only hold more half-parsed documents in memory.
	parsing *budget
	log     *slog.Logger
	now     func() time.Time

	mu      sync.Mutex
	running map[string]bool
	jars    map[string]http.CookieJar
}

// NewRunner returns a Runner that fetches through g and stores into st.
func NewRunner(o Options, g Getter, st Store) *Runner {
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	if o.Delay == 0 {
		o.Delay = time.Second
	}
	if o.BackoffBase <= 0 {
		o.BackoffBase = time.Minute
	}
	if o.BackoffMax <= 0 {
		o.BackoffMax = 6 * time.Hour
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sanitizer == nil {
		o.Sanitizer = clean.NewSanitizer()
	}
	return &Runner{
		opts:    o,
		store:   st,
		gate:    newHostGate(g, o.PerHost),
		slots:   newBudget(int64(o.Concurrency)),
		saving:  newBudget(int64(runtime.GOMAXPROCS(0)) * saveBudgetPerCore),
		parsing: newBudget(int64(runtime.GOMAXPROCS(0))),
		log:     o.Logger,
		now:     func() time.Time { return o.Now().UTC() },
		running: make(map[string]bool),
		jars:    make(map[string]http.CookieJar),
	}
}

// Outcome summarises one fetch of one source.
type Outcome string

// The outcomes of a fetch.
const (
	OutcomeNew         Outcome = "new"          // at least one new item
	OutcomeUpdated     Outcome = "updated"      // no new items, at least one changed
	OutcomeUnchanged   Outcome = "unchanged"    // fetched and parsed, nothing changed
	OutcomeNotModified Outcome = "not_modified" // the upstream answered 304
	OutcomeFailed      Outcome = "failed"       // see Report.Err and Report.Class
	OutcomeBackoff     Outcome = "backoff"      // skipped: backing off after failures
	OutcomeBusy        Outcome = "busy"         // skipped: already being fetched, or its host busy until the deadline (see Report.Err)
	OutcomeCanceled    Outcome = "canceled"     // govfeed is shutting down
)

// Report is what one Run did.
type Report struct {
	SourceID string
	Outcome  Outcome
	Stats    data.SaveStats
	Pruned   int
	Items    int // items the upstream listed this time
	Err      error
	Class    data.ErrorClass
	Broken   bool
	Next     time.Time // earliest next attempt when backing off
	Duration time.Duration
}

// Error is a failed fetch of one source, classified.
type Error struct {
	SourceID string
	Class    data.ErrorClass
	Err      error
}

func (e *Error) Error() string {
	return fmt.Sprintf("source %s: %s: %v", e.SourceID, e.Class, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// harvest is what a kind's harvester got from the upstream.
type harvest struct {
	items []data.Item
	// listed is how many items the upstream listed; items may hold fewer
	// when article pages are left for a later run.
	listed       int
	title, link  string
	etag         string
	lastModified string
	notModified  bool
	// size is the size of the document parse reads.
	size int64
	// parse, when set, completes the harvest from the downloaded document.
	// fetchSlot runs it once the source holds its save share, so that parsed
	// items exist only for the sources about to be stored, not for those
	// waiting for the store.
	parse func(ctx context.Context) (harvest, error)
}

// Run fetches src once. With force, a source in backoff is fetched anyway
// (an operator's explicit `govfeed fetch`).
func (r *Runner) Run(ctx context.Context, src data.Source, force bool) Report {
	start := time.Now()
	rep := r.run(ctx, src, force)
	rep.SourceID = src.ID
	rep.Duration = time.Since(start)
	r.logReport(src, rep)
	return rep
}

func (r *Runner) run(ctx context.Context, src data.Source, force bool) Report {
	if !r.claim(src.ID) {
		return Report{Outcome: OutcomeBusy}
	}
	defer r.release(src.ID)

	st, err := r.store.State(ctx, src.ID)
	if err != nil {
		return failed(&Error{SourceID: src.ID, Class: data.ErrStore, Err: err})
	}
	st.SourceID = src.ID
	if !force && r.now().Before(st.NextAttempt) {
		return Report{Outcome: OutcomeBackoff, Next: st.NextAttempt, Class: st.ErrorClass}
	}

	h, saved, err := r.fetchSlot(ctx, src, st)
	if saved != nil {
		defer saved()
	}
	if ctx.Err() != nil {
		// Shutting down: this attempt says nothing about the source.
		return Report{Outcome: OutcomeCanceled, Err: ctx.Err()}
	}
	if errors.Is(err, errHostBusy) {
		// Other sources' requests held its host until the deadline: this
		// source never reached the upstream, so its state stays as it
		// was (no failure, no backoff) and its next run tries again.
		return Report{Outcome: OutcomeBusy, Err: &Error{SourceID: src.ID, Class: data.ErrTimeout, Err: err}}
	}
	now := r.now()
	st.LastAttempt = now
	if err != nil {
		return r.fail(ctx, src, st, err)
	}
	if !h.notModified && h.listed == 0 && st.LastYield > 0 {
		err := fmt.Errorf("yielded %d items before and none now: the page layout or URL may have changed", st.LastYield)
		return r.fail(ctx, src, st, &Error{SourceID: src.ID, Class: data.ErrBroken, Err: err})
	}

	hadNotice := noticeShown(st)
	st.Failures, st.LastError, st.ErrorClass, st.NextAttempt, st.Broken = 0, "", data.ErrNone, time.Time{}, false
	st.LastSuccess = now
	if h.etag != "" || h.lastModified != "" || !h.notModified {
		st.ETag, st.LastModified = h.etag, h.lastModified
	}
	if h.title != "" {
		st.Title = h.title
	}
	if h.link != "" {
		st.Link = h.link
	}
	rep := Report{Outcome: OutcomeNotModified}
	if !h.notModified {
		st.LastYield = h.listed
		for i := range h.items {
			h.items[i].SourceID = src.ID
		}
		data.AssignKeys(h.items)
		rep = Report{Outcome: OutcomeUnchanged, Items: h.listed}
	}
	stats, err := r.store.Save(ctx, data.FetchResult{State: st, Items: h.items})
	if err != nil {
		return failed(&Error{SourceID: src.ID, Class: data.ErrStore, Err: fmt.Errorf("save: %w", err)})
	}
	rep.Stats = stats
	switch {
	case stats.New > 0:
		rep.Outcome = OutcomeNew
	case stats.Updated > 0:
		rep.Outcome = OutcomeUpdated
	}
	if r.opts.Retention != nil && !h.notModified {
		ret := r.opts.Retention(src.ID)
		if ret.MaxAge > 0 || ret.MaxItems > 0 {
			n, err := r.store.Prune(ctx, src.ID, ret.MaxAge, ret.MaxItems)
			if err != nil {
				r.log.Warn("retention failed", "source_id", src.ID, "err", err)
			}
			rep.Pruned = n
		}
	}
	if r.opts.OnChange != nil && (stats.New+stats.Updated+rep.Pruned > 0 || hadNotice) {
		r.opts.OnChange()
	}
	return rep
}

// fetchSlot harvests src: it downloads in one of the Concurrency fetch
// slots, takes its share of the save budget before it gives the fetch slot
// back, and then completes the harvest's parse step. The caller gives the
// share back by calling saved (nil when ctx ended first).
func (r *Runner) fetchSlot(ctx context.Context, src data.Source, st data.SourceState) (h harvest, saved func(), err error) {
	if _, err := r.slots.acquire(ctx, 1); err != nil {
		return harvest{}, nil, err
	}
	hctx := ctx
	if src.Timeout > 0 {
		var cancel context.CancelFunc
		hctx, cancel = context.WithTimeout(ctx, src.Timeout)
		defer cancel()
	}
	h, err = r.harvest(hctx, src, st)
	if errors.Is(err, errHostBusy) {
		// It never reached its host and saves nothing (see run): it
		// needs no save share, nor to hold its fetch slot waiting for one.
		r.slots.release(1)
		return h, nil, err
	}
	share, aerr := r.saving.acquire(ctx, h.weight())
	r.slots.release(1)
	if aerr != nil {
		return harvest{}, nil, aerr
	}
	if err == nil && h.parse != nil {
		// Parsing is no download: src.Timeout, which ran while the source
		// waited for its save share, does not bound it. The step holds the
		// downloaded document: once spent it goes, so that the document is
		// not kept through the Save.
		h, err = h.parse(ctx)
		h.parse = nil
	}
	return h, func() { r.saving.release(share) }, err
}

// saveBudgetPerCore is the save budget per core, in bytes of fetched
// documents: two feeds of 128 KB, about twenty of 13 KB.
const saveBudgetPerCore = 256 << 10

// minSaveWeight is the least share of the save budget a source takes: what
// a source state costs to save.
const minSaveWeight = 1 << 10

// weight is h's share of the save budget: the size of the document still
// to parse, or else of the items harvested.
func (h *harvest) weight() int64 {
	n := h.size
	for _, it := range h.items {
		n += int64(len(it.Title) + len(it.Summary) + len(it.Content))
	}
	return max(n, minSaveWeight)
}

// parse runs fn, the parsing of a fetched document, in one of the
// parsing slots.
func (r *Runner) parse(ctx context.Context, fn func() error) error {
	if _, err := r.parsing.acquire(ctx, 1); err != nil {
		return err
	}
	defer r.parsing.release(1)
	return fn()
}

// fail records a failed attempt: the failure count, its class and message,
// and when the next attempt may start.
func (r *Runner) fail(ctx context.Context, src data.Source, st data.SourceState, err error) Report {
	var fe *Error
	if !errors.As(err, &fe) {
		fe = &Error{SourceID: src.ID, Class: web.ClassOf(err), Err: err}
	}
	hadNotice := noticeShown(st)
	st.Failures++
	st.LastError = fe.Err.Error()
	st.ErrorClass = fe.Class
	st.Broken = fe.Class == data.ErrBroken
	wait := r.backoff(st.Failures)
	var we *web.Error
	if errors.As(err, &we) && we.RetryAfter > wait {
		wait = we.RetryAfter
	}
	st.NextAttempt = st.LastAttempt.Add(wait)
	if _, serr := r.store.Save(ctx, data.FetchResult{State: st}); serr != nil {
		r.log.Error("saving source state failed", "source_id", src.ID, "err", serr)
	}
	if r.opts.OnChange != nil && noticeShown(st) != hadNotice {
		r.opts.OnChange()
	}
	rep := failed(fe)
	rep.Broken = st.Broken
	rep.Next = st.NextAttempt
	return rep
}

// noticeShown mirrors the publisher's rule for showing subscribers a notice
// about a source: broken, or blocked for more than three attempts in a row.
func noticeShown(st data.SourceState) bool {
	return st.Broken || (st.ErrorClass == data.ErrBlocked && st.Failures > 3)
}

func failed(e *Error) Report {
	return Report{Outcome: OutcomeFailed, Err: e, Class: e.Class}
}

// backoff is BackoffBase doubled per consecutive failure, capped at
// BackoffMax, with ±20% jitter so failing sources do not retry in step. The
// jitter never takes the wait past BackoffMax: at the cap it is -20% only.
func (r *Runner) backoff(failures int) time.Duration {
	d := r.opts.BackoffBase
	for i := 1; i < failures && d < r.opts.BackoffMax; i++ {
		d *= 2
	}
	d = min(d, r.opts.BackoffMax)
	lo, hi := d-d/5, min(d+d/5, r.opts.BackoffMax)
	return lo + time.Duration(rand.Int64N(int64(hi-lo)+1))
}

func (r *Runner) harvest(ctx context.Context, src data.Source, st data.SourceState) (harvest, error) {
	switch src.Kind {
	case data.KindFeed, "":
		return r.harvestFeed(ctx, src, st)
	case data.KindHTML:
		return r.harvestHTML(ctx, src, st)
	case data.KindJSON:
		return r.harvestJSON(ctx, src, st)
	default:
		return harvest{}, &Error{SourceID: src.ID, Class: data.ErrParse, Err: fmt.Errorf("unknown kind %q", src.Kind)}
	}
}

// conditionalGet fetches src.URL with the stored validators (an empty
// accept keeps the feed-friendly default). The harvest it returns carries
// the new validators, and notModified for a 304.
func (r *Runner) conditionalGet(ctx context.Context, src data.Source, st data.SourceState, accept string, delay time.Duration) (*web.Response, harvest, error) {
	req := r.request(src, src.URL)
	req.ETag, req.LastModified = st.ETag, st.LastModified
	req.Accept = accept
	resp, err := r.gate.get(ctx, req, delay)
	if err != nil {
		return nil, harvest{}, err
	}
	return resp, harvest{etag: resp.ETag, lastModified: resp.LastModified, notModified: resp.NotModified}, nil
}

// request is the base request for src's URLs: its headers, cookies and jar.
func (r *Runner) request(src data.Source, u string) web.Request {
	return web.Request{
		URL:          u,
		Headers:      src.Headers,
		Cookies:      src.Cookies,
		Jar:          r.jar(src.ID),
		MaxBodyBytes: src.MaxBodyBytes,
	}
}

// jar returns the source's cookie jar, so an anti-bot cookie earned once is
// sent again on the next requests of that source only.
func (r *Runner) jar(sourceID string) http.CookieJar {
	r.mu.Lock()
	defer r.mu.Unlock()
	j, ok := r.jars[sourceID]
	if !ok {
		j, _ = cookiejar.New(nil) // never fails without options
		r.jars[sourceID] = j
	}
	return j
}

func (r *Runner) claim(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.running[id] {
		return false
	}
	r.running[id] = true
	return true
}

// busy reports whether a fetch of the source is running.
func (r *Runner) busy(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.running[id]
}

func (r *Runner) release(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.running, id)
}

// Forget drops per-source memory (the cookie jar) of a source removed from
// the configuration.
func (r *Runner) Forget(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.jars, id)
}

func (r *Runner) logReport(src data.Source, rep Report) {
	attrs := []any{
		"source_id", src.ID, "outcome", rep.Outcome, "duration", rep.Duration.Round(time.Millisecond),
		"new", rep.Stats.New, "updated", rep.Stats.Updated, "items", rep.Items,
	}
	switch rep.Outcome {
	case OutcomeFailed:
		attrs = append(attrs, "class", rep.Class, "err", rep.Err, "next", rep.Next)
		if rep.Broken {
			r.log.Error("source broken", attrs...)
			return
		}
		r.log.Warn("fetch failed", attrs...)
	case OutcomeBusy, OutcomeBackoff, OutcomeCanceled:
		r.log.Debug("fetch skipped", attrs...)
	default:
		r.log.Info("fetched", attrs...)
	}
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Hostname()
}

func classOfCtx(ctx context.Context) data.ErrorClass {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return data.ErrTimeout
	}
	return data.ErrNetwork
}
