package publish

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govfeed/govfeed/data"
)

// published records OnPublish calls.
type published struct {
	mu     sync.Mutex
	topics []string
	bodies map[string][]byte
	types  map[string]string
}

func (pb *published) record(topic, contentType string, body []byte) {
	pb.mu.Lock()
	defer pb.mu.Unlock()
	pb.topics = append(pb.topics, topic)
	pb.bodies[topic], pb.types[topic] = body, contentType
}

// take returns the topics published since the last call, sorted.
func (pb *published) take() []string {
	pb.mu.Lock()
	defer pb.mu.Unlock()
	out := slices.Sorted(slices.Values(pb.topics))
	pb.topics = nil
	return out
}

// topics are the URLs of the given feed paths in every format, sorted.
func topics(paths ...string) []string {
	var out []string
	for _, p := range paths {
		for _, f := range formats {
			out = append(out, base+p+"."+f.ext())
		}
	}
	slices.Sort(out)
	return out
}

func TestOnPublish(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		pb := &published{bodies: map[string][]byte{}, types: map[string]string{}}
		p, st, clk := newTest(t, Options{OnPublish: pb.record})
		defer p.Close()
		h := p.Handler()

		// SetSources started a round: every head document is published once.
		time.Sleep(publishDelay)
		synctest.Wait()
		all := topics("/feed", "/sources/cq", "/sources/gd", "/tags/chongqing", "/tags/guangdong", "/tags/%E7%9C%81%E6%94%BF%E5%BA%9C")
		if diff := cmp.Diff(all, pb.take()); diff != "" {
			t.Fatalf("first round (-want +got):\n%s", diff)
		}
		for _, f := range formats {
			topic := base + "/feed." + f.ext()
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/feed."+f.ext(), nil))
			if string(pb.bodies[topic]) != rec.Body.String() || pb.types[topic] != f.contentType() {
				t.Errorf("%s: published %d bytes of %s; want the %d bytes served, %s", topic, len(pb.bodies[topic]), pb.types[topic], rec.Body.Len(), f.contentType())
			}
		}

		// A burst of changes to cq: one round, after the delay, of the
		// documents whose bytes changed.
		clk.add(time.Minute)
		st.add(clk.Now(), data.Item{SourceID: "cq", Key: "g:new", Title: "新", Link: "https://www.cq.gov.cn/new.html", Published: clk.Now()})
		p.Invalidate()
		time.Sleep(publishDelay / 2)
		p.Invalidate()
		p.Invalidate()
		synctest.Wait()
		if got := pb.take(); len(got) != 0 {
			t.Errorf("published %v before the delay", got)
		}
		time.Sleep(publishDelay)
		synctest.Wait()
		if diff := cmp.Diff(topics("/feed", "/sources/cq", "/tags/chongqing"), pb.take()); diff != "" {
			t.Errorf("after a change to cq (-want +got):\n%s", diff)
		}

		// A change that changes no bytes publishes nothing.
		p.Invalidate()
		time.Sleep(2 * publishDelay)
		synctest.Wait()
		if got := pb.take(); len(got) != 0 {
			t.Errorf("published %v with nothing changed", got)
		}

		// After Close, nothing more.
		st.add(clk.Now(), data.Item{SourceID: "gd", Key: "g:new2", Title: "新2", Link: "https://www.gd.gov.cn/new2.html"})
		p.Invalidate()
		p.Close()
		time.Sleep(2 * publishDelay)
		synctest.Wait()
		if got := pb.take(); len(got) != 0 {
			t.Errorf("published %v after Close", got)
		}
	})
}

// TestNoOnPublishNoRebuild: without OnPublish, feeds are built on request
// only.
func TestNoOnPublishNoRebuild(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, st, _ := newTest(t, Options{})
		p.Invalidate()
		time.Sleep(10 * publishDelay)
		synctest.Wait()
		if n := st.readCalls(); n != 0 {
			t.Errorf("%d store reads without a request", n)
		}
		p.Close()
	})
}

func TestHasTopic(t *testing.T) {
	p, _, _ := newTest(t, Options{})
	for topic, want := range map[string]bool{
		base + "/feed.atom":                             true,
		base + "/feed.json":                             true,
		base + "/sources/cq.rss":                        true,
		base + "/tags/chongqing.atom":                   true,
		base + "/tags/%E7%9C%81%E6%94%BF%E5%BA%9C.json": true, // as the feeds name it
		base + "/tags/%ZZ.json":                         false,
		base + "/sources/nope.atom":                     false,
		base + "/tags/nope.atom":                        false,
		base + "/feed.xml":                              false,
		base + "/feed.atom?q=x":                         false,
		base + "/archive/0.atom":                        false,
		base + "/sources/cq.atom/x":                     false,
		"https://other.example.org/feed.atom":           false,
		base + "/feeds.atom":                            false,
		base:                                            false,
	} {
		if got := p.HasTopic(topic); got != want {
			t.Errorf("HasTopic(%q) = %v, want %v", topic, got, want)
		}
	}
}

// TestOnPublishOnlySubscribedTopics: with Subscribed set, a round builds and
// publishes only the feeds somebody subscribed to.
func TestOnPublishOnlySubscribedTopics(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		pb := &published{bodies: map[string][]byte{}, types: map[string]string{}}
		want := base + "/sources/cq.atom"
		p, st, clk := newTest(t, Options{OnPublish: pb.record, Subscribed: func(topic string) bool { return topic == want }})
		defer p.Close()
		time.Sleep(publishDelay)
		synctest.Wait()
		if diff := cmp.Diff([]string{want}, pb.take()); diff != "" {
			t.Fatalf("first round (-want +got):\n%s", diff)
		}
		clk.add(time.Minute)
		st.add(clk.Now(), data.Item{SourceID: "gd", Key: "g:gd-new", Title: "新", Link: "https://www.gd.gov.cn/new.html", Published: clk.Now()})
		p.Invalidate()
		time.Sleep(2 * publishDelay)
		synctest.Wait()
		if got := pb.take(); len(got) != 0 {
			t.Errorf("a change to an unsubscribed source published %v", got)
		}
	})
}
