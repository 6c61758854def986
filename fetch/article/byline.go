package article

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// valueStops end a labelled value such as the one after 来源： on a byline
// that carries several fields or a widget.
var valueStops = []string{"【", "[", "|", "｜", "（", "("}

// nextFieldRe finds the next "Label:" field after a Latin value.
var nextFieldRe = regexp.MustCompile(`\s+[\p{L}]+\s*[:：]`)

// byline finds the value of a visible "label:" field such as 来源 or 作者:
// first on the lines outside the body, then on short lines inside it that
// start with the label. It returns the value and its line's element.
func byline(outside, inside []line, l label) (string, *html.Node) {
	for _, set := range []struct {
		ls     []line
		strict bool
	}{{outside, false}, {inside, true}} {
		for i, ln := range set.ls {
			if set.strict && utf8.RuneCountInString(ln.text) > 80 {
				continue
			}
			for _, rest := range afterLabel(ln.text, l, set.strict) {
				if rest == "" && i+1 < len(set.ls) && utf8.RuneCountInString(set.ls[i+1].text) <= 40 {
					rest = set.ls[i+1].text // <dt>来源：</dt><dd>新华社</dd>
				}
				if v := cutValue(rest); v != "" {
					return v, ln.block
				}
			}
		}
	}
	return "", nil
}

// cutValue returns the field value at the start of s (a collapsed line),
// at most 40 runes: up to a widget bracket or separator, and, for a Chinese
// value, up to the first space, where the next field of a byline starts
// (来源：四川日报 作者：…); a Latin value may hold spaces.
func cutValue(s string) string {
	end := len(s)
	for _, stop := range valueStops {
		if i := strings.Index(s, stop); i >= 0 && i < end {
			end = i
		}
	}
	v := strings.TrimSpace(s[:end])
	if r, _ := utf8.DecodeRuneInString(v); unicode.Is(unicode.Han, r) {
		if i := strings.IndexByte(v, ' '); i >= 0 {
			v = v[:i]
		}
	} else if loc := nextFieldRe.FindStringIndex(v); loc != nil {
		v = v[:loc[0]]
	}
	return strings.Trim(firstRunes(v, 40), " ，,;；。")
}
