package cluster

// Hand-written forms of the anchored patterns tried most often (at most
// digit runs of Chinese news), each returning the submatches the
// backtracking matcher would, without its cost of setting up a match
// (several hundred nanoseconds). A quantifier that precedes a character
// it cannot match takes all it can: \s* before 年, or \d{1,2} before 月,
// which matches only when the run of digits there has one or two.
// FuzzScans (its seeds run in every go test) checks each against its
// pattern.

// digitsAt returns the length of the run of digits at s[i:].
func digitsAt(s []byte, i int) int {
	j := i
	for j < len(s) && isDigitByte(s[j]) {
		j++
	}
	return j - i
}

// yearAt reports whether s[i:] starts with (?:19|20)\d{2}.
func yearAt(s []byte, i int) bool {
	return i+4 <= len(s) && (s[i] == '1' && s[i+1] == '9' || s[i] == '2' && s[i+1] == '0') &&
		isDigitByte(s[i+2]) && isDigitByte(s[i+3])
}

// literalAfter returns the index after lit when s has it at the first
// non-\s byte from j, else -1.
func literalAfter(s []byte, j int, lit string) int {
	j = skipSpace(s, j)
	if !hasPrefix(s[j:], lit) {
		return -1
	}
	return j + len(lit)
}

// matchZhDate is zhDateAt:
// (?:((?:19|20)\d{2})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号].
func matchZhDate(dst []int, s []byte, i int) []int {
	if yearAt(s, i) {
		if j := literalAfter(s, i+4, "年"); j >= 0 {
			if md, ok := monthDayAt(s, skipSpace(s, j)); ok {
				return append(dst, i, md[0], i, i+4, md[1], md[2], md[3], md[4])
			}
		}
	}
	if md, ok := monthDayAt(s, i); ok {
		return append(dst, i, md[0], -1, -1, md[1], md[2], md[3], md[4])
	}
	return dst
}

// monthDayAt matches (\d{1,2})\s*月\s*(\d{1,2})\s*[日号] at i: it returns
// the end of the match and the month's and the day's start and end.
func monthDayAt(s []byte, i int) (md [5]int, ok bool) {
	n := digitsAt(s, i)
	if n < 1 || n > 2 {
		return md, false
	}
	j := literalAfter(s, i+n, "月")
	if j < 0 {
		return md, false
	}
	d := skipSpace(s, j)
	k := digitsAt(s, d)
	if k < 1 || k > 2 {
		return md, false
	}
	end := literalAfter(s, d+k, "日")
	if end < 0 {
		end = literalAfter(s, d+k, "号")
	}
	return [5]int{end, i, i + n, d, d + k}, end >= 0
}

// matchZhDay is zhDayAt: (\d{1,2})\s*日.
func matchZhDay(dst []int, s []byte, i int) []int {
	n := digitsAt(s, i)
	if n < 1 || n > 2 {
		return dst
	}
	if j := literalAfter(s, i+n, "日"); j >= 0 {
		return append(dst, i, j, i, i+n)
	}
	return dst
}

// matchZhYear is zhYearAt: ((?:19|20)\d{2})\s*年.
func matchZhYear(dst []int, s []byte, i int) []int {
	if !yearAt(s, i) {
		return dst
	}
	if j := literalAfter(s, i+4, "年"); j >= 0 {
		return append(dst, i, j, i, i+4)
	}
	return dst
}

// matchEnYear is enYearAt: ((?:19|20)\d{2})\b.
func matchEnYear(dst []int, s []byte, i int) []int {
	if !yearAt(s, i) || i+4 < len(s) && isWordByte(s[i+4]) {
		return dst
	}
	return append(dst, i, i+4, i, i+4)
}

// zhOrdClasses are the classifiers of zhOrdExpr, in its order.
var zhOrdClasses = [...]string{"次", "届", "期", "批", "周", "季度", "轮", "阶段", "场", "号"}

// matchZhOrd is zhOrdAt:
// 第\s*([0-9]+|[零〇一二两三四五六七八九十百千]+)\s*(次|届|期|批|周|季度|轮|阶段|场|号).
func matchZhOrd(dst []int, s []byte, i int) []int {
	if !hasPrefix(s[i:], "第") {
		return dst
	}
	n0 := skipSpace(s, i+len("第"))
	n1 := n0 + digitsAt(s, n0)
	if n1 == n0 {
		for n1 < len(s) {
			r, size := decodeRune(s[n1:])
			if !isZhNumeral(r) {
				break
			}
			n1 += size
		}
		if n1 == n0 {
			return dst
		}
	}
	c := skipSpace(s, n1)
	for _, class := range zhOrdClasses {
		if hasPrefix(s[c:], class) {
			return append(dst, i, c+len(class), n0, n1, c, c+len(class))
		}
	}
	return dst
}

// isZhNumeral reports whether r is in [零〇一二两三四五六七八九十百千].
func isZhNumeral(r rune) bool {
	switch r {
	case '零', '〇', '一', '二', '两', '三', '四', '五', '六', '七', '八', '九', '十', '百', '千':
		return true
	}
	return false
}

// matchDocno is docnoAt:
// [〔\[(【{]\s*((?:19|20)\d{2})\s*[〕\])】}]\s*0*(\d{1,4})\s*号. Of the run of
// digits after the closing bracket, 0* takes the leading zeros but one
// digit, and \d{1,4} the rest, which must be at most four digits.
func matchDocno(dst []int, s []byte, i int) []int {
	if i >= len(s) {
		return dst
	}
	n, ok := 1, false
	switch s[i] {
	case '[', '(', '{':
		ok = true
	default:
		ok = hasPrefix(s[i:], "〔") || hasPrefix(s[i:], "【")
		n = 3
	}
	if !ok {
		return dst
	}
	y := skipSpace(s, i+n)
	if !yearAt(s, y) {
		return dst
	}
	c := skipSpace(s, y+4)
	if c >= len(s) {
		return dst
	}
	switch {
	case s[c] == ']' || s[c] == ')' || s[c] == '}':
		c++
	case hasPrefix(s[c:], "〕") || hasPrefix(s[c:], "】"):
		c += 3
	default:
		return dst
	}
	d := skipSpace(s, c)
	k := digitsAt(s, d)
	z := 0
	for z < k-1 && s[d+z] == '0' {
		z++
	}
	if k == 0 || k-z > 4 {
		return dst
	}
	end := literalAfter(s, d+k, "号")
	if end < 0 {
		return dst
	}
	return append(dst, i, end, y, y+4, d+z, d+k)
}

// enOrdNouns are the nouns of enOrdExpr, in its order; none is a prefix of
// another.
var enOrdNouns = [...]string{"meeting", "session", "plenary", "plenum", "conference", "congress", "batch", "round",
	"issue", "week", "quarter", "expo", "forum", "festival", "games", "championship", "fair", "typhoon"}

// matchEnOrd is enOrdAt, enOrdExpr at a word start, in a text without ſ or
// the Kelvin sign: an ordinal word, white space, then the first noun
// within four more words, each a run of [\w'-] and white space.
func matchEnOrd(dst []int, s []byte, i int) []int {
	e := wordEnd(s, i)
	if e == i || !isOrdinalWord(s[i:e]) || e >= len(s) || !isSpaceByte(s[e]) {
		return dst
	}
	p := skipSpace(s, e)
	for k := 0; ; k++ {
		if n, end := enOrdNounAt(s, p); n > 0 {
			return append(dst, i, end, i, e, p, p+n)
		}
		t := p
		for t < len(s) && (isWordByte(s[t]) || s[t] == '\'' || s[t] == '-') {
			t++
		}
		if k == 4 || t == p || t >= len(s) || !isSpaceByte(s[t]) {
			return dst
		}
		p = skipSpace(s, t)
	}
}

// enOrdNounAt matches (meeting|…|typhoon)s?\b of enOrdExpr at p, ignoring
// ASCII case; it returns the length of the noun and the end of the match,
// or 0. Since no noun is a prefix of another, one at most starts at p.
func enOrdNounAt(s []byte, p int) (n, end int) {
	for _, w := range enOrdNouns {
		if len(s)-p < len(w) || !asciiEqualFold(s[p:p+len(w)], w) {
			continue
		}
		q := p + len(w)
		switch {
		case q < len(s) && s[q]|0x20 == 's' && (q+1 == len(s) || !isWordByte(s[q+1])):
			return len(w), q + 1
		case q == len(s) || !isWordByte(s[q]):
			return len(w), q
		}
		return 0, 0
	}
	return 0, 0
}
