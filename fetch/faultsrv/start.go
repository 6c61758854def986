package faultsrv

import (
	"fmt"
	"net"
	"net/http/httptest"
)

// Upstream is a Server listening on loopback through httptest.
type Upstream struct {
	*httptest.Server
	srv *Server
}

// Start serves s on a new plain-HTTP server at 127.0.0.1 on a free port.
func (s *Server) Start() *Upstream {
	return &Upstream{Server: httptest.NewServer(s), srv: s}
}

// StartOn serves s on a new plain-HTTP server listening at addr, e.g.
// "127.0.0.7:0": on Linux every 127.x.y.z address is loopback, so tests
// can give each source a host of its own.
func (s *Server) StartOn(addr string) (*Upstream, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("faultsrv: listen on %s: %w", addr, err)
	}
	ts := httptest.NewUnstartedServer(s)
	_ = ts.Listener.Close() // the default 127.0.0.1:0 listener, unused
	ts.Listener = ln
	ts.Start()
	return &Upstream{Server: ts, srv: s}, nil
}

// URLOf returns the absolute URL of path on u.
func (u *Upstream) URLOf(path string) string { return u.URL + path }

// Close releases the Server's blocked handlers (on every Upstream of the
// Server: close them all at the end of a test), drops the connections
// still open (a client stuck reading a Huge body) and shuts u down.
func (u *Upstream) Close() {
	u.srv.Close()
	u.CloseClientConnections()
	u.Server.Close()
}
