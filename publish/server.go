package publish

import (
	"context"
	"net"
	"net/http"
	"syscall"
	"time"
)

// NewServer returns an http.Server for h on addr with timeouts and a
// header size limit set, as a server facing the internet needs. It keeps
// each TCP connection's syscall.RawConn in the request context, for the
// Handler to cork the connection while it sends a large feed.
func NewServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ConnContext:       withConn,
	}
}

// connKey is the context key of a connection's syscall.RawConn.
type connKey struct{}

// withConn is an http.Server.ConnContext that keeps a TCP connection's
// syscall.RawConn in the context. It looks through wrappers that give
// their connection with NetConn, as the fast lane's hand-offs do.
func withConn(ctx context.Context, c net.Conn) context.Context {
	for range 4 { // a bound, against a wrapper that returns itself
		w, ok := c.(interface{ NetConn() net.Conn })
		if !ok {
			break
		}
		c = w.NetConn()
	}
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return ctx
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return ctx
	}
	return context.WithValue(ctx, connKey{}, rc)
}

// connOf returns the syscall.RawConn of r's connection, or nil when the
// server was not made by NewServer or the connection is not TCP.
func connOf(r *http.Request) syscall.RawConn {
	rc, _ := r.Context().Value(connKey{}).(syscall.RawConn)
	return rc
}
