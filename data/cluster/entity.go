package cluster

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Entity strings in a Sketch are "kind:value":
//
//	d:05-27        a calendar date, month 00 when the text gives the day only (27日)
//	y:2021         a year
//	o:次:3         an ordinal with its classifier (第三次 and "third meeting" are both o:次:3)
//	n:1200亿       a number with its unit (plain integers below 10 are ignored)
//	p:yongchuan    a place from the built-in gazetteer, in either language
//	h:黄强         a person named after an official title (省长黄强, Governor Huang Qiang)
//	w:…            a document or work named in 《》
//	e:forum        a kind of event, in either language
//
// Document numbers are kept apart, in Sketch.DocNumbers.

// Caps on the entities kept per kind, in order of appearance.
var entityCaps = map[byte]int{'d': 8, 'y': 6, 'o': 8, 'n': 16, 'p': 16, 'h': 8, 'w': 8, 'e': 6}

var (
	zhDateRe    = regexp.MustCompile(`^(?:((?:19|20)\d{2})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]`)
	isoDateRe   = regexp.MustCompile(`^((?:19|20)\d{2})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})\b`)
	enMonth     = `(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?`
	enDateMDRe  = regexp.MustCompile(`\b` + enMonth + `\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+((?:19|20)\d{2})\b)?`)
	enDateDMRe  = regexp.MustCompile(`^(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?` + enMonth + `(?:,?\s+((?:19|20)\d{2})\b)?`)
	zhDayRe     = regexp.MustCompile(`^(\d{1,2})\s*日`)
	clockRe     = regexp.MustCompile(`(?i)^\d{1,2}\s*(?:时\s*(?:\d{1,2}\s*分)?|:\s*\d{2}(?:\s*:\s*\d{2})?(?:\s*[ap]\.?m\.?)?|\s*[ap]\.?m\.?(?:\W|$))`)
	zhOrdRe     = regexp.MustCompile(`第\s*([0-9]+|[零〇一二两三四五六七八九十百千]+)\s*(次|届|期|批|周|季度|轮|阶段|场|号)`)
	zhPlenumRe  = regexp.MustCompile(`([一二三四五六七八九十]+)届([一二三四五六七八九十]+)中全会`)
	zhQuarterRe = regexp.MustCompile(`([一二三四1-4])季度`)
	enOrdRe     = regexp.MustCompile(`(?i)\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|\d{1,4}(?:st|nd|rd|th))\s+(?:[\w'-]+\s+){0,4}?(meeting|session|plenary|plenum|conference|congress|batch|round|issue|week|quarter|expo|forum|festival|games|championship|fair|typhoon)s?\b`)
	enWeekRe    = regexp.MustCompile(`\b[Ww]eek\s+(\d{1,2})\b`)
	enQuarterRe = regexp.MustCompile(`\bQ([1-4])\b`)
	zhYearRe    = regexp.MustCompile(`^((?:19|20)\d{2})\s*年`)
	enYearRe    = regexp.MustCompile(`^((?:19|20)\d{2})\b`)
	numRe       = regexp.MustCompile(`(?i)^(\d+(?:,\d{3})*(?:\.\d+)?)\s*(%|‰|万亿|万|亿|倍|percent|per cent|million|billion|trillion|thousand)?`)
	enPersonRe  = regexp.MustCompile(`\b(?:Governor|Mayor|Secretary|Premier|President|Chairman|Chairwoman|Minister|Director|Party chief|Party secretary)\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)`)
	workRe      = regexp.MustCompile(`《([^《》]{2,60})》`)
)

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

// extractor collects entities from one text, blanking what it has used so
// that a date is not also counted as numbers.
type extractor struct {
	text   []byte // working copy; consumed spans are overwritten with spaces
	str    string // string(text), rebuilt after blanking
	dirty  bool
	latin  bool // text has ASCII letters: run the English patterns
	docnos []string
	ents   []string
	seen   map[string]bool
	count  map[byte]int
}

// extract returns the sketch's own document numbers and its entity strings
// (sorted). title is the cleaned title; text is title + "\n" + body, NFKC
// normalised, case preserved.
func extract(title, text string) (docnos, ents []string) {
	x := &extractor{text: []byte(text), str: text, seen: map[string]bool{}, count: map[byte]int{}}
	x.latin = strings.IndexFunc(text, func(r rune) bool { return r < 0x80 && unicode.IsLetter(r) }) >= 0
	x.docNumbers()
	for _, m := range workRe.FindAllStringSubmatch(text, -1) {
		w := strings.ToLower(strings.Join(strings.Fields(m[1]), ""))
		x.add("w:" + truncateRunes(w, 30))
	}
	x.dates()
	x.ordinals()
	x.years()
	x.persons()
	x.gazetteer()
	x.numbers()
	slices.Sort(x.ents)
	return x.docnos, x.ents
}

// add records one entity string unless seen or over its kind's cap.
func (x *extractor) add(e string) {
	if x.seen[e] || x.count[e[0]] >= entityCaps[e[0]] {
		return
	}
	x.seen[e] = true
	x.count[e[0]]++
	x.ents = append(x.ents, e)
}

// blank overwrites text[i:j] with spaces.
func (x *extractor) blank(i, j int) {
	for k := i; k < j; k++ {
		x.text[k] = ' '
	}
	x.dirty = x.dirty || j > i
}

// current returns the working text.
func (x *extractor) current() string {
	if x.dirty {
		x.str, x.dirty = string(x.text), false
	}
	return x.str
}

// each runs f on every submatch of re in the working text and blanks the
// matches f accepts. It does nothing unless the text contains need (a cheap
// filter before the regexp).
func (x *extractor) each(need string, re *regexp.Regexp, f func(s string, m []int) bool) {
	s := x.current()
	if need != "" && !strings.Contains(s, need) {
		return
	}
	for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
		if f(s, m) {
			x.blank(m[0], m[1])
		}
	}
}

// eachDigits is each for a pattern anchored with ^ that starts with a
// digit: it is tried only where a run of digits starts, which is much
// cheaper than an unanchored search. With boundary, a run right after an
// ASCII letter or underscore is skipped (as \b would).
func (x *extractor) eachDigits(boundary bool, re *regexp.Regexp, f func(s string, m []int) bool) {
	s := x.current()
	var hits [][]int
	for i := 0; i < len(s); i++ {
		if !isDigitByte(s[i]) || (i > 0 && isDigitByte(s[i-1])) {
			continue
		}
		if boundary && i > 0 && (isASCIIAlnum(s[i-1]) || s[i-1] == '_') {
			continue
		}
		m := re.FindStringSubmatchIndex(s[i:])
		if m == nil {
			continue
		}
		for k := range m {
			if m[k] >= 0 {
				m[k] += i
			}
		}
		hits = append(hits, m)
		i = m[1] - 1
	}
	for _, m := range hits {
		if f(s, m) {
			x.blank(m[0], m[1])
		}
	}
}

// eachEn is each for English patterns, skipped for text with no Latin
// letters.
func (x *extractor) eachEn(re *regexp.Regexp, f func(s string, m []int) bool) {
	if x.latin {
		x.each("", re, f)
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
		x.add(fmt.Sprintf("d:%02d-%02d", mm, dd))
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
	x.eachDigits(false, zhDateRe, func(s string, m []int) bool { return addDate(sub(s, m, 1), sub(s, m, 2), sub(s, m, 3)) })
	x.eachDigits(true, isoDateRe, func(s string, m []int) bool { return addDate(sub(s, m, 1), sub(s, m, 2), sub(s, m, 3)) })
	x.eachEn(enDateMDRe, func(s string, m []int) bool {
		return addDate(sub(s, m, 3), strconv.Itoa(monthNum(sub(s, m, 1))), sub(s, m, 2))
	})
	x.eachDigits(true, enDateDMRe, func(s string, m []int) bool {
		return addDate(sub(s, m, 3), strconv.Itoa(monthNum(sub(s, m, 2))), sub(s, m, 1))
	})
	x.eachDigits(true, clockRe, func(string, []int) bool { return true })
	x.eachDigits(false, zhDayRe, func(s string, m []int) bool {
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

// ordinals finds 第N次-style ordinals, plenums (二十届三中全会), quarters and
// English ordinals before a meeting-like noun.
func (x *extractor) ordinals() {
	x.each("第", zhOrdRe, func(s string, m []int) bool {
		if n := parseNumber(s[m[2]:m[3]]); n > 0 {
			x.add("o:" + s[m[4]:m[5]] + ":" + strconv.Itoa(n))
		}
		return true
	})
	x.each("中全会", zhPlenumRe, func(s string, m []int) bool {
		x.add("o:届:" + strconv.Itoa(parseNumber(s[m[2]:m[3]])))
		x.add("o:全会:" + strconv.Itoa(parseNumber(s[m[4]:m[5]])))
		return true
	})
	x.each("季度", zhQuarterRe, func(s string, m []int) bool {
		if strings.HasSuffix(s[:m[0]], "前") {
			return false
		}
		x.add("o:季度:" + strconv.Itoa(parseNumber(s[m[2]:m[3]])))
		return true
	})
	x.eachEn(enOrdRe, func(s string, m []int) bool {
		w := strings.ToLower(s[m[2]:m[3]])
		n, ok := enOrdWords[w]
		if !ok {
			n, _ = strconv.Atoi(strings.TrimRight(w, "stndrh"))
		}
		if n > 0 {
			x.add("o:" + enOrdClass[strings.ToLower(s[m[4]:m[5]])] + ":" + strconv.Itoa(n))
		}
		return false // keep "joint meeting" for the gazetteer; 127th is no number
	})
	x.eachEn(enWeekRe, func(s string, m []int) bool {
		if n, _ := strconv.Atoi(s[m[2]:m[3]]); n > 0 {
			x.add("o:周:" + strconv.Itoa(n))
		}
		return true
	})
	x.eachEn(enQuarterRe, func(s string, m []int) bool {
		x.add("o:季度:" + s[m[2]:m[3]])
		return true
	})
}

// years finds 2021年 and free-standing 19xx/20xx.
func (x *extractor) years() {
	for _, re := range []*regexp.Regexp{zhYearRe, enYearRe} {
		x.eachDigits(true, re, func(s string, m []int) bool {
			x.add("y:" + s[m[2]:m[3]])
			return true
		})
	}
}

// persons finds people named after an official title.
func (x *extractor) persons() {
	s := x.current()
	for _, t := range officialTitles {
		for i := 0; ; {
			j := strings.Index(s[i:], t)
			if j < 0 {
				break
			}
			i += j + len(t)
			rest := strings.TrimLeft(s[i:], " ")
			r1, n1 := decodeRune(rest)
			r2, n2 := decodeRune(rest[n1:])
			if strings.ContainsRune(surnames, r1) && isHan(r2) {
				x.add("h:" + rest[:n1+n2])
			}
		}
	}
	x.eachEn(enPersonRe, func(s string, m []int) bool {
		x.add("h:" + strings.ToLower(s[m[2]:m[3]]))
		return false
	})
}

// gazetteer finds places and kinds of event, in Chinese by longest match
// and in English by whole words.
func (x *extractor) gazetteer() {
	s := x.current()
	for i := 0; i < len(s); {
		r, n := decodeRune(s[i:])
		adv := n
		for _, g := range gaz.zhByFirst[r] {
			if strings.HasPrefix(s[i:], g.name) {
				for _, e := range g.ents {
					x.add(e)
				}
				adv = len(g.name)
				break
			}
		}
		i += adv
	}
	if !x.latin {
		return
	}
	ws := splitWords(strings.ToLower(s))
	for i, w := range ws {
		ws[i] = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "'")
	}
	for i := 0; i < len(ws); i++ {
		for n := min(gaz.enMaxLen, len(ws)-i); n >= 1; n-- {
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

// numbers finds the remaining numbers with their units.
func (x *extractor) numbers() {
	x.eachDigits(false, numRe, func(s string, m []int) bool {
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
		return !(r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\''))
	})
}

func isDigitByte(b byte) bool { return b >= '0' && b <= '9' }

func isASCIIAlnum(b byte) bool {
	return isDigitByte(b) || (b|0x20) >= 'a' && (b|0x20) <= 'z'
}

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
