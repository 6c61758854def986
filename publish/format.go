package publish

import "strings"

// format is a syndication format in which every feed is served.
type format uint8

const (
	formatAtom format = iota // Atom 1.0, RFC 4287
	formatRSS                // RSS 2.0
	formatJSON               // JSON Feed 1.1
)

// formats lists every format, Atom first.
var formats = [...]format{formatAtom, formatRSS, formatJSON}

// ext is the file extension of f, without the dot.
func (f format) ext() string {
	switch f {
	case formatRSS:
		return "rss"
	case formatJSON:
		return "json"
	default:
		return "atom"
	}
}

// mediaType is the registered media type of f.
func (f format) mediaType() string {
	switch f {
	case formatRSS:
		return "application/rss+xml"
	case formatJSON:
		return "application/feed+json"
	default:
		return "application/atom+xml"
	}
}

// contentType is the Content-Type header of a document in f.
func (f format) contentType() string {
	return f.mediaType() + "; charset=utf-8"
}

// cutFormat splits a file name such as "cq.atom" into its base name and
// format. It fails for an unknown extension or an empty base name.
func cutFormat(file string) (string, format, bool) {
	i := strings.LastIndexByte(file, '.')
	if i <= 0 {
		return "", 0, false
	}
	for _, f := range formats {
		if file[i+1:] == f.ext() {
			return file[:i], f, true
		}
	}
	return "", 0, false
}
