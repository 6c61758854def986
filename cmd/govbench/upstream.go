package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// upstreamOptions size the synthetic upstream.
type upstreamOptions struct {
	Feeds     int           // feed sources, hosts f0001.bench.test...
	Items     int           // items per feed; 0 means 20 to 100, drawn per feed
	Sites     int           // HTML list+article sites, hosts s0001.bench.test...
	SiteItems int           // articles listed per site; 0 means 20
	Latency   time.Duration // added to every response
	Seed      uint64
	// Now is the clock of item dates and Last-Modified; nil means time.Now.
	Now func() time.Time
}

// upstream serves N feeds and N government-style sites from one listener,
// chosen by the Host header, answers conditional GETs, publishes new items
// on demand and counts what it serves. It is safe for concurrent use.
type upstream struct {
	opts upstreamOptions
	now  func() time.Time

	mu    sync.RWMutex
	feeds []*doc // by feed index
	sites []*site
	rng   *rand.Rand // guarded by mu
	next  int        // next item id, guarded by mu

	stats upstreamStats
}

// doc is one feed: its items and their rendered bytes.
type doc struct {
	items    []itemSpec // newest first
	format   feedFormat
	body     []byte
	etag     string
	modified time.Time
}

// site is one HTML site: a list page and its articles.
type site struct {
	items    []itemSpec // newest first, as listed
	pages    map[string]page
	list     []byte
	etag     string
	modified time.Time
}

// page is one rendered article; articles never change once published.
type page struct {
	body     []byte
	etag     string
	modified time.Time
}

// upstreamStats counts responses; read them with snapshot.
type upstreamStats struct {
	total, ok, notModified, other atomic.Int64
	bytes                         atomic.Int64 // body bytes of 200 responses
	feeds, lists, articles        atomic.Int64 // 200 responses by kind
}

// counts is a snapshot of upstreamStats.
type counts struct {
	Total       int64 `json:"total"`
	OK          int64 `json:"ok"`
	NotModified int64 `json:"not_modified"`
	Other       int64 `json:"other"`
	Bytes       int64 `json:"bytes"`
	Feeds       int64 `json:"feeds"`
	Lists       int64 `json:"lists"`
	Articles    int64 `json:"articles"`
}

func (s *upstreamStats) snapshot() counts {
	return counts{
		Total: s.total.Load(), OK: s.ok.Load(), NotModified: s.notModified.Load(), Other: s.other.Load(),
		Bytes: s.bytes.Load(), Feeds: s.feeds.Load(), Lists: s.lists.Load(), Articles: s.articles.Load(),
	}
}

// sub returns c - d, the counts of what happened between two snapshots.
func (c counts) sub(d counts) counts {
	return counts{
		Total: c.Total - d.Total, OK: c.OK - d.OK, NotModified: c.NotModified - d.NotModified, Other: c.Other - d.Other,
		Bytes: c.Bytes - d.Bytes, Feeds: c.Feeds - d.Feeds, Lists: c.Lists - d.Lists, Articles: c.Articles - d.Articles,
	}
}

// newUpstream generates every feed and site. Like a real government
// column, each source posts at its own pace, one item every 4 to 24 hours
// (drawn per source, each gap jittered), so 50 items cover one to seven
// weeks and a 72-hour window holds about a tenth of them.
func newUpstream(o upstreamOptions) *upstream {
	if o.SiteItems <= 0 {
		o.SiteItems = 20
	}
	u := &upstream{opts: o, now: o.Now, rng: rand.New(rand.NewPCG(o.Seed, 1))}
	if u.now == nil {
		u.now = time.Now
	}
	now := u.now().Truncate(time.Second)
	u.feeds = make([]*doc, o.Feeds)
	for i := range u.feeds {
		n := o.Items
		if n <= 0 {
			n = 20 + u.rng.IntN(81)
		}
		d := &doc{format: formatOf(i), items: make([]itemSpec, n)}
		at := u.history(now, n)
		for j := range d.items {
			d.items[j] = u.newItem(at[j], placeOf(i))
		}
		d.render(i, now)
		u.feeds[i] = d
	}
	u.sites = make([]*site, o.Sites)
	for i := range u.sites {
		s := &site{items: make([]itemSpec, o.SiteItems), pages: make(map[string]page, o.SiteItems)}
		at := u.history(now, o.SiteItems)
		for j := range s.items {
			s.items[j] = u.newItem(at[j], placeOf(i))
			s.addPage(i, s.items[j])
		}
		s.render(i, now)
		u.sites[i] = s
	}
	return u
}

// history returns the publication times of a source's n items, newest
// first: a mean gap of 4 to 24 hours for the source, each gap between half
// and one and a half times it, to the second.
func (u *upstream) history(now time.Time, n int) []time.Time {
	mean := time.Duration(4+u.rng.IntN(21)) * time.Hour
	out := make([]time.Time, n)
	t := now
	for j := range out {
		gap := time.Duration(float64(mean) * (0.5 + u.rng.Float64()))
		t = t.Add(-gap).Truncate(time.Second)
		out[j] = t
	}
	return out
}

// newItem draws a new item published at at; u.mu must be held for
// writing, or u not yet shared.
func (u *upstream) newItem(at time.Time, place string) itemSpec {
	u.next++
	return itemSpec{id: 100000 + u.next, seed: u.rng.Uint64(), size: itemSize(u.rng), at: at, place: place}
}

func (d *doc) render(i int, now time.Time) {
	d.body = renderFeed(i, d.format, d.items, now)
	d.etag, d.modified = etagOf(d.body), now
}

func (s *site) render(i int, now time.Time) {
	s.list = renderList(i, s.items)
	s.etag, s.modified = etagOf(s.list), now
}

// addPage renders the article page of it. Pages stay served after the
// item leaves the list, as on the real sites.
func (s *site) addPage(i int, it itemSpec) {
	b := renderArticle(i, it)
	s.pages[articlePath(it)] = page{body: b, etag: etagOf(b), modified: it.at}
}

func etagOf(b []byte) string {
	sum := sha256.Sum256(b)
	return `"` + hex.EncodeToString(sum[:8]) + `"`
}

// publish adds one new item to each of the given feeds and sites (indexes
// into all sources, feeds first), dropping the oldest so sizes stay the
// same, as a busy column does.
func (u *upstream) publish(sources []int) {
	u.mu.Lock()
	defer u.mu.Unlock()
	now := u.now().Truncate(time.Second)
	for _, k := range sources {
		if k < len(u.feeds) {
			d := u.feeds[k]
			d.items = append([]itemSpec{u.newItem(now, placeOf(k))}, d.items[:len(d.items)-1]...)
			d.render(k, now)
			continue
		}
		k -= len(u.feeds)
		s := u.sites[k]
		s.items = append([]itemSpec{u.newItem(now, placeOf(k))}, s.items[:len(s.items)-1]...)
		s.addPage(k, s.items[0])
		s.render(k, now)
	}
}

// change publishes one new item in a fraction of the sources, chosen at
// random (at least one when fraction > 0), and returns how many.
func (u *upstream) change(fraction float64) int {
	total := len(u.feeds) + len(u.sites)
	n := int(fraction*float64(total) + 0.5)
	if fraction > 0 {
		n = max(n, 1)
	}
	u.mu.Lock()
	perm := u.rng.Perm(total)[:n]
	u.mu.Unlock()
	u.publish(perm)
	return n
}

// items returns how many items all feeds and sites list now.
func (u *upstream) items() (feeds, sites int) {
	u.mu.RLock()
	defer u.mu.RUnlock()
	for _, d := range u.feeds {
		feeds += len(d.items)
	}
	for _, s := range u.sites {
		sites += len(s.items)
	}
	return feeds, sites
}

// feedURLs are the URLs of the feeds, in source order.
func (u *upstream) feedURLs() []string {
	u.mu.RLock()
	defer u.mu.RUnlock()
	out := make([]string, 0, len(u.feeds))
	for i, d := range u.feeds {
		out = append(out, "http://"+feedHost(i)+d.format.path())
	}
	return out
}

// siteURLs are the URLs of the sites' list pages, in source order.
func (u *upstream) siteURLs() []string {
	out := make([]string, len(u.sites))
	for i := range u.sites {
		out[i] = "http://" + siteHost(i) + "/xwdt/index.html"
	}
	return out
}

// ServeHTTP routes by host: fNNNN.bench.test is a feed, sNNNN.bench.test a
// site; /_bench/stats and /_bench/change?fraction=F on any host are the
// control endpoints of a standalone upstream.
func (u *upstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/_bench/") {
		u.control(w, r)
		return
	}
	u.stats.total.Add(1)
	if u.opts.Latency > 0 {
		t := time.NewTimer(u.opts.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	host, _, _ := strings.Cut(r.Host, ":")
	kind, idx, ok := parseHost(host)
	if !ok || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		u.stats.other.Add(1)
		http.NotFound(w, r)
		return
	}
	u.mu.RLock()
	var (
		body     []byte
		etag     string
		modified time.Time
		ctype    string
		counter  *atomic.Int64
	)
	switch {
	case kind == 'f' && idx < len(u.feeds) && r.URL.Path == u.feeds[idx].format.path():
		d := u.feeds[idx]
		body, etag, modified, ctype, counter = d.body, d.etag, d.modified, d.format.contentType(), &u.stats.feeds
	case kind == 's' && idx < len(u.sites) && (r.URL.Path == "/xwdt/index.html" || r.URL.Path == "/xwdt/"):
		s := u.sites[idx]
		body, etag, modified, ctype, counter = s.list, s.etag, s.modified, "text/html", &u.stats.lists
	case kind == 's' && idx < len(u.sites):
		if p, ok := u.sites[idx].pages[r.URL.Path]; ok {
			body, etag, modified, ctype, counter = p.body, p.etag, p.modified, "text/html", &u.stats.articles
		}
	}
	u.mu.RUnlock()
	if body == nil {
		u.stats.other.Add(1)
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Last-Modified", modified.UTC().Format(http.TimeFormat))
	if notModified(r, etag, modified) {
		u.stats.notModified.Add(1)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", ctype)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	u.stats.ok.Add(1)
	counter.Add(1)
	u.stats.bytes.Add(int64(len(body)))
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(body)
}

// parseHost reads "f0012.bench.test" as ('f', 11).
func parseHost(host string) (kind byte, idx int, ok bool) {
	name, ok := strings.CutSuffix(strings.ToLower(host), ".bench.test")
	if !ok || len(name) < 2 || (name[0] != 'f' && name[0] != 's') {
		return 0, 0, false
	}
	n, err := strconv.Atoi(name[1:])
	if err != nil || n < 1 {
		return 0, 0, false
	}
	return name[0], n - 1, true
}

// notModified applies If-None-Match, else If-Modified-Since.
func notModified(r *http.Request, etag string, modified time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for t := range strings.SplitSeq(inm, ",") {
			if t = strings.TrimPrefix(strings.TrimSpace(t), "W/"); t == etag || t == "*" {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		t, err := http.ParseTime(ims)
		return err == nil && !modified.Truncate(time.Second).After(t)
	}
	return false
}

// control serves the endpoints of a standalone upstream.
func (u *upstream) control(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/_bench/stats":
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(u.stats.snapshot())
	case "/_bench/change":
		f, err := strconv.ParseFloat(r.URL.Query().Get("fraction"), 64)
		if err != nil || f < 0 || f > 1 {
			http.Error(w, "fraction must be a number from 0 to 1", http.StatusBadRequest)
			return
		}
		fmt.Fprintf(w, "%d sources changed\n", u.change(f))
	default:
		http.NotFound(w, r)
	}
}
