package clean

import (
	"errors"
	"io"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// rewriteLinks resolves the sanitizer's a[href] and img[src] against base,
// drops unusable images, sets rel on links (see fixLink, fixImage) and
// closes every element left open, so that markup appended to the result
// (a story's "also reported by") stands outside it. It streams (rewrite),
// unless the markup is misnested in a way closer does not follow; then it
// builds the tree and renders it (rewriteTree), as it always did before.
func rewriteLinks(safe string, base *url.URL) string {
	if out, closed := rewrite(safe, base); closed {
		return out
	}
	return rewriteTree(safe, base)
}

// rewrite copies the sanitizer's markup token by token and re-emits only
// the a and img start tags. Every other token is copied byte for byte: it
// is the allow-list sanitizer's own output, escaped and filtered already.
// Elements left open at the end are closed when closer can tell exactly
// which they are; closed reports whether it could (every element opened is
// closed again and no formatting element stays active). This pass costs
// about 60% of building the tree and rendering it (BenchmarkRewrite).
func rewrite(safe string, base *url.URL) (out string, closed bool) {
	var b strings.Builder
	b.Grow(outputSize(safe, base))
	var open closer
	var attrs []html.Attribute // scratch, reused for each a and img
	z := html.NewTokenizer(strings.NewReader(safe))
	for {
		switch z.Next() {
		case html.ErrorToken:
			if !errors.Is(z.Err(), io.EOF) {
				return "", false
			}
			if !open.finish(&b) {
				return "", false
			}
			return b.String(), true
		case html.StartTagToken, html.SelfClosingTagToken:
			raw := z.Raw()
			switch a := tagAtom(raw[1:]); a {
			case atom.A:
				attrs = fixLink(tagAttrs(z, attrs[:0]), base)
				open.start(a)
				writeTag(&b, "a", attrs, false)
			case atom.Img:
				attrs = tagAttrs(z, attrs[:0])
				if fixImage(attrs, base) {
					open.start(a)
					writeTag(&b, "img", attrs, true)
				}
			default:
				if open.start(a) {
					b.WriteString("</p>")
				}
				b.Write(raw)
			}
		case html.EndTagToken:
			raw := z.Raw()
			open.end(tagAtom(raw[2:]))
			b.Write(raw)
		case html.TextToken:
			raw := z.Raw()
			open.text(raw)
			b.Write(raw)
		default: // comments and doctypes: the policy lets none through
			open.lost = true
			b.Write(z.Raw())
		}
	}
}

// outputSize estimates the length of the rewritten markup: each link gains
// a rel attribute, each link or image at most the base URL, and open
// elements get end tags. Growing the builder once more would copy it all.
func outputSize(safe string, base *url.URL) int {
	per := len(` rel="nofollow noopener"`)
	if base != nil {
		per += len(base.Scheme) + len("://") + len(base.Host) + len(base.Path)
	}
	n := strings.Count(safe, "<a ") + strings.Count(safe, "<img ")
	return len(safe) + n*per + 64
}

// tagAtom returns the atom of the tag name at the start of b (the raw tag
// after "<" or "</"), read as the tokenizer reads it: up to white space,
// "/" or ">", ASCII letters lower-cased. An unknown name gives 0.
func tagAtom(b []byte) atom.Atom {
	var buf [12]byte // longer than every allow-listed name
	n := 0
	for _, c := range b {
		switch c {
		case ' ', '\t', '\n', '\r', '\f', '/', '>':
			return atom.Lookup(buf[:n])
		}
		if n == len(buf) {
			return 0
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[n] = c
		n++
	}
	return atom.Lookup(buf[:n])
}

// tagAttrs appends the current tag's attributes, decoded, to dst.
func tagAttrs(z *html.Tokenizer, dst []html.Attribute) []html.Attribute {
	for more := true; more; {
		var k, v []byte
		k, v, more = z.TagAttr()
		if k == nil {
			break
		}
		dst = append(dst, html.Attribute{Key: atom.String(k), Val: string(v)})
	}
	return dst
}

// writeTag writes a start tag with attrs, values escaped as html.Render
// escapes them; void tags are written self-closed, as html.Render does.
func writeTag(b *strings.Builder, name string, attrs []html.Attribute, void bool) {
	b.WriteByte('<')
	b.WriteString(name)
	for _, a := range attrs {
		b.WriteByte(' ')
		b.WriteString(a.Key)
		b.WriteString(`="`)
		b.WriteString(html.EscapeString(a.Val))
		b.WriteByte('"')
	}
	if void {
		b.WriteString("/>")
	} else {
		b.WriteByte('>')
	}
}

// fixLink resolves href, removes it when the result is not http(s) or
// mailto, drops target and rel, and adds rel="nofollow noopener" to links
// that keep an href. It reuses attrs' storage.
func fixLink(attrs []html.Attribute, base *url.URL) []html.Attribute {
	out := attrs[:0]
	href, ok := "", false
	for _, a := range attrs {
		switch a.Key {
		case "href":
			href, ok = resolve(a.Val, base, "http", "https", "mailto")
		case "rel", "target":
			// replaced below / never kept
		default:
			out = append(out, a)
		}
	}
	if ok {
		out = append(out, html.Attribute{Key: "href", Val: href}, html.Attribute{Key: "rel", Val: "nofollow noopener"})
	}
	return out
}

// fixImage resolves src in place and reports whether the image may stay:
// its (last) src is an http(s) URL, or relative when there is no base.
func fixImage(attrs []html.Attribute, base *url.URL) bool {
	keep := false
	for i, a := range attrs {
		if a.Key == "src" {
			attrs[i].Val, keep = resolve(a.Val, base, "http", "https")
		}
	}
	return keep
}

// resolve cleans raw as a browser would (tab and newline removed, C0
// controls and spaces trimmed), resolves it against base and reports
// whether the result is usable: one of schemes, or relative when there is
// no base.
func resolve(raw string, base *url.URL, schemes ...string) (string, bool) {
	raw = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, raw)
	raw = strings.TrimFunc(raw, func(r rune) bool { return r <= ' ' })
	if raw == "" {
		return "", false
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", false
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme == "" {
		// Only possible without a base: a relative reference is harmless.
		return u.String(), true
	}
	for _, s := range schemes {
		if scheme == s {
			if (s == "http" || s == "https") && u.Host == "" {
				return "", false
			}
			return u.String(), true
		}
	}
	return "", false
}
