package govsim

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// fixedNow is the clock of the tests that add articles.
var fixedNow = time.Date(2026, 10, 10, 8, 0, 0, 0, time.UTC)

// simServer is a Sim on a loopback server and a client that reaches every
// imitated host through it, without following redirects and without
// asking for gzip, so tests see exactly what the Sim sends.
type simServer struct {
	sim    *Sim
	srv    *httptest.Server
	client *http.Client
}

func newSimServer(t *testing.T, o Options) *simServer {
	t.Helper()
	s := New(o)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	addr := srv.Listener.Addr().String()
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
		DisableCompression: true,
	}
	t.Cleanup(tr.CloseIdleConnections)
	client := &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return &simServer{sim: s, srv: srv, client: client}
}

// get requests rawURL with the given header pairs and returns the
// response with its body read.
func (s *simServer) get(t *testing.T, rawURL string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatalf("request %s: %v", rawURL, err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", rawURL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", rawURL, err)
	}
	return resp, body
}

// mustStatus fails the test unless resp has status want.
func mustStatus(t *testing.T, rawURL string, resp *http.Response, want int) {
	t.Helper()
	if resp.StatusCode != want {
		t.Fatalf("GET %s: status %d, want %d", rawURL, resp.StatusCode, want)
	}
}
