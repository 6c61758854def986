package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// serveMinMain is the reference point of the serving comparison: the
// least a Go server can do to send a feed, the bytes read once and sent
// with one Write (the gzip copy when the client accepts gzip), no routing,
// no conditional requests, no middleware. It serves until ctx ends.
func serveMinMain(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("serve-min", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:0", "loopback address to serve on")
	plainPath := fs.String("plain", "", "file of the plain body (required)")
	gzPath := fs.String("gzip", "", "file of the gzip body (required)")
	ctype := fs.String("type", "application/atom+xml; charset=utf-8", "Content-Type")
	sendfile := fs.Bool("sendfile", false, "send from the files with sendfile(2) (a file opened per request) instead of one Write from memory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	plain, err := os.ReadFile(*plainPath)
	if err != nil {
		return err
	}
	gz, err := os.ReadFile(*gzPath)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	plainLen, gzLen := strconv.Itoa(len(plain)), strconv.Itoa(len(gz))
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", *ctype)
		if *sendfile {
			path, n := *plainPath, plainLen
			if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
				path, n = *gzPath, gzLen
				h.Set("Content-Encoding", "gzip")
			}
			f, err := os.Open(path)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			defer func() { _ = f.Close() }()
			h.Set("Content-Length", n)
			_, _ = io.Copy(w, f) // *os.File: the server uses sendfile
			return
		}
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			h.Set("Content-Encoding", "gzip")
			h.Set("Content-Length", gzLen)
			_, _ = w.Write(gz)
			return
		}
		h.Set("Content-Length", plainLen)
		_, _ = w.Write(plain)
	})}
	go func() { <-ctx.Done(); _ = srv.Close() }()
	fmt.Fprintf(stdout, "http://%s\n", ln.Addr())
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
