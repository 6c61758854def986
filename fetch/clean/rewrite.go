package clean

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// rewriteLinks resolves the sanitizer's a[href] and img[src] against base,
// drops unusable images, sets rel on links (see fixLink, fixImage) and
// closes every element left open, so that markup appended to the result
// (a story's "also reported by") stands outside it. It streams (rewrite),
// unless the markup is misnested in a way closer does not follow or is not
// in the form the sanitizer writes; then it builds the tree and renders it
// (rewriteTree), as it always did before.
func rewriteLinks(safe string, base *url.URL) string {
	if out, closed := rewrite(safe, base); closed {
		return out
	}
	return rewriteTree(safe, base)
}

// rewrite copies the sanitizer's markup and re-emits only the a and img
// start tags. Everything else is copied byte for byte: it is the allow-list
// sanitizer's own output, escaped and filtered already. It reads the markup
// with scanTag, not with a tokenizer (which would allocate a 4 KB buffer
// for each fragment), and gives up (closed false) on anything outside the
// sanitizer's form (see the facts in scan.go).
//
// Elements left open at the end are closed when closer can tell exactly
// which they are; closed reports whether it could (every element opened is
// closed again and no formatting element stays active).
func rewrite(safe string, base *url.URL) (out string, closed bool) {
	var b strings.Builder
	b.Grow(outputSize(safe, base))
	var open closer
	var attrs []html.Attribute // scratch, reused for each a and img
	done := 0                  // safe[:done] is written, or dropped
	for i := 0; ; {
		j := strings.IndexByte(safe[i:], '<')
		if j < 0 {
			open.text(safe[i:])
			break
		}
		open.text(safe[i : i+j])
		i += j
		t, ok := scanTag(safe, i)
		if !ok {
			return "", false
		}
		switch {
		case t.end:
			open.end(t.atom)
		case t.atom == atom.A:
			if attrs, ok = appendAttrs(attrs[:0], t.attrs); !ok {
				return "", false
			}
			attrs = fixLink(attrs, base)
			open.start(t.atom)
			b.WriteString(safe[done:i])
			writeTag(&b, "a", attrs, false)
			done = t.next
		case t.atom == atom.Img:
			if attrs, ok = appendAttrs(attrs[:0], t.attrs); !ok {
				return "", false
			}
			b.WriteString(safe[done:i])
			if fixImage(attrs, base) {
				open.start(t.atom)
				writeTag(&b, "img", attrs, true)
			}
			done = t.next
		default:
			if open.start(t.atom) {
				b.WriteString(safe[done:i])
				b.WriteString("</p>")
				done = i
			}
		}
		if open.lost {
			return "", false
		}
		i = t.next
	}
	b.WriteString(safe[done:])
	if !open.finish(&b) {
		return "", false
	}
	return b.String(), true
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
