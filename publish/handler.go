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
	return &router{p: p, mux: mux}
}

// router sends GET and HEAD requests for the combined feed, the most
// requested documents, straight to the Publisher and everything else
// through the mux, which answers them the same way.
type router struct {
	p   *Publisher
	mux *http.ServeMux
}

func (rt *router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if f, ok := combinedFeed(r); ok {
		rt.p.serveRequest(w, r, kindCombined, "feed", f)
		return
	}
	rt.mux.ServeHTTP(w, r)
}

// IsCombinedFeed reports whether r is a GET or HEAD request for the
// combined feed (/feed.atom, /feed.rss or /feed.json, with or without a
// query): the requests a router in front of the Handler may send straight
// to it, without matching patterns.
func IsCombinedFeed(r *http.Request) bool {
	_, ok := combinedFeed(r)
	return ok
}

// combinedFeed reports whether r is a GET or HEAD request for the
// combined feed (/feed.atom, /feed.rss or /feed.json, with or without a
// query), and in which format.
func combinedFeed(r *http.Request) (format, bool) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return 0, false
	}
	return combinedFormat(r.URL.Path)
}

// combinedFormat reports whether path is the combined feed's, and in which
// format.
func combinedFormat(path string) (format, bool) {
	switch path {
	case "/feed.atom":
		return formatAtom, true
	case "/feed.rss":
		return formatRSS, true
	case "/feed.json":
		return formatJSON, true
	}
	return 0, false
}

// serveRequest reads the document a request asks for and serves it.
func (p *Publisher) serveRequest(w http.ResponseWriter, r *http.Request, k kind, name string, f format) {
	s := spec{kind: k, name: name}
	var err error
	switch k {
	case kindCombined:
		s.name = ""
	case kindArchive:
		s.name = ""
		n, perr := strconv.ParseInt(name, 10, 64)
		if perr != nil || n < 0 || strconv.FormatInt(n, 10) != name {
			http.NotFound(w, r)
			return
		}
		s.page = n
	}
	// Without a query (the common case) there is neither a filter nor a
	// cursor; archive pages take neither.
	if r.URL.RawQuery != "" && k != kindArchive {
		q := r.URL.Query()
		if k == kindCombined {
			if s.filter, err = parseFilter(q, p.now(), p.beijing); err == nil && !s.filter.empty() {
				s.kind = kindFilter
			}
		}
		if err == nil {
			err = parsePaging(q, &s)
		}
	}
	if err != nil {
		if bad := badRequest(""); errors.As(err, &bad) {
			http.Error(w, bad.Error(), http.StatusBadRequest)
			return
		}
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
	c, unchanged := res.negotiate(headerValue(r.Header, "Accept-Encoding"),
		headerValue(r.Header, "If-None-Match"), headerValue(r.Header, "If-Modified-Since"))
	h := w.Header()
	res.wire.writeHeader(h, c)
	if unchanged {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	res.wire.writeEntityHeader(h, c)
	if r.Method == http.MethodHead {
		w.WriteHeader(http.StatusOK)
		return
	}
	serveBody(w, r, &res.wire.enc[c])
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

// negotiate decides the answer to a GET or HEAD of document r from the
// request's Accept-Encoding, If-None-Match and If-Modified-Since values
// ("" for an absent header): the content coding of the answer and whether
// it is 304 Not Modified. The Handler and the fast lane both call it, so
// that they answer alike.
func (r *rendered) negotiate(acceptEncoding, ifNoneMatch, ifModifiedSince string) (coding int, unchanged bool) {
	coding = codingIdentity
	if acceptsGzip(acceptEncoding) {
		coding = codingGzip
	}
	return coding, notModified(ifNoneMatch, ifModifiedSince, r.wire.enc[coding].etag, r.modified)
}

// notModified applies RFC 9110's conditional GET rules to the values of
// If-None-Match (weak comparison), which wins, and If-Modified-Since.
func notModified(inm, ims, etag string, modified time.Time) bool {
	if inm != "" {
		for inm != "" {
			var t string
			t, inm, _ = strings.Cut(inm, ",")
			t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
			if t == "*" || t == etag {
				return true
			}
		}
		return false
	}
	if ims != "" {
		t, err := http.ParseTime(ims)
		return err == nil && !modified.Truncate(time.Second).After(t)
	}
	return false
}

// headerValue is h.Get(key) for a key in canonical form, without the
// canonicalisation.
func headerValue(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// acceptsGzip reports whether an Accept-Encoding header value allows gzip:
// gzip or x-gzip with a non-zero q, else a non-zero "*".
func acceptsGzip(header string) bool {
	gzipQ, anyQ := -1.0, -1.0
	for header != "" {
		var part string
		part, header, _ = strings.Cut(header, ",")
		coding, params, _ := strings.Cut(part, ";")
		q := 1.0
		for params != "" {
			var param string
			param, params, _ = strings.Cut(params, ";")
			k, v, ok := strings.Cut(param, "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil {
					f = 0
				}
				q = f
			}
		}
		switch coding = strings.TrimSpace(coding); {
		case strings.EqualFold(coding, "gzip"), strings.EqualFold(coding, "x-gzip"):
			gzipQ = max(gzipQ, q)
		case coding == "*":
			anyQ = max(anyQ, q)
		}
	}
	if gzipQ >= 0 {
		return gzipQ > 0
	}
	return anyQ > 0
}
