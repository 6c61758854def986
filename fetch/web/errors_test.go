package web

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/govfeed/govfeed/data"
)

func TestErrorString(t *testing.T) {
	tests := map[string]struct {
		e    *Error
		want string
	}{
		"status with retry": {
			e:    &Error{Class: data.ErrHTTP, Status: 503, RetryAfter: 2 * time.Minute, URL: "https://x/feed"},
			want: "GET https://x/feed: HTTP 503 Service Unavailable (retry after 2m0s)",
		},
		"blocked": {
			e:    &Error{Class: data.ErrBlocked, Status: 412, URL: "http://www.nhc.gov.cn/"},
			want: "GET http://www.nhc.gov.cn/: HTTP 412 Precondition Failed",
		},
		"unknown status": {
			e:    &Error{Class: data.ErrBlocked, Status: 521, URL: "http://www.meizhou.gov.cn/"},
			want: "GET http://www.meizhou.gov.cn/: HTTP 521 ",
		},
		"cause": {
			e:    &Error{Class: data.ErrTooLarge, Status: 200, URL: "https://x/feed", Err: errTooLarge{16777216}},
			want: "GET https://x/feed: body exceeds 16777216 bytes",
		},
		"class only": {
			e:    &Error{Class: data.ErrTimeout, URL: "https://x/feed"},
			want: "GET https://x/feed: timeout",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := tc.e.Error(); got != tc.want {
				t.Errorf("Error() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestClassOf(t *testing.T) {
	tests := map[string]struct {
		err  error
		want data.ErrorClass
	}{
		"nil":               {nil, data.ErrNone},
		"wrapped *Error":    {fmt.Errorf("source cq: %w", &Error{Class: data.ErrBlocked, Status: 412}), data.ErrBlocked},
		"deadline":          {context.DeadlineExceeded, data.ErrTimeout},
		"wrapped deadline":  {fmt.Errorf("read body: %w", context.DeadlineExceeded), data.ErrTimeout},
		"net timeout":       {&net.DNSError{Err: "i/o timeout", IsTimeout: true}, data.ErrTimeout},
		"DNS not found":     {&net.DNSError{Err: "no such host", IsNotFound: true}, data.ErrNetwork},
		"anything else":     {errors.New("connection reset by peer"), data.ErrNetwork},
		"cancelled context": {context.Canceled, data.ErrNetwork},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := ClassOf(tc.err); got != tc.want {
				t.Errorf("ClassOf(%v) = %q, want %q", tc.err, got, tc.want)
			}
		})
	}
}

func TestErrorUnwrap(t *testing.T) {
	cause := errors.New("boom")
	if err := error(&Error{Err: cause}); !errors.Is(err, cause) {
		t.Errorf("errors.Is(%v, cause) = false", err)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 10, 4, 1, 0, 0, 0, time.UTC)
	tests := map[string]struct {
		in   string
		want time.Duration
	}{
		"seconds":         {"120", 2 * time.Minute},
		"padded":          {" 30 ", 30 * time.Second},
		"zero":            {"0", 0},
		"negative":        {"-5", 0},
		"huge":            {"99999999999999999", 24 * time.Hour},
		"just over a day": {"86401", 24 * time.Hour},
		"HTTP date":       {"Sun, 04 Oct 2026 01:10:00 GMT", 10 * time.Minute},
		"RFC 850 date":    {"Sunday, 04-Oct-26 01:00:30 GMT", 30 * time.Second},
		"past date":       {"Sat, 03 Oct 2026 01:00:00 GMT", 0},
		"far date":        {"Fri, 01 Jan 2027 00:00:00 GMT", 24 * time.Hour},
		"empty":           {"", 0},
		"garbage":         {"later", 0},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := retryAfter(tc.in, now); got != tc.want {
				t.Errorf("retryAfter(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}
