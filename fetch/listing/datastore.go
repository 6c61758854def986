package listing

import (
	"html"
	"regexp"
	"strings"

	nethtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Hanweb JCMS lists ship their rows as XML inside the page:
//
//	<script type="text/xml"><datastore>
//	  <nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&…"></a>]]></nextgroup>
//	  <recordset><record><![CDATA[<li><a href='…' title='…'>…</a><span>2026-10-01</span></li>]]></record>…</recordset>
//	</datastore></script>
//
// and dataproxy.jsp answers with the bare <datastore>. Records may also be
// entity-escaped instead of CDATA-wrapped, and the whole datastore may sit
// in one CDATA section.
var (
	recordRe    = regexp.MustCompile(`(?is)<record\b[^>]*>(.*?)</record>`)
	nextgroupRe = regexp.MustCompile(`(?is)<nextgroup\b[^>]*>(.*?)</nextgroup>`)
	hrefRe      = regexp.MustCompile(`(?is)href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))`)
)

// isXMLScript reports whether n is a <script type="text/xml">.
func isXMLScript(n *nethtml.Node) bool {
	t, _ := attr(n, "type")
	return n.DataAtom == atom.Script && strings.EqualFold(strings.TrimSpace(t), "text/xml")
}

// hasXMLScript reports whether the page has a datastore script.
func hasXMLScript(doc *nethtml.Node) bool {
	for n := range doc.Descendants() {
		if n.Type == nethtml.ElementNode && isXMLScript(n) {
			return true
		}
	}
	return false
}

// datastoreRoot parses the records of a datastore into a synthetic <body>
// with one <div> per record, so each record is its own list item.
func datastoreRoot(xml string) *nethtml.Node {
	body := &nethtml.Node{Type: nethtml.ElementNode, Data: "body", DataAtom: atom.Body}
	for _, m := range recordRe.FindAllStringSubmatch(xml, -1) {
		rec := &nethtml.Node{Type: nethtml.ElementNode, Data: "div", DataAtom: atom.Div}
		nodes, err := nethtml.ParseFragment(strings.NewReader(unwrapCDATA(m[1])), body)
		if err != nil {
			continue
		}
		for _, n := range nodes {
			rec.AppendChild(n)
		}
		body.AppendChild(rec)
	}
	return body
}

// unwrapCDATA returns the HTML inside a record or nextgroup: the CDATA
// content, or the entity-decoded text when the HTML was escaped.
func unwrapCDATA(s string) string {
	s = strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(s, "<![CDATA["); ok {
		s, _, _ = strings.Cut(rest, "]]>")
		return s
	}
	if strings.Contains(s, "&lt;") {
		return html.UnescapeString(s)
	}
	return s
}

// nextgroupHrefs returns the hrefs in the datastore <nextgroup> elements of
// a page.
func nextgroupHrefs(page string) []string {
	var out []string
	for _, m := range nextgroupRe.FindAllStringSubmatch(page, -1) {
		for _, h := range hrefRe.FindAllStringSubmatch(unwrapCDATA(m[1]), -1) {
			v := h[1] + h[2] + h[3]
			out = append(out, html.UnescapeString(v))
		}
	}
	return out
}
