// Package web is govfeed's one HTTP client and its polite GET: conditional
// requests, a cap on the decoded body, gzip handled by hand so that a gzip
// bomb fails instead of filling memory, Retry-After honoured, the
// cookie-and-retry answer to government anti-bot challenges (HTTP 412/521),
// and every failure classified as a data.ErrorClass.
package web

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"time"
)

// ClientOptions tune the shared transport. Zero values mean the defaults
// given per field.
type ClientOptions struct {
	DialTimeout           time.Duration // default 10s
	TLSHandshakeTimeout   time.Duration // default 10s
	ResponseHeaderTimeout time.Duration // default 30s
	IdleConnTimeout       time.Duration // default 90s
	MaxIdleConnsPerHost   int           // default 4
	// DialAddr, when set, is the host:port every connection goes to,
	// whatever the URL's host (like curl --resolve for all hosts). The
	// demo and the tests use it to serve imitations of the real portals,
	// with their real host names and URL shapes, from one loopback server.
	DialAddr string
	// DenyPrivate refuses connections to loopback, private (RFC 1918,
	// RFC 4193), link-local, carrier-grade NAT, multicast, unspecified,
	// documentation and other special-purpose addresses, checked on the
	// address actually dialled, after DNS resolution: a host name that
	// resolves or is rebound to 127.0.0.1 is refused, and so is a redirect
	// to one. The refusal is an error of class data.ErrNetwork wrapping
	// ErrDeniedAddress. Proxies from the environment are not used, since a
	// proxy resolves names where the check cannot see them. Meant for
	// deployments whose configuration is not fully trusted.
	DenyPrivate bool
	// Allow lists the networks DenyPrivate lets through anyway (such as
	// an intranet portal, or 127.0.0.0/8 in tests).
	Allow []netip.Prefix
}

// maxRedirects is how many redirects one GET follows.
const maxRedirects = 10

// Redirect errors, wrapped in the *url.Error that http.Client returns and
// classified as data.ErrNetwork by Get.
var (
	ErrTooManyRedirects = errors.New("too many redirects")
	ErrRedirectLoop     = errors.New("redirect loop")
	ErrInsecureRedirect = errors.New("redirect from https to http refused")
)

// NewClient builds the one *http.Client that main injects everywhere. Its
// transport takes the proxy from the environment, allows HTTP/2, has
// explicit timeouts and does not decompress (Get does, under a cap). It
// follows at most 10 redirects, refuses a redirect from https to http and
// stops on a loop. With DenyPrivate it connects to public addresses only.
// It has no overall Timeout: callers bound each fetch with a context
// deadline.
func NewClient(o ClientOptions) *http.Client {
	dialer := &net.Dialer{Timeout: orDefault(o.DialTimeout, 10*time.Second), KeepAlive: 30 * time.Second}
	proxy := http.ProxyFromEnvironment
	if o.DenyPrivate {
		dialer.Control = addressGuard{allow: slices.Clone(o.Allow)}.control
		proxy = nil
	}
	dial := dialer.DialContext
	if o.DialAddr != "" {
		next := dial
		dial = func(ctx context.Context, network, _ string) (net.Conn, error) {
			return next(ctx, network, o.DialAddr)
		}
		proxy = nil
	}
	perHost := o.MaxIdleConnsPerHost
	if perHost <= 0 {
		perHost = 4
	}
	tr := &http.Transport{
		Proxy:                 proxy,
		DialContext:           dial,
		ForceAttemptHTTP2:     true,
		TLSHandshakeTimeout:   orDefault(o.TLSHandshakeTimeout, 10*time.Second),
		ResponseHeaderTimeout: orDefault(o.ResponseHeaderTimeout, 30*time.Second),
		IdleConnTimeout:       orDefault(o.IdleConnTimeout, 90*time.Second),
		ExpectContinueTimeout: time.Second,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   perHost,
		DisableCompression:    true,
	}
	return &http.Client{Transport: tr, CheckRedirect: checkRedirect}
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// checkRedirect is the redirect policy of NewClient. A redirect back to an
// URL already visited is a loop, unless the response that sent it set a
// cookie: anti-bot gates answer the first visit with a cookie and a redirect
// to the same page.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > maxRedirects {
		return fmt.Errorf("%w: stopped after %d", ErrTooManyRedirects, maxRedirects)
	}
	prev := via[len(via)-1]
	if prev.URL.Scheme == "https" && req.URL.Scheme == "http" {
		return fmt.Errorf("%w: %s", ErrInsecureRedirect, req.URL)
	}
	if req.Response != nil && len(req.Response.Cookies()) > 0 {
		return nil
	}
	next := req.URL.String()
	for _, r := range via {
		if r.URL.String() == next {
			return fmt.Errorf("%w: back to %s", ErrRedirectLoop, next)
		}
	}
	return nil
}
