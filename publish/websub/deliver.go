package websub

import (
	"bytes"
	"container/heap"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"time"
)

const (
	// maxRetryDelay caps the backoff before jitter.
	maxRetryDelay = time.Hour
	// queueFullDelay is how long a due retry waits when the queue is full.
	queueFullDelay = time.Second
	// maxDrain bounds the response body read from a callback.
	maxDrain = 64 << 10
)

// delivery is one POST of one version of a topic to one subscriber.
type delivery struct {
	sub         Subscription
	contentType string
	body        []byte // shared by the deliveries of one Publish; never written
	attempt     int    // attempts that failed so far
}

// Publish distributes a new version of topic, body of type contentType,
// to every subscriber whose lease has not ended. It only reads the
// subscriptions and queues the deliveries, which Run's workers make; a
// delivery that does not fit in the queue is dropped and counted as
// failed. body may be reused by the caller once Publish returns.
func (h *Hub) Publish(ctx context.Context, topic, contentType string, body []byte) {
	if h.isClosed() {
		return
	}
	subs, err := h.store.Subscriptions(ctx, topic, h.opts.Now())
	if err != nil {
		h.log.Error("websub publish failed: read subscriptions", "topic", topic, "error", err)
		return
	}
	if len(subs) == 0 {
		return
	}
	body = bytes.Clone(body)
	dropped := 0
	for _, s := range subs {
		select {
		case h.queue <- &delivery{sub: s, contentType: contentType, body: body}:
		default:
			dropped++
		}
	}
	if dropped > 0 {
		h.failed.Add(int64(dropped))
		h.log.Warn("websub delivery queue full: deliveries dropped", "topic", topic, "dropped", dropped)
	}
	h.log.Debug("websub publish queued", "topic", topic, "subscribers", len(subs)-dropped)
}

// work makes queued deliveries until ctx ends.
func (h *Hub) work(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case d := <-h.queue:
			h.deliver(ctx, d)
		}
	}
}

// deliver makes one attempt of d and counts, deletes or retries it.
func (h *Hub) deliver(ctx context.Context, d *delivery) {
	if d.attempt > 0 {
		// The subscriber may have unsubscribed, renewed with another
		// secret or let its lease end since the first attempt.
		sub, ok := h.current(ctx, d.sub)
		if !ok {
			return
		}
		d.sub = sub
	}
	log := h.log.With("topic", d.sub.Topic, "callback", d.sub.Callback, "attempt", d.attempt+1)
	status, err := h.post(ctx, d)
	switch {
	case ctx.Err() != nil:
		return // shutting down; the delivery is dropped
	case err == nil && status/100 == 2:
		h.delivered.Add(1)
		log.Debug("websub content delivered", "status", status)
		return
	case err == nil && status == http.StatusGone:
		h.failed.Add(1)
		sctx, cancel := context.WithTimeout(ctx, storeTimeout)
		defer cancel()
		if err := h.store.DeleteSubscription(sctx, d.sub.Topic, d.sub.Callback); err != nil {
			log.Error("websub delete of gone subscription failed", "error", err)
			return
		}
		log.Info("websub subscription deleted: callback answered 410 Gone")
		return
	}
	if err == nil {
		err = fmt.Errorf("callback answered status %d", status)
	}
	h.retryOrFail(d, err)
}

// current returns the live subscription that d was made for, if any.
func (h *Hub) current(ctx context.Context, s Subscription) (Subscription, bool) {
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	subs, err := h.store.Subscriptions(ctx, s.Topic, h.opts.Now())
	if err != nil {
		if ctx.Err() == nil {
			h.log.Error("websub retry failed: read subscriptions", "topic", s.Topic, "error", err)
			h.failed.Add(1)
		}
		return Subscription{}, false
	}
	for _, c := range subs {
		if c.Callback == s.Callback {
			return c, true
		}
	}
	return Subscription{}, false
}

// post sends d and returns the callback's status.
func (h *Hub) post(ctx context.Context, d *delivery) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, deliverTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.sub.Callback, bytes.NewReader(d.body))
	if err != nil {
		return 0, fmt.Errorf("deliver to %s: %w", d.sub.Callback, err)
	}
	if d.contentType != "" {
		req.Header.Set("Content-Type", d.contentType)
	}
	if h.opts.URL != "" {
		req.Header.Add("Link", "<"+h.opts.URL+`>; rel="hub"`)
	}
	req.Header.Add("Link", "<"+d.sub.Topic+`>; rel="self"`)
	if d.sub.Secret != "" {
		req.Header.Set("X-Hub-Signature", signature(d.sub.Secret, d.body))
	}
	resp, err := h.opts.Client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrain))
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}

// signature is the X-Hub-Signature value of body: sha256=<hex HMAC>.
func signature(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// retryOrFail schedules d's next attempt, or gives up on it.
func (h *Hub) retryOrFail(d *delivery, cause error) {
	log := h.log.With("topic", d.sub.Topic, "callback", d.sub.Callback, "attempt", d.attempt+1, "error", cause)
	if d.attempt >= h.opts.Retries {
		h.failed.Add(1)
		log.Warn("websub delivery failed: giving up")
		return
	}
	d.attempt++
	wait := backoff(h.opts.RetryBase, d.attempt, rand.Float64())
	h.mu.Lock()
	if h.retries.Len() >= h.maxRetry {
		h.mu.Unlock()
		h.failed.Add(1)
		log.Warn("websub delivery failed: retry list full")
		return
	}
	heap.Push(&h.retries, retry{due: time.Now().Add(wait), d: d})
	h.mu.Unlock()
	h.retried.Add(1)
	log.Info("websub delivery failed: will retry", "in", wait)
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// backoff is the wait before retry n (n >= 1): base * 2^(n-1), capped at
// maxRetryDelay, then scaled by 0.5 + r for r in [0, 1).
func backoff(base time.Duration, n int, r float64) time.Duration {
	d := base
	for i := 1; i < n && d < maxRetryDelay; i++ {
		d *= 2
	}
	d = min(d, maxRetryDelay)
	return d/2 + time.Duration(r*float64(d))
}

// releaseDue moves the retries that are due to the queue. It returns how
// long until the next one is due, and false when none is waiting.
func (h *Hub) releaseDue() (time.Duration, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := time.Now()
	for h.retries.Len() > 0 {
		next := h.retries[0]
		if wait := next.due.Sub(now); wait > 0 {
			return wait, true
		}
		select {
		case h.queue <- next.d:
			heap.Pop(&h.retries)
		default:
			return queueFullDelay, true
		}
	}
	return 0, false
}

// retry is a delivery waiting until due.
type retry struct {
	due time.Time
	d   *delivery
}

// retryList is a min-heap of retries by due time (container/heap).
type retryList []retry

func (l retryList) Len() int           { return len(l) }
func (l retryList) Less(i, j int) bool { return l[i].due.Before(l[j].due) }
func (l retryList) Swap(i, j int)      { l[i], l[j] = l[j], l[i] }

// Push appends x, a retry; for container/heap only.
func (l *retryList) Push(x any) { *l = append(*l, x.(retry)) }

// Pop removes the last retry; for container/heap only.
func (l *retryList) Pop() any {
	old := *l
	r := old[len(old)-1]
	old[len(old)-1] = retry{}
	*l = old[:len(old)-1]
	return r
}
