package config

import (
	"bytes"
	"regexp"
	"strings"
	"unicode/utf8"
)

// unknownAnchor finds the anchor name in yaml.v3's error about an alias
// to an anchor that is not defined.
var unknownAnchor = regexp.MustCompile(`unknown anchor '(.*)' referenced`)

// guessLine returns the 1-based line of b that a yaml.v3 error message
// without a line is about. yaml.v3 leaves the line out when it is the
// first one, and for problems it has no position for: bytes that are not
// UTF-8, control characters and aliases to unknown anchors, which are
// found here. Anything else is on line 1.
func guessLine(b []byte, msg string) int {
	off := -1
	switch {
	case strings.Contains(msg, "UTF-8") || strings.Contains(msg, "UTF-16"):
		off = invalidUTF8(b)
	case strings.Contains(msg, "control characters"):
		off = bytes.IndexFunc(b, notYAMLPrintable)
	default:
		if m := unknownAnchor.FindStringSubmatch(msg); m != nil {
			off = bytes.Index(b, []byte("*"+m[1]))
		}
	}
	if off < 0 {
		return 1
	}
	return bytes.Count(b[:off], []byte("\n")) + 1
}

// notYAMLPrintable reports whether YAML forbids r in a document (YAML 1.2
// section 5.1: c-printable).
func notYAMLPrintable(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r' || r == 0x85:
		return false
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
		return true
	}
	return r == 0xfffe || r == 0xffff
}

// invalidUTF8 returns the offset of the first byte of b that is not part
// of a UTF-8 sequence, or -1.
func invalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}
