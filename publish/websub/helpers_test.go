package websub_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govfeed/govfeed/data/sqlite"
	"github.com/govfeed/govfeed/publish/websub"
)

// t0 is the tests' starting "now".
var t0 = time.Date(2026, 6, 17, 1, 0, 0, 0, time.UTC)

// The topics the test hubs publish, and the hub's public URL.
const (
	topicA = "https://feeds.example.org/feed.atom"
	topicB = "https://feeds.example.org/sources/cq.atom"
	hubURL = "https://feeds.example.org/websub"
)

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// openStore opens a real store under a temporary directory.
func openStore(t *testing.T) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir(), sqlite.Options{})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	return st
}

// testHub is a hub behind a real HTTP server, with its store and clock.
type testHub struct {
	*websub.Hub
	url   string // of the hub endpoint
	store *sqlite.Store
	clock *clock
}

// newHub starts a hub for topicA and topicB. edit, if not nil, changes its
// options. The hub is closed when the test ends; it does not Run.
func newHub(t *testing.T, edit func(*websub.Options)) *testHub {
	t.Helper()
	st := openStore(t)
	c := &clock{t: t0}
	o := websub.Options{
		URL:    hubURL,
		Client: &http.Client{Timeout: 10 * time.Second},
		Logger: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:    c.Now,
		Topics: func(topic string) bool { return topic == topicA || topic == topicB },
	}
	if edit != nil {
		edit(&o)
	}
	h := websub.NewHub(o, st)
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		srv.Close()
		h.Close()
	})
	return &testHub{Hub: h, url: srv.URL, store: st, clock: c}
}

// run runs the hub until the test ends.
func (h *testHub) run(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
}

// post sends a subscriber request and returns the status and body.
func (h *testHub) post(t *testing.T, form url.Values) (int, string) {
	t.Helper()
	resp, err := http.PostForm(h.url, form)
	if err != nil {
		t.Fatalf("POST %s: %v", h.url, err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read answer of %s: %v", h.url, err)
	}
	return resp.StatusCode, string(body)
}

// subscribe sends a subscription request that must be accepted.
func (h *testHub) subscribe(t *testing.T, mode, topic, callback, secret, lease string) {
	t.Helper()
	form := url.Values{"hub.mode": {mode}, "hub.topic": {topic}, "hub.callback": {callback}}
	if secret != "" {
		form.Set("hub.secret", secret)
	}
	if lease != "" {
		form.Set("hub.lease_seconds", lease)
	}
	if status, body := h.post(t, form); status != http.StatusAccepted {
		t.Fatalf("%s %s: status %d (%s), want 202", mode, callback, status, strings.TrimSpace(body))
	}
}

// subscribed subscribes callback to topic and waits until it is stored.
func (h *testHub) subscribed(t *testing.T, topic, callback, secret, lease string) {
	t.Helper()
	h.subscribe(t, "subscribe", topic, callback, secret, lease)
	waitFor(t, "subscription of "+callback+" stored", func() bool {
		_, ok := h.find(t, topic, callback)
		return ok
	})
}

// find returns the live subscription of callback to topic at t0.
func (h *testHub) find(t *testing.T, topic, callback string) (websub.Subscription, bool) {
	t.Helper()
	subs, err := h.store.Subscriptions(context.Background(), topic, t0)
	if err != nil {
		t.Fatalf("Subscriptions(%s): %v", topic, err)
	}
	for _, s := range subs {
		if s.Callback == callback {
			return s, true
		}
	}
	return websub.Subscription{}, false
}

// push is one content delivery a subscriber received.
type push struct {
	header http.Header
	body   []byte
}

// subscriber is a WebSub subscriber's callback endpoint.
type subscriber struct {
	srv *httptest.Server
	// answer returns the status and body of the answer to a verification;
	// nil echoes the challenge with 200.
	answer func(q url.Values) (int, string)
	// status returns the status of the answer to push n (from 0); nil
	// means 200.
	status func(n int) int

	mu       sync.Mutex
	verifies []*url.URL
	pushes   []push
}

// newSubscriber starts a subscriber; set answer and status before use.
func newSubscriber(t *testing.T) *subscriber {
	t.Helper()
	s := &subscriber{}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// callback is the subscriber's callback URL.
func (s *subscriber) callback() string { return s.srv.URL + "/cb" }

func (s *subscriber) serve(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		s.mu.Lock()
		s.verifies = append(s.verifies, r.URL)
		answer := s.answer
		s.mu.Unlock()
		q := r.URL.Query()
		status, body := http.StatusOK, q.Get("hub.challenge")
		if answer != nil {
			status, body = answer(q)
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	case http.MethodPost:
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		n := len(s.pushes)
		s.pushes = append(s.pushes, push{header: r.Header.Clone(), body: body})
		status := s.status
		s.mu.Unlock()
		code := http.StatusOK
		if status != nil {
			code = status(n)
		}
		w.WriteHeader(code)
	default:
		http.Error(w, "unexpected method", http.StatusMethodNotAllowed)
	}
}

// verifications returns the URLs of the verification requests so far.
func (s *subscriber) verifications() []*url.URL {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*url.URL(nil), s.verifies...)
}

// received returns the pushes so far.
func (s *subscriber) received() []push {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]push(nil), s.pushes...)
}

// waitFor polls cond until it holds, failing the test after a generous
// deadline (the deadline only guards against a hang).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// splitComma yields the trimmed comma-separated parts of v.
func splitComma(v string) func(yield func(string) bool) {
	return func(yield func(string) bool) {
		for part := range strings.SplitSeq(v, ",") {
			if !yield(strings.TrimSpace(part)) {
				return
			}
		}
	}
}
