package article

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
)

// headingSelectors are tried, in order, after the meta tags. The CMS
// specific ones come before the bare h1, which on many portals is the
// site logo.
var headingSelectors = []string{"div.share-title", "h3.zw-title", "h2.title", "h1"}

// chromeRe matches the class or id of page chrome that holds headings which
// are not the article title (logo, banner, navigation).
var chromeRe = regexp.MustCompile(`(?i)logo|header|banner|nav|menu|footer`)

// siteSuffixes are title endings seen on the provincial portals, stripped
// before the generic rule runs.
var siteSuffixes = []string{
	"_广东省人民政府门户网站", " - 四川省人民政府网站", "_四川省人民政府",
	"_重庆市人民政府网", "_浙江省人民政府", "_中国政府网",
	" - Sichuan Provincial People's Government",
}

// siteHanEndings and siteLatinWords mark a trailing title segment as a site
// or portal name.
var (
	siteHanEndings = []string{"政府", "网", "网站", "门户"}
	siteLatinRe    = regexp.MustCompile(`(?i)government|portal|website|gov\.cn`)
)

// title finds the title. It returns the text, the rule that produced
// it and, for a heading, the element (so the body can drop it).
func (p *page) title() (string, string, *html.Node) {
	if sel := p.o.Selectors.Title; sel != "" {
		if s := p.doc.Find(sel).First(); s.Length() > 0 {
			if t := nodeText(s.Get(0)); t != "" {
				return t, "selector " + sel, s.Get(0)
			}
		}
	}
	if v := p.meta["articletitle"]; v != "" {
		return v, "meta ArticleTitle", nil
	}
	if v := p.meta["og:title"]; v != "" {
		column, _ := p.meta.first("ColumnName", "lanmu")
		return stripSiteSuffix(v, column), "meta og:title", nil
	}
	for _, sel := range headingSelectors {
		var found *html.Node
		var text string
		p.doc.Find(sel).EachWithBreak(func(_ int, s *goquery.Selection) bool {
			n := s.Get(0)
			if inChrome(n) {
				return true
			}
			if t := nodeText(n); t != "" && utf8.RuneCountInString(t) <= 200 {
				found, text = n, t
				return false
			}
			return true
		})
		if found != nil {
			return text, sel, found
		}
	}
	if t := collapse(p.doc.Find("title").First().Text()); t != "" {
		column, _ := p.meta.first("ColumnName", "lanmu")
		return stripSiteSuffix(t, column), "title", nil
	}
	return "", "", nil
}

// inChrome reports whether n sits in a header, navigation, footer or logo.
func inChrome(n *html.Node) bool {
	for c := n; c != nil && c.Type == html.ElementNode; c = c.Parent {
		switch c.Data {
		case "header", "nav", "footer", "aside":
			return true
		case "body", "html":
			return false
		}
		if chromeRe.MatchString(classID(c)) {
			return true
		}
	}
	return false
}

// stripSiteSuffix removes the site (and column) names that CMSs append to
// <title>: first the known suffixes, then, repeatedly, any trailing
// "_X", "|X", "–X", "—X" or " - X" segment whose X names a government site
// or portal. Once a site segment is gone, a trailing segment equal to the
// page's column name, or a short all-Han column segment after "_"
// (标题_宏观经济_中国政府网), is removed too. The title is never emptied.
func stripSiteSuffix(t, column string) string {
	stripped := false
	for {
		before := t
		for _, suf := range siteSuffixes {
			if strings.HasSuffix(t, suf) && len(t) > len(suf) {
				t = strings.TrimSpace(strings.TrimSuffix(t, suf))
				stripped = true
			}
		}
		if head, seg, _, ok := lastSegment(t); ok && isSiteName(seg) {
			t, stripped = head, true
		}
		if t == before {
			break
		}
	}
	if !stripped {
		return t
	}
	if head, seg, sep, ok := lastSegment(t); ok {
		if (column != "" && seg == column) || (sep == "_" && isShortHan(seg)) {
			t = head
		}
	}
	return t
}

// lastSegment splits t at its last title separator. The hyphen counts only
// after a space or next to a Han character ("e-Government" is one word), and
// a doubled dash "——" is a Chinese subtitle mark, not a separator.
func lastSegment(t string) (head, seg, sep string, ok bool) {
	runes := []rune(t)
	for i := len(runes) - 1; i > 0; i-- {
		r := runes[i]
		switch r {
		case '_', '|', '｜', '–':
		case '—':
			if runes[i-1] == '—' || (i+1 < len(runes) && runes[i+1] == '—') {
				continue
			}
		case '-':
			next := ' '
			if i+1 < len(runes) {
				next = runes[i+1]
			}
			if !unicode.IsSpace(runes[i-1]) && !unicode.Is(unicode.Han, runes[i-1]) && !unicode.Is(unicode.Han, next) {
				continue
			}
		default:
			continue
		}
		head = strings.TrimSpace(string(runes[:i]))
		seg = strings.TrimSpace(string(runes[i+1:]))
		if head == "" || seg == "" {
			return "", "", "", false
		}
		return head, seg, string(r), true
	}
	return "", "", "", false
}

// isSiteName reports whether a title segment names a government site.
func isSiteName(seg string) bool {
	if utf8.RuneCountInString(seg) > 40 {
		return false
	}
	if siteLatinRe.MatchString(seg) {
		return true
	}
	for _, e := range siteHanEndings {
		if strings.HasSuffix(seg, e) {
			return true
		}
	}
	return false
}

// isShortHan reports whether seg is 2–6 Han characters: the shape of a
// column name such as 宏观经济 or 今日四川.
func isShortHan(seg string) bool {
	n := 0
	for _, r := range seg {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
		n++
	}
	return n >= 2 && n <= 6
}
