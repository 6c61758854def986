package publish

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/govfeed/govfeed/data"
)

// maxQueryRunes bounds the full-text query of a filtered feed.
const maxQueryRunes = 200

// maxListed bounds the sources or tags one filter names.
const maxListed = 50

// badRequest is an error in a request's parameters, safe to show.
type badRequest string

func (e badRequest) Error() string { return string(e) }

// encodeCursor renders c as the opaque value of a before or after
// parameter: the sort date in Unix nanoseconds and the item id, base 36.
func encodeCursor(c data.Cursor) string {
	return strconv.FormatInt(c.Date.UnixNano(), 36) + "." + strconv.FormatInt(c.ID, 36)
}

// decodeCursor parses what encodeCursor wrote.
func decodeCursor(s string) (data.Cursor, error) {
	d, id, ok := strings.Cut(s, ".")
	ns, err1 := strconv.ParseInt(d, 36, 64)
	n, err2 := strconv.ParseInt(id, 36, 64)
	if !ok || err1 != nil || err2 != nil || n < 0 {
		return data.Cursor{}, badRequest(fmt.Sprintf("bad page cursor %q", s))
	}
	return data.Cursor{Date: time.Unix(0, ns).UTC(), ID: n}, nil
}

// parsePaging sets s's page from the before or after parameter.
func parsePaging(q url.Values, s *spec) error {
	before, after := q.Get("before"), q.Get("after")
	switch {
	case before != "" && after != "":
		return badRequest("before and after cannot be combined")
	case before != "":
		c, err := decodeCursor(before)
		*s = s.paged(pageOlder, c)
		return err
	case after != "":
		c, err := decodeCursor(after)
		*s = s.paged(pageNewer, c)
		return err
	}
	return nil
}

// parseFilter reads the q, source, tag and since parameters. Times are
// relative to now; a bare date is midnight in loc.
func parseFilter(q url.Values, now time.Time, loc *time.Location) (filter, error) {
	var f filter
	f.text = strings.Join(strings.Fields(strings.Join(q["q"], " ")), " ")
	if n := utf8.RuneCountInString(f.text); n > maxQueryRunes {
		return f, badRequest(fmt.Sprintf("query q is %d characters long; at most %d are allowed", n, maxQueryRunes))
	}
	if !utf8.ValidString(f.text) {
		return f, badRequest("query q is not valid UTF-8")
	}
	var err error
	if f.sources, err = splitList(q["source"], "source"); err != nil {
		return f, err
	}
	if f.tags, err = splitList(q["tag"], "tag"); err != nil {
		return f, err
	}
	if raw := strings.TrimSpace(q.Get("since")); raw != "" {
		f.since, f.sinceParam, err = parseSince(raw, now, loc)
	}
	return f, err
}

// splitList splits repeated and comma-separated values, drops empty ones and
// returns the rest sorted and unique.
func splitList(values []string, name string) ([]string, error) {
	var out []string
	for _, v := range values {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > maxListed {
		return nil, badRequest(fmt.Sprintf("%s names %d values; at most %d are allowed", name, len(out), maxListed))
	}
	return out, nil
}

// shortDuration is a duration in days or weeks, which Go's syntax lacks.
var shortDuration = regexp.MustCompile(`^([0-9]{1,5})([dw])$`)

// maxSince bounds a relative since, so that now minus it cannot overflow.
const maxSince = 100 * 365 * 24 * time.Hour

// parseSince reads since as an RFC 3339 time, a date (midnight in loc), or
// a duration before now ("7d", "2w", "36h", "90m"). It returns the time,
// whole minutes for a duration, and the normalised parameter.
func parseSince(raw string, now time.Time, loc *time.Location) (time.Time, string, error) {
	if t, err := time.Parse(time.RFC3339, raw); err == nil {
		return t.UTC(), t.UTC().Format(time.RFC3339), nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, raw, loc); err == nil {
		return t.UTC(), raw, nil
	}
	lower := strings.ToLower(raw)
	var d time.Duration
	if m := shortDuration.FindStringSubmatch(lower); m != nil {
		n, _ := strconv.Atoi(m[1])
		d = time.Duration(n) * 24 * time.Hour
		if m[2] == "w" {
			d *= 7
		}
	} else if pd, err := time.ParseDuration(lower); err == nil {
		d = pd
	} else {
		return time.Time{}, "", badRequest(fmt.Sprintf("since %q is neither an RFC 3339 time, a date (2006-01-02) nor a duration (7d, 36h)", raw))
	}
	if d <= 0 || d > maxSince {
		return time.Time{}, "", badRequest(fmt.Sprintf("since %q is out of range", raw))
	}
	return now.UTC().Truncate(time.Minute).Add(-d), lower, nil
}

// errNotFound is returned for a feed that does not exist: an unknown
// source, tag or archive page.
var errNotFound = errors.New("no such feed")
