package websub_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/govfeed/govfeed/publish/websub"
)

func TestSubscribeVerifiedAndStored(t *testing.T) {
	const day = 24 * time.Hour
	tests := map[string]struct {
		lease     string // requested hub.lease_seconds
		wantSecs  string // granted hub.lease_seconds
		wantLease time.Duration
	}{
		"no lease asked gets the default": {"", "864000", 10 * day},
		"short lease is raised to 1h":     {"60", "3600", time.Hour},
		"long lease is cut to 30 days":    {"99999999999", "2592000", 30 * day},
		"lease within bounds is granted":  {"172800", "172800", 2 * day},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := newHub(t, nil)
			sub := newSubscriber(t)
			h.subscribed(t, topicA, sub.callback(), "s3cret", tc.lease)

			vs := sub.verifications()
			if len(vs) != 1 {
				t.Fatalf("got %d verification requests, want 1", len(vs))
			}
			q := vs[0].Query()
			if q.Get("hub.mode") != "subscribe" || q.Get("hub.topic") != topicA || q.Get("hub.challenge") == "" {
				t.Errorf("verification query = %v, want subscribe of %s with a challenge", q, topicA)
			}
			if got := q.Get("hub.lease_seconds"); got != tc.wantSecs {
				t.Errorf("hub.lease_seconds = %q, want %q", got, tc.wantSecs)
			}
			got, _ := h.find(t, topicA, sub.callback())
			want := websub.Subscription{
				Topic: topicA, Callback: sub.callback(), Secret: "s3cret",
				Expires: t0.Add(tc.wantLease), Created: t0,
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("stored subscription (-want +got):\n%s", d)
			}
		})
	}
}

func TestVerificationKeepsCallbackQuery(t *testing.T) {
	h := newHub(t, nil)
	sub := newSubscriber(t)
	cb := sub.srv.URL + "/cb?id=7&name=a%20b"
	h.subscribed(t, topicA, cb, "", "")
	vs := sub.verifications()
	if len(vs) != 1 {
		t.Fatalf("got %d verification requests, want 1", len(vs))
	}
	if raw := vs[0].RawQuery; !strings.HasPrefix(raw, "id=7&name=a%20b&") {
		t.Errorf("verification query %q does not start with the callback's own query", raw)
	}
	if q := vs[0].Query(); q.Get("hub.mode") != "subscribe" || q.Get("hub.topic") != topicA {
		t.Errorf("verification query = %v, want the hub parameters too", q)
	}
}

func TestSubscribeNotVerified(t *testing.T) {
	tests := map[string]func(q url.Values) (int, string){
		"wrong body":         func(url.Values) (int, string) { return http.StatusOK, "yes please" },
		"empty body":         func(url.Values) (int, string) { return http.StatusNoContent, "" },
		"404 with challenge": func(q url.Values) (int, string) { return http.StatusNotFound, q.Get("hub.challenge") },
		"challenge and more": func(q url.Values) (int, string) { return http.StatusOK, q.Get("hub.challenge") + "x" },
	}
	for name, answer := range tests {
		t.Run(name, func(t *testing.T) {
			h := newHub(t, nil)
			sub := newSubscriber(t)
			sub.answer = answer
			h.subscribe(t, "subscribe", topicA, sub.callback(), "", "")
			waitFor(t, "verification request", func() bool { return len(sub.verifications()) == 1 })
			waitFor(t, "verification to end", func() bool { return websub.Verifying(h.Hub) == 0 })
			if s, ok := h.find(t, topicA, sub.callback()); ok {
				t.Errorf("unverified subscription stored: %+v", s)
			}
		})
	}
}

func TestUnsubscribe(t *testing.T) {
	t.Run("verified", func(t *testing.T) {
		h := newHub(t, nil)
		sub := newSubscriber(t)
		other := newSubscriber(t)
		h.subscribed(t, topicA, sub.callback(), "", "")
		h.subscribed(t, topicA, other.callback(), "", "")
		h.subscribed(t, topicB, sub.callback(), "", "")

		h.subscribe(t, "unsubscribe", topicA, sub.callback(), "", "3600")
		waitFor(t, "subscription deleted", func() bool {
			_, ok := h.find(t, topicA, sub.callback())
			return !ok
		})
		vs := sub.verifications()
		q := vs[len(vs)-1].Query()
		if q.Get("hub.mode") != "unsubscribe" || q.Get("hub.topic") != topicA || q.Get("hub.challenge") == "" {
			t.Errorf("verification query = %v, want unsubscribe of %s with a challenge", q, topicA)
		}
		if q.Has("hub.lease_seconds") {
			t.Errorf("unsubscribe verification has hub.lease_seconds: %v", q)
		}
		if _, ok := h.find(t, topicA, other.callback()); !ok {
			t.Error("another callback's subscription to the topic was deleted")
		}
		if _, ok := h.find(t, topicB, sub.callback()); !ok {
			t.Error("the callback's subscription to another topic was deleted")
		}
	})
	t.Run("not verified", func(t *testing.T) {
		h := newHub(t, nil)
		sub := newSubscriber(t)
		h.subscribed(t, topicA, sub.callback(), "", "")
		sub.mu.Lock()
		sub.answer = func(url.Values) (int, string) { return http.StatusNotFound, "" }
		sub.mu.Unlock()
		h.subscribe(t, "unsubscribe", topicA, sub.callback(), "", "")
		waitFor(t, "unsubscribe verification", func() bool { return len(sub.verifications()) == 2 })
		waitFor(t, "verification to end", func() bool { return websub.Verifying(h.Hub) == 0 })
		if _, ok := h.find(t, topicA, sub.callback()); !ok {
			t.Error("subscription deleted although the subscriber did not confirm")
		}
	})
}

func TestBadRequests(t *testing.T) {
	valid := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topicA}, "hub.callback": {"http://sub.example/cb"}}
	with := func(key, value string) url.Values {
		f := url.Values{}
		for k, v := range valid {
			f[k] = v
		}
		if value == "" {
			f.Del(key)
		} else {
			f.Set(key, value)
		}
		return f
	}
	tests := map[string]struct {
		method string
		form   url.Values
		want   int
	}{
		"GET":                 {http.MethodGet, valid, http.StatusMethodNotAllowed},
		"missing mode":        {http.MethodPost, with("hub.mode", ""), http.StatusBadRequest},
		"mode publish":        {http.MethodPost, with("hub.mode", "publish"), http.StatusBadRequest},
		"mode in upper case":  {http.MethodPost, with("hub.mode", "SUBSCRIBE"), http.StatusBadRequest},
		"missing topic":       {http.MethodPost, with("hub.topic", ""), http.StatusBadRequest},
		"unknown topic":       {http.MethodPost, with("hub.topic", "https://elsewhere.example/feed"), http.StatusBadRequest},
		"missing callback":    {http.MethodPost, with("hub.callback", ""), http.StatusBadRequest},
		"ftp callback":        {http.MethodPost, with("hub.callback", "ftp://sub.example/cb"), http.StatusBadRequest},
		"javascript callback": {http.MethodPost, with("hub.callback", "javascript:alert(1)"), http.StatusBadRequest},
		"relative callback":   {http.MethodPost, with("hub.callback", "/cb"), http.StatusBadRequest},
		"secret of 200 bytes": {http.MethodPost, with("hub.secret", strings.Repeat("s", 200)), http.StatusBadRequest},
		"lease not a number":  {http.MethodPost, with("hub.lease_seconds", "soon"), http.StatusBadRequest},
		"negative lease":      {http.MethodPost, with("hub.lease_seconds", "-5"), http.StatusBadRequest},
		"oversized body":      {http.MethodPost, with("hub.secret", strings.Repeat("s", 20<<10)), http.StatusRequestEntityTooLarge},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := newHub(t, nil)
			req, err := http.NewRequest(tc.method, h.url, strings.NewReader(tc.form.Encode()))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("%s %s: %v", tc.method, h.url, err)
			}
			body := readAll(t, resp)
			if resp.StatusCode != tc.want {
				t.Errorf("status = %d (%s), want %d", resp.StatusCode, body, tc.want)
			}
			if strings.TrimSpace(body) == "" {
				t.Error("refusal has no reason in its body")
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
				t.Errorf("Content-Type = %q, want text/plain", ct)
			}
		})
	}
}

func TestSecretBelowLimitAccepted(t *testing.T) {
	h := newHub(t, nil)
	sub := newSubscriber(t)
	secret := strings.Repeat("s", 199)
	h.subscribed(t, topicA, sub.callback(), secret, "")
	if got, _ := h.find(t, topicA, sub.callback()); got.Secret != secret {
		t.Errorf("stored secret has %d bytes, want 199", len(got.Secret))
	}
}

func TestSubscriptionLimit(t *testing.T) {
	h := newHub(t, func(o *websub.Options) { o.MaxSubscriptions = 1 })
	first, second := newSubscriber(t), newSubscriber(t)
	h.subscribed(t, topicA, first.callback(), "", "")

	form := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topicB}, "hub.callback": {second.callback()}}
	if status, body := h.post(t, form); status != http.StatusServiceUnavailable {
		t.Errorf("subscription beyond the limit: status %d (%s), want 503", status, body)
	}

	// A renewal is no new subscription.
	h.clock.Advance(time.Hour)
	h.subscribe(t, "subscribe", topicA, first.callback(), "new", "7200")
	want := t0.Add(3 * time.Hour)
	waitFor(t, "renewal stored", func() bool {
		s, _ := h.find(t, topicA, first.callback())
		return s.Expires.Equal(want)
	})
	got, _ := h.find(t, topicA, first.callback())
	if got.Secret != "new" || !got.Created.Equal(t0) {
		t.Errorf("renewed subscription = %+v, want secret \"new\" and Created %v kept", got, t0)
	}
	if n := len(second.verifications()); n != 0 {
		t.Errorf("refused subscriber got %d verification requests", n)
	}
}

func TestTooManyVerifications(t *testing.T) {
	h := newHub(t, nil)
	release := make(chan struct{})
	var once sync.Once
	t.Cleanup(func() { once.Do(func() { close(release) }) })
	slow := newSubscriber(t)
	slow.answer = func(q url.Values) (int, string) {
		<-release
		return http.StatusOK, q.Get("hub.challenge")
	}
	const limit = 32 // maxVerifying
	for i := range limit {
		h.subscribe(t, "subscribe", topicA, fmt.Sprintf("%s?n=%d", slow.callback(), i), "", "")
	}
	form := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topicA}, "hub.callback": {slow.callback() + "?n=last"}}
	if status, body := h.post(t, form); status != http.StatusServiceUnavailable {
		t.Errorf("request beyond %d pending verifications: status %d (%s), want 503", limit, status, body)
	}
	once.Do(func() { close(release) })
	waitFor(t, "pending verifications to finish", func() bool {
		subs, err := h.store.Subscriptions(t.Context(), topicA, t0)
		return err == nil && len(subs) == limit
	})
	h.subscribed(t, topicA, slow.callback()+"?n=after", "", "")
}

func TestClosedHubRefuses(t *testing.T) {
	h := newHub(t, nil)
	sub := newSubscriber(t)
	h.Close()
	form := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topicA}, "hub.callback": {sub.callback()}}
	if status, body := h.post(t, form); status != http.StatusServiceUnavailable {
		t.Errorf("request to a closed hub: status %d (%s), want 503", status, body)
	}
	if n := len(sub.verifications()); n != 0 {
		t.Errorf("closed hub sent %d verification requests", n)
	}
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return string(b)
}
