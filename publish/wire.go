package publish

import (
	"bytes"
	"net/http"
	"strconv"
	"time"
)

// Content codings of a rendered document, indexes of wire.enc.
const (
	codingIdentity = iota
	codingGzip
)

// wire holds the response header values of a rendered document, computed
// once per build. Serving assigns them into the header map under their
// canonical keys, so that a cached document is served without allocating.
// Each slice has a capacity equal to its length, so that a later
// Header.Add copies it instead of writing into the shared array; nothing
// else may modify them.
type wire struct {
	cacheControl, vary, link, lastModified, contentType, nosniff, gzip []string
	enc                                                                [2]encoded // by coding
}

// encoded is one content coding of a document.
type encoded struct {
	body   []byte
	etag   string    // quoted strong entity tag
	etagH  []string  // etag as a header value
	length []string  // Content-Length
	file   *feedFile // a file holding body, nil if none (ServeFiles)
	// heads are the header lines of an answer in this coding as net/http
	// writes them from the Handler's header map (sorted by name, each
	// ending in CRLF), without the status line, Date and Connection: the
	// fast lane's copy. heads[answer200] for 200, heads[answer304] for 304.
	heads [2][]byte
}

// Indexes of encoded.heads.
const (
	answer200 = iota
	answer304
)

// newWire computes the header values of r, whose fields are all set;
// maxAge is the Cache-Control max-age of documents that may change and
// hub the WebSub hub URL ("" for none).
func newWire(r *rendered, maxAge time.Duration, hub string) wire {
	w := wire{
		vary:         []string{"Accept-Encoding"},
		lastModified: []string{r.modified.Format(http.TimeFormat)},
		contentType:  []string{r.contentType},
		nosniff:      []string{"nosniff"},
		gzip:         []string{"gzip"},
		enc: [2]encoded{
			codingIdentity: {body: r.body, etag: r.etag, etagH: []string{r.etag}, length: []string{strconv.Itoa(len(r.body))}},
			codingGzip:     {body: r.gz, etag: r.gzETag, etagH: []string{r.gzETag}, length: []string{strconv.Itoa(len(r.gz))}},
		},
	}
	if r.immutable {
		w.cacheControl = []string{immutable}
	} else {
		w.cacheControl = []string{"public, max-age=" + strconv.Itoa(int(maxAge/time.Second))}
	}
	if hub != "" { // WebSub discovery (W3C WebSub section 4)
		w.link = []string{"<" + hub + `>; rel="hub"`, "<" + r.self + `>; rel="self"`}
	}
	for c := range w.enc {
		h := http.Header{}
		w.writeHeader(h, c)
		w.enc[c].heads[answer304] = headerLines(h)
		w.writeEntityHeader(h, c)
		w.enc[c].heads[answer200] = headerLines(h)
	}
	return w
}

// headerLines is h as net/http's server writes it.
func headerLines(h http.Header) []byte {
	var b bytes.Buffer
	_ = h.Write(&b) // a bytes.Buffer does not fail
	return b.Bytes()
}

// writeHeader sets the headers every answer for the document in coding c
// carries, 304 included.
func (w *wire) writeHeader(h http.Header, c int) {
	h["Cache-Control"] = w.cacheControl
	h["Vary"] = w.vary
	if w.link != nil {
		h["Link"] = w.link
	}
	h["Etag"] = w.enc[c].etagH
	h["Last-Modified"] = w.lastModified
}

// writeEntityHeader sets the headers of a 200 answer with the body in
// coding c.
func (w *wire) writeEntityHeader(h http.Header, c int) {
	h["Content-Type"] = w.contentType
	h["X-Content-Type-Options"] = w.nosniff
	if c == codingGzip {
		h["Content-Encoding"] = w.gzip
	}
	h["Content-Length"] = w.enc[c].length
}
