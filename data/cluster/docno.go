package cluster

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// docnoExpr matches the year and serial of a document number such as
// 川府发〔2026〕12号, 国办发[2017]47号 or 粤府办(2020)2号 (NFKC has already made
// full-width brackets half-width); the agency prefix before the bracket is
// read by docNumbers. A match starts with an opening bracket.
const docnoExpr = `[〔\[(【{]\s*((?:19|20)\d{2})\s*[〕\])】}]\s*0*(\d{1,4})\s*号`

// docnoAt is docnoExpr anchored, tried at each opening bracket; it reads
// at most 11 runes besides white space and zeros.
var docnoAt = anchored(docnoExpr, 16, true)

// maxDocPrefix is the most Han characters read before a document number's
// bracket.
const maxDocPrefix = 12

// docnoStop are words that can precede an agency abbreviation in running
// text; they are stripped from the front of the matched prefix.
var docnoStop = []string{"根据", "依据", "按照", "参照", "对照", "贯彻", "落实", "执行", "废止", "印发", "转发",
	"关于", "发文字号", "文号", "字号", "文件", "附件", "通知", "见", "和", "及", "与", "或", "的"}

// citeVerb marks a prefix as a citation of another document.
var citeVerb = regexp.MustCompile(`根据|依据|按照|参照|对照|贯彻|落实|执行|废止|转发|见`)

// docnoLabel is a label that introduces a page's own document number.
var docnoLabel = regexp.MustCompile(`(?:文号|字号|文件编号)\s*[:：]?\s*$`)

// citedBefore is a document title just before a number: 《…》(国办发〔2017〕47号).
var citedBefore = regexp.MustCompile(`》\s*[(]?\s*$`)

// citedAfter follows a cited number: …47号文件, …47号)精神.
var citedAfter = regexp.MustCompile(`^\s*\)?\s*(?:文件|文|精神|要求|规定|的)`)

// docNumbers finds document numbers, keeping as the sketch's own those after
// a 文号 label or standing free (in the title, on a header line, after a
// notice's title); numbers cited as the basis of another document
// (《…》(国办发〔2017〕47号), 根据…, …号文件精神) are blanked but not kept.
func (x *extractor) docNumbers() {
	s := x.current()
	if !strings.Contains(s, "号") {
		return
	}
	x.blankEach(s, scanAt(s, nextDocBracket(s), docnoAt), func(s string, m []int) bool {
		start := m[0]
		for start > 0 && (s[start-1] == ' ' || s[start-1] == '\t') {
			start--
		}
		runEnd := start
		for n := 0; n < maxDocPrefix && start > 0; n++ {
			r, size := utf8.DecodeLastRuneInString(s[:start])
			if !isHan(r) {
				break
			}
			start -= size
		}
		run := s[start:runEnd]
		x.blank(start, m[0])
		prefix := cleanDocPrefix(run)
		if prefix == "" {
			return true
		}
		before, after := s[max(0, start-24):start], s[m[1]:min(len(s), m[1]+12)]
		own := docnoLabel.MatchString(before) ||
			(!citeVerb.MatchString(run) && !citedBefore.MatchString(before) && !citedAfter.MatchString(after))
		if own {
			n := prefix + "〔" + s[m[2]:m[3]] + "〕" + s[m[4]:m[5]] + "号"
			if !slices.Contains(x.docnos, n) && len(x.docnos) < 4 {
				x.docnos = append(x.docnos, n)
			}
		}
		return true
	})
}

// nextDocBracket returns a next function for scanAt: the opening brackets
// of docnoExpr, [ ( { 〔 【. It remembers where each comes next, so that
// the text is searched once per bracket.
func nextDocBracket(s string) func(int) int {
	brackets := [...]string{"[", "(", "{", "〔", "【"}
	var at [len(brackets)]int // next occurrence; -1: none; < from: to find
	for k := range at {
		at[k] = -2
	}
	return func(from int) int {
		best := -1
		for k, b := range brackets {
			if at[k] != -1 && at[k] < from {
				at[k] = -1
				if from <= len(s) {
					if j := strings.Index(s[from:], b); j >= 0 {
						at[k] = from + j
					}
				}
			}
			if at[k] >= 0 && (best < 0 || at[k] < best) {
				best = at[k]
			}
		}
		return best
	}
}

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
