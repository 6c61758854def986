package listing

import (
	"bytes"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/govfeed/govfeed/data"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

var (
	// createPageHTML(5, 0, "index", "html") in TRS pages, optionally with a
	// leading element id: createPageHTML('page_div', 5, 0, 'index', 'html', 60).
	trsPagerRe = regexp.MustCompile(`createPageHTML\(\s*(?:['"][^'"]*['"]\s*,\s*)?(\d+)\s*,\s*(\d+)\s*,\s*['"]([\w-]+)['"]\s*,\s*['"](\w+)['"]`)
	// numbered is a numbered sibling list page: index_3.html, list_2.shtml.
	numberedRe = regexp.MustCompile(`^([A-Za-z][\w-]*?)_(\d{1,3})\.(s?html?|jsp|php)$`)
	// pageCountRe finds a total page count printed by a pager: 共5页.
	pageCountRe = regexp.MustCompile(`共\s*(\d{1,4})\s*页`)
)

// nextTexts are the link texts of a "next page" control.
var nextTexts = map[string]bool{
	"下一页": true, "下页": true, "后一页": true, "next": true, "next page": true, "next »": true,
	"›": true, "»": true, ">": true, "下一页>": true, "下一页 >": true, "下一页»": true,
}

// maxPage bounds synthesized page numbers, so a post_4906500.html never
// reads as page 4906500.
const maxPage = 500

// NextPages returns up to n URLs of further list pages after the page at
// base, in reading order, from (in this order of preference):
//   - a TRS createPageHTML(count, current, "index", "html") call:
//     index_1.html … index_{count-1}.html;
//   - a Hanweb datastore <nextgroup> dataproxy.jsp URL: its page parameter
//     and the following ones;
//   - numbered siblings of the page linked from it (list_2.shtml …
//     list_5.shtml), the gaps filled in, and continued past the last link
//     up to a printed "共N页" count; a page linking only list_2.shtml, as
//     Sichuan lists do, yields list_2.shtml alone unless a count is printed;
//   - a link whose text is 下一页, 下页, Next, › or ».
//
// Pages that are only reachable through JavaScript or POST forms are not
// found. Callers wanting more than one page from a site that only has a
// "next" link call NextPages again on the next page.
func NextPages(htmlUTF8 []byte, base string, n int) []string {
	if n <= 0 {
		return nil
	}
	b, err := url.Parse(strings.TrimSpace(base))
	if err != nil || !b.IsAbs() || b.Host == "" {
		return nil
	}
	doc, err := html.Parse(bytes.NewReader(htmlUTF8))
	if err != nil {
		return nil
	}
	pb := pageBase(doc, b)
	p := &pager{self: data.CanonicalURL(b.String()), n: n, seen: map[string]bool{}}
	p.trs(htmlUTF8, b)
	p.hanweb(string(htmlUTF8), pb)
	links := pageLinks(doc, pb)
	p.numbered(links, b, htmlUTF8)
	for _, l := range links {
		if nextTexts[strings.ToLower(l.text)] || l.rel == "next" {
			p.add(l.url)
		}
	}
	return p.out
}

// pager collects next-page URLs without duplicates or the page itself.
type pager struct {
	self string
	n    int
	seen map[string]bool
	out  []string
}

func (p *pager) add(u *url.URL) {
	s := u.String()
	c := data.CanonicalURL(s)
	if len(p.out) >= p.n || c == "" || c == p.self || p.seen[c] {
		return
	}
	p.seen[c] = true
	p.out = append(p.out, s)
}

// trs adds the pages a createPageHTML call describes; page 0 is
// index.html, page k is index_k.html, in the page's own directory.
func (p *pager) trs(page []byte, base *url.URL) {
	m := trsPagerRe.FindSubmatch(page)
	if m == nil {
		return
	}
	count, _ := strconv.Atoi(string(m[1]))
	cur, _ := strconv.Atoi(string(m[2]))
	for k := cur + 1; k < count && k <= maxPage; k++ {
		p.add(base.ResolveReference(&url.URL{Path: string(m[3]) + "_" + strconv.Itoa(k) + "." + string(m[4])}))
	}
}

// hanweb adds the dataproxy.jsp URL of a datastore's nextgroup and the
// pages after it.
func (p *pager) hanweb(page string, base *url.URL) {
	for _, h := range nextgroupHrefs(page) {
		u, ok := resolve(base, h)
		if !ok {
			continue
		}
		q := u.Query()
		first, err := strconv.Atoi(q.Get("page"))
		if err != nil {
			u.RawQuery = q.Encode()
			p.add(u)
			continue
		}
		for k := first; k < first+p.n; k++ {
			v := *u
			q.Set("page", strconv.Itoa(k))
			v.RawQuery = q.Encode()
			p.add(&v)
		}
	}
}

// numbered adds the numbered siblings of the page (name_k.ext in the same
// directory) from the first one after the current page to the last one
// linked, or to the printed page count.
func (p *pager) numbered(links []pageLink, base *url.URL, page []byte) {
	dir, file := path.Split(base.Path)
	name, ext, cur := "", "", 0
	if m := numberedRe.FindStringSubmatch(file); m != nil {
		name, ext = m[1], m[3]
		cur, _ = strconv.Atoi(m[2])
	} else if i := strings.LastIndexByte(file, '.'); i > 0 {
		name, ext = file[:i], file[i+1:]
	}
	type group struct{ name, ext string }
	nums := map[group][]int{}
	var order []group
	for _, l := range links {
		if l.url.Host != base.Host {
			continue
		}
		ld, lf := path.Split(l.url.Path)
		m := numberedRe.FindStringSubmatch(lf)
		if ld != dir || m == nil || (name != "" && (m[1] != name || m[3] != ext)) {
			continue
		}
		k, _ := strconv.Atoi(m[2])
		if k <= cur || k > maxPage {
			continue
		}
		g := group{m[1], m[3]}
		if nums[g] == nil {
			order = append(order, g)
		}
		nums[g] = append(nums[g], k)
	}
	if len(order) == 0 {
		return
	}
	g := order[0] // with no file name (a directory URL), the first numbered family linked
	ks := nums[g]
	sort.Ints(ks)
	if ks[0] > cur+2 {
		return // not a pager: pagers link the page right after this one
	}
	last := ks[len(ks)-1]
	if m := pageCountRe.FindSubmatch(page); m != nil {
		total, _ := strconv.Atoi(string(m[1]))
		if ks[0] == 1 {
			total-- // index_1 is the second page: numbering starts at 0
		}
		if total > last && total <= maxPage {
			last = total
		}
	}
	for k := ks[0]; k <= last; k++ {
		p.add(base.ResolveReference(&url.URL{Path: dir + g.name + "_" + strconv.Itoa(k) + "." + g.ext}))
	}
}

// pageLink is a link of the page with its visible text.
type pageLink struct {
	url  *url.URL
	text string
	rel  string
}

// pageLinks returns the http(s) links of the page in document order.
func pageLinks(doc *html.Node, base *url.URL) []pageLink {
	var out []pageLink
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode || n.DataAtom != atom.A {
			continue
		}
		href, ok := attr(n, "href")
		if !ok {
			continue
		}
		u, ok := resolve(base, href)
		if !ok {
			continue
		}
		rel, _ := attr(n, "rel")
		text := collapse(textContent(n))
		if text == "" {
			text, _ = attr(n, "title")
			text = collapse(text)
		}
		out = append(out, pageLink{url: u, text: text, rel: strings.ToLower(rel)})
	}
	return out
}
