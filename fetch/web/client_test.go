package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/govfeed/govfeed/data"
)

func TestNewClientTimeouts(t *testing.T) {
	tests := map[string]struct {
		in                                    ClientOptions
		dialWant, tlsWant, headWant, idleWant time.Duration
		perHostWant                           int
	}{
		"defaults": {
			tlsWant: 10 * time.Second, headWant: 30 * time.Second, idleWant: 90 * time.Second, perHostWant: 4,
		},
		"explicit": {
			in:      ClientOptions{TLSHandshakeTimeout: time.Second, ResponseHeaderTimeout: 2 * time.Second, IdleConnTimeout: 3 * time.Second, MaxIdleConnsPerHost: 7},
			tlsWant: time.Second, headWant: 2 * time.Second, idleWant: 3 * time.Second, perHostWant: 7,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c := NewClient(tc.in)
			tr, ok := c.Transport.(*http.Transport)
			if !ok {
				t.Fatalf("Transport is %T, want *http.Transport", c.Transport)
			}
			if tr.TLSHandshakeTimeout != tc.tlsWant || tr.ResponseHeaderTimeout != tc.headWant || tr.IdleConnTimeout != tc.idleWant {
				t.Errorf("timeouts = (tls %v, header %v, idle %v), want (%v, %v, %v)",
					tr.TLSHandshakeTimeout, tr.ResponseHeaderTimeout, tr.IdleConnTimeout, tc.tlsWant, tc.headWant, tc.idleWant)
			}
			if tr.MaxIdleConnsPerHost != tc.perHostWant {
				t.Errorf("MaxIdleConnsPerHost = %d, want %d", tr.MaxIdleConnsPerHost, tc.perHostWant)
			}
			if tr.Proxy == nil || !tr.ForceAttemptHTTP2 || !tr.DisableCompression {
				t.Errorf("Proxy set %v, HTTP/2 %v, DisableCompression %v; want all true", tr.Proxy != nil, tr.ForceAttemptHTTP2, tr.DisableCompression)
			}
			if c.Timeout != 0 {
				t.Errorf("client Timeout = %v, want 0 (contexts bound fetches)", c.Timeout)
			}
		})
	}
}

// redirectServer serves /hop/N, which redirects to /hop/N-1, and /hop/0,
// which answers 200 "arrived".
func redirectServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/hop/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.PathValue("n"))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		if n == 0 {
			fmt.Fprint(w, "arrived")
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/hop/%d", n-1), http.StatusFound)
	})
	mux.HandleFunc("/a", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/b", http.StatusMovedPermanently) })
	mux.HandleFunc("/b", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/a", http.StatusMovedPermanently) })
	// /gate redirects to itself with a cookie, then serves the page.
	mux.HandleFunc("/gate", func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie("wzws_sid"); err == nil && c.Value == "ok" {
			fmt.Fprint(w, "through the gate")
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "wzws_sid", Value: "ok", Path: "/"})
		http.Redirect(w, r, "/gate", http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestRedirects(t *testing.T) {
	srv := redirectServer(t)
	tests := map[string]struct {
		path      string
		jar       bool
		wantBody  string
		wantFinal string
		wantErr   error
	}{
		"ten redirects are followed":     {path: "/hop/10", wantBody: "arrived", wantFinal: "/hop/0"},
		"eleven are too many":            {path: "/hop/11", wantErr: ErrTooManyRedirects},
		"a loop stops":                   {path: "/a", wantErr: ErrRedirectLoop},
		"self redirect setting a cookie": {path: "/gate", jar: true, wantBody: "through the gate", wantFinal: "/gate"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			g := &Getter{Client: NewClient(ClientOptions{})}
			req := Request{URL: srv.URL + tc.path}
			if tc.jar {
				req.Jar, _ = cookiejar.New(nil)
			}
			resp, err := g.Get(t.Context(), req)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("Get() error = %v, want %v", err, tc.wantErr)
				}
				if c := ClassOf(err); c != data.ErrNetwork {
					t.Errorf("ClassOf() = %q, want %q", c, data.ErrNetwork)
				}
				return
			}
			if err != nil {
				t.Fatalf("Get() error = %v", err)
			}
			if string(resp.Body) != tc.wantBody || resp.URL != srv.URL+tc.wantFinal {
				t.Errorf("Get() = (%q, final %q), want (%q, %q)", resp.Body, resp.URL, tc.wantBody, srv.URL+tc.wantFinal)
			}
		})
	}
}

func TestRedirectHTTPSToHTTPRefused(t *testing.T) {
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "insecure") }))
	t.Cleanup(plain.Close)
	secure := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plain.URL+"/feed.xml", http.StatusMovedPermanently)
	}))
	t.Cleanup(secure.Close)

	c := NewClient(ClientOptions{})
	c.Transport.(*http.Transport).TLSClientConfig = secure.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
	g := &Getter{Client: c}
	_, err := g.Get(t.Context(), Request{URL: secure.URL + "/feed.xml"})
	if !errors.Is(err, ErrInsecureRedirect) {
		t.Fatalf("Get() error = %v, want ErrInsecureRedirect", err)
	}
	if c := ClassOf(err); c != data.ErrNetwork {
		t.Errorf("ClassOf() = %q, want %q", c, data.ErrNetwork)
	}
}

func TestNetworkErrors(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	refusedURL := closed.URL
	closed.Close()
	untrusted := httptest.NewUnstartedServer(http.NotFoundHandler())
	untrusted.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake failure is expected
	untrusted.StartTLS()
	t.Cleanup(untrusted.Close)

	tests := map[string]string{
		"connection refused": refusedURL + "/feed",
		"untrusted TLS":      untrusted.URL + "/feed",
		"malformed URL":      "http://[::1/feed",
	}
	for name, u := range tests {
		t.Run(name, func(t *testing.T) {
			g := &Getter{Client: NewClient(ClientOptions{})}
			_, err := g.Get(t.Context(), Request{URL: u})
			if err == nil {
				t.Fatal("Get() error = nil, want a network error")
			}
			if c := ClassOf(err); c != data.ErrNetwork {
				t.Errorf("ClassOf(%v) = %q, want %q", err, c, data.ErrNetwork)
			}
			if !strings.HasPrefix(err.Error(), "GET "+u+": ") {
				t.Errorf("Error() = %q, want it to start with %q", err, "GET "+u+": ")
			}
		})
	}
}

func TestResponseHeaderTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })

	g := &Getter{Client: NewClient(ClientOptions{ResponseHeaderTimeout: 20 * time.Millisecond})}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	_, err := g.Get(ctx, Request{URL: srv.URL})
	if c := ClassOf(err); c != data.ErrTimeout {
		t.Fatalf("ClassOf(%v) = %q, want %q", err, c, data.ErrTimeout)
	}
	if ctx.Err() != nil {
		t.Errorf("the context expired: the transport's header timeout did not fire")
	}
}

func TestNewClientDialAddr(t *testing.T) {
	var gotHost string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotHost = r.Host
		fmt.Fprint(w, "ok")
	}))
	defer srv.Close()
	c := NewClient(ClientOptions{DialAddr: srv.Listener.Addr().String()})
	resp, err := c.Get("http://www.sc.gov.cn/10462/list.shtml")
	if err != nil {
		t.Fatalf("GET through DialAddr: %v", err)
	}
	resp.Body.Close()
	if gotHost != "www.sc.gov.cn" {
		t.Errorf("server saw Host %q, want www.sc.gov.cn", gotHost)
	}
}
