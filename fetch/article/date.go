package article

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"github.com/govfeed/govfeed/fetch/dates"
	"golang.org/x/net/html"
)

// dateMetas are the meta tags that carry the publication time, in order.
var dateMetas = []string{"PubDate", "firstpublishedtime", "publishdate", "article:published_time"}

// dateLabels are the visible labels that introduce a publication time, in
// order of trust. A label marked bare may not follow a Han character, so
// 时间 does not match inside 有效时间 and 日期 not inside 成文日期.
var dateLabels = []label{
	{text: "发布时间"}, {text: "发布日期"}, {text: "时间", bare: true},
	{text: "Updated"}, {text: "日期", bare: true},
}

// found is a publication time and where it came from.
type found struct {
	t        time.Time
	dateOnly bool
	rule     string
	block    *html.Node // the element of a visible line, for removal
}

// published finds the publication time. The body's own lines are read
// after the page's and only when short and starting with a label.
func (p *page) published() (found, bool) {
	if sel := p.o.Selectors.Date; sel != "" {
		if s := p.doc.Find(sel).First(); s.Length() > 0 {
			raw := s.AttrOr("datetime", s.AttrOr("content", ""))
			if raw == "" {
				raw = nodeText(s.Get(0))
			}
			if f, ok := p.parse(raw); ok {
				f.rule = "selector " + sel
				return f, true
			}
		}
	}
	for _, name := range dateMetas {
		if v := p.meta[strings.ToLower(name)]; v != "" {
			if f, ok := p.parse(v); ok {
				f.rule = "meta " + name
				return f, true
			}
		}
	}
	var tf found
	ok := false
	p.doc.Find("time[datetime]").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		tf, ok = p.parse(s.AttrOr("datetime", ""))
		return !ok
	})
	if ok {
		tf.rule = "time[datetime]"
		return tf, true
	}
	for _, l := range dateLabels {
		if f, ok := p.labelled(p.outside, l, false); ok {
			return f, true
		}
		if f, ok := p.labelled(p.inside, l, true); ok {
			return f, true
		}
	}
	if s := p.doc.Find("#articleattribute").First(); s.Length() > 0 {
		if f, ok := p.parse(nodeText(s.Get(0))); ok {
			f.rule = "#articleattribute"
			return f, true
		}
	}
	if t, ok := dates.InURL(p.o.URL, p.loc); ok {
		return found{t: t.UTC(), dateOnly: true, rule: "url"}, true
	}
	return found{}, false
}

// label is a visible label such as 发布时间 or 来源.
type label struct {
	text string
	bare bool
}

// labelled looks for l followed by a colon in ls and parses what follows.
// With strict, only short lines that start with the label count (lines
// inside the body, where prose may mention times).
func (p *page) labelled(ls []line, l label, strict bool) (found, bool) {
	for i, ln := range ls {
		if strict && utf8.RuneCountInString(ln.text) > 80 {
			continue
		}
		for _, rest := range afterLabel(ln.text, l, strict) {
			if rest == "" && i+1 < len(ls) {
				rest = ls[i+1].text // <dt>发布日期：</dt><dd>2026-06-17</dd>
			}
			if f, ok := p.parse(firstRunes(rest, 40)); ok {
				f.rule = "line " + l.text
				f.block = ln.block
				return f, true
			}
		}
	}
	return found{}, false
}

// afterLabel returns the text after each occurrence of "label:" (ASCII or
// full-width colon, spaces allowed around it) in s. With atStart, only an
// occurrence at the start of s counts.
func afterLabel(s string, l label, atStart bool) []string {
	var out []string
	for i := 0; i < len(s); {
		j := strings.Index(s[i:], l.text)
		if j < 0 {
			break
		}
		at := i + j
		i = at + len(l.text)
		if atStart && strings.TrimLeft(s[:at], "【[（( ") != "" {
			break
		}
		if l.bare && at > 0 {
			if r, _ := utf8.DecodeLastRuneInString(s[:at]); unicode.Is(unicode.Han, r) {
				continue
			}
		}
		rest := strings.TrimLeftFunc(s[i:], isSpace)
		if !strings.HasPrefix(rest, ":") && !strings.HasPrefix(rest, "：") {
			continue
		}
		_, size := utf8.DecodeRuneInString(rest)
		out = append(out, strings.TrimLeftFunc(rest[size:], isSpace))
	}
	return out
}

// firstRunes returns at most n runes of s.
func firstRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// parse reads a date with the source's layout, if any, then with
// dates.Find. The result is UTC.
func (p *page) parse(raw string) (found, bool) {
	raw = collapse(raw)
	if raw == "" {
		return found{}, false
	}
	if layout := p.o.DateFormat; layout != "" {
		t, err := time.ParseInLocation(layout, raw, p.loc)
		if err != nil {
			t, err = dates.ParseLayout(raw, layout, p.loc) // full-width digits folded
		}
		if err == nil {
			return found{t: t.UTC(), dateOnly: !layoutHasClock(layout)}, true
		}
	}
	f, err := dates.Find(raw, p.loc, p.now())
	if err != nil {
		return found{}, false
	}
	return found{t: f.Time.UTC(), dateOnly: f.DateOnly}, true
}

// layoutHasClock reports whether a Go time layout has a time-of-day field.
func layoutHasClock(layout string) bool {
	for _, f := range []string{"15", "03", "04", "3:", "PM", "pm"} {
		if strings.Contains(layout, f) {
			return true
		}
	}
	return false
}
