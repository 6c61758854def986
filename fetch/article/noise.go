package article

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

var (
	// widgetRe matches an element whose whole text (white space removed)
	// is page tools: 【字体：大 中 小】, 打印, 关闭窗口, 分享到, ….
	widgetRe = regexp.MustCompile(`^(?:[【\[（(]*(?:字体[:：]?(?:[大中小]|默认)*|字号[:：]?(?:[大中小]|默认)*|打印本页|打印|关闭窗口|关闭|收藏本页|收藏|分享到[:：]?|分享[:：]?|返回顶部|[|｜/])?[】\]）)]*)+$`)
	// inlineWidgetRe matches the same tools when they sit inside one text
	// node with other text.
	inlineWidgetRe = regexp.MustCompile(`[【\[]\s*字体\s*[:：]?\s*大\s*中\s*小\s*[】\]]|字体\s*[:：]\s*大\s*中\s*小|[【\[]\s*(?:打印本页|打印|关闭窗口|关闭)\s*[】\]]`)
	// editorRe matches an editor credit line: 责任编辑：, 终审 ：, 编辑：….
	editorRe = regexp.MustCompile(`^[（(【\[]?\s*(?:责任编辑|责编|终审|编辑|审核|校对)\s*[:：]`)
	// trailingEditorRe matches an editor credit in brackets ending a
	// paragraph: ……。（责任编辑：张三）
	trailingEditorRe = regexp.MustCompile(`[（(]\s*(?:责任编辑|责编|编辑)\s*[:：][^）)]{0,20}[）)]\s*$`)
	// footerRe matches the site footer: host, maintainer, copyright.
	footerRe = regexp.MustCompile(`(?i)hosted by\s*:|website (?:operation and )?maintenance|copyright held by|technical support\s*:|all rights reserved|copyright\s*©|(?:^|\s)版权所有(?:\s|[:：©]|$)|主办单位\s*[:：]|技术支持\s*[:：]|网站标识码|ICP备|公网安备`)
	// widgetClassRe matches the class or id of share and QR-code widgets.
	widgetClassRe = regexp.MustCompile(`(?i)share|fenxiang|qrcode|(?:^|[^a-z])ewm|bdshare|jiathis`)
	// logoRe matches the src of site logos and badges placed in the body.
	logoRe = regexp.MustCompile(`(?i)logo|zcwjic`)
)

// dropTags are removed from the body with their content.
var dropTags = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Link: true, atom.Meta: true, atom.Button: true, atom.Select: true,
	atom.Input: true, atom.Textarea: true,
}

// emptiable are the elements removed when they hold no text and no media.
var emptiable = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Span: true, atom.Font: true, atom.Strong: true,
	atom.B: true, atom.Em: true, atom.I: true, atom.U: true, atom.A: true, atom.Li: true,
	atom.Ul: true, atom.Ol: true, atom.Section: true, atom.Center: true, atom.H1: true,
	atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Blockquote: true, atom.Label: true,
}

// media are the elements that make a block non-empty without text.
var media = map[atom.Atom]bool{
	atom.Img: true, atom.Video: true, atom.Audio: true, atom.Table: true,
	atom.Hr: true, atom.Iframe: true, atom.Embed: true, atom.Object: true,
}

// lazySrc are attributes where lazy-loading pages keep the real image URL.
var lazySrc = []string{"data-src", "data-original", "oldsrc"}

// cleanBody removes the noise from the body container in place: the
// source's Remove selector, the elements in drop (title heading and the
// byline lines already read), scripts and form controls, share/QR widgets,
// site logos, font-size/print/close tools, editor credits, footer blocks
// and, last, elements left empty.
func (p *page) cleanBody(body *html.Node, drop []*html.Node) {
	sel := goquery.NewDocumentFromNode(body)
	if r := p.o.Selectors.Remove; r != "" {
		sel.Find(r).Each(func(_ int, s *goquery.Selection) { remove(s.Get(0)) })
	}
	for _, n := range drop {
		// A byline's block may also hold the text after a <br>: drop it
		// only when it is little more than the line.
		if n != nil && n != body && contains(body, n) && utf8.RuneCountInString(nodeText(n)) <= 120 {
			remove(n)
		}
	}
	var elems []*html.Node
	var texts []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.ElementNode:
				elems = append(elems, c)
				walk(c)
			case html.TextNode:
				texts = append(texts, c)
			}
		}
	}
	walk(body)
	for _, n := range elems {
		switch {
		case dropTags[n.DataAtom]:
			remove(n)
		case widgetClassRe.MatchString(classID(n)):
			remove(n)
		case n.DataAtom == atom.Img:
			fixLazy(n)
			if logoRe.MatchString(attr(n, "src")) {
				remove(n)
			}
		}
	}
	for _, t := range texts {
		if t.Parent == nil || !contains(body, t) {
			continue
		}
		t.Data = inlineWidgetRe.ReplaceAllString(t.Data, "")
		removeSizeLinks(t)
		t.Data = trailingEditorRe.ReplaceAllString(t.Data, "")
		trimmed := strings.TrimFunc(t.Data, isSpace)
		switch {
		case editorRe.MatchString(trimmed):
			dropLine(body, t, func(s string) bool {
				return editorRe.MatchString(s) && utf8.RuneCountInString(s) <= 80
			})
		case footerRe.MatchString(trimmed):
			dropLine(body, t, func(s string) bool { return utf8.RuneCountInString(s) <= 300 })
		}
	}
	removeWidgets(body)
	if t := strings.Join(strings.FieldsFunc(nodeText(body), isSpace), ""); t != "" && widgetRe.MatchString(t) {
		for c := body.FirstChild; c != nil; c = body.FirstChild {
			body.RemoveChild(c)
		}
	}
	removeEmpty(body)
}

// fontLabelRe matches the end of a text node that opens a font-size
// widget whose sizes are separate links: "【字体：" before <a>大</a>….
var fontLabelRe = regexp.MustCompile(`[【\[]?\s*字[体号]\s*[:：]?\s*$`)

// removeSizeLinks removes a font-size widget that starts at the end of
// text node t and continues with sibling links 大 中 小 and a closing
// bracket, leaving the text before it.
func removeSizeLinks(t *html.Node) {
	loc := fontLabelRe.FindStringIndex(t.Data)
	if loc == nil {
		return
	}
	var sizes []*html.Node
	labels := 0
	n := t.NextSibling
scan:
	for ; n != nil; n = n.NextSibling {
		txt := strings.TrimFunc(nodeText(n), isSpace)
		if n.Type == html.TextNode {
			txt = strings.TrimFunc(n.Data, isSpace)
		}
		switch txt {
		case "大", "中", "小", "默认":
			labels++
		case "":
		default:
			break scan
		}
		sizes = append(sizes, n)
	}
	if labels < 2 {
		return
	}
	for _, s := range sizes {
		remove(s)
	}
	t.Data = t.Data[:loc[0]]
	if n != nil && n.Type == html.TextNode {
		n.Data = strings.TrimLeft(strings.TrimLeftFunc(n.Data, isSpace), "】]")
	}
}

// removeWidgets removes, top-down, the elements whose whole text is page
// tools, so that 【<a>打印本页</a>】【<a>关闭窗口</a>】 goes as one block
// with its brackets. A link counts only when it goes nowhere (javascript:,
// "#" or no href): a real link whose text is 打印 stays.
func removeWidgets(n *html.Node) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode {
			t := strings.Join(strings.FieldsFunc(nodeText(c), isSpace), "")
			if t != "" && widgetRe.MatchString(t) && (c.DataAtom != atom.A || deadLink(c)) {
				remove(c)
			} else {
				removeWidgets(c)
			}
		}
		c = next
	}
}

// deadLink reports whether link a leads nowhere.
func deadLink(a *html.Node) bool {
	href := strings.ToLower(strings.TrimSpace(attr(a, "href")))
	return href == "" || href == "#" || strings.HasPrefix(href, "javascript:")
}

// removeTitleCopy removes the first text-bearing element of body when its
// text is the title: the heading repeated at the top of the body.
func removeTitleCopy(body *html.Node, title string) {
	if title == "" {
		return
	}
	for n := body.FirstChild; n != nil; {
		switch {
		case n.Type == html.TextNode && strings.TrimFunc(n.Data, isSpace) != "":
			return
		case n.Type != html.ElementNode || nodeText(n) == "":
			n = n.NextSibling
		case nodeText(n) == title:
			remove(n)
			return
		default:
			n = n.FirstChild // descend into the first non-empty element
		}
	}
}

// dropLine removes the line that text node t starts: its nearest block
// ancestor below body when ok accepts that block's text (a table cell is
// emptied, not removed), else t and its inline siblings up to the next
// line break.
func dropLine(body, t *html.Node, ok func(string) bool) {
	block := t.Parent
	for block != body && block != nil && !isBlock(block) {
		block = block.Parent
	}
	if block != nil && block != body && ok(nodeText(block)) {
		if block.DataAtom == atom.Td || block.DataAtom == atom.Th {
			// Empty a table cell instead of breaking the row.
			for c := block.FirstChild; c != nil; c = block.FirstChild {
				block.RemoveChild(c)
			}
			return
		}
		remove(block)
		return
	}
	for n := t; n != nil; {
		next := n.NextSibling
		remove(n)
		if next == nil || isBlock(next) {
			break
		}
		n = next
	}
}

// fixLazy copies a lazy-loading attribute into an empty src.
func fixLazy(img *html.Node) {
	if strings.TrimSpace(attr(img, "src")) != "" {
		return
	}
	for _, k := range lazySrc {
		if v := strings.TrimSpace(attr(img, k)); v != "" {
			for i := range img.Attr {
				if img.Attr[i].Key == "src" {
					img.Attr[i].Val = v
					return
				}
			}
			img.Attr = append(img.Attr, html.Attribute{Key: "src", Val: v})
			return
		}
	}
}

// removeEmpty removes, bottom-up, the descendants of n that hold neither
// text nor media.
func removeEmpty(n *html.Node) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode {
			removeEmpty(c)
			if emptiable[c.DataAtom] && isEmpty(c) {
				remove(c)
			}
		}
		c = next
	}
}

// isEmpty reports whether n has no visible text and no media.
func isEmpty(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			if strings.TrimFunc(c.Data, isSpace) != "" {
				return false
			}
		case html.ElementNode:
			if media[c.DataAtom] || !isEmpty(c) {
				return false
			}
		}
	}
	return true
}
