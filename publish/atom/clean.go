package atom

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Patterns of RFC 4287's RELAX NG types (XSD patterns are anchored and
// their "." matches anything but CR and LF).
var (
	langPattern  = regexp.MustCompile(`^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$`)
	mediaPattern = regexp.MustCompile(`^[^\r\n]+/[^\r\n]+$`)
	emailPattern = regexp.MustCompile(`^[^\r\n]+@[^\r\n]+$`)
)

// xmlChar reports whether r may appear in an XML 1.0 document.
func xmlChar(r rune) bool {
	switch {
	case r == '\t', r == '\n', r == '\r':
		return true
	case r >= 0x20 && r <= 0xD7FF:
		return true
	case r >= 0xE000 && r <= 0xFFFD:
		return true
	default:
		return r >= 0x10000 && r <= utf8.MaxRune
	}
}

// Clean drops invalid UTF-8 and every character XML 1.0 forbids, so that s
// can be written into any XML document (Atom, RSS).
func Clean(s string) string {
	ok := true
	for _, r := range s {
		if !xmlChar(r) || r == utf8.RuneError {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	s = strings.ToValidUTF8(s, "")
	return strings.Map(func(r rune) rune {
		if xmlChar(r) {
			return r
		}
		return -1
	}, s)
}

// isIRI reports whether s is an absolute IRI: a scheme (RFC 3986 section
// 3.1), a colon and a non-empty rest with no white space or characters that
// IRIs exclude.
func isIRI(s string) bool {
	scheme, rest, found := strings.Cut(s, ":")
	if !found || scheme == "" || rest == "" {
		return false
	}
	for i, r := range scheme {
		alpha := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if !alpha && (i == 0 || !(r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.')) {
			return false
		}
	}
	return !strings.ContainsFunc(rest, func(r rune) bool {
		return r <= 0x20 || r == 0x7F || strings.ContainsRune(`<>"{}|\^`+"`", r)
	})
}

// timestamp renders t as an RFC 3339 date in UTC.
func timestamp(t time.Time) string {
	return t.UTC().Format(time.RFC3339)
}

// optional returns Clean(s) when it matches re, else "".
func optional(s string, re *regexp.Regexp) string {
	s = Clean(s)
	if !re.MatchString(s) {
		return ""
	}
	return s
}
