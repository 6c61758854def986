package websub

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The hub.mode values of subscriber requests.
const (
	modeSubscribe   = "subscribe"
	modeUnsubscribe = "unsubscribe"
)

const (
	// maxRequestBytes bounds the body of a subscriber request.
	maxRequestBytes = 16 << 10
	// maxURLLen bounds hub.topic and hub.callback.
	maxURLLen = 2048
	// maxSecretLen is the spec's bound: hub.secret MUST be less than 200
	// bytes.
	maxSecretLen = 200
	// maxEcho bounds the verification answer read from a callback.
	maxEcho = 1 << 10
)

// request is a validated subscriber request.
type request struct {
	mode, topic, callback, secret string
	lease                         time.Duration // subscribe only
}

// ServeHTTP is the hub endpoint: it accepts a subscribe or unsubscribe
// request (a POSTed form), answers 202 Accepted and verifies the intent in
// the background. A malformed request, an unknown topic or a callback that
// is not http(s) gets a 4xx status with the reason as plain text; a full
// hub, too many verifications in flight or a closed hub get 503.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "the websub hub accepts only POST", http.StatusMethodNotAllowed)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxRequestBytes)
	if err := r.ParseForm(); err != nil {
		status := http.StatusBadRequest
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			status = http.StatusRequestEntityTooLarge
		}
		http.Error(w, "bad form: "+err.Error(), status)
		return
	}
	req, err := h.parse(r.PostForm)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if req.mode == modeSubscribe {
		full, err := h.full(r.Context(), req.topic, req.callback)
		if err != nil {
			h.log.Error("websub subscription count failed", "topic", req.topic, "error", err)
			http.Error(w, "subscriptions are unavailable", http.StatusInternalServerError)
			return
		}
		if full {
			http.Error(w, "the hub has reached its subscription limit", http.StatusServiceUnavailable)
			return
		}
	}
	select {
	case h.verifying <- struct{}{}:
	default:
		w.Header().Set("Retry-After", "60")
		http.Error(w, "too many verifications in progress", http.StatusServiceUnavailable)
		return
	}
	if !h.track() {
		<-h.verifying
		http.Error(w, "the hub is shutting down", http.StatusServiceUnavailable)
		return
	}
	go func() {
		defer h.wg.Done()
		defer func() { <-h.verifying }()
		h.verify(req)
	}()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusAccepted)
	_, _ = io.WriteString(w, "verification of intent pending\n")
}

// parse validates a subscriber request.
func (h *Hub) parse(f url.Values) (request, error) {
	req := request{
		mode:     f.Get("hub.mode"),
		topic:    f.Get("hub.topic"),
		callback: f.Get("hub.callback"),
	}
	if req.mode != modeSubscribe && req.mode != modeUnsubscribe {
		return request{}, errors.New("hub.mode must be subscribe or unsubscribe")
	}
	switch {
	case req.topic == "":
		return request{}, errors.New("hub.topic is required")
	case len(req.topic) > maxURLLen:
		return request{}, fmt.Errorf("hub.topic is longer than %d bytes", maxURLLen)
	case !h.opts.Topics(req.topic):
		return request{}, errors.New("hub.topic is not a feed published through this hub")
	}
	switch {
	case req.callback == "":
		return request{}, errors.New("hub.callback is required")
	case len(req.callback) > maxURLLen:
		return request{}, fmt.Errorf("hub.callback is longer than %d bytes", maxURLLen)
	case !isHTTPURL(req.callback):
		return request{}, errors.New("hub.callback must be an absolute http or https URL")
	}
	if req.mode == modeUnsubscribe {
		return req, nil // lease and secret are ignored
	}
	req.secret = f.Get("hub.secret")
	if len(req.secret) >= maxSecretLen {
		return request{}, fmt.Errorf("hub.secret must be shorter than %d bytes", maxSecretLen)
	}
	req.lease = h.opts.DefaultLease
	if v := f.Get("hub.lease_seconds"); v != "" {
		secs, err := strconv.ParseInt(v, 10, 64)
		if err != nil || secs <= 0 {
			return request{}, errors.New("hub.lease_seconds must be a positive integer")
		}
		req.lease = h.opts.MaxLease
		if secs < int64(h.opts.MaxLease/time.Second) {
			req.lease = max(time.Duration(secs)*time.Second, h.opts.MinLease)
		}
	}
	return req, nil
}

// isHTTPURL reports whether raw is an absolute http or https URL.
func isHTTPURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return false
	}
	s := strings.ToLower(u.Scheme)
	return s == "http" || s == "https"
}

// full reports whether a subscription of callback to topic would exceed
// MaxSubscriptions; a renewal never does.
func (h *Hub) full(ctx context.Context, topic, callback string) (bool, error) {
	now := h.opts.Now()
	n, err := h.store.CountSubscriptions(ctx, now)
	if err != nil || n < h.opts.MaxSubscriptions {
		return false, err
	}
	subs, err := h.store.Subscriptions(ctx, topic, now)
	if err != nil {
		return false, err
	}
	for _, s := range subs {
		if s.Callback == callback {
			return false, nil
		}
	}
	return true, nil
}

// verify asks the callback to confirm req and, if it does, stores or
// deletes the subscription.
func (h *Hub) verify(req request) {
	log := h.log.With("mode", req.mode, "topic", req.topic, "callback", req.callback)
	if err := h.confirm(req); err != nil {
		if h.life.Err() == nil {
			log.Info("websub intent not verified", "error", err)
		}
		return
	}
	ctx, cancel := context.WithTimeout(h.life, storeTimeout)
	defer cancel()
	if req.mode == modeUnsubscribe {
		if err := h.store.DeleteSubscription(ctx, req.topic, req.callback); err != nil {
			log.Error("websub unsubscription failed", "error", err)
			return
		}
		log.Info("websub unsubscribed")
		return
	}
	// Check again: other subscriptions may have been verified meanwhile.
	full, err := h.full(ctx, req.topic, req.callback)
	if err == nil && full {
		log.Warn("websub subscription refused: subscription limit reached")
		return
	}
	now := h.opts.Now().UTC()
	if err == nil {
		err = h.store.SaveSubscription(ctx, Subscription{
			Topic: req.topic, Callback: req.callback, Secret: req.secret,
			Expires: now.Add(req.lease), Created: now,
		})
	}
	if err != nil {
		log.Error("websub subscription failed", "error", err)
		return
	}
	log.Info("websub subscribed", "lease", req.lease)
}

// confirm sends the verification of intent to req's callback and checks
// that it echoes the challenge with a 2xx status.
func (h *Hub) confirm(req request) error {
	ctx, cancel := context.WithTimeout(h.life, verifyTimeout)
	defer cancel()
	challenge := rand.Text()
	q := url.Values{
		"hub.mode":      {req.mode},
		"hub.topic":     {req.topic},
		"hub.challenge": {challenge},
	}
	if req.mode == modeSubscribe {
		q.Set("hub.lease_seconds", strconv.FormatInt(int64(req.lease/time.Second), 10))
	}
	target, err := appendQuery(req.callback, q)
	if err != nil {
		return err
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("verify callback %s: %w", req.callback, err)
	}
	resp, err := h.opts.Client.Do(hr)
	if err != nil {
		return fmt.Errorf("verify callback: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxEcho))
	if err != nil {
		return fmt.Errorf("verify callback %s: read answer: %w", req.callback, err)
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("verify callback %s: answered %s", req.callback, resp.Status)
	}
	if string(bytes.TrimSpace(body)) != challenge {
		return fmt.Errorf("verify callback %s: answer is not the challenge", req.callback)
	}
	return nil
}

// appendQuery adds q after the callback's own query parameters, which the
// spec requires to be kept as they are.
func appendQuery(callback string, q url.Values) (string, error) {
	u, err := url.Parse(callback)
	if err != nil {
		return "", fmt.Errorf("callback %s: %w", callback, err)
	}
	u.Fragment, u.RawFragment = "", ""
	if u.RawQuery == "" {
		u.RawQuery = q.Encode()
	} else {
		u.RawQuery += "&" + q.Encode()
	}
	return u.String(), nil
}
