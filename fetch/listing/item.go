package listing

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/govfeed/govfeed/fetch/dates"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// titleOf returns the title of a list link: its title attribute, else its
// text (date-only pieces left out), else the alt text of an image in it,
// preferring one that is not truncated with "..." or "…".
func titleOf(a *html.Node) (string, bool) {
	attrTitle, _ := attr(a, "title")
	cands := []string{collapse(attrTitle), linkText(a), imageAlt(a)}
	best := ""
	for _, c := range cands {
		if c != "" && !truncated(c) {
			return c, false
		}
		if utf8.RuneCountInString(c) > utf8.RuneCountInString(best) {
			best = c
		}
	}
	return best, best != ""
}

// truncated reports whether a list title was cut short by the site.
func truncated(s string) bool {
	return strings.HasSuffix(s, "...") || strings.HasSuffix(s, "…") || strings.HasSuffix(s, "。。。")
}

// linkText is the visible text of a link without pieces that are only a
// date (some lists put the date inside the link, <a>Title<i>2026-06-04</i></a>).
func linkText(a *html.Node) string {
	var parts []string
	for d := range a.Descendants() {
		if d.Type != html.TextNode || inHidden(d, a) {
			continue
		}
		if t := collapse(d.Data); t != "" {
			parts = append(parts, t)
		}
	}
	if len(parts) > 1 {
		kept := parts[:0]
		for _, p := range parts {
			if !looksLikeDate(p) {
				kept = append(kept, p)
			}
		}
		parts = kept
	}
	return collapse(strings.Join(parts, ""))
}

// imageAlt returns the alt text of the first image in a link.
func imageAlt(a *html.Node) string {
	for d := range a.Descendants() {
		if d.Type == html.ElementNode && d.DataAtom == atom.Img {
			alt, _ := attr(d, "alt")
			return collapse(alt)
		}
	}
	return ""
}

// inHidden reports whether a text node sits in a script or style below top.
func inHidden(n, top *html.Node) bool {
	for p := n.Parent; p != nil && p != top; p = p.Parent {
		if p.DataAtom == atom.Script || p.DataAtom == atom.Style {
			return true
		}
	}
	return false
}

// collapse folds white space (including no-break and ideographic spaces)
// into single spaces and trims.
func collapse(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// textContent concatenates the text under n.
func textContent(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

// dateLabels are the words allowed around a list date: "发布时间：",
// "更新日期", and the 年月日 of the date itself.
var dateLabels = strings.NewReplacer(
	"发布时间", "", "发布日期", "", "更新时间", "", "更新日期", "", "成文日期", "", "发文日期", "",
	"日期", "", "时间", "", "发布于", "", "发布", "", "更新", "",
	"年", "", "月", "", "日", "", "时", "", "分", "", "秒", "",
)

// looksLikeDate reports whether s is a date and nothing else: short, with
// no words except date labels (a title such as "2026年工作要点" is not).
func looksLikeDate(s string) bool {
	s = collapse(s)
	if s == "" || utf8.RuneCountInString(s) > 40 {
		return false
	}
	letters, digits := 0, 0
	for _, r := range dateLabels.Replace(s) {
		switch {
		case unicode.Is(unicode.Han, r):
			return false
		case unicode.IsLetter(r):
			letters++
		case unicode.IsDigit(r):
			digits++
		}
	}
	return digits >= 2 && letters <= 16
}

// dateNear finds the list date of the link a inside its list item c: the
// first date-only text at or after the link, else the last one before it,
// else the date in the link's URL. A month-day date takes its year from
// the URL when the URL has the same month and day.
func (x *extractor) dateNear(a, c *html.Node, link string) (time.Time, bool, bool) {
	text := ""
	if c != nil {
		after := false
		for d := range c.Descendants() {
			if d == a {
				after = true
			}
			if d.Type != html.TextNode || inHidden(d, c) || !looksLikeDate(d.Data) {
				continue
			}
			if _, err := x.parse(d.Data); err != nil {
				continue
			}
			text = d.Data
			if after {
				break
			}
		}
	}
	return x.date(text, link)
}

// date parses a list date text and reconciles it with the URL date. It
// returns the time, whether it is date-only and whether it came from the
// URL alone.
func (x *extractor) date(text, link string) (time.Time, bool, bool) {
	fromURL, urlOK := dates.InURL(link, x.loc)
	if text == "" {
		return fromURL, urlOK, urlOK
	}
	f, err := x.parse(text)
	if err != nil {
		return fromURL, urlOK, urlOK
	}
	if urlOK && !hasYear(text) {
		loc := x.location()
		t, u := f.Time.In(loc), fromURL.In(loc)
		if t.Month() == u.Month() && t.Day() == u.Day() && t.Year() != u.Year() {
			f.Time = time.Date(u.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, loc).UTC()
		}
	}
	return f.Time, f.DateOnly, false
}

// parse reads a date text with the configured layout, then the built-in
// formats.
func (x *extractor) parse(text string) (dates.Found, error) {
	if x.layout != "" {
		s := strings.Trim(collapse(text), "()[]（）【】")
		if t, err := dates.ParseLayout(s, x.layout, x.loc); err == nil {
			return dates.Found{Time: t, DateOnly: layoutDateOnly(x.layout)}, nil
		}
	}
	return dates.Find(text, x.loc, x.now())
}

func (x *extractor) location() *time.Location {
	if x.loc == nil {
		return dates.DefaultLocation()
	}
	return x.loc
}

// layoutDateOnly reports whether a Go layout has no time of day.
func layoutDateOnly(layout string) bool {
	return !strings.Contains(layout, "15") && !strings.Contains(layout, "03") && !strings.Contains(layout, "3:")
}

// hasYear reports whether s has a run of four digits.
func hasYear(s string) bool {
	run := 0
	for _, r := range s {
		if unicode.IsDigit(r) {
			run++
			if run == 4 {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}
