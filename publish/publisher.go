package publish

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/publish/atom"
)

const (
	// defaultEntries is the number of items in a feed when Options.Entries
	// is not positive.
	defaultEntries = 100
	// buildTimeout bounds one feed build (store queries and encoding).
	buildTimeout = 30 * time.Second
	// retryBuild is the least time between two builds of a feed whose last
	// build failed, so that a failing store is not queried on every request.
	retryBuild = 10 * time.Second
)

// errUnknownSource is returned by get for a source that is not configured.
var errUnknownSource = errors.New("unknown source")

// Options configure a Publisher.
type Options struct {
	Title string // title of the combined feed and name of its author
	// ID is the atom:id of the combined feed; empty means
	// BaseURL + "/feed.atom".
	ID string
	// BaseURL is the public URL the feeds are served under, such as
	// https://feeds.example.org, for self links and source feed ids. Empty
	// means http://localhost, which only suits tests.
	BaseURL string
	// Entries is the number of items in each feed; <= 0 means 100.
	Entries    int
	Icon, Logo string // IRIs for atom:icon and atom:logo; optional
	Logger     *slog.Logger
	Now        func() time.Time
}

// Publisher renders and serves the feeds. It is safe for concurrent use.
type Publisher struct {
	opts  Options
	store Store
	log   *slog.Logger
	now   func() time.Time

	mu      sync.Mutex
	gen     uint64        // bumped by Invalidate and SetSources; starts at 1
	changed time.Time     // when gen was bumped: the updated time of an empty feed
	sources []data.Source // configured, in configuration order
	known   map[string]bool
	slots   map[string]*slot // by feed key: "" for the combined feed, else a source id
}

// slot holds one feed's bytes and the state of its build.
type slot struct {
	cur       *rendered     // last good build, or nil
	gen       uint64        // the generation cur was built from
	building  chan struct{} // closed when the running build ends; nil when idle
	failedGen uint64        // generation of the last failed build; 0 if none
	failedAt  time.Time
	err       error // the last build error
}

// rendered is one feed's bytes, ready to serve.
type rendered struct {
	body, gz     []byte
	etag, gzETag string // quoted strong entity tags
	modified     time.Time
}

// view is what one build needs to know from the Publisher.
type view struct {
	key     string        // "" for the combined feed, else a source id
	sources []data.Source // the sources the feed shows
	changed time.Time
}

// New returns a Publisher that reads items from st. It shows no source
// until SetSources is called.
func New(o Options, st Store) *Publisher {
	if o.Entries <= 0 {
		o.Entries = defaultEntries
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
	return &Publisher{
		opts:    o,
		store:   st,
		log:     o.Logger,
		now:     o.Now,
		gen:     1,
		changed: o.Now().UTC(),
		known:   map[string]bool{},
		slots:   map[string]*slot{},
	}
}

// SetSources sets the configured sources, at start and on every reload.
// Only their items are shown, and only they have a feed of their own.
func (p *Publisher) SetSources(srcs []data.Source) {
	known := make(map[string]bool, len(srcs))
	for _, s := range srcs {
		known[s.ID] = true
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sources = append([]data.Source(nil), srcs...)
	p.known = known
	for key := range p.slots {
		if key != "" && !known[key] {
			delete(p.slots, key)
		}
	}
	p.bump()
}

// Invalidate tells p that stored items or states changed: every feed is
// rebuilt on its next request.
func (p *Publisher) Invalidate() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.bump()
}

// bump starts a new generation; p.mu must be held.
func (p *Publisher) bump() {
	p.gen++
	p.changed = p.now().UTC()
}

// get returns the bytes of the feed key, building them if they are older
// than the current generation. After a failed build it returns the last
// good bytes, if any, together with the error.
func (p *Publisher) get(ctx context.Context, key string) (*rendered, error) {
	p.mu.Lock()
	for {
		if key != "" && !p.known[key] {
			p.mu.Unlock()
			return nil, errUnknownSource
		}
		s := p.slots[key]
		if s == nil {
			s = &slot{}
			p.slots[key] = s
		}
		switch {
		case s.cur != nil && s.gen == p.gen:
			r := s.cur
			p.mu.Unlock()
			return r, nil
		case s.building != nil:
			ch := s.building
			p.mu.Unlock()
			select {
			case <-ch:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			p.mu.Lock()
			continue
		case s.failedGen == p.gen && p.now().Sub(s.failedAt) < retryBuild:
			r, err := s.cur, s.err
			p.mu.Unlock()
			return r, err
		}
		s.building = make(chan struct{})
		gen, v := p.gen, p.view(key)
		p.mu.Unlock()
		return p.build(ctx, s, gen, v)
	}
}

// build renders feed v of generation gen into s, whose building channel
// the caller has set. It ends the build even if rendering panics, so that
// waiting requests are released. On failure it returns s's last good
// bytes, if any, with the error.
func (p *Publisher) build(ctx context.Context, s *slot, gen uint64, v view) (r *rendered, err error) {
	defer func() {
		p.mu.Lock()
		close(s.building)
		s.building = nil
		switch {
		case err != nil:
			s.failedGen, s.failedAt, s.err = gen, p.now(), err
			r = s.cur
		case r != nil:
			s.cur, s.gen, s.failedGen, s.err = r, gen, 0, nil
		}
		p.mu.Unlock()
		if err != nil {
			p.log.Error("feed build failed", "feed", feedName(v.key), "serving_stale", r != nil, "err", err)
		}
	}()
	return p.render(ctx, v)
}

// view captures what a build of feed key needs; p.mu must be held.
func (p *Publisher) view(key string) view {
	v := view{key: key, sources: p.sources, changed: p.changed}
	if key != "" {
		for _, s := range p.sources {
			if s.ID == key {
				v.sources = []data.Source{s}
			}
		}
	}
	return v
}

// render builds one feed's bytes. The build outlives a cancelled request,
// since other requests may be waiting for it.
func (p *Publisher) render(ctx context.Context, v view) (*rendered, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), buildTimeout)
	defer cancel()
	f, err := p.feed(ctx, v)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := atom.Encode(&buf, f); err != nil {
		return nil, err
	}
	return newRendered(buf.Bytes(), f.Updated)
}

// newRendered compresses body and computes the entity tags.
func newRendered(body []byte, modified time.Time) (*rendered, error) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz) // a zero header ModTime keeps the bytes deterministic
	if _, err := zw.Write(body); err != nil {
		return nil, fmt.Errorf("gzip feed: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("gzip feed: %w", err)
	}
	sum := sha256.Sum256(body)
	tag := hex.EncodeToString(sum[:16])
	return &rendered{
		body:     body,
		gz:       gz.Bytes(),
		etag:     `"` + tag + `"`,
		gzETag:   `"` + tag + `-gz"`,
		modified: modified.UTC(),
	}, nil
}

// feedName names the feed key in logs and errors.
func feedName(key string) string {
	if key == "" {
		return "feed.atom"
	}
	return "sources/" + key + ".atom"
}
