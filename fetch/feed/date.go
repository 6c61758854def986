package feed

import (
	"regexp"
	"strings"
	"time"

	"github.com/govfeed/govfeed/fetch/dates"
)

// zone says whether and how a date string gives its zone.
type zone int

const (
	zoneNone    zone = iota // naive: read in the source's location
	zoneNumeric             // Z, UTC, GMT or a numeric offset: gofeed's reading is exact
	zoneNamed               // an abbreviation such as CST: ambiguous, see date
)

var (
	// clockRe finds the time of day in a date string.
	clockRe = regexp.MustCompile(`\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?`)
	// numericZoneRe and namedZoneRe read what follows the time of day.
	numericZoneRe = regexp.MustCompile(`^(?i:z\b|(?:gmt|utc|ut)\b|(?:gmt|utc)?\s*[+-]\d{1,2}(?::?\d{2})?\b)`)
	namedZoneRe   = regexp.MustCompile(`^\(?([A-Za-z]{2,5})\)?(?:\s|$)`)
)

// zoneOf says how raw gives its zone. Only the text right after the time of
// day counts ("AM"/"PM" skipped), so dates without a time are naive.
func zoneOf(raw string) zone {
	loc := clockRe.FindStringIndex(raw)
	if loc == nil {
		return zoneNone
	}
	rest := strings.TrimSpace(raw[loc[1]:])
	if numericZoneRe.MatchString(rest) {
		return zoneNumeric
	}
	m := namedZoneRe.FindStringSubmatch(rest)
	if m != nil && (strings.EqualFold(m[1], "am") || strings.EqualFold(m[1], "pm")) {
		rest = strings.TrimSpace(rest[len(m[0]):])
		if numericZoneRe.MatchString(rest) {
			return zoneNumeric
		}
		m = namedZoneRe.FindStringSubmatch(rest)
	}
	if m != nil {
		return zoneNamed
	}
	return zoneNone
}

// date returns a feed date in UTC, or zero when it is absent, unreadable or
// implausible (before 1990 or more than a year ahead). raw is the feed's
// text and parsed gofeed's reading of it. gofeed's reading is kept when raw
// carries a numeric zone. A naive raw (2026-10-04 01:39:11.0) is read in
// the source's location by dates.Parse, and so is a named zone, since
// gofeed takes CST for US Central while on a Chinese server it is China
// Standard Time. If dates.Parse fails, gofeed's reading is used, its wall
// clock moved into the source's location when raw was naive.
func (r *reader) date(raw string, parsed *time.Time) time.Time {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return time.Time{}
	}
	z := zoneOf(raw)
	var t time.Time
	if z == zoneNumeric && parsed != nil {
		t = *parsed
	} else if d, err := dates.Parse(raw, r.loc, r.now); err == nil {
		t = d
	} else if parsed != nil {
		t = *parsed
		if z == zoneNone {
			t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), r.loc)
		}
	}
	if t.IsZero() || t.Year() < 1990 || t.After(r.now.AddDate(1, 0, 0)) {
		return time.Time{}
	}
	return t.UTC()
}
