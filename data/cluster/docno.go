package cluster

import (
	"bytes"
	"slices"
	"strings"
	"unicode/utf8"
)

// docnoExpr matches the year and serial of a document number such as
// 川府发〔2026〕12号, 国办发[2017]47号 or 粤府办(2020)2号 (NFKC has already made
// full-width brackets half-width); the agency prefix before the bracket is
// read by docNumbers. A match starts with an opening bracket.
const docnoExpr = `[〔\[(【{]\s*((?:19|20)\d{2})\s*[〕\])】}]\s*0*(\d{1,4})\s*号`

// docnoAt is docnoExpr anchored (matchDocno), tried at each opening
// bracket.
var docnoAt = anchor{fn: matchDocno}

// maxDocPrefix is the most Han characters read before a document number's
// bracket.
const maxDocPrefix = 12

// docnoStop are words that can precede an agency abbreviation in running
// text; they are stripped from the front of the matched prefix.
var docnoStop = []string{"根据", "依据", "按照", "参照", "对照", "贯彻", "落实", "执行", "废止", "印发", "转发",
	"关于", "发文字号", "文号", "字号", "文件", "附件", "通知", "见", "和", "及", "与", "或", "的"}

// citeVerbs mark a prefix as a citation of another document.
var citeVerbs = [...]string{"根据", "依据", "按照", "参照", "对照", "贯彻", "落实", "执行", "废止", "转发", "见"}

// hasCiteVerb reports whether run has one of citeVerbs.
func hasCiteVerb(run []byte) bool {
	for _, v := range citeVerbs {
		if bytes.Contains(run, []byte(v)) {
			return true
		}
	}
	return false
}

// isDocnoLabel reports whether b ends with a label that introduces a
// page's own document number: (?:文号|字号|文件编号)\s*[:：]?\s*$.
func isDocnoLabel(b []byte) bool {
	b = trimSpaceRight(b)
	if n := colonSuffix(b); n > 0 {
		b = trimSpaceRight(b[:len(b)-n])
	}
	return hasSuffix(b, "文号") || hasSuffix(b, "字号") || hasSuffix(b, "文件编号")
}

// isCitedBefore reports whether b ends with a document title, as before
// a cited number (《…》(国办发〔2017〕47号)): 》\s*[(]?\s*$.
func isCitedBefore(b []byte) bool {
	b = trimSpaceRight(b)
	if len(b) > 0 && b[len(b)-1] == '(' {
		b = trimSpaceRight(b[:len(b)-1])
	}
	return hasSuffix(b, "》")
}

// citedAfterWords follow a cited number: …47号文件, …47号)精神.
var citedAfterWords = [...]string{"文件", "文", "精神", "要求", "规定", "的"}

// isCitedAfter reports whether b starts as the text after a cited number
// does: ^\s*\)?\s*(?:文件|文|精神|要求|规定|的).
func isCitedAfter(b []byte) bool {
	b = b[skipSpace(b, 0):]
	if len(b) > 0 && b[0] == ')' {
		b = b[skipSpace(b, 1):]
	}
	for _, w := range citedAfterWords {
		if hasPrefix(b, w) {
			return true
		}
	}
	return false
}

// trimSpaceRight removes the \s white space at the end of b.
func trimSpaceRight(b []byte) []byte {
	for len(b) > 0 && isSpaceByte(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// colonSuffix returns the length of the colon, : or ：, that b ends with,
// or 0.
func colonSuffix(b []byte) int {
	switch {
	case hasSuffix(b, ":"):
		return 1
	case hasSuffix(b, "："):
		return len("：")
	}
	return 0
}

// hasSuffix reports whether b ends with lit.
func hasSuffix(b []byte, lit string) bool {
	return len(b) >= len(lit) && string(b[len(b)-len(lit):]) == lit
}

// docNumbers finds document numbers, keeping as the sketch's own those after
// a 文号 label or standing free (in the title, on a header line, after a
// notice's title); numbers cited as the basis of another document
// (《…》(国办发〔2017〕47号), 根据…, …号文件精神) are blanked but not kept.
func (x *extractor) docNumbers() {
	s := x.current()
	if !x.hasMark(s, '号') {
		return
	}
	x.scanEach(s, x.nextMark(s, docBrackets[:]...), docnoAt, func(s []byte, m []int) bool {
		start := m[0]
		for start > 0 && (s[start-1] == ' ' || s[start-1] == '\t') {
			start--
		}
		runEnd := start
		for n := 0; n < maxDocPrefix && start > 0; n++ {
			r, size := utf8.DecodeLastRune(s[:start])
			if !isHan(r) {
				break
			}
			start -= size
		}
		run := s[start:runEnd]
		x.blankLater(start, m[0])
		prefix := cleanDocPrefix(string(run))
		if prefix == "" {
			return true
		}
		before, after := s[max(0, start-24):start], s[m[1]:min(len(s), m[1]+12)]
		own := isDocnoLabel(before) || !hasCiteVerb(run) && !isCitedBefore(before) && !isCitedAfter(after)
		if own {
			n := prefix + "〔" + string(s[m[2]:m[3]]) + "〕" + string(s[m[4]:m[5]]) + "号"
			if !slices.Contains(x.docnos, n) && len(x.docnos) < 4 {
				x.docnos = append(x.docnos, n)
			}
		}
		return true
	})
}

// docBrackets are the opening brackets of docnoExpr.
var docBrackets = [...]rune{'[', '(', '{', '〔', '【'}

// cleanDocPrefix cuts the Han run before a document number's bracket after
// the last running-text word (根据, 印发, 的 …) that leaves at least two
// characters, and keeps at most six characters: 根据国办发 → 国办发.
func cleanDocPrefix(p string) string {
	cut := 0
	for _, w := range docnoStop {
		for i := 0; ; {
			j := strings.Index(p[i:], w)
			if j < 0 {
				break
			}
			end := i + j + len(w)
			if utf8.RuneCountInString(p[end:]) >= 2 && end > cut {
				cut = end
			}
			i = end
		}
	}
	p = p[cut:]
	if r := []rune(p); len(r) > 6 {
		p = string(r[len(r)-6:])
	}
	if utf8.RuneCountInString(p) < 2 {
		return ""
	}
	return p
}
