package cluster

import (
	"bytes"
	"strings"

	"golang.org/x/net/html"
)

// looksHTML reports whether s has markup to strip: a '<' followed by an
// ASCII letter, by '/' and a letter, or by "!--".
func looksHTML(s string) bool {
	for i := 0; ; i++ {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 {
			return false
		}
		i += j
		rest := s[i+1:]
		switch {
		case len(rest) > 0 && isASCIILetter(rest[0]),
			len(rest) > 1 && rest[0] == '/' && isASCIILetter(rest[1]),
			strings.HasPrefix(rest, "!--"):
			return true
		}
	}
}

// isBlockTag reports whether a tag ends a line when converting HTML to
// text.
func isBlockTag(name string) bool {
	switch name {
	case "p", "div", "br", "li", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
		"section", "article", "header", "footer", "ul", "ol", "blockquote", "pre", "hr", "dd", "dt":
		return true
	}
	return false
}

// htmlLines passes the text of an HTML fragment to emit line by line, one
// line per block element, script and style contents dropped: end is true
// for a whole line. A line of long bytes or more is also passed unfinished
// (end false, the same prefix again and longer) each time it doubles, so
// that its head can be used before the rest is read. It stops when emit
// returns false.
//
// The text is what golang.org/x/net/html's tokenizer reads. Sanitized
// article HTML has only text and ordinary tags, which htmlTags reads much
// faster, as the tokenizer would (TestHTMLTags); anything else goes to
// the tokenizer.
func htmlLines(s string, long int, emit func(line []byte, end bool) bool) {
	l := liner{line: make([]byte, 0, min(len(s), 1<<10)), next: long, long: long, emit: emit}
	if htmlTags(s, nil, nil) {
		htmlTags(s, func(t string) bool { return lineText(&l, t) }, func(name string, _ bool) bool {
			return !isBlockTag(name) || l.end()
		})
		l.end()
		return
	}
	tokenLines(s, &l)
}

// tokenLines is htmlLines by the tokenizer.
func tokenLines(s string, l *liner) {
	z := html.NewTokenizer(strings.NewReader(s))
	skip := 0
	for {
		switch tt := z.Next(); tt {
		case html.ErrorToken:
			l.end()
			return
		case html.TextToken:
			if skip == 0 && !lineText(l, z.Text()) {
				return
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			if string(name) == "script" || string(name) == "style" {
				if tt == html.StartTagToken {
					skip++
				} else if skip > 0 {
					skip--
				}
				continue
			}
			if isBlockTag(string(name)) && !l.end() {
				return
			}
		}
	}
}

// liner builds the lines of htmlLines.
type liner struct {
	line       []byte
	next, long int // length of the line at which to pass it unfinished
	emit       func(line []byte, end bool) bool
}

// lineText adds text to the line, passing each line it ends; it returns
// false when emit does.
func lineText[T string | []byte](l *liner, t T) bool {
	for {
		i := indexNewline(t)
		if i < 0 {
			break
		}
		l.line = append(l.line, t[:i]...)
		if !l.end() {
			return false
		}
		t = t[i+1:]
	}
	l.line = append(l.line, t...)
	if len(l.line) >= l.next {
		if !l.emit(l.line, false) {
			return false
		}
		l.next = 2 * len(l.line)
	}
	return true
}

// indexNewline is bytes.IndexByte(t, '\n') for either type: []byte(t) of a
// string allocated a copy of each text run in the generic lineText.
func indexNewline[T string | []byte](t T) int {
	switch v := any(t).(type) {
	case string:
		return strings.IndexByte(v, '\n')
	case []byte:
		return bytes.IndexByte(v, '\n')
	}
	return -1
}

// end passes the line, whole, and starts the next one.
func (l *liner) end() bool {
	ok := l.emit(l.line, true)
	l.line, l.next = l.line[:0], l.long
	return ok
}

// htmlTags reads s as golang.org/x/net/html's tokenizer does when s holds
// only text and ordinary tags, calling text with each text token,
// unescaped, and tag with each tag's lower-cased name (end: an end tag).
// It returns false (after calls or not) at anything else: a comment,
// doctype or processing instruction, "</" and no letter, a raw-text
// element (script, style, title, textarea…), a tag the text ends in, a
// carriage return or NUL (which the tokenizer converts). With nil
// functions it only checks; a function returning false stops it.
func htmlTags(s string, text func(string) bool, tag func(name string, end bool) bool) bool {
	if strings.IndexByte(s, '\r') >= 0 || strings.IndexByte(s, 0) >= 0 {
		return false
	}
	start := 0 // of the pending text token
	for i := 0; ; {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 || i+j+1 >= len(s) {
			break // a '<' at the very end is text
		}
		i += j
		end := false
		switch c := s[i+1]; {
		case isASCIILetter(c):
		case c == '/' && i+2 < len(s) && isASCIILetter(s[i+2]):
			end = true
		case c == '/' || c == '!' || c == '?':
			return false
		default:
			i++ // a '<' of the text
			continue
		}
		if text != nil && start < i && !text(unescape(s[start:i])) {
			return true
		}
		from := i + 1
		if end {
			from++
		}
		name, next, ok := readTag(s, from)
		if !ok || !end && rawTag(name) {
			return false
		}
		if tag != nil {
			if name != "script" && name != "style" && !tag(name, end) { // a stray </script> has no effect
				return true
			}
		}
		i, start = next, next
	}
	if text != nil && start < len(s) {
		text(unescape(s[start:]))
	}
	return true
}

// unescape is html.UnescapeString, which decodes every rune looking for
// an '&'.
func unescape(s string) string {
	if strings.IndexByte(s, '&') < 0 {
		return s
	}
	return html.UnescapeString(s)
}

// readTag reads a tag from the first letter of its name at i to the '>'
// that ends it, as the tokenizer's readTag does, returning the lower-cased
// name and the index after the '>'; ok is false when s ends first.
func readTag(s string, i int) (name string, next int, ok bool) {
	j := i + 1
	for ; ; j++ { // readTagName
		if j >= len(s) {
			return "", 0, false
		}
		if c := s[j]; isHTMLSpace(c) || c == '/' || c == '>' {
			name = asciiLower(s[i:j])
			if isHTMLSpace(c) {
				j++
			}
			break
		}
	}
	for {
		if j = skipHTMLSpace(s, j); j >= len(s) {
			return "", 0, false
		}
		if s[j] == '>' {
			return name, j + 1, true
		}
		for k := j; ; { // readTagAttrKey: an '=' first is part of the key
			if j >= len(s) {
				return "", 0, false
			}
			c := s[j]
			if c == '=' && j > k || isHTMLSpace(c) || c == '/' || c == '>' {
				break
			}
			j++
		}
		if j = skipHTMLSpace(s, j); j >= len(s) { // readTagAttrVal
			return "", 0, false
		}
		switch c := s[j]; c {
		case '/':
			j++
			continue
		case '=':
		default:
			continue
		}
		if j = skipHTMLSpace(s, j+1); j >= len(s) {
			return "", 0, false
		}
		switch q := s[j]; q {
		case '>':
		case '\'', '"':
			e := strings.IndexByte(s[j+1:], q)
			if e < 0 {
				return "", 0, false
			}
			j += e + 2
		default:
			for j++; ; j++ {
				if j >= len(s) {
					return "", 0, false
				}
				if c := s[j]; isHTMLSpace(c) {
					j++
					break
				} else if c == '>' {
					break
				}
			}
		}
	}
}

// rawTag reports whether a start tag makes the tokenizer read what
// follows as raw text.
func rawTag(name string) bool {
	switch name {
	case "iframe", "noembed", "noframes", "noscript", "plaintext", "script", "style", "textarea", "title", "xmp":
		return true
	}
	return false
}

// asciiLower lower-cases the ASCII letters of s, as the tokenizer does
// tag names.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; 'A' <= c && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

func isHTMLSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' }

func skipHTMLSpace(s string, j int) int {
	for j < len(s) && isHTMLSpace(s[j]) {
		j++
	}
	return j
}
