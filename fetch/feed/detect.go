package feed

import (
	"bytes"
	"net/http"
	"regexp"
	"strings"
)

// kind is what the first bytes of a body look like.
type kind int

const (
	kindOther kind = iota // not a feed; why says what it looks like
	kindXML               // an XML document with a feed root element
	kindJSON              // a JSON object
)

// rootRe finds the first element name after the prolog, comments,
// processing instructions and a doctype.
var rootRe = regexp.MustCompile(`^(?s:\s+|<\?.*?\?>|<!--.*?-->|<!(?i:doctype)[^>]*>)*<([A-Za-z_][\w.:-]*)`)

// sniff says whether a body, decoded to UTF-8, can be a feed and, either
// way, why. raw is the body as fetched, for recognising binary types.
func sniff(b, raw []byte) (kind, string) {
	t := bytes.TrimLeft(b, " \t\r\n")
	switch {
	case len(t) == 0:
		return kindOther, "empty body"
	case t[0] == '{':
		return kindJSON, "looks like JSON"
	case t[0] == '[':
		return kindOther, "looks like a JSON array"
	case t[0] != '<':
		ct := http.DetectContentType(bytes.TrimLeft(raw, " \t\r\n"))
		if i := strings.IndexByte(ct, ';'); i >= 0 {
			ct = ct[:i]
		}
		return kindOther, "looks like " + ct
	}
	head := t[:min(len(t), 64<<10)]
	if bytes.HasPrefix(bytes.ToLower(head[:min(len(head), 14)]), []byte("<!doctype html")) {
		return kindOther, "looks like HTML"
	}
	m := rootRe.FindSubmatch(head)
	if m == nil {
		return kindXML, "no root element" // let gofeed report the syntax error
	}
	name := strings.ToLower(string(m[1]))
	local := name[strings.LastIndexByte(name, ':')+1:]
	switch local {
	case "rss", "feed", "rdf":
		return kindXML, "<" + string(m[1]) + "> root"
	case "html", "head", "body", "div", "p", "script", "meta", "title":
		return kindOther, "looks like HTML"
	}
	return kindOther, "root element <" + string(m[1]) + "> is not rss, feed or rdf:RDF"
}

// itemElementRe finds an <item> or <entry> start tag, with any prefix.
var itemElementRe = regexp.MustCompile(`<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)[\s/>]`)

// hasItemElements reports whether an XML document, decoded to UTF-8, has
// an element named item or entry. When gofeed reads no item from such a
// document, its items sit in a namespace the format does not use, and the
// fetch must fail rather than look like an empty feed.
func hasItemElements(b []byte) bool {
	return itemElementRe.Match(b)
}
