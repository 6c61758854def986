package clean

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The scanner reads only the allow-list sanitizer's own output, which is a
// narrow, regular language. rewrite relies on these facts about
// bluemonday v1.0.27 (sanitize.go) with golang.org/x/net/html v0.62.0
// (token.go, escape.go):
//
//  1. No comments or doctypes: doctype tokens are dropped (sanitize.go
//     239-247) and comments are written only when the policy allows them
//     (249-255), which NewSanitizer does not.
//  2. Text is written as token.String() (443), which is EscapeString of
//     the decoded text (token.go 104-105): every "<", ">", "&", "'", `"`
//     and "\r" is escaped (escape.go 314-349), so a "<" always starts a
//     tag and every "&" starts one of &amp; &#39; &lt; &gt; &#34; &#13;.
//  3. Every tag is written as token.String() (307, 367, 412): "<" name,
//     then for each attribute a space, the key, `="`, the value escaped as
//     in 2 and `"` (token.go 84-97), then ">" ("/>" for a self-closing
//     tag, "</" name ">" for an end tag; token.go 106-111). Only names in
//     the policy's element map get there (272-288, 341, 385-398; the
//     policy has no element regexps), as the tokenizer's lower-cased
//     names; keys are the policy's lower-case attribute names
//     (sanitizeAttrs, 290, 400); and names, keys and values hold no NUL
//     (token.go 1227, 1245-1246 replace it). So a value holds no `"` and
//     no ">", and the first `"` after `="` ends it.
//  4. End tags carry no attributes: the tokenizer keeps none for them
//     (token.go 1120, readTag(false)), so bluemonday writes "</name>".
//  5. A start tag's attributes are distinct: the tokenizer drops repeated
//     keys (token.go 905-908) and sanitizeAttrs adds none for this policy
//     (no nofollow, target or crossorigin options are set).
//
// scanTag accepts exactly that form and nothing else. Within it the
// tokenizer (which rewrite used before) reads the same tokens: the name up
// to " ", "/" or ">", each quoted value up to the next `"`; and a value
// whose only "&"s are those of 2, with no "\r", decodes by
// html.UnescapeString to what the tokenizer's attribute-mode unescaping
// gives. Anything else, from a "<!" to a tag without its ">", makes
// rewrite give up, and rewriteLinks falls back to the parser's tree.
// FuzzRewriteScanner checks both: that the scanner accepts whatever the
// policy writes, and that it then matches the tokenizer byte for byte.

// tag is one tag of the sanitizer's markup as scanTag reads it.
type tag struct {
	atom  atom.Atom // the name's atom, 0 for a name that has none
	end   bool      // an end tag
	attrs string    // the attributes, each ` key="value"`, or ""
	next  int       // the index just past the closing ">"
}

// scanTag reads the tag that starts at s[i] (a "<") in the form of fact 3
// above. ok is false for anything else.
func scanTag(s string, i int) (t tag, ok bool) {
	k := i + 1
	if k < len(s) && s[k] == '/' {
		t.end = true
		k++
	}
	name := k
	for k < len(s) && ('a' <= s[k] && s[k] <= 'z' || k > name && '0' <= s[k] && s[k] <= '9') {
		k++
	}
	if k == name || k-name > maxName {
		return tag{}, false
	}
	t.atom = atom.Lookup([]byte(s[name:k])) // not copied: the conversion does not escape
	if t.end {
		if k < len(s) && s[k] == '>' {
			t.next = k + 1
			return t, true
		}
		return tag{}, false
	}
	attrs := k
	for k < len(s) {
		switch s[k] {
		case '>':
			t.attrs, t.next = s[attrs:k], k+1
			return t, true
		case '/':
			if k+1 < len(s) && s[k+1] == '>' {
				t.attrs, t.next = s[attrs:k], k+2
				return t, true
			}
			return tag{}, false
		case ' ':
			k++
		default:
			return tag{}, false
		}
		key := k
		for k < len(s) && isKeyByte(s[k]) {
			k++
		}
		if k == key || k+1 >= len(s) || s[k] != '=' || s[k+1] != '"' {
			return tag{}, false
		}
		q := strings.IndexByte(s[k+2:], '"')
		if q < 0 {
			return tag{}, false
		}
		k += 2 + q + 1
	}
	return tag{}, false // no ">"
}

// maxName is longer than every allow-listed element name.
const maxName = 12

// isKeyByte reports the bytes scanTag accepts in an attribute key: those
// of the policy's keys, read the same by the tokenizer.
func isKeyByte(c byte) bool {
	return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-'
}

// appendAttrs appends the attributes of a tag scanTag accepted, values
// decoded, to dst, skipping a key already seen as the tokenizer does. ok
// is false when a value holds anything fact 2 rules out (a "\r" or a NUL,
// or an "&" that does not start one of escape's references), where the
// tokenizer could decode it differently.
func appendAttrs(dst []html.Attribute, attrs string) (_ []html.Attribute, ok bool) {
	first := len(dst)
	for attrs != "" {
		attrs = attrs[1:] // the space
		eq := strings.IndexByte(attrs, '=')
		key := attrs[:eq]
		attrs = attrs[eq+2:] // `="`
		q := strings.IndexByte(attrs, '"')
		val := attrs[:q]
		attrs = attrs[q+1:]
		if !plainValue(val) {
			return dst, false
		}
		if seen(dst[first:], key) {
			continue
		}
		dst = append(dst, html.Attribute{Key: key, Val: html.UnescapeString(val)})
	}
	return dst, true
}

// seen reports whether attrs has key.
func seen(attrs []html.Attribute, key string) bool {
	for _, a := range attrs {
		if a.Key == key {
			return true
		}
	}
	return false
}

// plainValue reports whether v, an attribute value, is escaped as escape
// (x/net/html escape.go) escapes: no "\r" or NUL, and each "&" starts one
// of the references it writes.
func plainValue(v string) bool {
	if strings.IndexByte(v, '\r') >= 0 || strings.IndexByte(v, 0) >= 0 {
		return false
	}
	for {
		i := strings.IndexByte(v, '&')
		if i < 0 {
			return true
		}
		v = v[i:]
		n := escapeLen(v)
		if n == 0 {
			return false
		}
		v = v[n:]
	}
}

// escapeLen returns the length of the reference escape writes that v
// starts with, or 0.
func escapeLen(v string) int {
	for _, ref := range [...]string{"&amp;", "&lt;", "&gt;", "&#34;", "&#39;", "&#13;"} {
		if strings.HasPrefix(v, ref) {
			return len(ref)
		}
	}
	return 0
}
