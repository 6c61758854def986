package web

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// DefaultMaxBodyBytes caps a decoded body when Request.MaxBodyBytes is not
// set.
const DefaultMaxBodyBytes = 16 << 20

// errTooLarge marks a body over the cap; Get turns it into an *Error of
// class data.ErrTooLarge.
type errTooLarge struct{ max int64 }

func (e errTooLarge) Error() string { return fmt.Sprintf("body exceeds %d bytes", e.max) }

// errUnsupportedEncoding is a Content-Encoding Get did not ask for.
var errUnsupportedEncoding = errors.New("unsupported Content-Encoding")

// readBody reads resp's body decoded from gzip or deflate. Both the bytes
// on the wire and the decoded bytes are capped at limit: a larger body, or a
// Content-Length announcing one, is errTooLarge, never a truncated body.
func readBody(resp *http.Response, limit int64) ([]byte, error) {
	if resp.ContentLength > limit {
		return nil, errTooLarge{limit}
	}
	raw := &capReader{r: resp.Body, left: limit, max: limit}
	dec, err := decoder(resp.Header.Get("Content-Encoding"), raw)
	if err != nil {
		return nil, err
	}
	body, err := readAll(io.LimitReader(dec, limit+1), sizeHint(resp, limit))
	if err != nil {
		return nil, err
	}
	if int64(len(body)) > limit {
		return nil, errTooLarge{limit}
	}
	return body, nil
}

// sizeHint guesses the decoded size of resp's body, at most limit: its
// Content-Length when it is not encoded, four times that when it is (feeds
// and pages compress three to six times), else ReadAll's 512 bytes.
func sizeHint(resp *http.Response, limit int64) int64 {
	n := resp.ContentLength
	if n <= 0 {
		return 512
	}
	if resp.Header.Get("Content-Encoding") != "" {
		n *= 4
	}
	return min(n, limit)
}

// readAll is io.ReadAll into a buffer of hint bytes, plus one so that a body
// of exactly hint bytes meets its end without growing the buffer: reading
// a feed of known length copies it once, where io.ReadAll's doubling copied
// it about twice and left up to half of the buffer unused.
func readAll(r io.Reader, hint int64) ([]byte, error) {
	b := make([]byte, 0, hint+1)
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // grow as append does
		}
	}
}

// decoder returns a reader of r decoded from the Content-Encoding ce.
func decoder(ce string, r io.Reader) (io.Reader, error) {
	var enc string
	for t := range strings.SplitSeq(ce, ",") {
		t = strings.ToLower(strings.TrimSpace(t))
		if t == "" || t == "identity" {
			continue
		}
		if enc != "" {
			return nil, fmt.Errorf("%w %q", errUnsupportedEncoding, ce)
		}
		enc = t
	}
	switch enc {
	case "":
		return r, nil
	case "gzip", "x-gzip":
		br := bufio.NewReader(r)
		if _, err := br.Peek(1); err == io.EOF {
			return br, nil // an empty body labelled gzip
		}
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip body: %w", err)
		}
		return zr, nil
	case "deflate":
		// RFC 9110 deflate is zlib-wrapped; some servers send raw deflate.
		br := bufio.NewReader(r)
		h, _ := br.Peek(2) // a read error shows again when reading
		if len(h) == 0 {
			return br, nil
		}
		if len(h) == 2 && h[0]&0x0F == 8 && (uint16(h[0])<<8|uint16(h[1]))%31 == 0 {
			zr, err := zlib.NewReader(br)
			if err != nil {
				return nil, fmt.Errorf("deflate body: %w", err)
			}
			return zr, nil
		}
		return flate.NewReader(br), nil
	default:
		return nil, fmt.Errorf("%w %q", errUnsupportedEncoding, ce)
	}
}

// capReader fails with errTooLarge once more than max bytes were read.
type capReader struct {
	r    io.Reader
	left int64
	max  int64
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.left < 0 {
		return 0, errTooLarge{c.max}
	}
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		return n, errTooLarge{c.max}
	}
	return n, err
}
