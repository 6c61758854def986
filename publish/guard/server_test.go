package guard

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestServerLimitsApply(t *testing.T) {
	tests := map[string]struct {
		in, want ServerLimits
	}{
		"defaults": {
			want: ServerLimits{ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second, WriteTimeout: time.Minute, IdleTimeout: time.Minute, MaxHeaderBytes: 16 << 10},
		},
		"explicit": {
			in:   ServerLimits{ReadHeaderTimeout: time.Second, ReadTimeout: 2 * time.Second, WriteTimeout: 3 * time.Second, IdleTimeout: 4 * time.Second, MaxHeaderBytes: 8 << 10},
			want: ServerLimits{ReadHeaderTimeout: time.Second, ReadTimeout: 2 * time.Second, WriteTimeout: 3 * time.Second, IdleTimeout: 4 * time.Second, MaxHeaderBytes: 8 << 10},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			// Start from Go's zero settings: no timeouts, 1 MB of headers.
			s := &http.Server{Addr: ":0"}
			tc.in.Apply(s)
			got := ServerLimits{s.ReadHeaderTimeout, s.ReadTimeout, s.WriteTimeout, s.IdleTimeout, s.MaxHeaderBytes}
			if got != tc.want {
				t.Errorf("Apply set %+v, want %+v", got, tc.want)
			}
			if s.Addr != ":0" {
				t.Errorf("Apply changed Addr to %q", s.Addr)
			}
		})
	}
}

// limitedServer starts a server with limits l whose handler counts calls.
func limitedServer(t *testing.T, l ServerLimits) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		io.WriteString(w, "ok")
	}))
	l.Apply(srv.Config)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &calls
}

// TestSlowlorisCutOff: a client that sends its headers one byte at a time
// is disconnected by ReadHeaderTimeout (200ms here) long before it would
// finish (after 10s of dripping the test gives up and fails).
func TestSlowlorisCutOff(t *testing.T) {
	srv, calls := limitedServer(t, ServerLimits{ReadHeaderTimeout: 200 * time.Millisecond, ReadTimeout: time.Minute})

	// A prompt client is served: the server works.
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || calls.Load() != 1 {
		t.Fatalf("prompt client: status %d, %d calls; want 200, 1", resp.StatusCode, calls.Load())
	}

	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	closed := make(chan error, 1)
	go func() { // the server's answer, if any, then EOF or a reset
		_, err := io.Copy(io.Discard, conn)
		closed <- err
	}()
	header := "GET / HTTP/1.1\r\nHost: govfeed\r\nX-Slow: " + strings.Repeat("a", 1000) + "\r\n\r\n" // 50s of dripping
	drip := time.NewTicker(50 * time.Millisecond)
	defer drip.Stop()
	giveUp := time.After(10 * time.Second)
	for i := 0; ; i++ {
		select {
		case <-closed:
			if n := calls.Load(); n != 1 {
				t.Errorf("the handler ran %d times, want 1 (the prompt client only)", n)
			}
			return
		case <-giveUp:
			t.Fatalf("the server still listens to a client dripping headers after 10s (%d bytes sent)", i)
		case <-drip.C:
			if i < len(header) {
				if _, err := conn.Write([]byte{header[i]}); err != nil {
					return // cut off: the write failed
				}
			}
		}
	}
}

func TestHeaderTooLarge(t *testing.T) {
	srv, calls := limitedServer(t, ServerLimits{MaxHeaderBytes: 1 << 10})
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// net/http allows 4 KiB beyond MaxHeaderBytes; send 64 KiB.
	req := "GET / HTTP/1.1\r\nHost: govfeed\r\nX-Big: " + strings.Repeat("a", 64<<10) + "\r\n\r\n"
	go func() { _, _ = io.WriteString(conn, req) }()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		if errors.Is(err, io.EOF) {
			t.Fatal("connection closed without an answer, want 431")
		}
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("status %d, want 431", resp.StatusCode)
	}
	if calls.Load() != 0 {
		t.Error("the handler ran for a request with oversized headers")
	}
}
