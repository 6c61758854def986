package faultsrv

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Content types of the answers.
const (
	rssType  = "application/rss+xml; charset=utf-8"
	htmlType = "text/html; charset=utf-8"
)

// resetPause is how long Reset waits between sending half its body and
// resetting, so that the client is reading the body when the RST arrives.
const resetPause = 50 * time.Millisecond

// fillerChunk is the size of one write of Huge and Endless.
const fillerChunk = 32 << 10

// serve answers with fault f; items is the path's feed.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, f Fault, items []Item) {
	switch f {
	case OK:
		w.Header().Set("Content-Type", rssType)
		_, _ = io.WriteString(w, rss(r.URL.Path, "UTF-8", items))
	case Hang:
		s.wait(r)
	case Stall:
		w.Header().Set("Content-Type", rssType)
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, feedHead)
		_ = http.NewResponseController(w).Flush()
		s.wait(r)
	case Drip:
		s.drip(w, r, rss(r.URL.Path, "UTF-8", items))
	case Reset:
		s.reset(w, rss(r.URL.Path, "UTF-8", items))
	case Status500, Status502, Status503, Status429:
		code, _ := strconv.Atoi(string(f))
		http.Error(w, http.StatusText(code), code)
	case Status503RetryAfter, Status429RetryAfter:
		w.Header().Set("Retry-After", strconv.Itoa(int(s.opts.RetryAfter/time.Second)))
		code, _ := strconv.Atoi(string(f)[:3])
		http.Error(w, http.StatusText(code), code)
	case Status429RetryDate:
		w.Header().Set("Retry-After", s.opts.Now().Add(2*s.opts.RetryAfter).UTC().Format(http.TimeFormat))
		http.Error(w, http.StatusText(http.StatusTooManyRequests), http.StatusTooManyRequests)
	case RedirectLoop:
		next := r.URL.Path + "?hop=1"
		if r.URL.Query().Has("hop") {
			next = r.URL.Path
		}
		http.Redirect(w, r, next, http.StatusFound)
	case RedirectToHTTP:
		http.Redirect(w, r, "http://"+r.Host+Path(OK), http.StatusFound)
	case RedirectToFTP:
		http.Redirect(w, r, "ftp://"+r.Host+"/feed.xml", http.StatusFound)
	case Huge:
		w.Header().Set("Content-Type", rssType)
		w.Header().Set("Content-Length", strconv.FormatInt(s.opts.HugeBytes, 10))
		s.fill(w, r, s.opts.HugeBytes)
	case GzipBomb:
		body := s.gzipBomb()
		w.Header().Set("Content-Type", rssType)
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	case Endless:
		w.Header().Set("Content-Type", rssType)
		s.fill(w, r, -1)
	case CharsetClaimsGBK:
		w.Header().Set("Content-Type", "application/rss+xml; charset=gbk")
		_, _ = io.WriteString(w, rss(r.URL.Path, "GBK", items))
	case CharsetClaimsUTF8:
		doc, err := simplifiedchinese.GBK.NewEncoder().String(rss(r.URL.Path, "UTF-8", items))
		if err != nil { // a title GBK cannot encode: a mistake in the test
			http.Error(w, "faultsrv: encode GBK: "+err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", rssType)
		_, _ = io.WriteString(w, doc)
	case HTMLPage:
		w.Header().Set("Content-Type", htmlType)
		_, _ = io.WriteString(w, errorPage)
	case Image:
		w.Header().Set("Content-Type", "image/png")
		_ = png.Encode(w, image.NewGray(image.Rect(0, 0, 1, 1)))
	case Empty:
		w.Header().Set("Content-Type", rssType)
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(http.StatusOK)
	}
}

// wait blocks until the client goes away or the Server is closed.
func (s *Server) wait(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-s.stop:
	}
}

// drip sends doc one byte per DripEvery, flushing each.
func (s *Server) drip(w http.ResponseWriter, r *http.Request, doc string) {
	w.Header().Set("Content-Type", rssType)
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	_ = rc.Flush()
	t := time.NewTicker(s.opts.DripEvery)
	defer t.Stop()
	for i := range len(doc) {
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		case <-s.stop:
			return
		}
		if _, err := io.WriteString(w, doc[i:i+1]); err != nil {
			return
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}

// reset sends the headers and half of doc on the raw connection, then
// resets it (SO_LINGER 0 makes close send a RST).
func (s *Server) reset(w http.ResponseWriter, doc string) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		http.Error(w, "faultsrv: cannot hijack: "+err.Error(), http.StatusInternalServerError)
		return
	}
	defer conn.Close()
	head := fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", rssType, len(doc))
	n, _ := buf.WriteString(head + doc[:len(doc)/2])
	_ = buf.Flush()
	if cw, ok := w.(*countingWriter); ok {
		cw.count(n)
	}
	time.Sleep(resetPause)
	if tc := tcpConn(conn); tc != nil {
		_ = tc.SetLinger(0)
	}
}

// tcpConn is the TCP connection under conn (under TLS too), or nil.
func tcpConn(conn net.Conn) *net.TCPConn {
	for {
		switch c := conn.(type) {
		case *net.TCPConn:
			return c
		case interface{ NetConn() net.Conn }: // *tls.Conn
			conn = c.NetConn()
		default:
			return nil
		}
	}
}

// fill sends a feed head and then filler, size bytes in all, or forever
// when size < 0, flushing every chunk; it stops when a write fails, the
// client goes away or the Server is closed.
func (s *Server) fill(w http.ResponseWriter, r *http.Request, size int64) {
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	chunk := []byte(feedHead + strings.Repeat("数据", fillerChunk/6))
	filler := bytes.Repeat([]byte("x"), fillerChunk)
	for sent := int64(0); size < 0 || sent < size; {
		select {
		case <-r.Context().Done():
			return
		case <-s.stop:
			return
		default:
		}
		if size >= 0 && int64(len(chunk)) > size-sent {
			chunk = chunk[:size-sent]
		}
		n, err := w.Write(chunk)
		sent += int64(n)
		if err != nil || rc.Flush() != nil {
			return
		}
		chunk = filler
	}
}
