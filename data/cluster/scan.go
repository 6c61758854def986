package cluster

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Scans: instead of running a pattern over the whole text, the extractor
// tries it (anchored) only where a match can start, which a cheap test of
// the digit run or word there, or a literal, tells. Each scan returns the
// submatch indexes FindAllStringSubmatchIndex would, and is checked against
// it by TestScanMatchesRegexp and FuzzScans.

// blankEach calls f on each submatch m of s, in order, and blanks the
// matches f accepts.
func (x *extractor) blankEach(s string, ms [][]int, f func(s string, m []int) bool) {
	for _, m := range ms {
		if f(s, m) {
			x.blank(m[0], m[1])
		}
	}
}

// eachDigits runs a, a pattern that starts with a digit, where a run of
// digits starts in the working text and pre (given the run s[i:j]) says it
// can match, and blanks the matches f accepts. The runs are tried from
// left to right, skipping those inside a match. With boundary, a run right
// after an ASCII letter or underscore is skipped (as \b would).
func (x *extractor) eachDigits(boundary bool, pre func(s string, i, j int) bool, a anchor, f func(s string, m []int) bool) {
	x.eachDigitsFunc(boundary, pre, a.at, f)
}

// eachDigitsFunc is eachDigits with the pattern as a function returning
// the submatches at i, or nil.
func (x *extractor) eachDigitsFunc(boundary bool, pre func(s string, i, j int) bool, match func(s string, i int) []int, f func(s string, m []int) bool) {
	s := x.current()
	var hits [][]int
	next := 0
	for _, i := range x.digits {
		if i < next || !isDigitByte(s[i]) || i > 0 && isDigitByte(s[i-1]) || boundary && i > 0 && isWordByte(s[i-1]) {
			continue
		}
		j := i + 1
		for j < len(s) && isDigitByte(s[j]) {
			j++
		}
		if pre != nil && !pre(s, i, j) {
			continue
		}
		if m := match(s, i); m != nil {
			hits = append(hits, m)
			next = m[1]
		}
	}
	x.blankEach(s, hits, f)
}

// eachWord runs a, a pattern that starts with \b and a word of the given
// kind, where such a word of the working text starts, and blanks the
// matches f accepts.
func (x *extractor) eachWord(kind int, a anchor, f func(s string, m []int) bool) {
	s := x.current()
	var hits [][]int
	next := 0
	for _, i := range x.words[kind] {
		if i < next || !isWordStart(s, i) || !wordTests[kind](s[i:wordEnd(s, i)]) {
			continue
		}
		if m := a.at(s, i); m != nil {
			hits = append(hits, m)
			next = m[1]
		}
	}
	x.blankEach(s, hits, f)
}

// scanAt returns the submatches of a tried at each start next returns (the
// first start >= from, or -1), from left to right and skipping the starts
// inside a match.
func scanAt(s string, next func(from int) int, a anchor) [][]int {
	var out [][]int
	for i := next(0); i >= 0; {
		m := a.at(s, i)
		if m == nil {
			i = next(i + 1)
			continue
		}
		out = append(out, m)
		i = next(m[1])
	}
	return out
}

// anchor is a pattern tried at a given index of the text: a function, or
// an anchored regexp. The regexp is given only the text up to end(s, i),
// which must reach past every rune the pattern can read from i (and one
// more, for \b and $): the backtracking matcher's work grows with its
// input's length.
type anchor struct {
	re  *regexp.Regexp
	end func(s string, i int) int
	fn  func(s string, i int) []int
}

// at returns the submatches of a match at i, or nil.
func (a anchor) at(s string, i int) []int {
	if a.fn != nil {
		return a.fn(s, i)
	}
	m := a.re.FindStringSubmatchIndex(s[i:a.end(s, i)])
	if m == nil {
		return nil
	}
	return shift(m, i)
}

// anchored returns an anchor for expr that reads at most k-2 runes other
// than white space (and, with zeros, '0') from where it starts: those are
// the parts of the patterns that can repeat without bound.
func anchored(expr string, k int, zeros bool) anchor {
	return anchor{re: regexp.MustCompile(`^(?:` + expr + `)`), end: func(s string, i int) int { return spanEnd(s, i, k, zeros) }}
}

// anchoredTokens returns an anchor for expr that reads at most t-2 runs of
// characters other than white space from where it starts.
func anchoredTokens(expr string, t int) anchor {
	return anchor{re: regexp.MustCompile(`^(?:` + expr + `)`), end: func(s string, i int) int { return tokenEnd(s, i, t) }}
}

// spanEnd returns the index after k runes of s[i:] other than \s white
// space (and, with zeros, '0'), or len(s). Continuation bytes are not
// counted, which only makes the span longer for invalid UTF-8.
func spanEnd[T string | []byte](s T, i, k int, zeros bool) int {
	n := 0
	for j := i; j < len(s); j++ {
		c := s[j]
		if isSpaceByte(c) || c&0xc0 == 0x80 || zeros && c == '0' {
			continue
		}
		if n == k {
			return j
		}
		n++
	}
	return len(s)
}

// tokenEnd returns the index after t runs of non-\s bytes of s[i:] and
// the white space after them, or len(s).
func tokenEnd(s string, i, t int) int {
	j := i
	for ; t > 0 && j < len(s); t-- {
		for j < len(s) && !isSpaceByte(s[j]) {
			j++
		}
		j = skipSpace(s, j)
	}
	return j
}

// nextString returns a next function for scanAt: the occurrences of lit.
func nextString(s, lit string) func(int) int {
	return func(from int) int {
		if from > len(s) {
			return -1
		}
		if j := strings.Index(s[from:], lit); j >= 0 {
			return from + j
		}
		return -1
	}
}

// shift adds i to the indexes of submatch m.
func shift(m []int, i int) []int {
	for k, v := range m {
		if v >= 0 {
			m[k] = v + i
		}
	}
	return m
}

// wordEnd returns the end of the word of ASCII word characters at i.
func wordEnd(s string, i int) int {
	for i < len(s) && isWordByte(s[i]) {
		i++
	}
	return i
}

// isWordStart reports whether a word of ASCII word characters starts at i.
func isWordStart(s string, i int) bool {
	return isWordByte(s[i]) && (i == 0 || !isWordByte(s[i-1]))
}

// isSpaceByte reports whether b is regexp white space, \s: [\t\n\f\r ].
func isSpaceByte(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\f' || b == '\r'
}

// skipSpace returns the index of the first byte at or after j that is not
// \s.
func skipSpace(s string, j int) int {
	for j < len(s) && isSpaceByte(s[j]) {
		j++
	}
	return j
}

// The tests on a run of digits s[i:j] before an anchored pattern. Each is
// what the pattern needs after its leading digits.

// isYear: (?:19|20)\d{2} followed by no digit.
func isYear(s string, i, j int) bool {
	return j-i == 4 && (s[i] == '1' && s[i+1] == '9' || s[i] == '2' && s[i+1] == '0')
}

// mayBeZhDate (zhDateRe): 2026年… or 5月….
func mayBeZhDate(s string, i, j int) bool {
	rest := s[skipSpace(s, j):]
	return j-i <= 2 && strings.HasPrefix(rest, "月") || isYear(s, i, j) && strings.HasPrefix(rest, "年")
}

// mayBeISODate (isoDateRe): a year, then - . or /.
func mayBeISODate(s string, i, j int) bool {
	k := skipSpace(s, j)
	return isYear(s, i, j) && k < len(s) && (s[k] == '-' || s[k] == '.' || s[k] == '/')
}

// mayBeDayMonth (enDateDMRe): a day, then st/nd/rd/th or white space.
func mayBeDayMonth(s string, i, j int) bool {
	return j-i <= 2 && j < len(s) && (isSpaceByte(s[j]) || strings.IndexByte("snrt", s[j]) >= 0)
}

// mayBeClock (clockRe): an hour, then 时, a colon, or am/pm.
func mayBeClock(s string, i, j int) bool {
	k := skipSpace(s, j)
	if j-i > 2 || k >= len(s) {
		return false
	}
	c := s[k] | 0x20
	return s[k] == ':' || c == 'a' || c == 'p' || strings.HasPrefix(s[k:], "时")
}

// mayBeZhDay (zhDayRe): a day, then 日.
func mayBeZhDay(s string, i, j int) bool {
	return j-i <= 2 && strings.HasPrefix(s[skipSpace(s, j):], "日")
}

// mayBeZhYear (zhYearRe): a year, then 年.
func mayBeZhYear(s string, i, j int) bool {
	return isYear(s, i, j) && strings.HasPrefix(s[skipSpace(s, j):], "年")
}

// The tests on a word before an anchored pattern that starts with \b and
// that word, which must then end.

// isMonthWord (enDateMDExpr): an English month name or abbreviation.
func isMonthWord(w string) bool {
	switch w {
	case "Jan", "January", "Feb", "February", "Mar", "March", "Apr", "April", "May", "Jun", "June",
		"Jul", "July", "Aug", "August", "Sep", "Sept", "September", "Oct", "October", "Nov", "November",
		"Dec", "December":
		return true
	}
	return false
}

// isOrdinalWord (enOrdExpr, case-insensitive): first … twelfth, or up to
// four digits and st, nd, rd or th.
func isOrdinalWord(w string) bool {
	if len(w) < 3 || len(w) > 8 {
		return false
	}
	if n := len(w) - 2; isDigitByte(w[0]) {
		if n > 4 {
			return false
		}
		for _, c := range []byte(w[:n]) {
			if !isDigitByte(c) {
				return false
			}
		}
		switch w[n] | 0x20 {
		case 's', 'n', 'r', 't':
		default:
			return false
		}
		sfx := w[n:]
		return strings.EqualFold(sfx, "st") || strings.EqualFold(sfx, "nd") || strings.EqualFold(sfx, "rd") || strings.EqualFold(sfx, "th")
	}
	switch w[0] | 0x20 {
	case 'f', 's', 't', 'e', 'n':
	default:
		return false
	}
	for _, o := range ordinalWords {
		if len(o) == len(w) && strings.EqualFold(w, o) {
			return true
		}
	}
	return false
}

// ordinalWords are the keys of enOrdWords.
var ordinalWords = []string{"first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth"}

// isWeekWord (enWeekExpr): Week or week.
func isWeekWord(w string) bool { return w == "Week" || w == "week" }

// isQuarterWord (\bQ([1-4])\b): Q1 to Q4.
func isQuarterWord(w string) bool { return len(w) == 2 && w[0] == 'Q' && w[1] >= '1' && w[1] <= '4' }

// isTitleWord (enPersonExpr): an official title.
func isTitleWord(w string) bool {
	switch w {
	case "Governor", "Mayor", "Secretary", "Premier", "President", "Chairman", "Chairwoman", "Minister", "Director", "Party":
		return true
	}
	return false
}

// matchWork is workExpr, 《([^《》]{2,60})》, at i: the title runs to the
// first 《 or 》, which must be a 》 after 2 to 60 runes.
func matchWork(s string, i int) []int {
	if !strings.HasPrefix(s[i:], "《") {
		return nil
	}
	from := i + len("《")
	k := strings.Index(s[from:], "》")
	if k < 0 || strings.Contains(s[from:from+k], "《") {
		return nil
	}
	if n := utf8.RuneCountInString(s[from : from+k]); n < 2 || n > 60 {
		return nil
	}
	return []int{i, from + k + len("》"), from, from + k}
}

// numUnits are the units of numExpr, in its order.
var numUnits = []string{"%", "‰", "万亿", "万", "亿", "倍", "percent", "per cent", "million", "billion", "trillion", "thousand"}

// matchNumber is numRe.FindStringSubmatchIndex for s starting with a
// digit, in a text without ſ or the Kelvin sign (which (?i) matches as s
// and k): digits,
// groups of ",ddd", a decimal part, white space and an optional unit.
func matchNumber(s string) []int {
	j := 0
	for j < len(s) && isDigitByte(s[j]) {
		j++
	}
	for j+4 <= len(s) && s[j] == ',' && isDigitByte(s[j+1]) && isDigitByte(s[j+2]) && isDigitByte(s[j+3]) {
		j += 4
	}
	if j+1 < len(s) && s[j] == '.' && isDigitByte(s[j+1]) {
		for j += 2; j < len(s) && isDigitByte(s[j]); j++ {
		}
	}
	k := skipSpace(s, j)
	for _, u := range numUnits {
		if len(s)-k >= len(u) && strings.EqualFold(s[k:k+len(u)], u) {
			return []int{0, k + len(u), 0, j, k, k + len(u)}
		}
	}
	return []int{0, k, 0, j, -1, -1}
}

// lowerWords is splitWords(strings.ToLower(s)) without lower-casing s:
// words of ASCII letters, digits and apostrophes. Besides ASCII, only İ
// and the Kelvin sign lower-case to such characters (TestRuneHelpers).
func lowerWords(s string) []string {
	var ws []string
	start, upper := -1, false
	for i := 0; i <= len(s); {
		var (
			lc byte // the lower-case word character, or 0
			n  = 1
		)
		if i < len(s) {
			if c := s[i]; c < utf8.RuneSelf {
				if isASCIIAlnum(c) || c == '\'' {
					lc = c | (c&0x40)>>1 // A-Z to a-z; digits and ' unchanged
				}
			} else {
				var r rune
				r, n = utf8.DecodeRuneInString(s[i:])
				switch r {
				case 'İ':
					lc = 'i'
				case '\u212a': // Kelvin sign
					lc = 'k'
				}
			}
		}
		switch {
		case lc != 0 && start < 0:
			start, upper = i, false
			fallthrough
		case lc != 0:
			upper = upper || n > 1 || s[i] != lc
		case start >= 0:
			w := s[start:i]
			if upper {
				w = lowerWord(w)
			}
			ws, start = append(ws, w), -1
		}
		i += n
	}
	return ws
}

// lowerWord lower-cases a word of lowerWords.
func lowerWord(w string) string {
	b := make([]byte, 0, len(w))
	for _, r := range w {
		switch {
		case r == 'İ':
			b = append(b, 'i')
		case r == '\u212a':
			b = append(b, 'k')
		default:
			b = append(b, byte(r)|(byte(r)&0x40)>>1)
		}
	}
	return string(b)
}
