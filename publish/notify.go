package publish

import (
	"context"
	"maps"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// publishDelay is how long after a change the head documents are rebuilt
// for Options.OnPublish: changes within it are published together.
const publishDelay = time.Second

// notifier rebuilds the head documents after a change and hands the ones
// whose bytes changed to Options.OnPublish.
type notifier struct {
	p *Publisher

	mu      sync.Mutex
	timer   *time.Timer // pending round; nil when none
	closed  bool
	wg      sync.WaitGroup    // pending and running rounds
	running sync.Mutex        // one round at a time
	etags   map[string]string // last published entity tag by topic
}

// schedule starts a round after publishDelay unless one is pending.
func (n *notifier) schedule() {
	if n.p.opts.OnPublish == nil {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed || n.timer != nil {
		return
	}
	n.wg.Add(1)
	n.timer = time.AfterFunc(publishDelay, n.round)
}

// close cancels a pending round and waits for a running one.
func (n *notifier) close() {
	n.mu.Lock()
	n.closed = true
	if n.timer != nil && n.timer.Stop() {
		n.wg.Done()
	}
	n.timer = nil
	n.mu.Unlock()
	n.wg.Wait()
}

// round rebuilds every head document and publishes those that changed.
func (n *notifier) round() {
	defer n.wg.Done()
	n.running.Lock()
	defer n.running.Unlock()
	n.mu.Lock()
	n.timer = nil // a change from now on needs another round
	n.mu.Unlock()

	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	if n.etags == nil {
		n.etags = map[string]string{}
	}
	for _, s := range n.p.heads() {
		for _, f := range formats {
			if want := n.p.opts.Subscribed; want != nil && !want(n.p.url(s, f)) {
				continue
			}
			r, err := n.p.get(ctx, s, f)
			if err != nil || r == nil {
				continue // logged by the build
			}
			if n.etags[r.self] == r.etag {
				continue
			}
			n.etags[r.self] = r.etag
			n.p.opts.OnPublish(r.self, r.contentType, r.body)
		}
	}
}

// heads lists the head documents of every configured feed: the combined
// feed, each source's and each tag's.
func (p *Publisher) heads() []spec {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := []spec{{kind: kindCombined}}
	for _, s := range p.sources {
		out = append(out, spec{kind: kindSource, name: s.ID})
	}
	for _, t := range slices.Sorted(maps.Keys(p.tags)) {
		out = append(out, spec{kind: kindTag, name: t})
	}
	return out
}

// HasTopic reports whether topic is the URL of a feed p publishes to a
// WebSub hub: the combined feed, a configured source's or tag's, in any
// format. It suits websub.Options.Topics.
func (p *Publisher) HasTopic(topic string) bool {
	rest, ok := strings.CutPrefix(topic, p.opts.BaseURL+"/")
	if !ok {
		return false
	}
	dir, file, _ := strings.Cut(rest, "/")
	if file == "" {
		dir, file = "", dir
	}
	escaped, _, ok := cutFormat(file)
	if !ok || strings.Contains(file, "/") {
		return false
	}
	name, err := url.PathUnescape(escaped)
	if err != nil {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	switch dir {
	case "":
		return name == "feed"
	case "sources":
		_, ok := p.byID[name]
		return ok
	case "tags":
		_, ok := p.tags[name]
		return ok
	}
	return false
}
