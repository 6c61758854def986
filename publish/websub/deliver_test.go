package websub_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/govfeed/govfeed/publish/websub"
)

const atomType = "application/atom+xml; charset=utf-8"

func TestPublishSigned(t *testing.T) {
	h := newHub(t, nil)
	h.run(t)
	signed, plain := newSubscriber(t), newSubscriber(t)
	const secret = "correct horse battery staple"
	h.subscribed(t, topicA, signed.callback(), secret, "")
	h.subscribed(t, topicA, plain.callback(), "", "")

	body := []byte(`<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>新闻</title></feed>`)
	want := string(body)
	h.Publish(t.Context(), topicA, atomType, body)
	copy(body, "XXXXX") // the caller may reuse its buffer

	waitFor(t, "both deliveries", func() bool {
		return len(signed.received()) == 1 && len(plain.received()) == 1
	})
	for name, s := range map[string]*subscriber{"signed": signed, "plain": plain} {
		p := s.received()[0]
		if string(p.body) != want {
			t.Errorf("%s: body = %q, want %q", name, p.body, want)
		}
		if ct := p.header.Get("Content-Type"); ct != atomType {
			t.Errorf("%s: Content-Type = %q, want %q", name, ct, atomType)
		}
		links := linkValues(p.header)
		for _, l := range []string{`<` + hubURL + `>; rel="hub"`, `<` + topicA + `>; rel="self"`} {
			if !slices.Contains(links, l) {
				t.Errorf("%s: Link headers %q lack %s", name, links, l)
			}
		}
	}

	sig := signed.received()[0].header.Get("X-Hub-Signature")
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(want))
	if wantSig := "sha256=" + hex.EncodeToString(mac.Sum(nil)); !hmac.Equal([]byte(sig), []byte(wantSig)) {
		t.Errorf("X-Hub-Signature = %q, want %q", sig, wantSig)
	}
	if sig := plain.received()[0].header.Get("X-Hub-Signature"); sig != "" {
		t.Errorf("subscription without secret got X-Hub-Signature %q", sig)
	}
	waitFor(t, "delivery counts", func() bool { return h.Stats().Delivered == 2 })
	if st := h.Stats(); st != (websub.Stats{Delivered: 2}) {
		t.Errorf("Stats = %+v, want 2 delivered only", st)
	}
}

// linkValues splits the Link headers into single links.
func linkValues(h http.Header) []string {
	var out []string
	for _, v := range h.Values("Link") {
		for l := range splitComma(v) {
			out = append(out, l)
		}
	}
	return out
}

func TestPublishRetried(t *testing.T) {
	tests := map[string]struct {
		statuses      []int // answers to successive pushes; the last repeats
		wantPushes    int
		want          websub.Stats
		wantSubscribe bool // still subscribed afterwards
	}{
		"500 then 200 is delivered": {
			statuses: []int{500, 200}, wantPushes: 2,
			want: websub.Stats{Delivered: 1, Retried: 1}, wantSubscribe: true,
		},
		"404 and 429 are retried": {
			statuses: []int{404, 429, 204}, wantPushes: 3,
			want: websub.Stats{Delivered: 1, Retried: 2}, wantSubscribe: true,
		},
		"always 503 gives up after the retries": {
			statuses: []int{503}, wantPushes: 3, // first attempt and Retries = 2
			want: websub.Stats{Failed: 1, Retried: 2}, wantSubscribe: true,
		},
		"410 deletes the subscription": {
			statuses: []int{410}, wantPushes: 1,
			want: websub.Stats{Failed: 1}, wantSubscribe: false,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := newHub(t, func(o *websub.Options) {
				o.Retries = 2
				o.RetryBase = time.Millisecond
			})
			h.run(t)
			sub := newSubscriber(t)
			sub.status = func(n int) int { return tc.statuses[min(n, len(tc.statuses)-1)] }
			h.subscribed(t, topicB, sub.callback(), "k", "")

			h.Publish(t.Context(), topicB, atomType, []byte("<feed/>"))
			waitFor(t, "the delivery to end", func() bool {
				st := h.Stats()
				return st.Delivered+st.Failed == 1
			})
			if !tc.wantSubscribe {
				waitFor(t, "subscription deleted", func() bool {
					_, ok := h.find(t, topicB, sub.callback())
					return !ok
				})
			} else if _, ok := h.find(t, topicB, sub.callback()); !ok {
				t.Error("subscription deleted")
			}
			h.Close()
			if got := h.Stats(); got != tc.want {
				t.Errorf("Stats = %+v, want %+v", got, tc.want)
			}
			pushes := sub.received()
			if len(pushes) != tc.wantPushes {
				t.Fatalf("subscriber got %d pushes, want %d", len(pushes), tc.wantPushes)
			}
			for i, p := range pushes {
				if string(p.body) != "<feed/>" || p.header.Get("X-Hub-Signature") == "" {
					t.Errorf("push %d: body %q, signature %q; want the same signed body each time",
						i, p.body, p.header.Get("X-Hub-Signature"))
				}
			}
		})
	}
}

func TestRetryUsesRenewedSecret(t *testing.T) {
	h := newHub(t, func(o *websub.Options) {
		o.Retries = 3
		o.RetryBase = time.Millisecond
	})
	h.run(t)
	sub := newSubscriber(t)
	renewed := make(chan struct{})
	sub.status = func(n int) int {
		if n == 0 {
			<-renewed // fail the first push once the subscriber has a new secret
			return http.StatusInternalServerError
		}
		return http.StatusOK
	}
	h.subscribed(t, topicA, sub.callback(), "old", "")
	h.Publish(t.Context(), topicA, atomType, []byte("<feed/>"))
	waitFor(t, "first push", func() bool {
		sub.mu.Lock()
		defer sub.mu.Unlock()
		return len(sub.pushes) == 1
	})
	s, _ := h.find(t, topicA, sub.callback())
	s.Secret = "new"
	if err := h.store.SaveSubscription(t.Context(), s); err != nil {
		t.Fatal(err)
	}
	close(renewed)
	waitFor(t, "retried delivery", func() bool { return h.Stats().Delivered == 1 })
	pushes := sub.received()
	if len(pushes) != 2 {
		t.Fatalf("subscriber got %d pushes, want 2", len(pushes))
	}
	for i, secret := range []string{"old", "new"} {
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write([]byte("<feed/>"))
		want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
		if got := pushes[i].header.Get("X-Hub-Signature"); got != want {
			t.Errorf("push %d signed %q, want %q (secret %q)", i, got, want, secret)
		}
	}
}

func TestLeaseEnds(t *testing.T) {
	h := newHub(t, nil)
	short, long, other := newSubscriber(t), newSubscriber(t), newSubscriber(t)
	h.subscribed(t, topicA, short.callback(), "", "3600")
	h.subscribed(t, topicA, long.callback(), "", "7200")
	h.subscribed(t, topicB, other.callback(), "", "7200")

	h.clock.Advance(90 * time.Minute) // short's lease has ended
	h.Publish(t.Context(), topicA, atomType, []byte("<feed/>"))
	if n := websub.QueueLen(h.Hub); n != 1 {
		t.Fatalf("Publish queued %d deliveries, want 1 (the live subscriber of the topic)", n)
	}

	h.run(t) // purges ended leases at once, and delivers
	waitFor(t, "delivery to the live subscriber", func() bool { return len(long.received()) == 1 })
	waitFor(t, "ended lease purged", func() bool {
		_, ok := h.find(t, topicA, short.callback())
		return !ok
	})
	if _, ok := h.find(t, topicA, long.callback()); !ok {
		t.Error("live subscription purged")
	}
	h.Close()
	if n := len(short.received()); n != 0 {
		t.Errorf("subscriber whose lease ended got %d pushes", n)
	}
	if n := len(other.received()); n != 0 {
		t.Errorf("subscriber of another topic got %d pushes", n)
	}
}

func TestPublishAfterClose(t *testing.T) {
	h := newHub(t, nil)
	sub := newSubscriber(t)
	h.subscribed(t, topicA, sub.callback(), "", "")
	h.Close()
	h.Publish(t.Context(), topicA, atomType, []byte("<feed/>"))
	if n := websub.QueueLen(h.Hub); n != 0 {
		t.Errorf("closed hub queued %d deliveries", n)
	}
}

func TestBackoff(t *testing.T) {
	const base = 10 * time.Second
	tests := map[string]struct {
		n    int
		r    float64
		want time.Duration
	}{
		"first retry, least jitter":  {1, 0, 5 * time.Second},
		"first retry, no jitter":     {1, 0.5, 10 * time.Second},
		"third retry doubles twice":  {3, 0.5, 40 * time.Second},
		"fifth retry, most jitter":   {5, 0.99, 160*time.Second/2 + 158400*time.Millisecond},
		"capped at an hour":          {30, 0.5, time.Hour},
		"cap applies before jitter":  {30, 0, 30 * time.Minute},
		"huge attempt does not wrap": {1000, 0.5, time.Hour},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := websub.Backoff(base, tc.n, tc.r); got != tc.want {
				t.Errorf("Backoff(%v, %d, %v) = %v, want %v", base, tc.n, tc.r, got, tc.want)
			}
		})
	}
}
