package page

import (
	"fmt"
	"time"
)

// beijing is the zone of the times shown on the page: the sites are in
// China, and China has had no daylight saving time since 1991, so the fixed
// offset is exact when the zone database is missing.
func beijing() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}

// stamp is a time as the page shows it.
type stamp struct {
	Set   bool   // false for an unknown (zero) time
	ISO   string // RFC 3339 in UTC, for <time datetime>
	Local string // "2006-01-02 15:04" in Beijing time
	Rel   string // "3 h ago", "in 5 min"; empty when not asked for
}

// makeStamp renders t in loc; rel adds the time relative to now.
func makeStamp(t time.Time, loc *time.Location, now time.Time, rel bool) stamp {
	if t.IsZero() {
		return stamp{}
	}
	s := stamp{
		Set:   true,
		ISO:   t.UTC().Format(time.RFC3339),
		Local: t.In(loc).Format("2006-01-02 15:04"),
	}
	if rel {
		s.Rel = relative(now, t)
	}
	return s
}

// relative describes t from now in the largest whole unit: "just now",
// "5 min ago", "3 h ago", "2 d ago", "in 10 min".
func relative(now, t time.Time) string {
	d := now.Sub(t)
	future := d < 0
	if future {
		d = -d
	}
	var s string
	switch {
	case d < time.Minute:
		if future {
			return "in under a minute"
		}
		return "just now"
	case d < time.Hour:
		s = fmt.Sprintf("%d min", int(d/time.Minute))
	case d < 48*time.Hour:
		s = fmt.Sprintf("%d h", int(d/time.Hour))
	default:
		s = fmt.Sprintf("%d d", int(d/(24*time.Hour)))
	}
	if future {
		return "in " + s
	}
	return s + " ago"
}
