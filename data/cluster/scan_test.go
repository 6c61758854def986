package cluster

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/unicode/norm"
)

// The scans of scan.go must find exactly what the patterns they stand for
// find: these are the patterns as written before the scans, run the way
// they were (FindAll over the text, or anchored at every digit run).
var (
	specZhDate   = regexp.MustCompile(`^(?:((?:19|20)\d{2})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]`)
	specISODate  = regexp.MustCompile(`^((?:19|20)\d{2})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})\b`)
	specEnDateMD = regexp.MustCompile(enDateMDExpr)
	specEnDateDM = regexp.MustCompile(`^(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?` + enMonth + `(?:,?\s+((?:19|20)\d{2})\b)?`)
	specZhDay    = regexp.MustCompile(`^(\d{1,2})\s*日`)
	specClock    = regexp.MustCompile(`(?i)^\d{1,2}\s*(?:时\s*(?:\d{1,2}\s*分)?|:\s*\d{2}(?:\s*:\s*\d{2})?(?:\s*[ap]\.?m\.?)?|\s*[ap]\.?m\.?(?:\W|$))`)
	specZhOrd    = regexp.MustCompile(zhOrdExpr)
	specQuarter  = regexp.MustCompile(`([一二三四1-4])季度`)
	specEnWeek   = regexp.MustCompile(enWeekExpr)
	specEnQ      = regexp.MustCompile(`\bQ([1-4])\b`)
	specZhYear   = regexp.MustCompile(`^((?:19|20)\d{2})\s*年`)
	specEnYear   = regexp.MustCompile(`^((?:19|20)\d{2})\b`)
	specPerson   = regexp.MustCompile(enPersonExpr)
	specWork     = regexp.MustCompile(workExpr)
	specDocno    = regexp.MustCompile(docnoExpr)
	specWidget   = regexp.MustCompile(widgetExpr)
	specHTML     = regexp.MustCompile(`<(?:[a-zA-Z][a-zA-Z0-9]*|/[a-zA-Z]|!--)`)
	// The tests docNumbers makes around a document number.
	specCiteVerb    = regexp.MustCompile(`根据|依据|按照|参照|对照|贯彻|落实|执行|废止|转发|见`)
	specDocnoLabel  = regexp.MustCompile(`(?:文号|字号|文件编号)\s*[:：]?\s*$`)
	specCitedBefore = regexp.MustCompile(`》\s*[(]?\s*$`)
	specCitedAfter  = regexp.MustCompile(`^\s*\)?\s*(?:文件|文|精神|要求|规定|的)`)
)

// digitHits is how the extractor ran an anchored pattern before: at every
// start of a run of digits (after no word character, with boundary),
// skipping those inside a match.
func digitHits(s string, boundary bool, re *regexp.Regexp) [][]int {
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
		m = appendShifted(nil, m, i)
		hits = append(hits, m)
		i = m[1] - 1
	}
	return hits
}

// scanHits returns what the extractor's scans find in s, by name, and what
// the patterns find.
func scanHits(s string) (got, want map[string][][]int) {
	b := []byte(s)
	f := scanText(b)
	x := &extractor{text: b, latin: f.latin > 0, fold: f.fold, digits: f.digits, words: f.words, marks: f.marks}
	collect := func(run func(f func([]byte, []int) bool)) [][]int {
		var out [][]int
		run(func(_ []byte, m []int) bool {
			out = append(out, slices.Clone(m))
			return false // blank nothing: every scan sees s
		})
		return out
	}
	latin := func(ms [][]int) [][]int {
		if f.latin == 0 {
			return nil
		}
		return ms
	}
	got = map[string][][]int{
		"zhDate":   collect(func(f func([]byte, []int) bool) { x.eachDigits(false, mayBeZhDate, zhDateAt, f) }),
		"isoDate":  collect(func(f func([]byte, []int) bool) { x.eachDigits(true, mayBeISODate, isoDateAt, f) }),
		"enDateMD": latin(collect(func(f func([]byte, []int) bool) { x.eachWord(wordMonth, enDateMDAt, f) })),
		"enDateDM": latin(collect(func(f func([]byte, []int) bool) { x.eachDigits(true, mayBeDayMonth, enDateDMAt, f) })),
		"clock":    collect(func(f func([]byte, []int) bool) { x.eachDigits(true, mayBeClock, clockAt, f) }),
		"zhDay":    collect(func(f func([]byte, []int) bool) { x.eachDigits(false, mayBeZhDay, zhDayAt, f) }),
		"zhYear":   collect(func(f func([]byte, []int) bool) { x.eachDigits(true, mayBeZhYear, zhYearAt, f) }),
		"enYear":   collect(func(f func([]byte, []int) bool) { x.eachDigits(true, isYear, enYearAt, f) }),
		"number": collect(func(f func([]byte, []int) bool) {
			x.eachDigitsFunc(false, nil, matchNumber, f)
		}),
		"zhOrd":     collect(func(f func([]byte, []int) bool) { x.scanEach(b, x.nextMark(b, '第'), zhOrdAt, f) }),
		"zhQuarter": x.zhQuarters(b),
		"enWeek":    latin(collect(func(f func([]byte, []int) bool) { x.eachWord(wordWeek, enWeekAt, f) })),
		"enQuarter": latin(x.quarterWords(b)),
		"enPerson":  latin(collect(func(f func([]byte, []int) bool) { x.eachWord(wordTitle, enPersonAt, f) })),
		"work":      collect(func(f func([]byte, []int) bool) { x.scanEach(b, x.nextMark(b, '《'), workAt, f) }),
		"docno":     collect(func(f func([]byte, []int) bool) { x.scanEach(b, x.nextMark(b, docBrackets[:]...), docnoAt, f) }),
	}
	if !f.fold {
		got["enOrd"] = latin(collect(func(f func([]byte, []int) bool) { x.eachWord(wordOrdinal, enOrdAt, f) }))
	}
	want = map[string][][]int{
		"zhDate":    digitHits(s, false, specZhDate),
		"isoDate":   digitHits(s, true, specISODate),
		"enDateMD":  specEnDateMD.FindAllStringSubmatchIndex(s, -1),
		"enDateDM":  digitHits(s, true, specEnDateDM),
		"clock":     digitHits(s, true, specClock),
		"zhDay":     digitHits(s, false, specZhDay),
		"zhYear":    digitHits(s, true, specZhYear),
		"enYear":    digitHits(s, true, specEnYear),
		"zhOrd":     specZhOrd.FindAllStringSubmatchIndex(s, -1),
		"zhQuarter": specQuarter.FindAllStringSubmatchIndex(s, -1),
		"enWeek":    specEnWeek.FindAllStringSubmatchIndex(s, -1),
		"enQuarter": specEnQ.FindAllStringSubmatchIndex(s, -1),
		"enPerson":  specPerson.FindAllStringSubmatchIndex(s, -1),
		"work":      specWork.FindAllStringSubmatchIndex(s, -1),
		"docno":     specDocno.FindAllStringSubmatchIndex(s, -1),
	}
	if !f.fold {
		want["number"] = digitHits(s, false, numRe)
		want["enOrd"] = enOrdRe.FindAllStringSubmatchIndex(s, -1)
	} else {
		got["number"], want["number"] = nil, nil // numbers use numRe itself
	}
	return got, want
}

// scanSeeds are texts that exercise every scan.
var scanSeeds = []string{
	"2021年5月27日，会议召开。27日，6月8日至14日，请于3日内办结，15个工作日以上",
	"发布于2026-06-04，2026.6.4 和 2026 / 06 / 04x，1999-12-31_",
	"The meeting was held on May 27, 2021 and on 3 June, the 1st of Sept. 2020; Dec 5th 1999 Mayor",
	"6月1日17时00分发生地震，10:30通报，9 am, 11 P.M. and 7pm; 12:30:15 a.m.x 3 amx 4 pm",
	"第三次会议、第十二届、第104次、第4号台风、第 二十 批、第0005期、第一〇四场、第12345678901234567890次",
	"党的二十届四中全会，一季度，前三季度，4季度，1季度5季度，二季度季度",
	"The third joint meeting and the 127th executive meeting, Week 23, week 7x, Q1, Q5, XQ2, Q3_ FIRST meeting, 12345th session, 2nd  of  the  fifth  plenary  sessions",
	"Governor Huang Qiang and Mayor Tang Liangzhi attended; Party secretary Li Ming, Party chief Wang, Chairwoman Zhao Lei, Directorate X",
	"投资1,250亿元，增长6.2%，共68个，15 percent, 30 million yuan, 1,2345, 3.8万亿, 5 per cent, 12.5 ‰, 7倍, 2 thousand, 0.5",
	"审议了《成渝地区双城经济圈建设 2021年重点任务》《x》《》《《a》》《" + strings.Repeat("长", 61) + "》",
	"川府发〔2026〕12号，国办发[2017]47号，粤府办(2020)2号，渝府发【2026】0000000005号，{2019}1号，( 2020 ) 12 号，[1999]号",
	"【字体：大 中 小】 来源：四川日报 稿源 : 新华社，责任编辑：李明；终审:王  编辑：x 【我要打印】【关闭窗口】",
	"Kelvin \u212a and ſeventh meeting, 5 thouſand and 3 ſt, \u212aelvin İstanbul",
	"x<y a <p> b </div> <!-- c --> <1",
	"\xe4\xb8第\xff3次2026\xe5年5月\xe6日",
	"〔2026〕0000号，[2026]00012号，( 2020 ) 0 号，〔 2026 〕 12345号，【1999】0012345号，{2019}\t7\n号，〔2026〕号，〔2026〕12 号x",
	"2026 年 5 月 27 号，20261年，2026年05月1日，5月27日号，2026年13月40日，1999年1月，123月4日，2026年 2026年5月6日，3 月 4",
	"第一〇四场、第二十三阶段、第 3季度、第12号台风第3次、第三、第x次、第百千两次、第007批、第",
	"1999x 2026_ 2026年 19990 2000", "1月1日", "20", "2026", "第123日 12345年",
	"发文字号 ： 根据《通知》 ( 文号:  字号 :: 文件编号：\t) 文件 )精神 ) 的 》(",
	"The Third  joint-meeting's meetings, 2nd the a b c d meeting; 3rd a b c d e meeting. FIRST MEETINGS, fifth festivals., " +
		"4th  co.op meeting, twelfth games; first gamess tenth Typhoon! 12345th session 1st\tround_x 7TH Week sixth fairs",
	"first meeting", "first", "first ", "1st week", "second  quarters", "ninth meetingS", "Eleventh plenum-",
}

// FuzzScans checks the scans against their patterns; go test runs it on
// the seeds and their NFKC forms, with testdata/fuzz/texts.
func FuzzScans(f *testing.F) {
	for _, s := range slices.Concat(scanSeeds, fuzzTexts(f)) {
		f.Add(s)
		f.Add(norm.NFKC.String(s))
	}
	f.Fuzz(checkScans)
}

// digitMatchers are the hand-written matchers the scans run only behind
// pre-filters that already bound their digits; checkScans tries them at
// every run of digits, so that each is checked on its own.
var digitMatchers = []struct {
	name string
	fn   func(dst []int, s []byte, i int) []int
	spec *regexp.Regexp
}{
	{"matchZhDate", matchZhDate, specZhDate},
	{"matchZhDay", matchZhDay, specZhDay},
	{"matchZhYear", matchZhYear, specZhYear},
	{"matchEnYear", matchEnYear, specEnYear},
}

func checkScans(t *testing.T, s string) {
	t.Helper()
	got, want := scanHits(s)
	for name, w := range want {
		if diff := cmp.Diff(w, got[name]); diff != "" {
			t.Errorf("%s in %q (-pattern +scan):\n%s", name, s, diff)
		}
	}
	b := []byte(s)
	for i := range b {
		if !isDigitByte(b[i]) || i > 0 && isDigitByte(b[i-1]) {
			continue
		}
		for _, m := range digitMatchers {
			var want []int
			if w := m.spec.FindSubmatchIndex(b[i:]); w != nil {
				want = appendShifted(nil, w, i)
			}
			if got := m.fn(nil, b, i); !slices.Equal(got, want) {
				t.Errorf("%s(%q, %d) = %v, pattern %v", m.name, s, i, got, want)
			}
		}
	}
	if g, w := looksHTML(s), specHTML.MatchString(s); g != w {
		t.Errorf("looksHTML(%q) = %v, pattern %v", s, g, w)
	}
	for i := 0; i <= len(b) && i < 200; i++ { // the windows docNumbers looks at
		before, after := b[max(0, i-24):i], b[i:min(len(b), i+12)]
		if g, w := isDocnoLabel(before), specDocnoLabel.Match(before); g != w {
			t.Errorf("isDocnoLabel(%q) = %v, pattern %v", before, g, w)
		}
		if g, w := isCitedBefore(before), specCitedBefore.Match(before); g != w {
			t.Errorf("isCitedBefore(%q) = %v, pattern %v", before, g, w)
		}
		if g, w := isCitedAfter(after), specCitedAfter.Match(after); g != w {
			t.Errorf("isCitedAfter(%q) = %v, pattern %v", after, g, w)
		}
	}
	if g, w := hasCiteVerb(b), specCiteVerb.Match(b); g != w {
		t.Errorf("hasCiteVerb(%q) = %v, pattern %v", s, g, w)
	}
	if g, w := string(replaceWidgets(b)), specWidget.ReplaceAllString(s, " "); g != w {
		t.Errorf("replaceWidgets(%q) = %q, pattern %q", s, g, w)
	}
	if g, w := isBoilerLine([]byte(s)), boilerLine.MatchString(s[:prefixLen([]byte(s), 60)]); g != w {
		t.Errorf("isBoilerLine(%q) = %v, pattern %v", s, g, w)
	}
	for _, line := range strings.Split(s, "\n") {
		l := []byte(line)
		if onlyFurniture.Match(l) && !mayBeFurniture(l) {
			t.Errorf("mayBeFurniture(%q) is false for a furniture line", line)
		}
		if tr := strings.TrimSpace(line); tr != "" && onlyDate.MatchString(tr) && !mayBeDate([]byte(tr)) {
			t.Errorf("mayBeDate(%q) is false for a date line", tr)
		}
	}
}

func TestNextWord(t *testing.T) {
	for _, s := range append(scanSeeds, "Ya'an, GUANG'AN İstanbul KELVIN \xff Sichuan's x'") {
		got := []string{}
		for i := 0; ; {
			start, end, upper := nextWord([]byte(s), i)
			if start < 0 {
				break
			}
			w := string(appendLowerWord(nil, []byte(s[start:end])))
			if !upper && w != s[start:end] {
				t.Errorf("nextWord(%q, %d) = %q, not upper, lower-cases to %q", s, i, s[start:end], w)
			}
			got, i = append(got, w), end
		}
		if want := splitWords(strings.ToLower(s)); !cmp.Equal(got, want) {
			t.Errorf("nextWord in %q: %q, want %q", s, got, want)
		}
	}
}

// TestPeopleOrder checks which people the cap keeps: names are taken title
// by title (书记, then 省长, … 局长), each title's in the order of the text.
func TestPeopleOrder(t *testing.T) {
	_, ents := extract("局长张一，局长刘二，局长陈三，书记王四，书记李五，书记赵六，书记周七，省长吴八，省长徐九，省长孙十。")
	var got []string
	for _, e := range ents {
		if strings.HasPrefix(e, "h:") {
			got = append(got, e)
		}
	}
	want := []string{"h:吴八", "h:周七", "h:孙十", "h:张一", "h:徐九", "h:李五", "h:王四", "h:赵六"} // sorted
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("people (-want +got):\n%s", diff)
	}
}
