package dates

import (
	"strconv"
	"strings"
	"sync"
	"time"
)

// beijing is Asia/Shanghai, loaded once; FixedZone UTC+8 when the system
// has no tzdata (China has kept UTC+8 without DST since 1991).
var beijing = sync.OnceValue(func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
})

// DefaultLocation returns Asia/Shanghai (Beijing time), the zone naive times
// from Chinese government sites are read in. It falls back to a fixed UTC+8
// zone when the system has no time zone database.
func DefaultLocation() *time.Location { return beijing() }

// zoneNames maps the zone abbreviations found in RFC 822/1123 dates and in
// Java's Date.toString to their UTC offsets in seconds. "CST" is missing on
// purpose: see zoneOffset.
var zoneNames = map[string]int{
	"UT": 0, "UTC": 0, "GMT": 0, "Z": 0,
	"EST": -5 * 3600, "EDT": -4 * 3600,
	"CDT": -5 * 3600,
	"MST": -7 * 3600, "MDT": -6 * 3600,
	"PST": -8 * 3600, "PDT": -7 * 3600,
	"BJT": 8 * 3600, "HKT": 8 * 3600, "CCT": 8 * 3600,
	"JST": 9 * 3600, "KST": 9 * 3600,
	"CET": 1 * 3600, "CEST": 2 * 3600, "BST": 1 * 3600,
}

// zonePattern is the regexp alternation of the zones zoneOffset knows.
const zonePattern = `Z|[+-]\d{2}(?::?\d{2})?|(?i:UTC|UT|GMT|BJT|HKT|CCT|CST|CDT|EST|EDT|MST|MDT|PST|PDT|JST|KST|CEST|CET|BST)`

// zoneOffset returns the offset in seconds of a zone written as Z, +08,
// +0800, +08:00 or a known abbreviation. "CST" is China Standard Time when
// the source's own zone is UTC+8 at that date (Java's Date.toString on a
// Chinese server), and US Central Standard Time (RFC 822) otherwise.
func zoneOffset(z string, loc *time.Location, y int, mo time.Month, d int) (int, bool) {
	z = strings.TrimSpace(z)
	if z == "" {
		return 0, false
	}
	if z[0] == '+' || z[0] == '-' {
		digits := strings.ReplaceAll(z[1:], ":", "")
		if len(digits) != 2 && len(digits) != 4 {
			return 0, false
		}
		h, _ := strconv.Atoi(digits[:2])
		m := 0
		if len(digits) == 4 {
			m, _ = strconv.Atoi(digits[2:])
		}
		if h > 14 || m > 59 {
			return 0, false
		}
		off := h*3600 + m*60
		if z[0] == '-' {
			off = -off
		}
		return off, true
	}
	up := strings.ToUpper(z)
	if up == "CST" {
		_, off := time.Date(y, mo, d, 12, 0, 0, 0, loc).Zone()
		if off == 8*3600 {
			return off, true
		}
		return -6 * 3600, true
	}
	off, ok := zoneNames[up]
	return off, ok
}
