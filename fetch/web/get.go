package web

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/govfeed/govfeed/data"
)

// DefaultAccept is the Accept header of a Request that sets none: feeds
// first, then HTML, then anything.
const DefaultAccept = "application/atom+xml, application/rss+xml, application/feed+json, application/xml;q=0.9, text/html;q=0.8, */*;q=0.5"

// Request is one GET.
type Request struct {
	URL          string
	ETag         string            // sent as If-None-Match
	LastModified string            // sent as If-Modified-Since
	Referer      string            // sent as Referer
	Accept       string            // default DefaultAccept
	Headers      map[string]string // extra headers (source config); "Host" sets the request host
	Cookies      map[string]string // static cookies (source config)
	Jar          http.CookieJar    // per-source jar; may be nil
	MaxBodyBytes int64             // cap on the decoded body; <= 0 means DefaultMaxBodyBytes
}

// Response is a successful GET: a 2xx with its body, or a 304.
type Response struct {
	URL         string // final URL after redirects
	Status      int
	Header      http.Header
	Body        []byte // decoded from gzip/deflate, NOT charset-decoded; nil for a 304
	NotModified bool   // 304
	// Validators for the next conditional GET. On a 304 that omits them,
	// they are the request's own, so a caller storing them loses nothing.
	ETag, LastModified string
}

// Getter performs polite GETs through one shared client.
type Getter struct {
	Client    *http.Client // from NewClient; required
	UserAgent string       // empty keeps Go's default
	Logger    *slog.Logger // nil discards
	// Now is the clock for Retry-After dates and durations; nil means
	// time.Now.
	Now func() time.Time
}

// drainBytes is how much of an unwanted body is read so that the
// connection can be reused.
const drainBytes = 64 << 10

// Get fetches r.URL. A 2xx returns its body (capped, see Request); a 304
// returns NotModified. Every failure is an *Error: 429 and 503 carry
// RetryAfter; 403, 405, 412 and 521 are data.ErrBlocked, tried a second time
// at once, with the cookies the first answer set and a Referer, when that
// answer set cookies and r.Jar is not nil; other statuses are data.ErrHTTP;
// an expired ctx or a network timeout is data.ErrTimeout (a body that stalls
// ends at ctx's deadline); a body over the cap is data.ErrTooLarge; DNS,
// refused, reset, TLS and redirect failures are data.ErrNetwork.
func (g *Getter) Get(ctx context.Context, r Request) (*Response, error) {
	if g.Client == nil {
		return nil, &Error{Class: data.ErrNetwork, URL: r.URL, Err: errors.New("getter has no HTTP client")}
	}
	client := g.Client
	if r.Jar != nil {
		c := *g.Client
		c.Jar = r.Jar // the client stores every Set-Cookie in it, redirects included
		client = &c
	}
	resp, err := g.do(ctx, client, r, r.Referer)
	if err != nil {
		return nil, err
	}
	if r.Jar != nil && challenge(resp.StatusCode) && len(resp.Cookies()) > 0 {
		referer := r.Referer
		if referer == "" {
			referer = resp.Request.URL.String()
		}
		g.logger().Info("anti-bot challenge: retrying with its cookies",
			"url", r.URL, "status", resp.StatusCode, "cookies", len(resp.Cookies()))
		discard(resp)
		if resp, err = g.do(ctx, client, r, referer); err != nil {
			return nil, err
		}
	}
	defer discard(resp)
	switch {
	case resp.StatusCode == http.StatusNotModified:
		out := g.response(resp, nil)
		out.NotModified = true
		if out.ETag == "" {
			out.ETag = r.ETag
		}
		if out.LastModified == "" {
			out.LastModified = r.LastModified
		}
		return out, nil
	case resp.StatusCode >= 200 && resp.StatusCode <= 299:
		limit := r.MaxBodyBytes
		if limit <= 0 {
			limit = DefaultMaxBodyBytes
		}
		body, err := readBody(resp, limit)
		if err != nil {
			return nil, g.bodyError(ctx, r.URL, resp.StatusCode, err)
		}
		return g.response(resp, body), nil
	default:
		return nil, g.statusError(r.URL, resp)
	}
}

// challenge reports whether status is one that anti-bot gates answer a
// first visit with, setting a cookie that a second visit must carry.
func challenge(status int) bool {
	return status == http.StatusPreconditionFailed || status == 521 || status == http.StatusForbidden
}

// do sends one GET (following redirects) and returns the response with its
// body unread.
func (g *Getter) do(ctx context.Context, client *http.Client, r Request, referer string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.URL, nil)
	if err != nil {
		return nil, &Error{Class: data.ErrNetwork, URL: r.URL, Err: err}
	}
	if g.UserAgent != "" {
		req.Header.Set("User-Agent", g.UserAgent)
	}
	req.Header.Set("Accept", DefaultAccept)
	if r.Accept != "" {
		req.Header.Set("Accept", r.Accept)
	}
	for k, v := range r.Headers {
		switch http.CanonicalHeaderKey(k) {
		case "Host":
			req.Host = v
		case "Accept-Encoding": // Get decodes gzip and deflate only
		default:
			req.Header.Set(k, v)
		}
	}
	req.Header.Set("Accept-Encoding", "gzip, deflate")
	if referer != "" {
		req.Header.Set("Referer", referer)
	}
	if r.ETag != "" {
		req.Header.Set("If-None-Match", r.ETag)
	}
	if r.LastModified != "" {
		req.Header.Set("If-Modified-Since", r.LastModified)
	}
	for _, name := range slices.Sorted(maps.Keys(r.Cookies)) {
		req.AddCookie(&http.Cookie{Name: name, Value: r.Cookies[name]})
	}
	start := g.now()
	resp, err := client.Do(req)
	if err != nil {
		e := transportError(ctx, r.URL, err)
		g.logger().Debug("GET failed", "url", r.URL, "class", string(e.Class), "err", e.Err, "duration", g.now().Sub(start))
		return nil, e
	}
	g.logger().Debug("GET", "url", r.URL, "final_url", resp.Request.URL.String(), "status", resp.StatusCode, "duration", g.now().Sub(start))
	return resp, nil
}

func (g *Getter) response(resp *http.Response, body []byte) *Response {
	return &Response{
		URL:          resp.Request.URL.String(),
		Status:       resp.StatusCode,
		Header:       resp.Header,
		Body:         body,
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
	}
}

// bodyError classifies a failure to read a 2xx body.
func (g *Getter) bodyError(ctx context.Context, url string, status int, err error) *Error {
	if tl, ok := errors.AsType[errTooLarge](err); ok {
		return &Error{Class: data.ErrTooLarge, Status: status, URL: url, Err: tl}
	}
	if errors.Is(err, errUnsupportedEncoding) {
		return &Error{Class: data.ErrHTTP, Status: status, URL: url, Err: err}
	}
	e := transportError(ctx, url, err)
	e.Status = status
	return e
}

// statusError classifies an unwanted HTTP status.
func (g *Getter) statusError(url string, resp *http.Response) *Error {
	e := &Error{Class: data.ErrHTTP, Status: resp.StatusCode, URL: url}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		e.RetryAfter = retryAfter(resp.Header.Get("Retry-After"), g.now())
	case http.StatusForbidden, http.StatusMethodNotAllowed, http.StatusPreconditionFailed, 521:
		e.Class = data.ErrBlocked
	}
	return e
}

// discard closes an unwanted body, first draining it when it is announced
// small, so that the connection can be reused. A body of unknown or large
// size is not read: it may stall or be huge.
func discard(resp *http.Response) {
	if resp.ContentLength >= 0 && resp.ContentLength <= drainBytes {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, drainBytes))
	}
	_ = resp.Body.Close()
}

func (g *Getter) logger() *slog.Logger {
	if g.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return g.Logger
}

func (g *Getter) now() time.Time {
	if g.Now == nil {
		return time.Now()
	}
	return g.Now()
}
