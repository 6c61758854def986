// Package dates reads the publication dates government sites print: ISO and
// RFC 822/1123 stamps, Chinese 年月日 forms, "发布时间：…" lines, month-day
// list dates without a year and dates in article URLs. Naive values are read
// in the source's zone (Beijing time by default) and returned in UTC.
package dates

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ErrNoDate is returned (wrapped) when a string holds nothing date-like.
var ErrNoDate = errors.New("no date found")

// ErrImplausible is returned (wrapped) for a date that reads well but cannot
// be a publication date: a year before 1990 or more than a year after now,
// or a day, hour or minute out of range.
var ErrImplausible = errors.New("implausible date")

// Found is a parsed date and its precision.
type Found struct {
	Time time.Time // UTC
	// DateOnly is true when the text had no time of day; Time is then
	// midnight in the source's zone.
	DateOnly bool
}

// minYear is the earliest year accepted: no government site publishes
// articles dated before the web.
const minYear = 1990

const monthNames = `jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec`

// clock is the time-of-day pattern shared by the numeric forms: 17:28,
// 17:28:45, 17:28:45.0, 10时30分, 10时30分15秒.
const clock = `(\d{1,2})\s*[:时]\s*(\d{1,2})(?:\s*[:分]\s*(\d{1,2}))?(?:\s*[分秒])?(?:\.(\d{1,9}))?`

var (
	// ymdRe: 2026-06-17, 2026/6/17, 2026.06.17, 2026年06月17日,
	// 2020 年 02 月 14 日, each optionally followed by a time (after a
	// space, "T", "-" or nothing after 日) and a zone.
	ymdRe = regexp.MustCompile(`(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?:\s*日)?` +
		`(?:\s*[T,-]?\s*` + clock + `(?:\s*(` + zonePattern + `)\b)?)?`)
	// dmyRe: RFC 822/1123/850 "Tue, 17 Jun 2026 09:28:45 +0800", with or
	// without weekday, seconds and zone, two- or four-digit year.
	dmyRe = regexp.MustCompile(`(?i)\b(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*)?(\d{1,2})(?:\s+|-)(` + monthNames + `)[a-z]*\.?(?:\s+|-)(\d{4}|\d{2})\b` +
		`(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.(\d{1,9}))?(?:\s*(` + zonePattern + `)\b)?)?`)
	// unixRe: ANSIC/UnixDate and Java's Date.toString,
	// "Wed Jun 17 17:28:45 CST 2026".
	unixRe = regexp.MustCompile(`(?i)\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\s+(` + monthNames + `)[a-z]*\s+(\d{1,2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s+(` + zonePattern + `))?\s+(\d{4})\b`)
	// mdyRe: "June 17, 2026", "Jun 17, 2026 5:28 PM".
	mdyRe = regexp.MustCompile(`(?i)\b(` + monthNames + `)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,\s*(\d{4})\b` +
		`(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([ap]\.?m\.?))?)?`)
	// mdRe: month and day without a year: (01-25), 01-25, 1/25, 6月17日,
	// optionally with a time.
	mdRe = regexp.MustCompile(`(\d{1,2})\s*(?:[-/]|月)\s*(\d{1,2})(?:\s*日)?(?:\s+` + clock + `)?`)
	// compactRe: a whole value of digits: YYYYMMDD, Unix seconds or
	// milliseconds.
	compactRe = regexp.MustCompile(`^(?:\d{8}|\d{10}|\d{13})$`)
)

// fields is one candidate reading before validation.
type fields struct {
	y, mo, d, h, mi, s, ns int
	hasTime                bool
	zone                   string // "" when naive
	noYear                 bool
}

// Parse finds the date inside s and returns it in UTC. Naive values are read
// in loc (Beijing time when loc is nil); values with a zone keep their
// instant. Date-only values are midnight in loc. A month-day value without a
// year gets the latest year that puts it no later than now plus one day.
// Errors wrap ErrNoDate or ErrImplausible.
func Parse(s string, loc *time.Location, now time.Time) (time.Time, error) {
	f, err := Find(s, loc, now)
	return f.Time, err
}

// Find is Parse that also says whether the text carried a time of day.
// When now is zero, there is no upper bound and values without a year are
// an error.
func Find(s string, loc *time.Location, now time.Time) (Found, error) {
	if loc == nil {
		loc = DefaultLocation()
	}
	n := normalize(s)
	if !strings.ContainsAny(n, "0123456789") {
		return Found{}, fmt.Errorf("parse date %s: %w", quote(s), ErrNoDate)
	}
	if t := strings.TrimSpace(n); compactRe.MatchString(t) {
		return compact(t, s, loc, now)
	}
	var firstErr error
	for _, c := range candidates(n) {
		f, err := c.build(loc, now)
		if err == nil {
			return f, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	if firstErr != nil {
		return Found{}, fmt.Errorf("parse date %s: %w", quote(s), firstErr)
	}
	return Found{}, fmt.Errorf("parse date %s: %w", quote(s), ErrNoDate)
}

// ParseLayout parses s with a Go time layout (a source's configured
// DateFormat) after folding full-width digits and trimming, reading naive
// values in loc (Beijing time when nil). The result is in UTC.
func ParseLayout(s, layout string, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = DefaultLocation()
	}
	t, err := time.ParseInLocation(layout, strings.TrimSpace(normalize(s)), loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse date %s with layout %q: %w", quote(s), layout, err)
	}
	return t.UTC(), nil
}

// positioned is a candidate and where it starts in the text.
type positioned struct {
	at int
	f  fields
}

// candidates returns every reading of n with a year, in text order, followed
// by the month-day readings, in text order.
func candidates(n string) []fields {
	var full []positioned
	for _, m := range ymdRe.FindAllStringSubmatchIndex(n, -1) {
		if precededBy(n, m[0], "0123456789") || (isDigit(n[m[1]-1]) && followedBy(n, m[1], "0123456789")) {
			continue
		}
		f := fields{y: atoi(n, m, 1), mo: atoi(n, m, 2), d: atoi(n, m, 3)}
		setClock(&f, n, m, 4)
		f.zone = sub(n, m, 8)
		full = append(full, positioned{m[0], f})
	}
	for _, m := range dmyRe.FindAllStringSubmatchIndex(n, -1) {
		f := fields{d: atoi(n, m, 1), mo: month(sub(n, m, 2)), y: year2(sub(n, m, 3))}
		setClock(&f, n, m, 4)
		f.zone = sub(n, m, 8)
		full = append(full, positioned{m[0], f})
	}
	for _, m := range unixRe.FindAllStringSubmatchIndex(n, -1) {
		f := fields{mo: month(sub(n, m, 1)), d: atoi(n, m, 2), y: atoi(n, m, 7), hasTime: true}
		f.h, f.mi, f.s = atoi(n, m, 3), atoi(n, m, 4), atoi(n, m, 5)
		f.zone = sub(n, m, 6)
		full = append(full, positioned{m[0], f})
	}
	for _, m := range mdyRe.FindAllStringSubmatchIndex(n, -1) {
		f := fields{mo: month(sub(n, m, 1)), d: atoi(n, m, 2), y: atoi(n, m, 3)}
		if m[8] >= 0 {
			f.hasTime = true
			f.h, f.mi = atoi(n, m, 4), atoi(n, m, 5)
			if m[12] >= 0 {
				f.s = atoi(n, m, 6)
			}
			switch ampm := strings.ToLower(sub(n, m, 7)); {
			case ampm == "":
			case ampm[0] == 'p' && f.h >= 1 && f.h < 12:
				f.h += 12
			case ampm[0] == 'a' && f.h == 12:
				f.h = 0
			}
		}
		full = append(full, positioned{m[0], f})
	}
	sort.SliceStable(full, func(i, j int) bool { return full[i].at < full[j].at })
	out := make([]fields, 0, len(full)+1)
	for _, p := range full {
		out = append(out, p.f)
	}
	for _, m := range mdRe.FindAllStringSubmatchIndex(n, -1) {
		if precededBy(n, m[0], "0123456789./:-") || (isDigit(n[m[1]-1]) && followedBy(n, m[1], "0123456789/:-")) {
			continue
		}
		f := fields{mo: atoi(n, m, 1), d: atoi(n, m, 2), noYear: true}
		setClock(&f, n, m, 3)
		out = append(out, f)
	}
	return out
}

// setClock fills the time of day from the four clock groups starting at
// group g (hour, minute, second, fraction), if the hour matched.
func setClock(f *fields, n string, m []int, g int) {
	if m[2*g] < 0 {
		return
	}
	f.hasTime = true
	f.h, f.mi = atoi(n, m, g), atoi(n, m, g+1)
	if m[2*(g+2)] >= 0 {
		f.s = atoi(n, m, g+2)
	}
	if frac := sub(n, m, g+3); frac != "" {
		frac = (frac + "000000000")[:9]
		f.ns, _ = strconv.Atoi(frac)
	}
}

// build validates a candidate and turns it into a UTC time.
func (f fields) build(loc *time.Location, now time.Time) (Found, error) {
	if f.mo < 1 || f.mo > 12 {
		return Found{}, fmt.Errorf("month %d: %w", f.mo, ErrImplausible)
	}
	if f.h > 23 || f.mi > 59 || f.s > 59 {
		return Found{}, fmt.Errorf("time %02d:%02d:%02d: %w", f.h, f.mi, f.s, ErrImplausible)
	}
	if f.noYear {
		return f.inferYear(loc, now)
	}
	if f.d < 1 || f.d > daysIn(f.y, time.Month(f.mo)) {
		return Found{}, fmt.Errorf("day %d of %d-%02d: %w", f.d, f.y, f.mo, ErrImplausible)
	}
	zl := loc
	if f.zone != "" {
		off, ok := zoneOffset(f.zone, loc, f.y, time.Month(f.mo), f.d)
		if !ok {
			return Found{}, fmt.Errorf("zone %q: %w", f.zone, ErrImplausible)
		}
		zl = time.FixedZone("", off)
	}
	t := time.Date(f.y, time.Month(f.mo), f.d, f.h, f.mi, f.s, f.ns, zl).UTC()
	if f.y < minYear {
		return Found{}, fmt.Errorf("year %d before %d: %w", f.y, minYear, ErrImplausible)
	}
	if !now.IsZero() && t.After(now.AddDate(1, 0, 0)) {
		return Found{}, fmt.Errorf("%s more than a year after now: %w", t.Format(time.DateOnly), ErrImplausible)
	}
	return Found{Time: t, DateOnly: !f.hasTime}, nil
}

// inferYear gives a month-day value the latest year that puts it no later
// than now plus one day of slack (for clock skew and zone differences).
func (f fields) inferYear(loc *time.Location, now time.Time) (Found, error) {
	if now.IsZero() {
		return Found{}, fmt.Errorf("month-day %02d-%02d without a reference time: %w", f.mo, f.d, ErrNoDate)
	}
	limit := now.Add(24 * time.Hour)
	top := limit.In(loc).Year()
	for y := top; y >= top-8; y-- {
		if f.d < 1 || f.d > daysIn(y, time.Month(f.mo)) {
			continue
		}
		t := time.Date(y, time.Month(f.mo), f.d, f.h, f.mi, f.s, f.ns, loc)
		if !t.After(limit) {
			return Found{Time: t.UTC(), DateOnly: !f.hasTime}, nil
		}
	}
	return Found{}, fmt.Errorf("day %02d-%02d: %w", f.mo, f.d, ErrImplausible)
}

// compact reads a value made only of digits: YYYYMMDD, Unix seconds (10
// digits) or Unix milliseconds (13 digits).
func compact(t, orig string, loc *time.Location, now time.Time) (Found, error) {
	var f Found
	switch len(t) {
	case 8:
		y, _ := strconv.Atoi(t[:4])
		mo, _ := strconv.Atoi(t[4:6])
		d, _ := strconv.Atoi(t[6:])
		var err error
		f, err = fields{y: y, mo: mo, d: d}.build(loc, now)
		if err != nil {
			return Found{}, fmt.Errorf("parse date %s: %w", quote(orig), err)
		}
		return f, nil
	case 10:
		sec, _ := strconv.ParseInt(t, 10, 64)
		f.Time = time.Unix(sec, 0).UTC()
	default:
		ms, _ := strconv.ParseInt(t, 10, 64)
		f.Time = time.UnixMilli(ms).UTC()
	}
	if f.Time.Year() < minYear || (!now.IsZero() && f.Time.After(now.AddDate(1, 0, 0))) {
		return Found{}, fmt.Errorf("parse date %s: unix time %s: %w", quote(orig), f.Time.Format(time.RFC3339), ErrImplausible)
	}
	return f, nil
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// sub returns submatch g of m in s, or "".
func sub(s string, m []int, g int) string {
	if m[2*g] < 0 {
		return ""
	}
	return s[m[2*g]:m[2*g+1]]
}

// atoi returns submatch g as a number (the patterns only capture digits
// there), or 0 when the group did not match.
func atoi(s string, m []int, g int) int {
	v, _ := strconv.Atoi(sub(s, m, g))
	return v
}

func month(name string) int {
	if len(name) < 3 {
		return 0
	}
	return strings.Index(monthNames, strings.ToLower(name[:3]))/4 + 1
}

// year2 expands a two-digit RFC 822 year: 00–69 are 20xx, 70–99 are 19xx.
func year2(s string) int {
	y, _ := strconv.Atoi(s)
	if len(s) == 2 {
		if y < 70 {
			return 2000 + y
		}
		return 1900 + y
	}
	return y
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func precededBy(s string, i int, set string) bool {
	return i > 0 && strings.IndexByte(set, s[i-1]) >= 0
}

func followedBy(s string, i int, set string) bool {
	return i < len(s) && strings.IndexByte(set, s[i]) >= 0
}

// quote shortens s for an error message.
func quote(s string) string {
	const max = 60
	if utf8.RuneCountInString(s) > max {
		r := []rune(s)
		s = string(r[:max]) + "…"
	}
	return strconv.Quote(s)
}
