package article

import (
	"html"
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
	nethtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// bodyRule is one known body container: the CSS selector and the rule name
// reported in Article.Rules.
type bodyRule struct{ sel, name string }

// bodyRules are the body containers of the government CMS families, most
// specific first. The first one that holds text wins.
var bodyRules = []bodyRule{
	{"#cmsArticleContent", "#cmsArticleContent"}, // sc.gov.cn
	{"ucapcontent", "UCAPCONTENT"},               // UCAP custom element
	{"#UCAP-CONTENT", "#UCAP-CONTENT"},           // www.gov.cn
	{".pages_content", ".pages_content"},
	{".TRS_UEDITOR", ".TRS_UEDITOR"}, // TRS WCM
	{".trs_editor_view", ".trs_editor_view"},
	{".TRS_Editor", ".TRS_Editor"},
	{"#zoom", "#zoom"},   // Hanweb JCMS
	{"div.zw", "div.zw"}, // Guangdong NFCMS portal
	{".contText", ".contText"},
	{"#articlecontent", "#articlecontent"},
	{".article-content", ".article-content"},
	{".detail-content", ".detail-content"},
	{"div.news_cont_d_wrap", "div.news_cont_d_wrap"}, // Shenzhen NFCMS
	{"div.artContent", "div.artContent"},
}

// penaltyRe matches the class or id of blocks that are never the body.
var penaltyRe = regexp.MustCompile(`(?i)nav|menu|footer|share|breadcrumb|crumb|copyright|sidebar`)

// minReadable is the least text (Han characters and letters) a block must
// hold to be picked by the readability fallback.
const minReadable = 20

// body finds the article body. It returns the container element and the
// rule name, or a synthetic <div> holding meta Description, or nil.
func (p *page) body() (*nethtml.Node, string) {
	if sel := p.o.Selectors.Content; sel != "" {
		if n := firstWithText(p.doc.Find(sel)); n != nil {
			return n, "selector " + sel
		}
	}
	for _, r := range bodyRules {
		if n := firstWithText(p.doc.Find(r.sel)); n != nil {
			return n, r.name
		}
	}
	if n := readable(p.doc); n != nil {
		return n, "readability"
	}
	if d, _ := p.meta.first("Description"); d != "" {
		n, err := nethtml.Parse(strings.NewReader("<div><p>" + html.EscapeString(d) + "</p></div>"))
		if err == nil {
			if div := goquery.NewDocumentFromNode(n).Find("div").Get(0); div != nil {
				return div, "meta Description"
			}
		}
	}
	return nil, ""
}

// firstWithText returns the first node of s that holds text or an image.
func firstWithText(s *goquery.Selection) *nethtml.Node {
	for _, n := range s.Nodes {
		if nodeText(n) != "" || goquery.NewDocumentFromNode(n).Find("img").Length() > 0 {
			return n
		}
	}
	return nil
}

// readable picks the block with the most paragraph text, readability-style:
// each <p> (and each run of bare text directly in a block, for bodies
// written with <br>) scores its letters minus its link letters; the score
// goes in full to its parent and in half to its grandparent; a candidate's
// total is then scaled by (1 - its link density). Blocks in navigation,
// headers, footers, asides and share/breadcrumb/copyright widgets are never
// candidates.
func readable(doc *goquery.Document) *nethtml.Node {
	scores := map[*nethtml.Node]float64{}
	credit := func(n *nethtml.Node, s float64) {
		if n == nil || n.Type != nethtml.ElementNode || n.DataAtom == atom.Body || n.DataAtom == atom.Html {
			return
		}
		scores[n] += s
	}
	paragraph := func(n *nethtml.Node, text int, linked int) {
		if text == 0 || float64(linked) > 0.5*float64(text) {
			return
		}
		s := float64(text - linked)
		credit(n.Parent, s)
		if n.Parent != nil {
			credit(n.Parent.Parent, s/2)
		}
	}
	doc.Find("p").Each(func(_ int, s *goquery.Selection) {
		n := s.Get(0)
		paragraph(n, letters(nodeText(n)), letters(s.Find("a").Text()))
	})
	// Bare text directly inside a block: the block is its own paragraph's
	// parent.
	doc.Find("div, td, section, article").Each(func(_ int, s *goquery.Selection) {
		n := s.Get(0)
		t := 0
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == nethtml.TextNode {
				t += letters(c.Data)
			}
		}
		if t > 0 {
			scores[n] += float64(t)
			credit(n.Parent, float64(t)/2)
		}
	})
	var best *nethtml.Node
	bestScore := 0.0
	for n, s := range scores {
		if penalised(n) {
			continue
		}
		all := letters(nodeText(n))
		if all == 0 {
			continue
		}
		linked := letters(goquery.NewDocumentFromNode(n).Find("a").Text())
		s *= 1 - float64(linked)/float64(all)
		if s > bestScore || (s == bestScore && best != nil && before(n, best)) {
			best, bestScore = n, s
		}
	}
	if bestScore < minReadable {
		return nil
	}
	return best
}

// penalised reports whether n or an ancestor is page chrome.
func penalised(n *nethtml.Node) bool {
	for c := n; c != nil && c.Type == nethtml.ElementNode; c = c.Parent {
		switch c.DataAtom {
		case atom.Nav, atom.Footer, atom.Header, atom.Aside:
			return true
		case atom.Body:
			return false
		}
		if penaltyRe.MatchString(classID(c)) {
			return true
		}
	}
	return false
}

// before reports whether a precedes b in document order, to make ties
// deterministic despite map iteration.
func before(a, b *nethtml.Node) bool {
	pos := func(n *nethtml.Node) []int {
		var path []int
		for ; n.Parent != nil; n = n.Parent {
			i := 0
			for s := n.PrevSibling; s != nil; s = s.PrevSibling {
				i++
			}
			path = append([]int{i}, path...)
		}
		return path
	}
	pa, pb := pos(a), pos(b)
	for i := 0; i < len(pa) && i < len(pb); i++ {
		if pa[i] != pb[i] {
			return pa[i] < pb[i]
		}
	}
	return len(pa) < len(pb)
}
