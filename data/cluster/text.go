package cluster

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/text/unicode/norm"
)

// maxTextRunes caps the cleaned title+body that is shingled and searched for
// entities: near-duplicates show in the head of a text, and the cap bounds
// the cost of NewSketch on long policy documents.
const maxTextRunes = 4000

// looksHTML reports whether s has markup to strip.
var looksHTML = regexp.MustCompile(`<(?:[a-zA-Z][a-zA-Z0-9]*|/[a-zA-Z]|!--)`)

// blockTags end a line when converting HTML to text.
var blockTags = map[string]bool{
	"p": true, "div": true, "br": true, "li": true, "tr": true, "table": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"section": true, "article": true, "header": true, "footer": true, "ul": true,
	"ol": true, "blockquote": true, "pre": true, "hr": true, "dd": true, "dt": true,
}

// htmlText returns the text of an HTML fragment with one line per block
// element; script and style contents are dropped.
func htmlText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			tag := string(name)
			if tag == "script" || tag == "style" {
				if z.Token().Type == html.StartTagToken {
					skip++
				} else if skip > 0 {
					skip--
				}
				continue
			}
			if blockTags[tag] {
				b.WriteByte('\n')
			}
		}
	}
}

// boilerLine matches a whole line of page furniture: source, editor, date
// and print/share widgets, in Chinese and English.
var boilerLine = regexp.MustCompile(`(?i)^\s*[【\[]?\s*(?:来\s*源|稿\s*源|信息来源|文章来源|责任编辑|编\s*辑|责\s*编|审\s*核|终\s*审|校\s*对|作\s*者|记\s*者|摄\s*影|通讯员|发布时间|发布日期|发文日期|成文日期|更新时间|字\s*体|浏览次数|访问量|阅读量|点击数|打印|关闭|分享到?|扫一扫|source|editor|edited by|updated|update time|author|reporter|translator|photo|print|share|close|release date)\s*[:：]`)

// boilerWidget matches furniture inside a line: font-size and print links,
// and "来源：X" style labels with their value.
var boilerWidget = regexp.MustCompile(`【[^】]{0,12}(?:字体|打印|关闭|收藏|纠错)[^】]{0,12}】|字体\s*[:：]?\s*[【\[]?\s*大\s*[】\]]?\s*[【\[]?\s*中\s*[】\]]?\s*[【\[]?\s*小\s*[】\]]?|(?:来源|稿源|责任编辑|终审|编辑)\s*[:：]\s*[^\s，。,;；]{1,20}`)

// widgetHint reports whether line may hold something boilerWidget removes.
func widgetHint(line string) bool {
	for _, w := range []string{"【", "字体", "来源", "稿源", "编辑", "终审"} {
		if strings.Contains(line, w) {
			return true
		}
	}
	return false
}

// onlyDate matches a line that is nothing but a date or time, optionally
// labelled: the publication stamp of a page or the signing date of a
// document, which a re-post repeats or replaces.
var onlyDate = regexp.MustCompile(`^\s*(?:(?:发布|更新)?(?:时\s*间|日\s*期)\s*[:：])?\s*(?:\d{4}\s*[-./年]\s*\d{1,2}\s*[-./月]\s*\d{1,2}\s*日?)?\s*(?:\d{1,2}\s*[:时]\s*\d{1,2}\s*(?:[:分]\s*\d{1,2}\s*秒?)?\s*分?)?\s*$`)

// onlyFurniture matches lines that are nothing but navigation words.
var onlyFurniture = regexp.MustCompile(`(?i)^\s*(?:打印本页|关闭窗口|打印|关闭|返回顶部|分享|扫一扫在手机打开当前页|print|close|share|top|simp\. chinese\s+trad\. chinese)\s*$`)

// titleSep splits a page title into its own part and the site name(s).
var titleSep = regexp.MustCompile(`\s*(?:_|\||｜|\s-\s|\s—\s)\s*`)

// titleTag is a leading tag such as 【图文】, [视频] or 转发：.
var titleTag = regexp.MustCompile(`^\s*(?:[【\[][^】\]]{1,6}[】\]]|(?:转发|转载|转自)\s*[:：])\s*`)

// cleanTitle strips site-name suffixes ("…_四川省人民政府", "… - 四川省人民政府网站",
// "…_宏观经济_中国政府网") and leading tags.
func cleanTitle(t string) string {
	t = strings.TrimSpace(norm.NFKC.String(t))
	for {
		u := titleTag.ReplaceAllString(t, "")
		if u == t {
			break
		}
		t = u
	}
	if parts := titleSep.Split(t, -1); len(parts) > 1 && utf8.RuneCountInString(parts[0]) >= 4 {
		t = parts[0]
	}
	return strings.TrimSpace(t)
}

// cleanBody converts HTML to text if needed, NFKC-normalises it (full-width
// letters, digits and spaces become half-width) and drops boilerplate lines
// and widgets.
func cleanBody(body string) string {
	if looksHTML.MatchString(body) {
		body = htmlText(body)
	}
	body = norm.NFKC.String(body)
	var b strings.Builder
	for line := range strings.SplitSeq(body, "\n") {
		// The furniture patterns are anchored: a label sits in the first
		// few characters, and a furniture-only line is short. Matching on a
		// bounded prefix keeps the regexp's work per line constant.
		if boilerLine.MatchString(line[:prefixLen(line, 60)]) ||
			(len(line) <= 80 && onlyFurniture.MatchString(line)) {
			continue
		}
		if widgetHint(line) {
			line = boilerWidget.ReplaceAllString(line, " ")
		}
		line = strings.TrimSpace(line)
		if line == "" || (len(line) <= 80 && onlyDate.MatchString(line)) {
			continue
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String()
}

// prefixLen returns the length of the longest prefix of s of at most n
// bytes that ends on a rune boundary.
func prefixLen(s string, n int) int {
	if len(s) <= n {
		return len(s)
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return n
}

// truncateRunes returns at most n runes of s.
func truncateRunes(s string, n int) string {
	if len(s) <= n { // bytes >= runes
		return s
	}
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

// isHan reports whether r is a CJK ideograph.
func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// detectLang returns "zh" when Chinese characters make up at least a fifth
// of the letters (a Han character carries about as much as a whole English
// word), "en" when there are Latin letters and no such share of Han, and ""
// for text with neither.
func detectLang(s string) string {
	han, latin := 0, 0
	for _, r := range s {
		switch {
		case isHan(r):
			han++
		case r < utf8.RuneSelf && unicode.IsLetter(r):
			latin++
		}
	}
	switch {
	case han > 0 && han*5 >= han+latin:
		return "zh"
	case latin > 0:
		return "en"
	}
	return ""
}
