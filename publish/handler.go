package publish

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const (
	contentType  = "application/atom+xml; charset=utf-8"
	cacheControl = "public, max-age=300"
	// pingTimeout bounds the store check of /healthz.
	pingTimeout = 5 * time.Second
)

// Handler returns the HTTP routes: GET (and HEAD) /feed.atom,
// /sources/{id}.atom and /healthz.
func (p *Publisher) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /feed.atom", func(w http.ResponseWriter, r *http.Request) {
		p.serveFeed(w, r, "")
	})
	// A wildcard must be a whole path segment, so the suffix is cut here.
	mux.HandleFunc("GET /sources/{file}", func(w http.ResponseWriter, r *http.Request) {
		id, ok := strings.CutSuffix(r.PathValue("file"), ".atom")
		if !ok || id == "" {
			http.NotFound(w, r)
			return
		}
		p.serveFeed(w, r, id)
	})
	mux.HandleFunc("GET /healthz", p.serveHealth)
	return mux
}

// serveFeed serves feed key, plain or gzip-compressed, honouring
// If-None-Match and If-Modified-Since.
func (p *Publisher) serveFeed(w http.ResponseWriter, r *http.Request, key string) {
	res, err := p.get(r.Context(), key)
	if errors.Is(err, errUnknownSource) {
		http.NotFound(w, r)
		return
	}
	if res == nil {
		if r.Context().Err() == nil { // else the client has gone
			http.Error(w, "feed temporarily unavailable", http.StatusInternalServerError)
		}
		return
	}
	body, etag := res.body, res.etag
	h := w.Header()
	h.Set("Cache-Control", cacheControl)
	h.Set("Vary", "Accept-Encoding")
	if acceptsGzip(r.Header.Get("Accept-Encoding")) {
		body, etag = res.gz, res.gzETag
	}
	h.Set("ETag", etag)
	h.Set("Last-Modified", res.modified.Format(http.TimeFormat))
	if notModified(r, etag, res.modified) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", contentType)
	if etag == res.gzETag {
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body) // a write error means the client has gone
	}
}

// serveHealth answers 200 when the store answers a ping, else 503.
func (p *Publisher) serveHealth(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), pingTimeout)
	defer cancel()
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	if err := p.store.Ping(ctx); err != nil {
		p.log.Warn("health check: store ping failed", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("unavailable"))
		return
	}
	_, _ = w.Write([]byte("ok"))
}

// notModified applies RFC 9110's conditional GET rules: If-None-Match
// (weak comparison) wins over If-Modified-Since.
func notModified(r *http.Request, etag string, modified time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, t := range strings.Split(inm, ",") {
			t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
			if t == "*" || t == etag {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		t, err := http.ParseTime(ims)
		return err == nil && !modified.Truncate(time.Second).After(t)
	}
	return false
}

// acceptsGzip reports whether an Accept-Encoding header value allows gzip:
// gzip or x-gzip with a non-zero q, else a non-zero "*".
func acceptsGzip(header string) bool {
	gzipQ, anyQ := -1.0, -1.0
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		q := 1.0
		for _, param := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(param, "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil {
					f = 0
				}
				q = f
			}
		}
		switch strings.ToLower(strings.TrimSpace(coding)) {
		case "gzip", "x-gzip":
			gzipQ = max(gzipQ, q)
		case "*":
			anyQ = max(anyQ, q)
		}
	}
	if gzipQ >= 0 {
		return gzipQ > 0
	}
	return anyQ > 0
}
