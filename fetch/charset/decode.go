package charset

import (
	"bytes"
	"fmt"
	"mime"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/text/encoding/unicode"
)

// metaScanBytes is how far into a page DecodeHTML looks for a <meta>
// charset. Browsers stop at 1024 bytes; government templates put kilobytes
// of comments and scripts first.
const metaScanBytes = 64 << 10

// DecodeXML converts a feed body to UTF-8. The encoding comes from, in
// order: a byte order mark (or UTF-16 without one, recognised by "<?"); the
// XML prolog's encoding="..."; the Content-Type charset; UTF-8 if the bytes
// are valid UTF-8; else GB18030. When the prolog and the header disagree,
// the first under which the body decodes without errors wins, and the rules
// of the package doc let the bytes overrule both. The result has its BOM
// removed and the prolog's encoding declaration rewritten to UTF-8, so an
// XML decoder does not decode it again; it may share memory with body. The
// string is the canonical name of the encoding used ("utf-8", "gb18030",
// "big5", ...).
func DecodeXML(body []byte, contentType string) ([]byte, string, error) {
	e, rest, ok := fixedEncoding(body)
	if !ok {
		var d declared
		d.add(prologEncoding(body))
		d.add(contentTypeCharset(contentType))
		var err error
		if e, err = choose(body, d); err != nil {
			return nil, "", fmt.Errorf("xml: %w", err)
		}
	}
	out, err := decode(e, rest)
	if err != nil {
		return nil, "", err
	}
	return rewriteProlog(out), e.name, nil
}

// DecodeHTML converts a page body to UTF-8. The encoding comes from, in
// order: forced (a source's configured label, which always wins); a byte
// order mark; a <meta charset> or <meta http-equiv="Content-Type"> anywhere
// in the first 64 KiB (outside comments and scripts); the Content-Type
// charset; UTF-8 if the bytes are valid UTF-8; else GB18030, with the rules
// of the package doc letting the bytes overrule a declaration. The result
// has its BOM removed and may share memory with body. The string is the
// canonical name of the encoding used.
func DecodeHTML(body []byte, contentType, forced string) ([]byte, string, error) {
	var e enc
	rest := body
	if strings.TrimSpace(forced) != "" {
		var ok bool
		if e, ok = lookup(forced); !ok {
			return nil, "", fmt.Errorf("forced %w %q", ErrUnknownCharset, forced)
		}
		if b, n, ok := bom(body); ok && b.name == e.name {
			rest = body[n:]
		}
	} else if b, n, ok := bom(body); ok {
		e, rest = b, body[n:]
	} else {
		var d declared
		d.add(metaCharset(body))
		d.add(contentTypeCharset(contentType))
		var err error
		if e, err = choose(body, d); err != nil {
			return nil, "", fmt.Errorf("html: %w", err)
		}
	}
	out, err := decode(e, rest)
	if err != nil {
		return nil, "", err
	}
	return out, e.name, nil
}

// fixedEncoding recognises encodings that need no declaration: a BOM, or
// UTF-16 text starting with "<?" and no BOM. It returns the body without
// the BOM.
func fixedEncoding(body []byte) (enc, []byte, bool) {
	if e, n, ok := bom(body); ok {
		return e, body[n:], true
	}
	switch {
	case bytes.HasPrefix(body, []byte{'<', 0, '?', 0}):
		return enc{"utf-16le", unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)}, body, true
	case bytes.HasPrefix(body, []byte{0, '<', 0, '?'}):
		return enc{"utf-16be", unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)}, body, true
	}
	return enc{}, body, false
}

// prologRe matches the encoding declaration of an XML prolog: group 1 is
// everything up to the opening quote, group 2 the label.
var prologRe = regexp.MustCompile(`^(\s*<\?xml\s[^>]*?\bencoding\s*=\s*["'])([^"']*)["']`)

// prologEncoding returns the label of the XML prolog's encoding="...".
func prologEncoding(body []byte) string {
	head := body[:min(len(body), 512)]
	if m := prologRe.FindSubmatch(head); m != nil {
		return string(m[2])
	}
	return ""
}

// rewriteProlog replaces the prolog's encoding label with UTF-8.
func rewriteProlog(b []byte) []byte {
	head := b[:min(len(b), 512)]
	m := prologRe.FindSubmatchIndex(head)
	if m == nil || strings.EqualFold(string(b[m[4]:m[5]]), "utf-8") {
		return b
	}
	out := make([]byte, 0, len(b)+8)
	out = append(out, b[:m[4]]...)
	out = append(out, "UTF-8"...)
	return append(out, b[m[5]:]...)
}

// charsetParamRe finds a charset parameter when mime cannot parse the
// whole header ("text/html; charset=gb2312;;").
var charsetParamRe = regexp.MustCompile(`(?i)charset\s*=\s*["']?([\w.:-]+)`)

// contentTypeCharset returns the charset parameter of a Content-Type value.
func contentTypeCharset(ct string) string {
	if ct == "" {
		return ""
	}
	if _, params, err := mime.ParseMediaType(ct); err == nil {
		return params["charset"]
	}
	if m := charsetParamRe.FindStringSubmatch(ct); m != nil {
		return m[1]
	}
	return ""
}

// metaCharset returns the charset declared by the first <meta> that
// declares one in the first metaScanBytes of an HTML page. The tokenizer
// skips comments and script text, so a commented-out meta does not count.
func metaCharset(body []byte) string {
	z := html.NewTokenizer(bytes.NewReader(body[:min(len(body), metaScanBytes)]))
	for {
		switch z.Next() {
		case html.ErrorToken: // io.EOF or a tokenizer error
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			name, more := z.TagName()
			if string(name) != "meta" || !more {
				continue
			}
			var cs, equiv, content string
			for more {
				var k, v []byte
				k, v, more = z.TagAttr()
				switch string(k) {
				case "charset":
					cs = string(v)
				case "http-equiv":
					equiv = string(v)
				case "content":
					content = string(v)
				}
			}
			if cs != "" {
				return cs
			}
			if strings.EqualFold(strings.TrimSpace(equiv), "content-type") {
				if c := contentTypeCharset(content); c != "" {
					return c
				}
			}
		}
	}
}
