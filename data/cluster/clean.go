package cluster

import (
	"bytes"
	"encoding/binary"
	"math"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// longLine is the length in bytes from which a line is worth cleaning for
// its head only (see cleanHead).
const longLine = 16 << 10

// boilerLine matches a whole line of page furniture: source, editor, date
// and print/share widgets, in Chinese and English.
var boilerLine = regexp.MustCompile(`(?i)^\s*[【\[]?\s*(?:来\s*源|稿\s*源|信息来源|文章来源|责任编辑|编\s*辑|责\s*编|审\s*核|终\s*审|校\s*对|作\s*者|记\s*者|摄\s*影|通讯员|发布时间|发布日期|发文日期|成文日期|更新时间|字\s*体|浏览次数|访问量|阅读量|点击数|打印|关闭|分享到?|扫一扫|source|editor|edited by|updated|update time|author|reporter|translator|photo|print|share|close|release date)\s*[:：]`)

// widgetExpr matches furniture inside a line: font-size and print links,
// and "来源：X" style labels with their value. A match starts with one of
// widgetStarts.
const widgetExpr = `【[^】]{0,12}(?:字体|打印|关闭|收藏|纠错)[^】]{0,12}】|字体\s*[:：]?\s*[【\[]?\s*大\s*[】\]]?\s*[【\[]?\s*中\s*[】\]]?\s*[【\[]?\s*小\s*[】\]]?|(?:来源|稿源|责任编辑|终审|编辑)\s*[:：]\s*[^\s，。,;；]{1,20}`

// widgetAt is widgetExpr anchored, tried where a widgetStart occurs. A
// match reads at most 29 runes besides white space, so widgetAt is given
// the text up to 40 such runes (see anchored).
var widgetAt = regexp.MustCompile(`^(?:` + widgetExpr + `)`)

// widgetStarts are the texts a widgetExpr match starts with.
var widgetStarts = [...][]byte{[]byte("【"), []byte("字体"), []byte("来源"), []byte("稿源"), []byte("责任编辑"), []byte("终审"), []byte("编辑")}

// onlyDate matches a line that is nothing but a date or time, optionally
// labelled: the publication stamp of a page or the signing date of a
// document, which a re-post repeats or replaces.
var onlyDate = regexp.MustCompile(`^\s*(?:(?:发布|更新)?(?:时\s*间|日\s*期)\s*[:：])?\s*(?:\d{4}\s*[-./年]\s*\d{1,2}\s*[-./月]\s*\d{1,2}\s*日?)?\s*(?:\d{1,2}\s*[:时]\s*\d{1,2}\s*(?:[:分]\s*\d{1,2}\s*秒?)?\s*分?)?\s*$`)

// onlyFurniture matches lines that are nothing but navigation words.
var onlyFurniture = regexp.MustCompile(`(?i)^\s*(?:打印本页|关闭窗口|打印|关闭|返回顶部|分享|扫一扫在手机打开当前页|print|close|share|top|simp\. chinese\s+trad\. chinese)\s*$`)

// cleanBody converts HTML to text if needed, NFKC-normalises it (full-width
// letters, digits and spaces become half-width) and drops boilerplate lines
// and widgets.
func cleanBody(body string) string {
	c := cleaner{limit: -1}
	c.body(body)
	return string(c.out)
}

// cleaner builds the cleaned text of a body, line by line, stopping once
// it holds limit runes (limit < 0: never). Its output is always a prefix
// of cleanBody's of at least limit runes, or all of it.
type cleaner struct {
	out   []byte
	runes int // in out, at least (see runesAtLeast)
	limit int
	// long is the length from which a line is cleaned by its head when
	// the limit allows; 0 means longLine (tests use less).
	long int
	// dropped is set when cleanHead has handled, and dropped, a line
	// whose rest is still to come.
	dropped bool
	// normal is set when the text is already in NFKC form.
	normal bool
}

func (c *cleaner) done() bool { return c.limit >= 0 && c.runes >= c.limit }

// appendLineNFKC appends the NFKC form of the valid UTF-8 s, or s when
// the text is normalised already.
func appendLineNFKC[T string | []byte](c *cleaner, dst []byte, s T) []byte {
	if c.normal {
		return append(dst, s...)
	}
	return appendNFKC(dst, s)
}

func (c *cleaner) longLine() int {
	if c.long > 0 {
		return c.long
	}
	return longLine
}

// body cleans body, HTML or plain text. NFKC is applied line by line, and
// to the head of a long line, which for valid UTF-8 is the same as to the
// whole text (a newline, an ASCII rune or an ideograph starts a
// normalisation segment). It is not for invalid UTF-8: norm leaves an
// incomplete sequence at the end of its input, and what follows it, as
// they are. So a body with invalid UTF-8 is normalised whole, after
// conversion from HTML if need be (valid HTML has valid text: tags,
// entities and newlines are whole runes).
func (c *cleaner) body(body string) {
	if c.done() {
		return
	}
	if !utf8.ValidString(body) {
		if looksHTML(body) {
			var b []byte
			htmlLines(body, math.MaxInt, func(line []byte, _ bool) bool {
				b = append(append(b, line...), '\n')
				return true
			})
			body = string(b[:len(b)-1])
		}
		c.normal = true
		cleanText(c, norm.NFKC.String(body))
		return
	}
	if !looksHTML(body) {
		cleanText(c, body)
		return
	}
	// Each line is cleaned as htmlLines passes it; the line is its buffer,
	// which cleaning copies from.
	htmlLines(body, c.longLine(), func(line []byte, end bool) bool {
		switch {
		case !end:
			if !c.dropped && !c.done() {
				cleanHead(c, line)
			}
		case c.dropped:
			c.dropped = false // the rest of a line head has handled
		case !c.done():
			cleanWhole(c, line)
		}
		return !c.done()
	})
}

// cleanText cleans the lines of s, plain text.
func cleanText[T string | []byte](c *cleaner, s T) {
	for !c.done() {
		i := indexNewline(s)
		if i < 0 {
			cleanWhole(c, s)
			break
		}
		cleanWhole(c, s[:i])
		s = s[i+1:]
	}
}

// cleanWhole cleans one whole raw line (no newline), by its head when it is
// long and that is enough.
func cleanWhole[T string | []byte](c *cleaner, line T) {
	if len(line) < c.longLine() || !cleanHead(c, line) {
		cleanLine(c, line)
	}
	c.dropped = false
}

// cleanLine appends one raw line, cleaned: NFKC, furniture lines dropped,
// widgets removed, white space trimmed, date-only lines dropped.
func cleanLine[T string | []byte](c *cleaner, raw T) {
	start := len(c.out)
	c.out = appendLineNFKC(c, c.out, raw)
	b := c.out[start:]
	if isBoilerLine(b) || len(b) <= 80 && mayBeFurniture(b) && onlyFurniture.Match(b) {
		c.out = c.out[:start]
		return
	}
	t := bytes.TrimSpace(replaceWidgets(b))
	if len(t) == 0 || len(t) <= 80 && mayBeDate(t) && onlyDate.Match(t) {
		c.out = c.out[:start]
		return
	}
	c.out = append(c.out[:start+copy(b, t)], '\n')
	c.runes += runesAtLeast(c.out[start:])
}

// isBoilerLine reports whether the NFKC line b is a furniture line by its
// label (boilerLine): a label, which starts with one of labelStarts after
// white space and a bracket, and a colon within the first 60 bytes.
func isBoilerLine(b []byte) bool {
	p := b[:prefixLen(b, 60)]
	if bytes.IndexByte(p, ':') < 0 && !bytes.Contains(p, []byte("：")) {
		return false
	}
	q := bytes.TrimLeft(p, "\t\n\f\r ")
	if bytes.HasPrefix(q, []byte("【")) || bytes.HasPrefix(q, []byte("[")) {
		_, n := utf8.DecodeRune(q)
		q = bytes.TrimLeft(q[n:], "\t\n\f\r ")
	}
	r, _ := utf8.DecodeRune(q)
	return strings.ContainsRune(labelStarts, r) && boilerLine.Match(p)
}

// labelStarts are the first letters of boilerLine's labels, in either case
// (ſ is a case-insensitive s).
const labelStarts = "来稿信文责编审终校作记摄通发成更字浏访阅点打关分扫seuartpcSEUARTPCſ"

// cleanHead cleans only the head of a long line, raw (or a prefix of it, the
// rest not yet read), when that is enough to reach the limit. It takes the
// NFKC form of a prefix of raw that ends before an ASCII rune or an
// ideograph (which start NFKC segments, so that form is a prefix of raw's)
// and cuts it after a comma, semicolon or full stop at least headMargin
// runes beyond what the limit needs. No widget pattern can look past such
// a character, except one in 【】, which spans at most 28 runes: so there
// must be no 【 in the 128 bytes before it. The line's label is in its
// first 60 bytes, and a cleaned head longer than 80 bytes means the line
// is neither furniture- nor date-only: so the cleaned head is exactly the
// head of the cleaned line. It reports false, changing nothing, when raw
// is too short, has no such cut or the cleaned head is too short; the
// caller then cleans the whole line. When it reports true, the rest of
// the line is to be ignored: the limit is reached or the line was dropped.
func cleanHead[T string | []byte](c *cleaner, raw T) bool {
	need := c.limit - c.runes
	if need <= 0 {
		return false
	}
	k, n := 0, 0
	for k < len(raw) && (n < need+2*headMargin || !segmentStart(raw[k:])) {
		if utf8.RuneStart(raw[k]) {
			n++
		}
		k++
	}
	if k >= len(raw) {
		return false
	}
	start := len(c.out)
	c.out = appendLineNFKC(c, c.out, raw[:k])
	b := c.out[start:]
	p, n := 0, 0
	for p < len(b) && n < need+headMargin {
		if utf8.RuneStart(b[p]) {
			n++
		}
		p++
	}
	for ; p < len(b); p++ {
		if isCut(b[:p+1]) && !bytes.Contains(b[max(0, p-128):p], []byte("【")) {
			break
		}
	}
	if p >= len(b) {
		c.out = c.out[:start]
		return false
	}
	b = b[:p+1]
	if isBoilerLine(b) {
		c.out, c.dropped = c.out[:start], true
		return true
	}
	t := bytes.TrimSpace(replaceWidgets(b))
	if len(t) <= 80 || runesAtLeast(t) < need {
		c.out = c.out[:start]
		return false
	}
	c.out = c.out[:start+copy(b, t)]
	c.runes += runesAtLeast(c.out[start:])
	c.dropped = true
	return true
}

// runesAtLeast returns the number of bytes of b that start a rune: the
// number of runes when b is valid UTF-8, and never more (an invalid byte
// is a rune of its own, even a continuation byte). It counts the
// continuation bytes, 10xxxxxx, eight at a time.
func runesAtLeast(b []byte) int {
	n := len(b)
	i := 0
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		cont := (x &^ (x << 1)) >> 7 & 0x0101010101010101 // bit 0 of each byte: bit 7 set, bit 6 clear
		n -= int(cont * 0x0101010101010101 >> 56)
	}
	for _, c := range b[i:] {
		if c&0xc0 == 0x80 {
			n--
		}
	}
	return n
}

// headMargin is how many runes head takes beyond the limit's need, for
// widgets it removes and for finding a cut.
const headMargin = 256

// segmentStart reports whether s starts with an ASCII byte or a CJK
// ideograph: a rune that starts an NFKC segment.
func segmentStart[T string | []byte](s T) bool {
	return s[0] < utf8.RuneSelf || isHanAt(s, 0)
}

// isCut reports whether b ends with a character that ends every widget
// match that does not start with 【: , ; ， 。 or ；.
func isCut(b []byte) bool {
	switch b[len(b)-1] {
	case ',', ';':
		return true
	}
	return bytes.HasSuffix(b, []byte("。")) || bytes.HasSuffix(b, []byte("，")) || bytes.HasSuffix(b, []byte("；"))
}

// mayBeFurniture reports whether onlyFurniture can match b: after ASCII
// white space it must start with the first letter of one of its words (in
// either case, ſ being an s).
func mayBeFurniture(b []byte) bool {
	b = bytes.TrimLeft(b, "\t\n\f\r ")
	if len(b) == 0 {
		return false
	}
	switch b[0] | 0x20 {
	case 'p', 'c', 's', 't':
		return true
	}
	for _, w := range []string{"打", "关", "返", "分", "扫", "ſ"} {
		if bytes.HasPrefix(b, []byte(w)) {
			return true
		}
	}
	return false
}

// mayBeDate reports whether onlyDate can match the trimmed, non-empty t: it
// must start with a digit or a label (发布, 更新, 时间, 日期).
func mayBeDate(t []byte) bool {
	if isDigitByte(t[0]) {
		return true
	}
	for _, w := range []string{"发", "更", "时", "日"} {
		if bytes.HasPrefix(t, []byte(w)) {
			return true
		}
	}
	return false
}

// replaceWidgets replaces each widgetExpr match in b by a space, in place,
// as regexp's ReplaceAll would; it tries the anchored pattern only where a
// widgetStart occurs.
func replaceWidgets(b []byte) []byte {
	w, copied := 0, 0 // bytes of output, of input consumed
	for i := 0; i < len(b); {
		at := nextWidgetStart(b, i)
		if at < 0 {
			break
		}
		m := widgetAt.FindIndex(b[at:spanEnd(b, at, 40)])
		if m == nil {
			i = at + 1
			continue
		}
		w += copy(b[w:], b[copied:at])
		b[w] = ' '
		w++
		copied = at + m[1]
		i = copied
	}
	if copied == 0 {
		return b
	}
	w += copy(b[w:], b[copied:])
	return b[:w]
}

// nextWidgetStart returns the first index >= i where b has a widgetStart,
// or -1. It looks at the first rune of each, then at the whole.
func nextWidgetStart(b []byte, i int) int {
	for ; i < len(b); i++ {
		if c := b[i]; c-0xe3 > 0xe8-0xe3 || i+2 >= len(b) || b[i+1]&0xc0 != 0x80 || b[i+2]&0xc0 != 0x80 {
			continue
		}
		if !widgetFirst.has(hanRune(b, i)) {
			i += 2 // a whole rune
			continue
		}
		for _, w := range widgetStarts {
			if bytes.HasPrefix(b[i:], w) {
				return i
			}
		}
	}
	return -1
}

// widgetFirst are the first runes of widgetStarts (three bytes each,
// with lead byte E3 to E8).
var widgetFirst = func() (set runeSet) {
	for _, w := range widgetStarts {
		r, _ := utf8.DecodeRune(w)
		set.add(r)
	}
	return set
}()
