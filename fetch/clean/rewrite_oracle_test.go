package clean

import (
	"errors"
	"io"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// rewriteTokens is rewrite as it was before scanTag: it reads safe with
// the html package's Tokenizer, which accepts any markup. It is the oracle
// that rewrite must match, byte for byte, wherever rewrite does not give
// up (FuzzRewriteScanner).
func rewriteTokens(safe string, base *url.URL) (out string, closed bool) {
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
			open.text(string(raw))
			b.Write(raw)
		default: // comments and doctypes: the policy lets none through
			open.lost = true
			b.Write(z.Raw())
		}
	}
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

func TestTagAtom(t *testing.T) {
	tests := map[string]atom.Atom{
		`a href="x">`:  atom.A,
		`A>`:           atom.A,
		`img/>`:        atom.Img,
		"IMG\tsrc=x>":  atom.Img,
		`abbr>`:        atom.Abbr,
		`figcaption>`:  atom.Figcaption,
		`blockquotex>`: 0,
		"a\x00>":       0,
		``:             0,
		`p`:            atom.P,
	}
	for in, want := range tests {
		if got := tagAtom([]byte(in)); got != want {
			t.Errorf("tagAtom(%q) = %v, want %v", in, got, want)
		}
	}
}
