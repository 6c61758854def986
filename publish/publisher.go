package publish

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/govfeed/govfeed/data"
)

const (
	// defaultEntries is the number of entries in a feed page when
	// Options.Entries is not positive.
	defaultEntries = 100
	// defaultMaxAge is Options.MaxAge when it is not positive.
	defaultMaxAge = 300 * time.Second
	// buildTimeout bounds one feed build (store queries and encoding).
	buildTimeout = 30 * time.Second
	// gzipLevel is the compression level of the precompressed variant,
	// with klauspost/compress's deflate: on a 1.6 MB combined feed it takes
	// 11.5 ms for 26.0% of the bytes, where the standard library's level 4
	// took 21.5 ms for 26.3% and its level 6 41 ms for 25.2%.
	gzipLevel = 6
	// retryBuild is the least time between two builds of a feed whose last
	// build failed, so that a failing store is not queried on every request.
	retryBuild = 10 * time.Second
)

// Options configure a Publisher.
type Options struct {
	Title string // title of the combined feed and name of its author
	// ID is the atom:id of the combined feed; empty means
	// BaseURL + "/feed.atom".
	ID string
	// BaseURL is the public URL the feeds are served under, such as
	// https://feeds.example.org, for every link in the feeds. It wins over
	// the Host header, so feeds served behind a reverse proxy link to the
	// public URL. Empty means http://localhost, which only suits tests.
	BaseURL string
	// Entries is the number of entries in each feed page; <= 0 means 100.
	Entries int
	// Icon and Logo are the URLs of the feed icon (square) and logo (2:1);
	// empty means the embedded ones served at /icon.png and /logo.png.
	Icon, Logo string
	// Hub is the URL of the WebSub hub every feed advertises (rel="hub");
	// empty means none.
	Hub string
	// MaxAge is the max-age of the Cache-Control header of feeds (and the
	// RSS ttl), normally the shortest source schedule interval; <= 0 means
	// 300 seconds. Full archive pages are cached for a year.
	MaxAge time.Duration
	// OnPublish, when set, is called after Invalidate or SetSources for
	// every head document (the combined feed, each source and each tag
	// feed, in each format) whose bytes changed; topic is its URL. The
	// documents are rebuilt in the background, at most once per second.
	// It is meant for a WebSub hub's Publish.
	OnPublish func(topic, contentType string, body []byte)
	// Subscribed, when set, is asked in each OnPublish round whether
	// topic has anyone to publish to; a head document whose topic it
	// refuses is not rebuilt for OnPublish. Without it every head document
	// is rebuilt after each change: with a thousand sources, more CPU and
	// memory than fetching them.
	Subscribed func(topic string) bool
	// Allow, when set, is asked before a request that may build a feed on
	// demand (one with a query: a filter or a page cursor) is served; false
	// answers 429. It is the hook for rate limiting.
	Allow  func(r *http.Request) bool
	Logger *slog.Logger
	Now    func() time.Time
}

// Publisher renders and serves the feeds. It is safe for concurrent use.
type Publisher struct {
	opts       Options
	store      Store
	log        *slog.Logger
	now        func() time.Time
	beijing    *time.Location // the zone of dates in since parameters
	icon, logo string         // URLs of the icon and logo in the feeds
	favicon    []byte         // the embedded icon as /favicon.ico

	mu      sync.Mutex
	gen     uint64    // bumped by Invalidate and SetSources; starts at 1
	changed time.Time // when gen was bumped: the updated time of an empty feed
	sources []data.Source
	byID    map[string]data.Source
	tags    map[string][]data.Source // configured sources by tag, in configuration order
	fixed   map[string]*slot         // head documents of configured feeds, by spec key
	dynamic *lru                     // every other document

	notify notifier // the background rebuild for OnPublish

	files string // directory of the combined feed's files; "" for none (ServeFiles)
}

// slot holds one document's bytes and the state of its build.
type slot struct {
	spec      spec
	cur       *rendered     // last good build, or nil
	gen       uint64        // the generation cur was built from
	building  chan struct{} // closed when the running build ends; nil when idle
	failedGen uint64        // generation of the last failed build; 0 if none
	failedAt  time.Time
	err       error // the last build error
}

// rendered is one document's bytes, ready to serve.
type rendered struct {
	body, gz     []byte
	etag, gzETag string // quoted strong entity tags
	modified     time.Time
	self         string // the document's URL
	contentType  string
	immutable    bool // a full archive page
	wire         wire // the response headers, set last
}

// view is what one build needs to know from the Publisher.
type view struct {
	spec    spec
	format  format
	sources []data.Source          // the sources the document shows
	byID    map[string]data.Source // every configured source
	changed time.Time
	files   string // where to write the document's files; "" for none
}

// name names the document in logs and errors.
func (v view) name() string {
	n := v.spec.fileName(v.format)
	if q := v.spec.query(); q != "" {
		n += "?" + q
	}
	return n
}

// New returns a Publisher that reads items from st. It shows no source
// until SetSources is called.
func New(o Options, st Store) *Publisher {
	if o.Entries <= 0 {
		o.Entries = defaultEntries
	}
	if o.MaxAge <= 0 {
		o.MaxAge = defaultMaxAge
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	o.BaseURL = strings.TrimRight(o.BaseURL, "/")
	if o.BaseURL == "" {
		o.BaseURL = "http://localhost"
	}
	if o.ID == "" {
		o.ID = o.BaseURL + "/feed.atom"
	}
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	p := &Publisher{
		opts:    o,
		store:   st,
		log:     o.Logger,
		now:     o.Now,
		beijing: loc,
		icon:    firstText(o.Icon, o.BaseURL+"/icon.png"),
		logo:    firstText(o.Logo, o.BaseURL+"/logo.png"),
		favicon: icoOf(iconPNG),
		gen:     1,
		changed: o.Now().UTC(),
		byID:    map[string]data.Source{},
		tags:    map[string][]data.Source{},
		fixed:   map[string]*slot{},
		dynamic: newLRU(dynamicSlots),
	}
	p.notify.p = p
	return p
}

// SetSources sets the configured sources, at start and on every reload.
// Only their items are shown, and only they and their tags have feeds.
func (p *Publisher) SetSources(srcs []data.Source) {
	byID := make(map[string]data.Source, len(srcs))
	tags := map[string][]data.Source{}
	for _, s := range srcs {
		byID[s.ID] = s
		for _, t := range slices.Compact(slices.Sorted(slices.Values(s.Tags))) {
			tags[t] = append(tags[t], s)
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sources = slices.Clone(srcs)
	p.byID, p.tags = byID, tags
	for key, s := range p.fixed {
		if _, err := p.viewLocked(s.spec, formatAtom); err != nil {
			delete(p.fixed, key)
		}
	}
	p.dynamic.clear()
	p.bump()
}

// Invalidate tells p that stored items or states changed: every feed is
// rebuilt on its next request, and, with Options.OnPublish, the head
// documents in the background.
func (p *Publisher) Invalidate() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.bump()
}

// bump starts a new generation; p.mu must be held.
func (p *Publisher) bump() {
	p.gen++
	p.changed = p.now().UTC()
	p.notify.schedule()
}

// Close stops the background rebuilds for Options.OnPublish and waits for
// a running one. The feeds are still served on request.
func (p *Publisher) Close() {
	p.notify.close()
}

// get returns the bytes of document s in format f, building them if they
// are older than the current generation. After a failed build it returns
// the last good bytes, if any, together with the error.
func (p *Publisher) get(ctx context.Context, s spec, f format) (*rendered, error) {
	key := s.key(f)
	p.mu.Lock()
	for {
		v, err := p.viewLocked(s, f)
		if err != nil {
			p.mu.Unlock()
			return nil, err
		}
		sl := p.slotLocked(key, s)
		switch {
		case sl.cur != nil && sl.gen == p.gen:
			r := sl.cur
			p.mu.Unlock()
			return r, nil
		case sl.building != nil:
			ch := sl.building
			p.mu.Unlock()
			select {
			case <-ch:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			p.mu.Lock()
			continue
		case sl.failedGen == p.gen && p.now().Sub(sl.failedAt) < retryBuild:
			r, err := sl.cur, sl.err
			p.mu.Unlock()
			return r, err
		}
		sl.building = make(chan struct{})
		gen := p.gen
		p.mu.Unlock()
		return p.build(ctx, sl, gen, v)
	}
}

// slotLocked finds or makes the slot of key; p.mu must be held.
func (p *Publisher) slotLocked(key string, s spec) *slot {
	if s.fixed() {
		sl := p.fixed[key]
		if sl == nil {
			sl = &slot{spec: s}
			p.fixed[key] = sl
		}
		return sl
	}
	return p.dynamic.get(key, func() *slot { return &slot{spec: s} })
}

// build renders document v of generation gen into sl, whose building
// channel the caller has set. It ends the build even if rendering panics,
// so that waiting requests are released. On failure it returns sl's last
// good bytes, if any, with the error.
func (p *Publisher) build(ctx context.Context, sl *slot, gen uint64, v view) (r *rendered, err error) {
	defer func() {
		p.mu.Lock()
		close(sl.building)
		sl.building = nil
		var old *rendered // replaced by r
		switch {
		case err != nil:
			sl.failedGen, sl.failedAt, sl.err = gen, p.now(), err
			r = sl.cur
		case r != nil:
			old = sl.cur
			sl.cur, sl.gen, sl.failedGen, sl.err = r, gen, 0, nil
		}
		p.mu.Unlock()
		if old != nil && old != r {
			old.retire()
		}
		switch {
		case errors.Is(err, errNotFound):
			r = nil // a page that no longer exists is not served stale
		case err != nil:
			p.log.Error("feed build failed", "feed", v.name(), "serving_stale", r != nil, "err", err)
		}
	}()
	r, err = p.render(ctx, v)
	if err == nil && v.files != "" {
		p.writeFiles(v.files, r, v.format)
	}
	return r, err
}

// viewLocked captures what a build of s in f needs, or fails with
// errNotFound for a source or tag that is not configured; p.mu must be
// held.
func (p *Publisher) viewLocked(s spec, f format) (view, error) {
	v := view{spec: s, format: f, sources: p.sources, byID: p.byID, changed: p.changed}
	if s.kind == kindCombined && s.dir == pageHead && !s.static {
		v.files = p.files
	}
	switch s.kind {
	case kindSource:
		src, ok := p.byID[s.name]
		if !ok {
			return v, errNotFound
		}
		v.sources = []data.Source{src}
	case kindTag:
		if v.sources = p.tags[s.name]; v.sources == nil {
			return v, errNotFound
		}
	case kindFilter:
		for _, id := range s.filter.sources {
			if _, ok := p.byID[id]; !ok {
				return v, errNotFound
			}
		}
		for _, t := range s.filter.tags {
			if _, ok := p.tags[t]; !ok {
				return v, errNotFound
			}
		}
		v.sources = slices.DeleteFunc(slices.Clone(p.sources), func(src data.Source) bool {
			if len(s.filter.sources) > 0 && !slices.Contains(s.filter.sources, src.ID) {
				return true
			}
			return len(s.filter.tags) > 0 && !slices.ContainsFunc(src.Tags, func(t string) bool {
				return slices.Contains(s.filter.tags, t)
			})
		})
	}
	return v, nil
}

// render builds one document's bytes. The build outlives a cancelled
// request, since other requests may be waiting for it.
func (p *Publisher) render(ctx context.Context, v view) (*rendered, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), buildTimeout)
	defer cancel()
	d, err := p.document(ctx, v)
	if err != nil {
		return nil, err
	}
	body, gz, err := p.encode(d, v.format)
	if err != nil {
		return nil, err
	}
	r := newRendered(body, gz, d.updated)
	r.self, r.contentType, r.immutable = p.url(d.spec, v.format), v.format.contentType(), d.complete
	r.wire = newWire(r, p.opts.MaxAge, p.opts.Hub)
	return r, nil
}

// newRendered holds body and its gzip compression and computes the entity
// tags.
func newRendered(body, gz []byte, modified time.Time) *rendered {
	sum := sha256.Sum256(body)
	tag := hex.EncodeToString(sum[:16])
	return &rendered{
		body:     body,
		gz:       gz,
		etag:     `"` + tag + `"`,
		gzETag:   `"` + tag + `-gz"`,
		modified: modified.UTC(),
	}
}
