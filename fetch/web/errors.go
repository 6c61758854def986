package web

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/govfeed/govfeed/data"
)

// Error is a failed GET, classified. Status is the HTTP status when the
// server answered; RetryAfter is what a 429 or 503 asked for (capped at
// 24h), zero otherwise.
type Error struct {
	Class      data.ErrorClass
	Status     int
	RetryAfter time.Duration
	URL        string
	Err        error // the cause; nil for a plain HTTP status
}

// Error returns e.g. "GET https://x/feed: HTTP 503 Service Unavailable
// (retry after 2m0s)" or "GET https://x/feed: body exceeds 16777216 bytes".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("GET ")
	b.WriteString(e.URL)
	b.WriteString(": ")
	switch {
	case e.Err != nil:
		b.WriteString(e.Err.Error())
	case e.Status != 0:
		fmt.Fprintf(&b, "HTTP %d %s", e.Status, http.StatusText(e.Status))
	default:
		b.WriteString(string(e.Class))
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// ClassOf returns the class of a fetch error: the Class of an *Error in the
// chain; ErrTimeout for context.DeadlineExceeded or a network timeout;
// ErrNone for nil; else ErrNetwork.
func ClassOf(err error) data.ErrorClass {
	if err == nil {
		return data.ErrNone
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Class
	}
	return classify(err)
}

// classify maps a transport or body-read error to its class.
func classify(err error) data.ErrorClass {
	if errors.Is(err, context.DeadlineExceeded) {
		return data.ErrTimeout
	}
	if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
		return data.ErrTimeout
	}
	return data.ErrNetwork
}

// transportError wraps an error of the request (or of reading its body) as
// an *Error. When ctx has expired the cause is reported as the deadline
// even if the transport said something vaguer.
func transportError(ctx context.Context, rawURL string, err error) *Error {
	if ue, ok := err.(*url.Error); ok {
		err = ue.Err // its message repeats the method and URL
	}
	class := classify(err)
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		class = data.ErrTimeout
		if !errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
		}
	}
	return &Error{Class: class, URL: rawURL, Err: err}
}
