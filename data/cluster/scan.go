package cluster

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Scans: instead of running a pattern over the whole text, the extractor
// tries it (anchored) only where a match can start, which a cheap test of
// the digit run or word there, or a literal, tells. Each scan finds the
// submatch indexes FindAllStringSubmatchIndex would, and is checked against
// it by FuzzScans, on its seeds in every go test.

// blankEach calls f on each submatch m of s, the working text, in order,
// then blanks the matches f accepts and what f scheduled (blankLater),
// in order: f sees s as it was before the first.
func (x *extractor) blankEach(s []byte, ms [][]int, f func(s []byte, m []int) bool) {
	for _, m := range ms {
		x.accept(s, m, f)
	}
	x.blankPending()
}

// accept calls f on the submatch m of s and schedules the match for
// blankPending if f accepts it. f must not keep m.
func (x *extractor) accept(s []byte, m []int, f func(s []byte, m []int) bool) {
	if f(s, m) {
		x.blankLater(m[0], m[1])
	}
}

// blankPending blanks what the pass has scheduled, in order.
func (x *extractor) blankPending() {
	for _, p := range x.pending {
		x.blank(p[0], p[1])
	}
	x.pending = x.pending[:0]
}

// eachDigits runs a, a pattern that starts with a digit, where a run of
// digits starts in the working text and pre (given the run s[i:j]) says it
// can match, and blanks the matches f accepts. The runs are tried from
// left to right, skipping those inside a match. With boundary, a run right
// after an ASCII letter or underscore is skipped (as \b would).
func (x *extractor) eachDigits(boundary bool, pre func(s []byte, i, j int) bool, a anchor, f func(s []byte, m []int) bool) {
	x.eachDigitsFunc(boundary, pre, a.at, f)
}

// matchFunc appends the submatches of a match at s[i:] to dst, or returns
// dst as it is when there is none.
type matchFunc func(dst []int, s []byte, i int) []int

// match runs m at s[i:]; it returns the submatches, valid until the next
// call, or nil when there is no match.
func (x *extractor) match(m matchFunc, s []byte, i int) []int {
	if x.ints = m(x.ints[:0], s, i); len(x.ints) == 0 {
		return nil
	}
	return x.ints
}

// eachDigitsFunc is eachDigits with the pattern as a function. Since
// nothing is blanked before the end of the pass, f is called on each
// match as it is found.
func (x *extractor) eachDigitsFunc(boundary bool, pre func(s []byte, i, j int) bool, match matchFunc, f func(s []byte, m []int) bool) {
	s := x.current()
	next := 0
	for _, i := range x.digits {
		if i < next || !isDigitByte(s[i]) || i > 0 && isDigitByte(s[i-1]) || boundary && i > 0 && isWordByte(s[i-1]) {
			continue
		}
		if j := i + digitsAt(s, i); pre != nil && !pre(s, i, j) {
			continue
		}
		if m := x.match(match, s, i); m != nil {
			next = m[1]
			x.accept(s, m, f)
		}
	}
	x.blankPending()
}

// eachWord runs a, a pattern that starts with \b and a word of the given
// kind, where such a word of the working text starts, and blanks the
// matches f accepts.
func (x *extractor) eachWord(kind int, a anchor, f func(s []byte, m []int) bool) {
	s := x.current()
	next := 0
	for _, i := range x.words[kind] {
		if i < next || !isWordStart(s, i) || !isKind(kind, s[i:wordEnd(s, i)]) {
			continue
		}
		if m := x.match(a.at, s, i); m != nil {
			next = m[1]
			x.accept(s, m, f)
		}
	}
	x.blankPending()
}

// scanEach runs a at each start next returns (the first start >= from,
// or -1), from left to right and skipping the starts inside a match, in
// the working text s; it blanks the matches f accepts.
func (x *extractor) scanEach(s []byte, next func(from int) int, a anchor, f func(s []byte, m []int) bool) {
	for i := next(0); i >= 0; {
		m := x.match(a.at, s, i)
		if m == nil {
			i = next(i + 1)
			continue
		}
		i = next(m[1])
		x.accept(s, m, f)
	}
	x.blankPending()
}

// anchor is a pattern tried at a given index of the text: a function, or
// an anchored regexp. The regexp is given only the text up to end(s, i),
// which must reach past every rune the pattern can read from i (and one
// more, for \b and $): the backtracking matcher's work grows with its
// input's length.
type anchor struct {
	re  *regexp.Regexp
	end func(s []byte, i int) int
	fn  matchFunc
}

// at is a matchFunc: it appends the submatches of a match at i to dst.
func (a anchor) at(dst []int, s []byte, i int) []int {
	if a.fn != nil {
		return a.fn(dst, s, i)
	}
	return appendShifted(dst, a.re.FindSubmatchIndex(s[i:a.end(s, i)]), i)
}

// anchored returns an anchor for expr that reads at most k-2 runes other
// than white space from where it starts: white space is the part of the
// patterns that can repeat without bound.
func anchored(expr string, k int) anchor {
	return anchor{re: regexp.MustCompile(`^(?:` + expr + `)`), end: func(s []byte, i int) int { return spanEnd(s, i, k) }}
}

// anchoredTokens returns an anchor for expr that reads at most t-2 runs of
// characters other than white space from where it starts.
func anchoredTokens(expr string, t int) anchor {
	return anchor{re: regexp.MustCompile(`^(?:` + expr + `)`), end: func(s []byte, i int) int { return tokenEnd(s, i, t) }}
}

// spanEnd returns the index after k runes of s[i:] other than \s white
// space, or len(s). Continuation bytes are not counted, which only makes
// the span longer for invalid UTF-8.
func spanEnd(s []byte, i, k int) int {
	n := 0
	for j := i; j < len(s); j++ {
		c := s[j]
		if isSpaceByte(c) || c&0xc0 == 0x80 {
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
func tokenEnd(s []byte, i, t int) int {
	j := i
	for ; t > 0 && j < len(s); t-- {
		for j < len(s) && !isSpaceByte(s[j]) {
			j++
		}
		j = skipSpace(s, j)
	}
	return j
}

// nextMark returns a next function for scanEach: the marks (see facts) of
// one of runes still in the working text s. It is for one scan, whose
// from only grows.
func (x *extractor) nextMark(s []byte, runes ...rune) func(from int) int {
	k := 0 // the marks before k are before from
	return func(from int) int {
		for ; k < len(x.marks); k++ {
			if m := x.marks[k]; int(m.at) >= from && slices.Contains(runes, m.r) && marked(s, m) {
				return int(m.at)
			}
		}
		return -1
	}
}

// marked reports whether the working text s still has the mark m:
// blanking overwrites whole runes.
func marked(s []byte, m mark) bool {
	r, _ := decodeRune(s[m.at:])
	return r == m.r
}

// hasMark reports whether the working text s has a mark of r.
func (x *extractor) hasMark(s []byte, r rune) bool {
	for _, m := range x.marks {
		if m.r == r && marked(s, m) {
			return true
		}
	}
	return false
}

// appendShifted appends the indexes of submatch m, plus i, to dst.
func appendShifted(dst, m []int, i int) []int {
	for _, v := range m {
		if v >= 0 {
			v += i
		}
		dst = append(dst, v)
	}
	return dst
}

// wordEnd returns the end of the word of ASCII word characters at i.
func wordEnd(s []byte, i int) int {
	for i < len(s) && isWordByte(s[i]) {
		i++
	}
	return i
}

// isWordStart reports whether a word of ASCII word characters starts at i.
func isWordStart(s []byte, i int) bool {
	return isWordByte(s[i]) && (i == 0 || !isWordByte(s[i-1]))
}

// isSpaceByte reports whether b is regexp white space, \s: [\t\n\f\r ].
func isSpaceByte(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\f' || b == '\r'
}

// skipSpace returns the index of the first byte at or after j that is not
// \s.
func skipSpace(s []byte, j int) int {
	for j < len(s) && isSpaceByte(s[j]) {
		j++
	}
	return j
}

// The tests on a run of digits s[i:j] before an anchored pattern. Each is
// what the pattern needs after its leading digits.

// isYear: (?:19|20)\d{2} followed by no digit.
func isYear(s []byte, i, j int) bool {
	return j-i == 4 && (s[i] == '1' && s[i+1] == '9' || s[i] == '2' && s[i+1] == '0')
}

// mayBeZhDate (zhDateRe): 2026年… or 5月….
func mayBeZhDate(s []byte, i, j int) bool {
	rest := s[skipSpace(s, j):]
	return j-i <= 2 && hasPrefix(rest, "月") || isYear(s, i, j) && hasPrefix(rest, "年")
}

// mayBeISODate (isoDateRe): a year, then - . or /.
func mayBeISODate(s []byte, i, j int) bool {
	k := skipSpace(s, j)
	return isYear(s, i, j) && k < len(s) && (s[k] == '-' || s[k] == '.' || s[k] == '/')
}

// mayBeDayMonth (enDateDMRe): a day, then st/nd/rd/th or white space.
func mayBeDayMonth(s []byte, i, j int) bool {
	return j-i <= 2 && j < len(s) && (isSpaceByte(s[j]) || strings.IndexByte("snrt", s[j]) >= 0)
}

// mayBeClock (clockRe): an hour, then 时, a colon, or am/pm.
func mayBeClock(s []byte, i, j int) bool {
	k := skipSpace(s, j)
	if j-i > 2 || k >= len(s) {
		return false
	}
	c := s[k] | 0x20
	return s[k] == ':' || c == 'a' || c == 'p' || hasPrefix(s[k:], "时")
}

// mayBeZhDay (zhDayRe): a day, then 日.
func mayBeZhDay(s []byte, i, j int) bool {
	return j-i <= 2 && hasPrefix(s[skipSpace(s, j):], "日")
}

// mayBeZhYear (zhYearRe): a year, then 年.
func mayBeZhYear(s []byte, i, j int) bool {
	return isYear(s, i, j) && hasPrefix(s[skipSpace(s, j):], "年")
}

// The tests on a word before an anchored pattern that starts with \b and
// that word, which must then end.

// isMonthWord (enDateMDExpr): an English month name or abbreviation.
func isMonthWord(w []byte) bool {
	switch string(w) {
	case "Jan", "January", "Feb", "February", "Mar", "March", "Apr", "April", "May", "Jun", "June",
		"Jul", "July", "Aug", "August", "Sep", "Sept", "September", "Oct", "October", "Nov", "November",
		"Dec", "December":
		return true
	}
	return false
}

// isOrdinalWord (enOrdExpr, case-insensitive): first … twelfth, or up to
// four digits and st, nd, rd or th.
func isOrdinalWord(w []byte) bool {
	if len(w) < 3 || len(w) > 8 {
		return false
	}
	// w lower-cased: w has ASCII word characters only, of which | 0x20
	// changes only the upper-case letters into letters.
	var lower [8]byte
	for i, c := range w {
		lower[i] = c | 0x20
	}
	if n := len(w) - 2; isDigitByte(w[0]) {
		if n > 4 {
			return false
		}
		for _, c := range w[:n] {
			if !isDigitByte(c) {
				return false
			}
		}
		switch string(lower[n:len(w)]) {
		case "st", "nd", "rd", "th":
			return true
		}
		return false
	}
	switch string(lower[:len(w)]) {
	case "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth":
		return true
	}
	return false
}

// isWeekWord (enWeekExpr): Week or week.
func isWeekWord(w []byte) bool { return string(w) == "Week" || string(w) == "week" }

// isQuarterWord (\bQ([1-4])\b): Q1 to Q4.
func isQuarterWord(w []byte) bool { return len(w) == 2 && w[0] == 'Q' && w[1] >= '1' && w[1] <= '4' }

// isTitleWord (enPersonExpr): an official title.
func isTitleWord(w []byte) bool {
	switch string(w) {
	case "Governor", "Mayor", "Secretary", "Premier", "President", "Chairman", "Chairwoman", "Minister", "Director", "Party":
		return true
	}
	return false
}

// matchWork is workExpr, 《([^《》]{2,60})》, at i: the title runs to the
// first 《 or 》, which must be a 》 after 2 to 60 runes.
func matchWork(dst []int, s []byte, i int) []int {
	if !hasPrefix(s[i:], "《") {
		return dst
	}
	from := i + len("《")
	k := bytes.Index(s[from:], []byte("》"))
	if k < 0 || bytes.Contains(s[from:from+k], []byte("《")) {
		return dst
	}
	if n := utf8.RuneCount(s[from : from+k]); n < 2 || n > 60 {
		return dst
	}
	return append(dst, i, from+k+len("》"), from, from+k)
}

// numUnits are the units of numExpr, in its order.
var numUnits = []string{"%", "‰", "万亿", "万", "亿", "倍", "percent", "per cent", "million", "billion", "trillion", "thousand"}

// matchNumber is a matchFunc for numRe (which starts with ^) at s[i:],
// which starts with a digit, in a text without ſ or the Kelvin sign (which
// (?i) matches as s and k): digits, groups of ",ddd", a decimal part,
// white space and an optional unit.
func matchNumber(dst []int, s []byte, i int) []int {
	j := i + digitsAt(s, i)
	for j+4 <= len(s) && s[j] == ',' && isDigitByte(s[j+1]) && isDigitByte(s[j+2]) && isDigitByte(s[j+3]) {
		j += 4
	}
	if j+1 < len(s) && s[j] == '.' && isDigitByte(s[j+1]) {
		for j += 2; j < len(s) && isDigitByte(s[j]); j++ {
		}
	}
	k := skipSpace(s, j)
	if k < len(s) && mayStartUnit(s[k]) {
		for _, u := range numUnits {
			if len(s)-k >= len(u) && asciiEqualFold(s[k:k+len(u)], u) {
				return append(dst, i, k+len(u), i, j, k, k+len(u))
			}
		}
	}
	return append(dst, i, k, i, j, -1, -1)
}

// nextWord returns the next word of splitWords(strings.ToLower(s)) from
// i on, without lower-casing s: the span s[start:end] of ASCII letters,
// digits and apostrophes, and whether it has letters to lower-case
// (appendLowerWord); start is -1 when there is none. Besides ASCII, only
// İ and the Kelvin sign lower-case to such characters (TestRuneHelpers).
func nextWord(s []byte, i int) (start, end int, upper bool) {
	for ; i < len(s); i++ { // to the first word character
		if c := s[i]; c < utf8.RuneSelf {
			if isASCIIAlnum(c) || c == '\'' {
				break
			}
			continue
		}
		r, n := decodeRune(s[i:])
		if r == 'İ' || r == '\u212a' { // Kelvin sign
			break
		}
		i += n - 1
	}
	if i >= len(s) {
		return -1, len(s), false
	}
	for start = i; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if !isASCIIAlnum(c) && c != '\'' {
				break
			}
			upper = upper || 'A' <= c && c <= 'Z'
			i++
			continue
		}
		if r, n := decodeRune(s[i:]); r == 'İ' || r == '\u212a' {
			upper = true
			i += n
			continue
		}
		break
	}
	return start, i, upper
}

// appendLowerWord appends the lower-cased word w of nextWord to dst.
func appendLowerWord(dst, w []byte) []byte {
	for _, r := range string(w) {
		switch {
		case r == 'İ':
			dst = append(dst, 'i')
		case r == '\u212a':
			dst = append(dst, 'k')
		default:
			dst = append(dst, byte(r)|(byte(r)&0x40)>>1)
		}
	}
	return dst
}

// maxEnWords is the most words an English gazetteer name may have.
const maxEnWords = 8

// wordReader reads the words of a text (nextWord), lower-cased and
// without a possessive 's or ', keeping the next few in win.
type wordReader struct {
	s   []byte
	pos int // where the next word is looked for
	eof bool
	win [maxEnWords][]byte
	n   int    // words in win
	low []byte // the lower-cased words of win
}

// fill reads words until win holds k; it reports false when the text has
// fewer.
func (r *wordReader) fill(k int) bool {
	for r.n < k {
		if r.eof {
			return false
		}
		start, end, upper := nextWord(r.s, r.pos)
		if start < 0 {
			r.eof = true
			return false
		}
		r.pos = end
		w := r.s[start:end]
		if upper {
			at := len(r.low)
			r.low = appendLowerWord(r.low, w)
			w = r.low[at:]
		}
		r.win[r.n] = bytes.TrimSuffix(bytes.TrimSuffix(w, []byte("'s")), []byte("'"))
		r.n++
	}
	return true
}

// drop removes the first k words of win.
func (r *wordReader) drop(k int) {
	r.n = copy(r.win[:], r.win[k:r.n])
	if r.n == 0 {
		r.low = r.low[:0]
	}
}

// mayStartUnit reports whether one of numUnits can start with c, in
// either case: %, the lead byte of ‰ (E2) or of 万, 亿 (E4) or 倍 (E5),
// or p, m, b, t.
func mayStartUnit(c byte) bool {
	switch c | 0x20 {
	case '%', 'p', 'm', 'b', 't', 0xe2, 0xe4, 0xe5:
		return true
	}
	return false
}

// asciiEqualFold reports whether b equals s, which has no letters beyond
// ASCII, under ASCII case folding: strings.EqualFold where neither has ſ or
// the Kelvin sign, and equal lengths in bytes (the other non-ASCII runes
// that fold to ASCII letters are longer than them).
func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		c, d := b[i], s[i]
		if c != d && !(c|0x20 == d|0x20 && isASCIILetter(c)) {
			return false
		}
	}
	return true
}

// hasPrefix reports whether s starts with lit.
func hasPrefix[T string | []byte](s T, lit string) bool {
	return len(s) >= len(lit) && string(s[:len(lit)]) == lit
}
