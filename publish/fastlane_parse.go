package publish

import (
	"bytes"
	"unsafe"

	"golang.org/x/net/http/httpguts"
)

// The request heads the fast lane answers itself, and their parser. It
// accepts a strict subset of what net/http accepts, and reads what it
// accepts as net/http does; anything else, or any doubt, goes to net/http.

// laneRequest is a request head the fast lane answers: a GET or HEAD of
// the combined feed, without a query or a body.
type laneRequest struct {
	head        bool // HEAD, else GET
	format      format
	http10      bool // HTTP/1.0, else HTTP/1.1
	close       bool // the connection closes after the answer
	keepAlive10 bool // an HTTP/1.0 request with Connection: keep-alive
	// Values of the headers the answer depends on, trimmed; nil when
	// absent. They point into the connection's buffer.
	acceptEncoding, ifNoneMatch, ifModifiedSince []byte
	size                                         int // bytes of the head, blank line included
}

// Header fields the fast lane reads, as bits of a set.
const (
	fieldHost = 1 << iota
	fieldAcceptEncoding
	fieldIfNoneMatch
	fieldIfModifiedSince
	fieldConnection
	fieldContentLength
)

// laneLines are the request lines the fast lane answers.
var laneLines = func() []string {
	var lines []string
	for _, m := range []string{"GET", "HEAD"} {
		for _, f := range formats {
			for _, v := range []string{"HTTP/1.1", "HTTP/1.0"} {
				lines = append(lines, m+" /feed."+f.ext()+" "+v+"\r\n")
			}
		}
	}
	return lines
}()

// couldBeLane reports whether b, the start of a request, may still become
// a request the fast lane answers: its first line is one of laneLines, or
// a prefix of one while incomplete.
func couldBeLane(b []byte) bool {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i+1]
	}
	for _, l := range laneLines {
		if len(b) <= len(l) && string(b) == l[:len(b)] {
			return true
		}
	}
	return false
}

// headEnd looks for the end of the request head that starts b, from
// b[from:] (the bytes before were looked at by an earlier call). It
// returns the length of the head, blank line included, or 0 when b holds
// no complete head yet, and where the next call starts. bad is true for a
// line not ended by CRLF (a bare LF, or a CR before anything else), which
// net/http reads but the lane does not.
func headEnd(b []byte, from int) (n, next int, bad bool) {
	for i := from; i < len(b); i++ {
		switch b[i] {
		case '\n':
			if i == 0 || b[i-1] != '\r' {
				return 0, 0, true
			}
			if i >= 3 && b[i-3] == '\r' && b[i-2] == '\n' {
				return i + 1, i + 1, false
			}
		case '\r':
			if i+1 == len(b) {
				return 0, i, false // look again once the next byte is in
			}
			if b[i+1] != '\n' {
				return 0, 0, true
			}
		}
	}
	return 0, len(b), false
}

// parseHead reads head, a complete request head ending in a blank line
// (see headEnd), into req, and reports whether the fast lane answers it.
func parseHead(head []byte, req *laneRequest) bool {
	*req = laneRequest{size: len(head)}
	line, rest, _ := bytes.Cut(head, crlf)
	if !parseRequestLine(line, req) {
		return false
	}
	var seen, keepAlive uint
	for {
		line, rest, _ = bytes.Cut(rest, crlf)
		if len(line) == 0 {
			break // the blank line
		}
		colon := bytes.IndexByte(line, ':')
		if colon < 0 {
			return false
		}
		name, value := line[:colon], line[colon+1:]
		if !httpguts.ValidHeaderFieldName(bytesString(name)) || !httpguts.ValidHeaderFieldValue(bytesString(value)) {
			return false // also an obs-fold line, which starts with a space
		}
		value = trimOWS(value)
		var field uint
		switch {
		case equalFold(name, "host"):
			field = fieldHost
			if !httpguts.ValidHostHeader(bytesString(value)) {
				return false
			}
		case equalFold(name, "accept-encoding"):
			field = fieldAcceptEncoding
			req.acceptEncoding = value
		case equalFold(name, "if-none-match"):
			field = fieldIfNoneMatch
			req.ifNoneMatch = value
		case equalFold(name, "if-modified-since"):
			field = fieldIfModifiedSince
			req.ifModifiedSince = value
		case equalFold(name, "connection"):
			field = fieldConnection
			if !connectionTokens(value, &req.close, &keepAlive) {
				return false
			}
		case equalFold(name, "content-length"):
			field = fieldContentLength
			if string(value) != "0" {
				return false
			}
		case equalFold(name, "transfer-encoding"), equalFold(name, "expect"),
			equalFold(name, "upgrade"), equalFold(name, "trailer"):
			return false // a body, an interim answer or another protocol
		}
		if field != 0 {
			if seen&field != 0 || !isASCII(value) {
				return false // net/http would read the first of two values, or refuse
			}
			seen |= field
		}
	}
	if !req.http10 && seen&fieldHost == 0 {
		return false // net/http answers 400
	}
	if req.http10 {
		// As net/http: HTTP/1.0 closes unless the client asks for
		// keep-alive.
		req.keepAlive10 = keepAlive != 0
		req.close = !req.keepAlive10
	}
	return true
}

// crlf ends every line of a head.
var crlf = []byte("\r\n")

// parseRequestLine reads a request line without its CRLF.
func parseRequestLine(line []byte, req *laneRequest) bool {
	switch {
	case bytes.HasPrefix(line, []byte("GET ")):
		line = line[len("GET "):]
	case bytes.HasPrefix(line, []byte("HEAD ")):
		req.head = true
		line = line[len("HEAD "):]
	default:
		return false
	}
	path, proto := line, []byte(nil)
	if i := bytes.IndexByte(line, ' '); i >= 0 {
		path, proto = line[:i], line[i+1:]
	}
	f, ok := combinedFormat(bytesString(path))
	if !ok {
		return false
	}
	req.format = f
	switch string(proto) {
	case "HTTP/1.1":
	case "HTTP/1.0":
		req.http10 = true
	default:
		return false
	}
	return true
}

// connectionTokens reads a Connection header value, a comma-separated list
// of tokens: it sets *close for "close" and *keepAlive for "keep-alive"
// (case-insensitive), and fails for anything but tokens or for both.
func connectionTokens(v []byte, close *bool, keepAlive *uint) bool {
	for len(v) > 0 {
		t := v
		if i := bytes.IndexByte(v, ','); i >= 0 {
			t, v = v[:i], v[i+1:]
		} else {
			v = nil
		}
		switch t = trimOWS(t); {
		case len(t) == 0: // empty list elements are allowed
		case !httpguts.ValidHeaderFieldName(bytesString(t)):
			return false
		case equalFold(t, "close"):
			*close = true
		case equalFold(t, "keep-alive"):
			*keepAlive = 1
		}
	}
	return !(*close && *keepAlive != 0)
}

// isASCII reports whether b has no byte above 0x7e.
func isASCII(b []byte) bool {
	for _, c := range b {
		if c > '~' {
			return false
		}
	}
	return true
}

// equalFold reports whether b equals lower, a lower-case ASCII string,
// ignoring ASCII case.
func equalFold(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// bytesString returns b as a string without copying it. The string must
// not be kept beyond the call it is passed to, nor b changed meanwhile:
// the lane uses it to hand header values in its read buffer to functions
// that take strings (negotiate, httpguts) without allocating.
func bytesString(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// trimOWS trims spaces and tabs at both ends of b, as net/http does. Not
// bytes.Trim, which returns nil for a value of only white space: the lane
// tells a header sent empty from one not sent by a nil value.
func trimOWS(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}
