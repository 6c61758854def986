package faultsrv

import "slices"

// Fault is one way an upstream misbehaves. Its value is also the last
// segment of the path that always shows it: "/fault/" + string(f).
type Fault string

// The faults. OK is not one: it serves the path's feed.
const (
	OK Fault = "ok" // 200 with the path's RSS feed, UTF-8

	Hang  Fault = "hang"  // reads the request and never answers
	Stall Fault = "stall" // 200, headers and the first bytes of a feed, then nothing
	Drip  Fault = "drip"  // 200, then the feed one byte per Options.DripEvery
	Reset Fault = "reset" // 200, headers and half the feed, then a TCP RST

	Status500           Fault = "500"             // 500 Internal Server Error
	Status502           Fault = "502"             // 502 Bad Gateway
	Status503           Fault = "503"             // 503 without Retry-After
	Status429           Fault = "429"             // 429 without Retry-After
	Status503RetryAfter Fault = "503-retry-after" // 503, Retry-After: Options.RetryAfter in seconds
	Status429RetryAfter Fault = "429-retry-after" // 429, Retry-After: Options.RetryAfter in seconds
	Status429RetryDate  Fault = "429-retry-date"  // 429, Retry-After: an HTTP date Options.RetryAfter*2 ahead

	RedirectLoop   Fault = "redirect-loop"    // 302 to path?hop=1, which 302s back to path
	RedirectToHTTP Fault = "redirect-to-http" // 302 to http://same-host/fault/ok: a downgrade when served over TLS
	RedirectToFTP  Fault = "redirect-to-ftp"  // 302 to ftp://same-host/feed.xml

	Huge     Fault = "huge"      // 200, Content-Length Options.HugeBytes (2 GiB), body generated lazily
	GzipBomb Fault = "gzip-bomb" // 200, gzip: about 1 KiB on the wire per MiB, Options.BombBytes decoded
	Endless  Fault = "endless"   // 200, chunked, a feed that never ends

	CharsetClaimsGBK  Fault = "charset-claims-gbk"  // the feed in UTF-8, but the header and prolog say GBK
	CharsetClaimsUTF8 Fault = "charset-claims-utf8" // the feed in GBK, but the header and prolog say UTF-8

	HTMLPage Fault = "html"  // 200 text/html: a portal's error page
	Image    Fault = "image" // 200 image/png: a 1x1 PNG
	Empty    Fault = "empty" // 200 with an empty body
)

// allFaults lists every Fault but OK, in the order of the constants.
var allFaults = [...]Fault{
	Hang, Stall, Drip, Reset,
	Status500, Status502, Status503, Status429, Status503RetryAfter, Status429RetryAfter, Status429RetryDate,
	RedirectLoop, RedirectToHTTP, RedirectToFTP,
	Huge, GzipBomb, Endless,
	CharsetClaimsGBK, CharsetClaimsUTF8,
	HTMLPage, Image, Empty,
}

// Faults returns every Fault but OK.
func Faults() []Fault { return slices.Clone(allFaults[:]) }

// Path is the path that always shows f, whatever was Set.
func Path(f Fault) string { return faultPrefix + string(f) }

// faultPrefix starts the fixed fault paths.
const faultPrefix = "/fault/"

// valid reports whether f is OK or one of the faults.
func (f Fault) valid() bool { return f == OK || slices.Contains(allFaults[:], f) }
