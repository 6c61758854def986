package cluster

import (
	"bytes"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The extractor's passes, in the order extract runs them: document
// numbers (docno.go), named works, dates, ordinals, years, names, numbers.

// The patterns. Those that are unanchored in the text are tried anchored
// (the "At" forms, see anchored) only where a match can start: a digit
// run, a word, a literal (see scan.go). FuzzScans checks each
// scan against FindAll with the unanchored pattern.
const (
	enMonth      = `(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?`
	enDateMDExpr = `\b` + enMonth + `\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+((?:19|20)\d{2})\b)?`
	zhOrdExpr    = `第\s*([0-9]+|[零〇一二两三四五六七八九十百千]+)\s*(次|届|期|批|周|季度|轮|阶段|场|号)`
	enOrdExpr    = `(?i)\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|\d{1,4}(?:st|nd|rd|th))\s+(?:[\w'-]+\s+){0,4}?(meeting|session|plenary|plenum|conference|congress|batch|round|issue|week|quarter|expo|forum|festival|games|championship|fair|typhoon)s?\b`
	enWeekExpr   = `\b[Ww]eek\s+(\d{1,2})\b`
	enPersonExpr = `\b(?:Governor|Mayor|Secretary|Premier|President|Chairman|Chairwoman|Minister|Director|Party chief|Party secretary)\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)`
	workExpr     = `《([^《》]{2,60})》`
	numExpr      = `(?i)^(\d+(?:,\d{3})*(?:\.\d+)?)\s*(%|‰|万亿|万|亿|倍|percent|per cent|million|billion|trillion|thousand)?`
)

// The anchors: the patterns tried at a digit run, word or literal. The
// bounds on what each reads beyond its unbounded white space (see
// anchored) are generous: isoDate reads at most 11 other runes, enDateMD
// and enDateDM 22, clock 13; enPerson reads at most 5 words. The
// commonest are matched by hand (match.go): zhDate is
// (?:((?:19|20)\d{2})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号], zhDay
// (\d{1,2})\s*日, zhYear ((?:19|20)\d{2})\s*年, enYear ((?:19|20)\d{2})\b,
// zhOrd zhOrdExpr and enOrd enOrdExpr.
var (
	zhDateAt    = anchor{fn: matchZhDate}
	isoDateAt   = anchored(`((?:19|20)\d{2})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})\b`, 16)
	enDateMDAt  = anchored(enDateMDExpr, 32)
	enDateDMAt  = anchored(`(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?`+enMonth+`(?:,?\s+((?:19|20)\d{2})\b)?`, 32)
	zhDayAt     = anchor{fn: matchZhDay}
	clockAt     = anchored(`(?i)\d{1,2}\s*(?:时\s*(?:\d{1,2}\s*分)?|:\s*\d{2}(?:\s*:\s*\d{2})?(?:\s*[ap]\.?m\.?)?|\s*[ap]\.?m\.?(?:\W|$))`, 16)
	zhOrdAt     = anchor{fn: matchZhOrd}
	zhPlenumRe  = regexp.MustCompile(`([一二三四五六七八九十]+)届([一二三四五六七八九十]+)中全会`)
	enOrdRe     = regexp.MustCompile(enOrdExpr)
	enOrdAt     = anchor{fn: matchEnOrd}
	enWeekAt    = anchored(enWeekExpr, 16)
	zhYearAt    = anchor{fn: matchZhYear}
	enYearAt    = anchor{fn: matchEnYear}
	numRe       = regexp.MustCompile(numExpr)
	enPersonAt  = anchoredTokens(enPersonExpr, 7)
	workAt      = anchor{fn: matchWork}
	zhQuarterCh = []string{"一", "二", "三", "四"} // the classes of zhQuarter
)

// officialTitles precede a person's name in Chinese news (省长黄强).
var officialTitles = [...]string{"书记", "省长", "市长", "主任", "主席", "总理", "部长", "厅长", "局长", "县长", "区长", "州长", "秘书长"}

// enOrdWords are English ordinal words.
var enOrdWords = map[string]int{"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
	"seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12}

// enOrdClass maps the noun after an English ordinal to the Chinese classifier.
var enOrdClass = map[string]string{"meeting": "次", "session": "次", "conference": "次", "plenary": "全会",
	"plenum": "全会", "congress": "届", "expo": "届", "forum": "届", "festival": "届", "games": "届",
	"championship": "届", "fair": "届", "batch": "批", "round": "轮",
	"issue": "期", "week": "周", "quarter": "季度", "typhoon": "号"}

// surnames are the common Chinese surnames; a name after an official title
// must start with one.
const surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤施文易樊兰殷牛葛温庞"

// monthNum maps an English month name or abbreviation to its number.
func monthNum(s string) int {
	if len(s) < 3 {
		return 0
	}
	switch strings.ToLower(s[:3]) {
	case "jan":
		return 1
	case "feb":
		return 2
	case "mar":
		return 3
	case "apr":
		return 4
	case "may":
		return 5
	case "jun":
		return 6
	case "jul":
		return 7
	case "aug":
		return 8
	case "sep":
		return 9
	case "oct":
		return 10
	case "nov":
		return 11
	case "dec":
		return 12
	}
	return 0
}

// works finds the documents and works named in 《》 of the text; it
// blanks nothing.
func (x *extractor) works() {
	text := x.current()
	x.scanEach(text, x.nextMark(text, '《'), workAt, func(text []byte, m []int) bool {
		if w := text[m[2]:m[3]]; isLowerWord(w) {
			x.add("w:" + string(w[:runePrefix(w, 30)]))
		} else {
			w := strings.ToLower(strings.Join(strings.Fields(string(w)), ""))
			x.add("w:" + truncateRunes(w, 30))
		}
		return false
	})
}

// isLowerWord reports whether w is valid UTF-8 without white space or
// upper case, which works would remove or lower-case.
func isLowerWord(w []byte) bool {
	for i := 0; i < len(w); {
		if isHanAt(w, i) {
			i += 3
			continue
		}
		r, n := decodeRune(w[i:])
		if r == utf8.RuneError && n == 1 || runeInfo(r)&(rcSpace|rcCased) != 0 {
			return false
		}
		i += n
	}
	return true
}

// dates finds calendar dates in Chinese, ISO and English forms, then bare
// Chinese days (27日).
func (x *extractor) dates() {
	addDate := func(y, mo, d string) bool {
		mm, _ := strconv.Atoi(mo)
		dd, _ := strconv.Atoi(d)
		if mm < 0 || mm > 12 || dd < 1 || dd > 31 {
			return false
		}
		x.add("d:" + twoDigits(mm) + "-" + twoDigits(dd))
		if y != "" {
			x.add("y:" + y)
		}
		return true
	}
	sub := func(s []byte, m []int, i int) string {
		if m[2*i] < 0 {
			return ""
		}
		return string(s[m[2*i]:m[2*i+1]])
	}
	x.eachDigits(false, mayBeZhDate, zhDateAt, func(s []byte, m []int) bool { return addDate(sub(s, m, 1), sub(s, m, 2), sub(s, m, 3)) })
	x.eachDigits(true, mayBeISODate, isoDateAt, func(s []byte, m []int) bool { return addDate(sub(s, m, 1), sub(s, m, 2), sub(s, m, 3)) })
	if x.latin {
		x.eachWord(wordMonth, enDateMDAt, func(s []byte, m []int) bool {
			return addDate(sub(s, m, 3), strconv.Itoa(monthNum(sub(s, m, 1))), sub(s, m, 2))
		})
		x.eachDigits(true, mayBeDayMonth, enDateDMAt, func(s []byte, m []int) bool {
			return addDate(sub(s, m, 3), strconv.Itoa(monthNum(sub(s, m, 2))), sub(s, m, 1))
		})
	}
	x.eachDigits(true, mayBeClock, clockAt, func([]byte, []int) bool { return true })
	x.eachDigits(false, mayBeZhDay, zhDayAt, func(s []byte, m []int) bool {
		if m[0] > 0 && (isDigitByte(s[m[0]-1]) || s[m[0]-1] == '.') {
			return false
		}
		rest := s[m[1]:]
		if hasPrefix(rest, "内") || hasPrefix(rest, "以内") || hasPrefix(rest, "以上") ||
			hasPrefix(s[max(0, m[0]-3):m[0]], "个") {
			return false
		}
		return addDate("", "0", sub(s, m, 1))
	})
}

// twoDigits formats 0 <= n <= 99 as two digits.
func twoDigits(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }

// ordinals finds 第N次-style ordinals, plenums (二十届三中全会), quarters and
// English ordinals before a meeting-like noun.
func (x *extractor) ordinals() {
	s := x.current()
	x.scanEach(s, x.nextMark(s, '第'), zhOrdAt, func(s []byte, m []int) bool {
		if n := parseNumber(string(s[m[2]:m[3]])); n > 0 {
			x.add("o:" + string(s[m[4]:m[5]]) + ":" + strconv.Itoa(n))
		}
		return true
	})
	if s = x.current(); bytes.Contains(s, []byte("中全会")) {
		x.blankEach(s, zhPlenumRe.FindAllSubmatchIndex(s, -1), func(s []byte, m []int) bool {
			x.add("o:届:" + strconv.Itoa(parseNumber(string(s[m[2]:m[3]]))))
			x.add("o:全会:" + strconv.Itoa(parseNumber(string(s[m[4]:m[5]]))))
			return true
		})
	}
	s = x.current()
	x.blankEach(s, x.zhQuarters(s), func(s []byte, m []int) bool {
		if bytes.HasSuffix(s[:m[0]], []byte("前")) {
			return false
		}
		x.add("o:季度:" + strconv.Itoa(parseNumber(string(s[m[2]:m[3]]))))
		return true
	})
	if !x.latin {
		return
	}
	enOrd := func(s []byte, m []int) bool {
		w := strings.ToLower(string(s[m[2]:m[3]]))
		n, ok := enOrdWords[w]
		if !ok {
			n, _ = strconv.Atoi(strings.TrimRight(w, "stndrh"))
		}
		if n > 0 {
			x.add("o:" + enOrdClass[strings.ToLower(string(s[m[4]:m[5]]))] + ":" + strconv.Itoa(n))
		}
		return false // keep "joint meeting" for the gazetteer; 127th is no number
	}
	if x.fold {
		s = x.current()
		x.blankEach(s, enOrdRe.FindAllSubmatchIndex(s, -1), enOrd)
	} else {
		x.eachWord(wordOrdinal, enOrdAt, enOrd)
	}
	x.eachWord(wordWeek, enWeekAt, func(s []byte, m []int) bool {
		if n, _ := strconv.Atoi(string(s[m[2]:m[3]])); n > 0 {
			x.add("o:周:" + strconv.Itoa(n))
		}
		return true
	})
	s = x.current()
	x.blankEach(s, x.quarterWords(s), func(s []byte, m []int) bool {
		x.add("o:季度:" + string(s[m[2]:m[3]]))
		return true
	})
}

// zhQuarters returns the submatches of ([一二三四1-4])季度 in s, as
// FindAllStringSubmatchIndex would: at the marks of 季度.
func (x *extractor) zhQuarters(s []byte) [][]int {
	var out [][]int
	for _, m := range x.marks {
		i := int(m.at)
		if m.r != '季' || !hasPrefix(s[i:], "季度") {
			continue
		}
		start := -1
		switch {
		case i >= 1 && s[i-1] >= '1' && s[i-1] <= '4':
			start = i - 1
		case i >= 3 && slices.Contains(zhQuarterCh, string(s[i-3:i])):
			start = i - 3
		}
		if start >= 0 {
			out = append(out, []int{start, i + len("季度"), start, i})
		}
	}
	return out
}

// quarterWords returns the submatches of \bQ([1-4])\b in s: the words Q1
// to Q4.
func (x *extractor) quarterWords(s []byte) [][]int {
	var out [][]int
	for _, i := range x.words[wordQuarter] {
		if isWordStart(s, i) && isQuarterWord(s[i:wordEnd(s, i)]) {
			out = append(out, []int{i, i + 2, i + 1, i + 2})
		}
	}
	return out
}

// years finds 2021年 and free-standing 19xx/20xx.
func (x *extractor) years() {
	f := func(s []byte, m []int) bool {
		x.add("y:" + string(s[m[2]:m[3]]))
		return true
	}
	x.eachDigits(true, mayBeZhYear, zhYearAt, f)
	x.eachDigits(true, isYear, enYearAt, f)
}

// names finds people named after an official title (省长黄强, Governor
// Huang Qiang), and places and kinds of event from the gazetteer: in
// Chinese by longest match, in English by whole words. The Chinese people
// are added title by title (the order of the per-title searches this pass
// replaces; caps keep the first).
func (x *extractor) names() {
	s := x.current()
	type person struct {
		title int
		name  []byte
	}
	var people []person
	gazFrom := 0                // Chinese place names are matched from here on
	for _, m := range x.marks { // the runes of nameStarts, and others
		i, r := int(m.at), m.r
		if !nameStarts.has(r) || !marked(s, m) {
			continue
		}
		if titleStarts.has(r) {
			for t, title := range officialTitles {
				if titleFirst[t] != r || !hasPrefix(s[i:], title) {
					continue
				}
				rest := bytes.TrimLeft(s[i+len(title):], " ")
				r1, n1 := decodeRune(rest)
				r2, n2 := decodeRune(rest[n1:])
				if strings.ContainsRune(surnames, r1) && isHan(r2) {
					people = append(people, person{t, rest[:n1+n2]})
				}
			}
		}
		if i >= gazFrom && gaz.first.has(r) {
			for _, g := range gaz.zhByFirst[r] {
				if hasPrefix(s[i:], g.name) {
					for _, e := range g.ents {
						x.add(e)
					}
					gazFrom = i + len(g.name)
					break
				}
			}
		}
	}
	slices.SortStableFunc(people, func(a, b person) int { return a.title - b.title })
	for _, p := range people {
		x.add("h:" + string(p.name))
	}
	if !x.latin {
		return
	}
	x.eachWord(wordTitle, enPersonAt, func(s []byte, m []int) bool {
		x.add("h:" + strings.ToLower(string(s[m[2]:m[3]])))
		return false
	})
	r := wordReader{s: s}
	var name []byte
	for r.fill(1) {
		for n := gaz.enNameWords(r.win[0]); n >= 1; n-- {
			if !r.fill(n) {
				continue
			}
			name = append(name[:0], r.win[0]...)
			for _, w := range r.win[1:n] {
				name = append(append(name, ' '), w...)
			}
			if ents, ok := gaz.en[string(name)]; ok {
				for _, e := range ents {
					x.add(e)
				}
				r.drop(n - 1)
				break
			}
		}
		r.drop(1)
	}
}

// titleFirst are the first runes of officialTitles.
var titleFirst = func() (first [len(officialTitles)]rune) {
	for t, title := range officialTitles {
		first[t], _ = decodeRune(title)
	}
	return first
}()

// namePairs are the first two runes of officialTitles and of the Chinese
// gazetteer names, which all have two runes or more.
var namePairs = func() (set pairSet) {
	names := officialTitles[:]
	for _, gs := range gaz.zhByFirst {
		for _, g := range gs {
			names = append(names, g.name)
		}
	}
	for _, name := range names {
		r1, n := decodeRune(name)
		r2, m := decodeRune(name[n:])
		if m == 0 {
			panic("cluster: name " + name + " has one rune")
		}
		set.add(r1, r2)
	}
	return set
}()

// pairSet is a set of rune pairs, by hash: has may report pairs never
// added, never fails to report one added.
type pairSet [64]uint64

func pairHash(r1, r2 rune) uint32 { return (uint32(r1)*0x9e3779b1 ^ uint32(r2)*0x85ebca6b) >> 20 }

func (p *pairSet) add(r1, r2 rune) {
	h := pairHash(r1, r2)
	p[h>>6] |= 1 << (h & 63)
}

func (p *pairSet) has(r1, r2 rune) bool {
	h := pairHash(r1, r2)
	return p[h>>6]&(1<<(h&63)) != 0
}

// titleStarts are the first runes of officialTitles, nameStarts those and
// the first runes of the Chinese gazetteer names.
var titleStarts, nameStarts = func() (titles, names runeSet) {
	for _, t := range officialTitles {
		r, _ := decodeRune(t)
		titles.add(r)
	}
	names = titles
	for i, w := range gaz.first {
		names[i] |= w
	}
	return titles, names
}()

// numbers finds the remaining numbers with their units.
func (x *extractor) numbers() {
	match := matchNumber
	if x.fold {
		match = func(dst []int, s []byte, i int) []int { return appendShifted(dst, numRe.FindSubmatchIndex(s[i:]), i) }
	}
	x.eachDigitsFunc(false, nil, match, func(s []byte, m []int) bool {
		if m[0] > 0 && isASCIIAlnum(s[m[0]-1]) || m[0] > 0 && s[m[0]-1] == '.' {
			return false
		}
		num := strings.ReplaceAll(string(s[m[2]:m[3]]), ",", "")
		unit := ""
		if m[4] >= 0 {
			unit = strings.ToLower(string(s[m[4]:m[5]]))
			switch unit {
			case "percent", "per cent":
				unit = "%"
			}
		} else if m[3] < len(s) && isASCIIAlnum(s[m[3]]) {
			return false // 5G, 3D
		}
		if unit == "" && !strings.Contains(num, ".") {
			if v, err := strconv.Atoi(num); err == nil && v < 10 {
				return false
			}
		}
		x.add("n:" + num + unit)
		return true
	})
}

// splitWords splits lower-cased text into words of letters, digits and
// inner apostrophes (guang'an).
func splitWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !(r < 0x80 && (isASCIIAlnum(byte(r)) || r == '\''))
	})
}

func isDigitByte(b byte) bool { return b >= '0' && b <= '9' }

func isASCIIAlnum(b byte) bool { return byteClass[b]&(classDigit|classLetter) != 0 }

// isWordByte reports whether b is a regexp word character, [0-9A-Za-z_].
func isWordByte(b byte) bool { return byteClass[b] != 0 }

// The classes of byteClass.
const (
	classDigit  = 1 << iota // 0-9
	classLetter             // A-Z, a-z
	classUnder              // _
)

// byteClass classifies the bytes of regexp word characters.
var byteClass = func() (t [256]uint8) {
	for c := '0'; c <= '9'; c++ {
		t[c] = classDigit
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = classLetter, classLetter
	}
	t['_'] = classUnder
	return t
}()

// zhDigit and zhUnit are the Chinese numeral characters.
var (
	zhDigit = map[rune]int{'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
	zhUnit  = map[rune]int{'十': 10, '百': 100, '千': 1000}
)

// parseNumber reads Arabic digits or a Chinese numeral up to 9999
// (三, 十二, 二十三, 一百零四, 一〇四); it returns 0 when it cannot.
func parseNumber(s string) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	digit, unit := zhDigit, zhUnit
	rs := []rune(s)
	hasUnit := false
	for _, r := range rs {
		if _, ok := unit[r]; ok {
			hasUnit = true
		}
	}
	if !hasUnit { // 一〇四: digit by digit
		n := 0
		for _, r := range rs {
			d, ok := digit[r]
			if !ok {
				return 0
			}
			n = n*10 + d
		}
		return n
	}
	total, cur := 0, 0
	for _, r := range rs {
		if d, ok := digit[r]; ok {
			cur = d
			continue
		}
		u, ok := unit[r]
		if !ok {
			return 0
		}
		if cur == 0 {
			cur = 1 // 十二 = 12
		}
		total += cur * u
		cur = 0
	}
	return total + cur
}
