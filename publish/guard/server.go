package guard

import (
	"net/http"
	"time"
)

// ServerLimits bound what one client may hold of an http.Server. Zero
// fields mean the defaults given per field.
type ServerLimits struct {
	// ReadHeaderTimeout bounds reading a request's headers: a client that
	// sends them slowly (slowloris) is cut off. Default 5s.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request, body included; request
	// bodies are small (MaxBody). Default 15s.
	ReadTimeout time.Duration
	// WriteTimeout bounds writing a response, from the end of the request
	// headers; the largest feed is a few megabytes. Default 60s.
	WriteTimeout time.Duration
	// IdleTimeout bounds a kept-alive connection waiting for its next
	// request. Default 60s.
	IdleTimeout time.Duration
	// MaxHeaderBytes caps the request line and headers (net/http allows
	// 4 KiB more); a larger request gets 431. Default 16 KiB.
	MaxHeaderBytes int
}

// Default ServerLimits.
const (
	DefaultReadHeaderTimeout = 5 * time.Second
	DefaultReadTimeout       = 15 * time.Second
	DefaultWriteTimeout      = 60 * time.Second
	DefaultIdleTimeout       = 60 * time.Second
	DefaultMaxHeaderBytes    = 16 << 10
)

// Apply sets s's timeouts and header cap to l's, defaults for zero fields.
func (l ServerLimits) Apply(s *http.Server) {
	s.ReadHeaderTimeout = orDefault(l.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	s.ReadTimeout = orDefault(l.ReadTimeout, DefaultReadTimeout)
	s.WriteTimeout = orDefault(l.WriteTimeout, DefaultWriteTimeout)
	s.IdleTimeout = orDefault(l.IdleTimeout, DefaultIdleTimeout)
	s.MaxHeaderBytes = l.MaxHeaderBytes
	if s.MaxHeaderBytes <= 0 {
		s.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
}

// orDefault returns d, or def when d is not positive.
func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}
