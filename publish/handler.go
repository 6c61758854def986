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
	// immutable is the Cache-Control of a full archive page.
	immutable = "public, max-age=31536000, immutable"
	// pingTimeout bounds the store check of /healthz.
	pingTimeout = 5 * time.Second
)

// Handler returns the HTTP routes (GET and HEAD):
//
//	/feed.{atom,rss,json}           the combined feed; with q, source, tag
//	                                or since, a filtered feed of items
//	/sources/{id}.{atom,rss,json}   one source's items
//	/tags/{tag}.{atom,rss,json}     the stories of the sources with a tag
//	/archive/{n}.{atom,rss,json}    archive page n (RFC 5005)
//	/icon.png, /logo.png, /favicon.ico
//	/healthz
//
// Every feed but an archive page takes before or after, the opaque cursor
// of its RFC 5005 paging links.
func (p *Publisher) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, f := range formats {
		mux.HandleFunc("GET /feed."+f.ext(), func(w http.ResponseWriter, r *http.Request) {
			p.serveRequest(w, r, kindCombined, "feed", f)
		})
	}
	// A wildcard must be a whole path segment, so the suffix is cut here.
	for prefix, k := range map[string]kind{"sources": kindSource, "tags": kindTag, "archive": kindArchive} {
		mux.HandleFunc("GET /"+prefix+"/{file}", func(w http.ResponseWriter, r *http.Request) {
			name, f, ok := cutFormat(r.PathValue("file"))
			if !ok {
				http.NotFound(w, r)
				return
			}
			p.serveRequest(w, r, k, name, f)
		})
	}
	mux.HandleFunc("GET /icon.png", serveBytes(iconPNG, "image/png"))
	mux.HandleFunc("GET /logo.png", serveBytes(logoPNG, "image/png"))
	mux.HandleFunc("GET /favicon.ico", serveBytes(p.favicon, "image/vnd.microsoft.icon"))
	mux.HandleFunc("GET /healthz", p.serveHealth)
	return mux
}

// serveRequest reads the document a request asks for and serves it.
func (p *Publisher) serveRequest(w http.ResponseWriter, r *http.Request, k kind, name string, f format) {
	s := spec{kind: k, name: name}
	q := r.URL.Query()
	var err error
	switch k {
	case kindCombined:
		s.name = ""
		if s.filter, err = parseFilter(q, p.now(), p.beijing); err == nil && !s.filter.empty() {
			s.kind = kindFilter
		}
	case kindArchive:
		s.name = ""
		n, perr := strconv.ParseInt(name, 10, 64)
		if perr != nil || n < 0 || strconv.FormatInt(n, 10) != name {
			http.NotFound(w, r)
			return
		}
		s.page = n
	}
	if err == nil && k != kindArchive {
		err = parsePaging(q, &s)
	}
	var bad badRequest
	if errors.As(err, &bad) {
		http.Error(w, bad.Error(), http.StatusBadRequest)
		return
	}
	if (s.kind == kindFilter || s.dir != pageHead) && p.opts.Allow != nil && !p.opts.Allow(r) {
		http.Error(w, "too many requests", http.StatusTooManyRequests)
		return
	}
	p.serveFeed(w, r, s, f)
}

// serveFeed serves document s in format f, plain or gzip-compressed,
// honouring If-None-Match and If-Modified-Since.
func (p *Publisher) serveFeed(w http.ResponseWriter, r *http.Request, s spec, f format) {
	res, err := p.get(r.Context(), s, f)
	if errors.Is(err, errNotFound) {
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
	if res.immutable {
		h.Set("Cache-Control", immutable)
	} else {
		h.Set("Cache-Control", "public, max-age="+strconv.Itoa(int(p.opts.MaxAge/time.Second)))
	}
	h.Set("Vary", "Accept-Encoding")
	if p.opts.Hub != "" { // WebSub discovery (W3C WebSub section 4)
		h.Add("Link", "<"+p.opts.Hub+`>; rel="hub"`)
		h.Add("Link", "<"+res.self+`>; rel="self"`)
	}
	if acceptsGzip(r.Header.Get("Accept-Encoding")) {
		body, etag = res.gz, res.gzETag
	}
	h.Set("ETag", etag)
	h.Set("Last-Modified", res.modified.Format(http.TimeFormat))
	if notModified(r, etag, res.modified) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", res.contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	if etag == res.gzETag {
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body) // a write error means the client has gone
	}
}

// serveBytes serves an embedded file, cached for a day.
func serveBytes(b []byte, contentType string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", contentType)
		h.Set("Cache-Control", "public, max-age=86400")
		h.Set("Content-Length", strconv.Itoa(len(b)))
		if r.Method != http.MethodHead {
			_, _ = w.Write(b)
		}
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
