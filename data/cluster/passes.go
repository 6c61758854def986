package cluster

import (
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
// run, a word, a literal (see scan.go). TestScanMatchesRegexp checks each
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
// anchored) are generous: zhDate reads at most 11 other runes, isoDate 11,
// enDateMD and enDateDM 22, clock 13, zhDay and the years 5, work 62
// (any), docno 11 (and zeros); enOrd reads at most 6 words and enPerson
// 5; zhOrd's numeral is read by zhOrdEnd.
var (
	zhDateAt    = anchored(`(?:((?:19|20)\d{2})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]`, 16, false)
	isoDateAt   = anchored(`((?:19|20)\d{2})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})\b`, 16, false)
	enDateMDAt  = anchored(enDateMDExpr, 32, false)
	enDateDMAt  = anchored(`(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?`+enMonth+`(?:,?\s+((?:19|20)\d{2})\b)?`, 32, false)
	zhDayAt     = anchored(`(\d{1,2})\s*日`, 8, false)
	clockAt     = anchored(`(?i)\d{1,2}\s*(?:时\s*(?:\d{1,2}\s*分)?|:\s*\d{2}(?:\s*:\s*\d{2})?(?:\s*[ap]\.?m\.?)?|\s*[ap]\.?m\.?(?:\W|$))`, 16, false)
	zhOrdAt     = anchor{re: regexp.MustCompile(`^(?:` + zhOrdExpr + `)`), end: zhOrdEnd}
	zhPlenumRe  = regexp.MustCompile(`([一二三四五六七八九十]+)届([一二三四五六七八九十]+)中全会`)
	enOrdRe     = regexp.MustCompile(enOrdExpr)
	enOrdAt     = anchoredTokens(enOrdExpr, 8)
	enWeekAt    = anchored(enWeekExpr, 16, false)
	zhYearAt    = anchored(`((?:19|20)\d{2})\s*年`, 8, false)
	enYearAt    = anchored(`((?:19|20)\d{2})\b`, 8, false)
	numRe       = regexp.MustCompile(numExpr)
	enPersonAt  = anchoredTokens(enPersonExpr, 7)
	workAt      = anchor{fn: matchWork}
	zhQuarterCh = []string{"一", "二", "三", "四"} // the classes of zhQuarter
)

// zhOrdEnd is the end function of zhOrdAt: past 第, its numeral and four
// more runes.
func zhOrdEnd(s string, i int) int {
	j := skipSpace(s, i+len("第"))
	for j < len(s) {
		if isDigitByte(s[j]) {
			j++
			continue
		}
		r, n := decodeRune(s[j:])
		if !strings.ContainsRune("零〇一二两三四五六七八九十百千", r) {
			break
		}
		j += n
	}
	return spanEnd(s, j, 4, false)
}

// officialTitles precede a person's name in Chinese news (省长黄强).
var officialTitles = []string{"书记", "省长", "市长", "主任", "主席", "总理", "部长", "厅长", "局长", "县长", "区长", "州长", "秘书长"}

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

// works finds the documents and works named in 《》 of text.
func (x *extractor) works(text string) {
	if !strings.Contains(text, "《") {
		return
	}
	for _, m := range scanAt(text, nextString(text, "《"), workAt) {
		w := strings.ToLower(strings.Join(strings.Fields(text[m[2]:m[3]]), ""))
		x.add("w:" + truncateRunes(w, 30))
	}
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
	sub := func(s string, m []int, i int) string {
		if m[2*i] < 0 {
			return ""
		}
		return s[m[2*i]:m[2*i+1]]
	}
	x.eachDigits(false, mayBeZhDate, zhDateAt, func(s string, m []int) bool { return addDate(sub(s, m, 1), sub(s, m, 2), sub(s, m, 3)) })
	x.eachDigits(true, mayBeISODate, isoDateAt, func(s string, m []int) bool { return addDate(sub(s, m, 1), sub(s, m, 2), sub(s, m, 3)) })
	if x.latin {
		x.eachWord(wordMonth, enDateMDAt, func(s string, m []int) bool {
			return addDate(sub(s, m, 3), strconv.Itoa(monthNum(sub(s, m, 1))), sub(s, m, 2))
		})
		x.eachDigits(true, mayBeDayMonth, enDateDMAt, func(s string, m []int) bool {
			return addDate(sub(s, m, 3), strconv.Itoa(monthNum(sub(s, m, 2))), sub(s, m, 1))
		})
	}
	x.eachDigits(true, mayBeClock, clockAt, func(string, []int) bool { return true })
	x.eachDigits(false, mayBeZhDay, zhDayAt, func(s string, m []int) bool {
		if m[0] > 0 && (isDigitByte(s[m[0]-1]) || s[m[0]-1] == '.') {
			return false
		}
		rest := s[m[1]:]
		if strings.HasPrefix(rest, "内") || strings.HasPrefix(rest, "以内") || strings.HasPrefix(rest, "以上") ||
			strings.HasPrefix(s[max(0, m[0]-3):m[0]], "个") {
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
	x.blankEach(s, scanAt(s, nextString(s, "第"), zhOrdAt), func(s string, m []int) bool {
		if n := parseNumber(s[m[2]:m[3]]); n > 0 {
			x.add("o:" + s[m[4]:m[5]] + ":" + strconv.Itoa(n))
		}
		return true
	})
	if s = x.current(); strings.Contains(s, "中全会") {
		x.blankEach(s, zhPlenumRe.FindAllStringSubmatchIndex(s, -1), func(s string, m []int) bool {
			x.add("o:届:" + strconv.Itoa(parseNumber(s[m[2]:m[3]])))
			x.add("o:全会:" + strconv.Itoa(parseNumber(s[m[4]:m[5]])))
			return true
		})
	}
	s = x.current()
	x.blankEach(s, zhQuarters(s), func(s string, m []int) bool {
		if strings.HasSuffix(s[:m[0]], "前") {
			return false
		}
		x.add("o:季度:" + strconv.Itoa(parseNumber(s[m[2]:m[3]])))
		return true
	})
	if !x.latin {
		return
	}
	enOrd := func(s string, m []int) bool {
		w := strings.ToLower(s[m[2]:m[3]])
		n, ok := enOrdWords[w]
		if !ok {
			n, _ = strconv.Atoi(strings.TrimRight(w, "stndrh"))
		}
		if n > 0 {
			x.add("o:" + enOrdClass[strings.ToLower(s[m[4]:m[5]])] + ":" + strconv.Itoa(n))
		}
		return false // keep "joint meeting" for the gazetteer; 127th is no number
	}
	if x.fold {
		s = x.current()
		x.blankEach(s, enOrdRe.FindAllStringSubmatchIndex(s, -1), enOrd)
	} else {
		x.eachWord(wordOrdinal, enOrdAt, enOrd)
	}
	x.eachWord(wordWeek, enWeekAt, func(s string, m []int) bool {
		if n, _ := strconv.Atoi(s[m[2]:m[3]]); n > 0 {
			x.add("o:周:" + strconv.Itoa(n))
		}
		return true
	})
	s = x.current()
	x.blankEach(s, x.quarterWords(s), func(s string, m []int) bool {
		x.add("o:季度:" + s[m[2]:m[3]])
		return true
	})
}

// zhQuarters returns the submatches of ([一二三四1-4])季度 in s, as
// FindAllStringSubmatchIndex would.
func zhQuarters(s string) [][]int {
	var out [][]int
	for i := 0; ; i += len("季度") {
		j := strings.Index(s[i:], "季度")
		if j < 0 {
			return out
		}
		i += j
		start := -1
		switch {
		case i >= 1 && s[i-1] >= '1' && s[i-1] <= '4':
			start = i - 1
		case i >= 3 && slices.Contains(zhQuarterCh, s[i-3:i]):
			start = i - 3
		}
		if start >= 0 {
			out = append(out, []int{start, i + len("季度"), start, i})
		}
	}
}

// quarterWords returns the submatches of \bQ([1-4])\b in s: the words Q1
// to Q4.
func (x *extractor) quarterWords(s string) [][]int {
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
	f := func(s string, m []int) bool {
		x.add("y:" + s[m[2]:m[3]])
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
		name  string
	}
	var people []person
	gazFrom := 0 // Chinese place names are matched from here on
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++ // no title or name starts with ASCII
			continue
		}
		var (
			r rune
			n = 3
		)
		if isHanAt(s, i) {
			r = hanRune(s, i)
		} else {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		if !nameStarts.has(r) {
			i += n
			continue
		}
		if titleStarts.has(r) {
			for t, title := range officialTitles {
				if !strings.HasPrefix(s[i:], title) {
					continue
				}
				rest := strings.TrimLeft(s[i+len(title):], " ")
				r1, n1 := decodeRune(rest)
				r2, n2 := decodeRune(rest[n1:])
				if strings.ContainsRune(surnames, r1) && isHan(r2) {
					people = append(people, person{t, rest[:n1+n2]})
				}
			}
		}
		if i >= gazFrom && gaz.first.has(r) {
			for _, g := range gaz.zhByFirst[r] {
				if strings.HasPrefix(s[i:], g.name) {
					for _, e := range g.ents {
						x.add(e)
					}
					gazFrom = i + len(g.name)
					break
				}
			}
		}
		i += n
	}
	slices.SortStableFunc(people, func(a, b person) int { return a.title - b.title })
	for _, p := range people {
		x.add("h:" + p.name)
	}
	if !x.latin {
		return
	}
	x.eachWord(wordTitle, enPersonAt, func(s string, m []int) bool {
		x.add("h:" + strings.ToLower(s[m[2]:m[3]]))
		return false
	})
	ws := lowerWords(s)
	for i, w := range ws {
		ws[i] = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "'")
	}
	for i := 0; i < len(ws); i++ {
		if !gaz.mayStartEn(ws[i]) {
			continue
		}
		most := gaz.enFirst[ws[i]]
		for n := min(most, len(ws)-i); n >= 1; n-- {
			if ents, ok := gaz.en[strings.Join(ws[i:i+n], " ")]; ok {
				for _, e := range ents {
					x.add(e)
				}
				i += n - 1
				break
			}
		}
	}
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
	match := func(s string, i int) []int { return shift(matchNumber(s[i:]), i) }
	if x.fold {
		match = func(s string, i int) []int { return shift(numRe.FindStringSubmatchIndex(s[i:]), i) }
	}
	x.eachDigitsFunc(false, nil, match, func(s string, m []int) bool {
		if m[0] > 0 && isASCIIAlnum(s[m[0]-1]) || m[0] > 0 && s[m[0]-1] == '.' {
			return false
		}
		num := strings.ReplaceAll(s[m[2]:m[3]], ",", "")
		unit := ""
		if m[4] >= 0 {
			unit = strings.ToLower(s[m[4]:m[5]])
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

func isASCIIAlnum(b byte) bool {
	return isDigitByte(b) || (b|0x20) >= 'a' && (b|0x20) <= 'z'
}

// isWordByte reports whether b is a regexp word character, [0-9A-Za-z_].
func isWordByte(b byte) bool { return isASCIIAlnum(b) || b == '_' }

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
