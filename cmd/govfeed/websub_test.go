package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// subscriber is a WebSub subscriber: it confirms intent and records pushes.
type subscriber struct {
	srv *httptest.Server
	mu  sync.Mutex
	// verified is the topic of the last confirmed subscription.
	verified string
	pushes   []push
}

type push struct {
	body      []byte
	signature string
	link      string
}

func newSubscriber(t *testing.T) *subscriber {
	s := &subscriber{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			s.mu.Lock()
			s.verified = r.URL.Query().Get("hub.topic")
			s.mu.Unlock()
			fmt.Fprint(w, r.URL.Query().Get("hub.challenge"))
		case http.MethodPost:
			b, _ := io.ReadAll(r.Body)
			s.mu.Lock()
			s.pushes = append(s.pushes, push{body: b, signature: r.Header.Get("X-Hub-Signature"), link: strings.Join(r.Header.Values("Link"), ", ")})
			s.mu.Unlock()
		}
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *subscriber) state() (string, []push) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.verified, append([]push(nil), s.pushes...)
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestDaemonServesPageMetricsOPMLAndPushes checks the daemon's whole HTTP
// surface: the page, metrics, OPML, and a WebSub subscriber that gets a
// signed push when a new item is stored.
func TestDaemonServesPageMetricsOPMLAndPushes(t *testing.T) {
	up := newUpstream(t)
	dir := t.TempDir()
	cfg := dir + "/govfeed.yaml"
	writeFile(t, cfg, fmt.Sprintf(`listen: 127.0.0.1:0
data_dir: %s/data
feed: {title: Push test, base_url: "http://feeds.example.test"}
defaults: {schedule: "@every 1s", jitter: 0s, timeout: 2s, grace: 2s}
log: {level: warn}
server: {token: "0123456789abcdef-admin"}
sources:
  - {id: changing, name: Changing source, url: "%s/changing.xml", tags: [test]}
`, dir, up.srv.URL))
	d := startDaemon(t, cfg)
	defer d.shutdown(t)
	d.waitFeed(t, 1)

	for path, want := range map[string]string{
		"/":        "Changing source",
		"/metrics": `govfeed_fetches_total{outcome="new",source="changing"}`,
		"/opml":    `xmlUrl="http://feeds.example.test/tags/test.atom"`,
	} {
		resp, body := d.get(t, path)
		if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Errorf("GET %s = %d, body lacks %q:\n%.600s", path, resp.StatusCode, want, body)
		}
	}

	// The admin endpoint: a fetch now, with the token only.
	for _, tc := range []struct {
		path, token string
		want        int
	}{
		{"/admin/fetch/changing", "", http.StatusUnauthorized},
		{"/admin/fetch/changing", "wrong-token-wrong-token", http.StatusUnauthorized},
		{"/admin/fetch/nope", "0123456789abcdef-admin", http.StatusNotFound},
		{"/admin/fetch/changing", "0123456789abcdef-admin", http.StatusAccepted},
	} {
		req, _ := http.NewRequest(http.MethodPost, "http://"+d.addr+tc.path, nil)
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("POST %s with token %q = %d, want %d", tc.path, tc.token, resp.StatusCode, tc.want)
		}
	}

	sub := newSubscriber(t)
	const topic = "http://feeds.example.test/feed.atom"
	const secret = "s3cret-for-hmac"
	form := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topic}, "hub.callback": {sub.srv.URL + "/cb"}, "hub.secret": {secret}}
	resp, err := http.PostForm("http://"+d.addr+"/websub", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("subscribe = %d, want 202", resp.StatusCode)
	}
	waitFor(t, "intent verification", func() bool { v, _ := sub.state(); return v == topic })

	up.setTitle("推送的新标题")
	waitFor(t, "a push with the new title", func() bool {
		_, ps := sub.state()
		for _, p := range ps {
			if strings.Contains(string(p.body), "推送的新标题") {
				return true
			}
		}
		return false
	})
	_, ps := sub.state()
	p := ps[len(ps)-1]
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(p.body)
	if want := "sha256=" + hex.EncodeToString(mac.Sum(nil)); p.signature != want {
		t.Errorf("X-Hub-Signature = %q, want %q", p.signature, want)
	}
	if !strings.Contains(p.link, `rel="hub"`) || !strings.Contains(p.link, topic) {
		t.Errorf("push Link headers = %q, want the hub and the topic", p.link)
	}
}
