package fetch_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"strings"
	"unicode/utf16"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"

	"github.com/govfeed/govfeed/data"
)

// The generated part of the malformed-feed corpus: families of broken
// documents built deterministically from small templates, so that the
// corpus holds hundreds of cases without hundreds of files. Each family
// says what it breaks; corpusCases adds the hand-written files of
// testdata/malformed.

// corpusWant is what a case must yield.
type corpusWant int

const (
	// wantEither: items, or a failure with a class and the source named.
	wantEither corpusWant = iota
	// wantItems: at least minItems items stored.
	wantItems
	// wantEmpty: a valid feed without a usable item: no error, no item.
	wantEmpty
	// wantFail: a failure of class.
	wantFail
)

// corpusCase is one document served at a feed URL.
type corpusCase struct {
	name        string
	body        []byte
	contentType string
	header      map[string]string // extra response headers
	want        corpusWant
	class       data.ErrorClass // for wantFail
	minItems    int             // for wantItems; 0 means 1
	titles      []string        // for wantItems: stored titles that must appear exactly
}

// corpusTitle is the title of the generated items whose decoding the
// charset families check; its characters exist in GBK and Big5.
const corpusTitle = "政府公告"

// rssDocument renders an RSS 2.0 document; prolog is its encoding label
// ("" for none) and items are raw <item> elements.
func rssDocument(prolog string, items ...string) string {
	var b strings.Builder
	if prolog != "" {
		fmt.Fprintf(&b, "<?xml version=\"1.0\" encoding=\"%s\"?>\n", prolog)
	}
	b.WriteString("<rss version=\"2.0\"><channel><title>人民政府</title><link>https://www.example.gov.cn/</link><description>corpus</description>\n")
	for _, it := range items {
		b.WriteString(it + "\n")
	}
	b.WriteString("</channel></rss>\n")
	return b.String()
}

// rssEntry renders one <item> of the given child elements (name, raw
// content) in order.
func rssEntry(fields ...[2]string) string {
	var b strings.Builder
	b.WriteString("<item>")
	for _, f := range fields {
		fmt.Fprintf(&b, "<%s>%s</%s>", f[0], f[1], f[0])
	}
	b.WriteString("</item>")
	return b.String()
}

// atomDocument renders an Atom 1.0 document of raw <entry> elements.
func atomDocument(entries ...string) string {
	return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>测试省人民政府</title><id>urn:example:feed</id><updated>2026-07-09T10:00:00Z</updated>\n" +
		strings.Join(entries, "\n") + "\n</feed>\n"
}

// jsonDocument renders a JSON Feed 1.1 document of raw item objects.
func jsonDocument(items ...string) string {
	return `{"version": "https://jsonfeed.org/version/1.1", "title": "测试省人民政府", "home_page_url": "https://www.example.gov.cn/", "items": [` +
		strings.Join(items, ", ") + "]}\n"
}

// articleURL is the link of generated item n.
func articleURL(n int) string {
	return fmt.Sprintf("https://www.example.gov.cn/zwgk/202607/t20260709_%d.html", n)
}

// encode converts UTF-8 text to e, for the charset families.
func encode(e encoding.Encoding, s string) []byte {
	b, err := e.NewEncoder().Bytes([]byte(s))
	if err != nil {
		panic(fmt.Sprintf("encode %q: %v", s, err)) // the generator's own text is encodable
	}
	return b
}

// utf16Bytes encodes s as UTF-16 in the given byte order.
func utf16Bytes(s string, bigEndian bool) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		if bigEndian {
			b = append(b, byte(u>>8), byte(u))
		} else {
			b = append(b, byte(u), byte(u>>8))
		}
	}
	return b
}

// truncations cuts base at every step bytes. Cuts before the root's
// closing tag must fail to parse; later ones may still read.
func truncations(family string, base []byte, closing string, step int) []corpusCase {
	end := bytes.LastIndex(base, []byte(closing))
	var out []corpusCase
	for n := 1; n < len(base); n += step {
		c := corpusCase{name: fmt.Sprintf("%s/at-%d", family, n), body: base[:n], contentType: "application/xml"}
		if n <= end {
			c.want, c.class = wantFail, data.ErrParse
		}
		out = append(out, c)
	}
	return out
}

// badEntities puts broken or undefined entity and character references
// into the title, description and link of an item.
func badEntities() []corpusCase {
	refs := []string{"&nbsp;", "&foo;", "&#0;", "&#xD800;", "&#x110000;", "&#99999999999;", "&amp", "& ", "&#x;", "&;", "&lt;script&gt;", "&#x26;lt;"}
	var out []corpusCase
	for i, ref := range refs {
		for _, field := range []string{"title", "description", "link"} {
			fields := [][2]string{{"title", "条目"}, {"link", articleURL(i)}, {"description", "摘要"}}
			for j := range fields {
				if fields[j][0] == field {
					fields[j][1] += ref
				}
			}
			out = append(out, corpusCase{
				name: fmt.Sprintf("entity/%d-in-%s", i, field), body: []byte(rssDocument("UTF-8", rssEntry(fields...))),
				contentType: "application/rss+xml",
			})
		}
	}
	return out
}

// namespaces breaks or confuses the namespaces of the three XML formats.
func namespaces() []corpusCase {
	item := rssEntry([2]string{"title", "条目"}, [2]string{"link", articleURL(1)})
	entry := `<entry><title>条目</title><link href="` + articleURL(2) + `"/><id>urn:example:2</id><updated>2026-07-09T10:00:00Z</updated></entry>`
	rdfItem := `<item rdf:about="` + articleURL(3) + `"><title>条目</title><link>` + articleURL(3) + `</link></item>`
	docs := map[string]string{
		"rss-undeclared-dc":          rssDocument("UTF-8", `<item><title>条目</title><link>`+articleURL(1)+`</link><dc:date>2026-07-09</dc:date></item>`),
		"rss-undeclared-content":     rssDocument("UTF-8", `<item><title>条目</title><content:encoded><![CDATA[<p>正文</p>]]></content:encoded></item>`),
		"rss-undeclared-media":       rssDocument("UTF-8", `<item><title>条目</title><media:content url="`+articleURL(4)+`"/></item>`),
		"rss-prefix-bound-twice":     `<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel xmlns:dc="http://example.com/other"><title>x</title>` + `<item><title>条目</title><dc:creator>甲</dc:creator><link>` + articleURL(5) + `</link></item></channel></rss>`,
		"rss-atom-default-namespace": `<rss version="2.0" xmlns="http://www.w3.org/2005/Atom"><channel><title>x</title>` + item + `</channel></rss>`,
		"rss-xhtml-namespace":        `<rss version="2.0" xmlns="http://www.w3.org/1999/xhtml"><channel><title>x</title>` + item + `</channel></rss>`,
		"rss-empty-namespace-items":  `<rss version="2.0"><channel xmlns=""><title>x</title>` + item + `</channel></rss>`,
		"rss-prefixed-root":          `<r:rss xmlns:r="http://backend.userland.com/rss2" version="2.0"><r:channel><r:title>x</r:title><r:item><r:title>条目</r:title><r:link>` + articleURL(6) + `</r:link></r:item></r:channel></r:rss>`,
		"atom-no-namespace":          `<feed><title>x</title>` + entry + `</feed>`,
		"atom-rss10-namespace":       `<feed xmlns="http://purl.org/rss/1.0/"><title>x</title>` + entry + `</feed>`,
		"atom-prefixed":              `<a:feed xmlns:a="http://www.w3.org/2005/Atom"><a:title>x</a:title><a:entry><a:title>条目</a:title><a:id>urn:x</a:id><a:link href="` + articleURL(7) + `"/></a:entry></a:feed>`,
		"atom-undeclared-prefix":     `<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title><entry><title>条目</title><id>urn:y</id><thr:total>3</thr:total><link href="` + articleURL(8) + `"/></entry></feed>`,
		"atom-xhtml-wrong-ns":        `<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title><entry><title>条目</title><id>urn:z</id><content type="xhtml"><div xmlns="http://example.com/"><p>正文</p></div></content></entry></feed>`,
		"rdf-correct":                `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel rdf:about="x"><title>x</title></channel>` + rdfItem + `</rdf:RDF>`,
		"rdf-wrong-rdf-namespace":    `<rdf:RDF xmlns:rdf="http://example.com/rdf" xmlns="http://purl.org/rss/1.0/"><channel><title>x</title></channel>` + rdfItem + `</rdf:RDF>`,
		"rdf-no-default-namespace":   `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><channel><title>x</title></channel>` + rdfItem + `</rdf:RDF>`,
		"rdf-rss09-namespace":        `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://my.netscape.com/rdf/simple/0.9/"><channel><title>x</title></channel>` + rdfItem + `</rdf:RDF>`,
	}
	var out []corpusCase
	for _, name := range sortedKeys(docs) {
		out = append(out, corpusCase{name: "namespace/" + name, body: []byte(docs[name]), contentType: "application/xml"})
	}
	return out
}

// charsets serves one item titled corpusTitle in every combination of
// prolog label, byte encoding and header charset. The bytes have the last
// word where the charset package promises so; an unknown label over bytes
// that are not UTF-8 and no header charset is a parse failure.
func charsets() []corpusCase {
	gbk, big5 := simplifiedchinese.GB18030, traditionalchinese.Big5
	var out []corpusCase
	for _, prolog := range []string{"", "UTF-8", "GBK", "GB2312", "Big5", "ISO-8859-1", "UTF-16", "x-no-such-charset"} {
		doc := rssDocument(prolog, rssEntry([2]string{"title", corpusTitle}, [2]string{"link", articleURL(10)}))
		head, tail, _ := strings.Cut(doc, "<item>")
		bodies := map[string][]byte{
			"utf8":  []byte(doc),
			"gbk":   encode(gbk, doc),
			"big5":  encode(big5, doc),
			"mixed": append([]byte(head), encode(gbk, "<item>"+tail)...), // a UTF-8 template around GBK items
		}
		for _, enc := range []string{"utf8", "gbk", "big5", "mixed"} {
			for _, header := range []string{"application/rss+xml", "text/xml; charset=gbk"} {
				c := corpusCase{
					name: fmt.Sprintf("charset/prolog-%s-bytes-%s-header-%s", orNone(prolog), enc, strings.ReplaceAll(header, "/", "-")),
					body: bodies[enc], contentType: header,
				}
				exact := enc == "utf8" ||
					(enc == "gbk" && (prolog == "" || prolog == "UTF-8" || prolog == "GBK" || prolog == "GB2312" || prolog == "UTF-16")) ||
					(enc == "gbk" && prolog == "x-no-such-charset" && strings.Contains(header, "gbk")) ||
					(enc == "big5" && prolog == "Big5")
				switch {
				case exact:
					c.want, c.titles = wantItems, []string{corpusTitle}
				case prolog == "x-no-such-charset" && !strings.Contains(header, "charset"):
					c.want, c.class = wantFail, data.ErrParse
				}
				out = append(out, c)
			}
		}
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return strings.ToLower(s)
}

// missingFields leaves out every subset of an item's fields in the three
// formats. An item keeps its place when anything but its date remains;
// an item with only a date is no item.
func missingFields() []corpusCase {
	var out []corpusCase
	type field struct{ name, rss, atom, json string }
	fields := []field{
		{"title", "<title>条目标题</title>", "<title>条目标题</title>", `"title": "条目标题"`},
		{"link", "<link>" + articleURL(20) + "</link>", `<link href="` + articleURL(20) + `"/>`, `"url": "` + articleURL(20) + `"`},
		{"guid", "<guid isPermaLink=\"false\">guid-20</guid>", "<id>urn:example:20</id>", `"id": "guid-20"`},
		{"body", "<description>摘要</description>", `<content type="html">&lt;p&gt;正文&lt;/p&gt;</content>`, `"content_html": "<p>正文</p>"`},
		{"date", "<pubDate>Thu, 09 Jul 2026 10:00:00 +0800</pubDate>", "<updated>2026-07-09T10:00:00+08:00</updated>", `"date_published": "2026-07-09T10:00:00+08:00"`},
	}
	for mask := 0; mask < 1<<len(fields); mask++ {
		var kept []string
		var rss, atom, js []string
		identified := false
		for i, f := range fields {
			if mask&(1<<i) == 0 {
				continue
			}
			kept = append(kept, f.name)
			rss, atom, js = append(rss, f.rss), append(atom, f.atom), append(js, f.json)
			identified = identified || f.name != "date"
		}
		want := wantEmpty
		if identified {
			want = wantItems
		}
		name := "none"
		if len(kept) > 0 {
			name = strings.Join(kept, "+")
		}
		out = append(out,
			corpusCase{name: "missing/rss-" + name, body: []byte(rssDocument("UTF-8", "<item>"+strings.Join(rss, "")+"</item>")), contentType: "application/rss+xml", want: want},
			corpusCase{name: "missing/atom-" + name, body: []byte(atomDocument("<entry>" + strings.Join(atom, "") + "</entry>")), contentType: "application/atom+xml", want: want},
			corpusCase{name: "missing/json-" + name, body: []byte(jsonDocument("{" + strings.Join(js, ", ") + "}")), contentType: "application/feed+json", want: want},
		)
	}
	return out
}

// absurdDates are dates no item can have, and dates in odd formats.
var absurdDates = []string{
	"Mon, 01 Jan 0001 00:00:00 +0000", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "Fri, 31 Dec 9999 23:59:59 GMT",
	"-0001-01-01T00:00:00Z", "2026-13-45T25:61:61+08:00", "2026-02-30", "0000-00-00 00:00:00", "1e308",
	"99999999999999999999", "-62135596800", "yesterday", "２０２６年７月９日", "2026年13月45日", "Thu, 09 Jul 2026 10:00:00 +9999",
	"2026-07-09T10:00:00+25:00", "1969-12-31T23:59:59Z", "2100-01-01T00:00:00Z", "\u00a0", "2026-07-09T10:00:00.123456789123456789Z",
}

// dates puts each absurd date into an RSS, Atom and JSON Feed item.
func dates() []corpusCase {
	var out []corpusCase
	for i, d := range absurdDates {
		esc := xmlEscape(d)
		out = append(out,
			corpusCase{name: fmt.Sprintf("date/rss-%d", i), contentType: "application/rss+xml", want: wantItems,
				body: []byte(rssDocument("UTF-8", rssEntry([2]string{"title", "日期"}, [2]string{"link", articleURL(30 + i)}, [2]string{"pubDate", esc})))},
			corpusCase{name: fmt.Sprintf("date/atom-%d", i), contentType: "application/atom+xml", want: wantItems,
				body: []byte(atomDocument(`<entry><title>日期</title><id>urn:d:` + fmt.Sprint(i) + `</id><link href="` + articleURL(30+i) + `"/><published>` + esc + `</published><updated>` + esc + `</updated></entry>`))},
			corpusCase{name: fmt.Sprintf("date/json-%d", i), contentType: "application/feed+json", want: wantItems,
				body: []byte(jsonDocument(fmt.Sprintf(`{"id": "d%d", "title": "日期", "url": %q, "date_published": %q, "date_modified": %q}`, i, articleURL(30+i), d, d)))},
		)
	}
	return out
}

func xmlEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// huge holds deep nesting, huge attributes, fields and bodies, and a body
// over the cap (corpusBodyCap).
func huge() []corpusCase {
	nest := func(open, close string, n int) string {
		return strings.Repeat(open, n) + "深" + strings.Repeat(close, n)
	}
	item := func(extra string) []byte {
		return []byte(rssDocument("UTF-8", "<item><title>大</title><link>"+articleURL(50)+"</link>"+extra+"</item>"))
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(item("<description>" + strings.Repeat("填充", corpusBodyCap/4) + "</description>"))
	_ = zw.Close()
	var cats strings.Builder
	for i := range 100_000 {
		fmt.Fprintf(&cats, "<category>分类%d</category>", i)
	}
	var encs strings.Builder
	for i := range 20_000 {
		fmt.Fprintf(&encs, `<enclosure url="https://www.example.gov.cn/f/%d.pdf" length="1" type="application/pdf"/>`, i)
	}
	return []corpusCase{
		{name: "huge/xml-depth-100000", body: item("<description>" + nest("<d>", "</d>", 100_000) + "</description>"), want: wantEither},
		{name: "huge/xml-depth-1000000", body: item(nest("<x>", "</x>", 1_000_000)), want: wantEither},
		{name: "huge/html-depth-100000", body: item("<description><![CDATA[" + nest("<div>", "</div>", 100_000) + "]]></description>"), want: wantItems},
		{name: "huge/xhtml-depth-10000", body: []byte(atomDocument(`<entry><title>深</title><id>urn:deep</id><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">` + nest("<div>", "</div>", 10_000) + `</div></content></entry>`)), want: wantEither},
		{name: "huge/json-depth-100000", body: []byte(jsonDocument(`{"id": "deep", "title": "深", "_deep": ` + nest("[", "]", 100_000) + `}`)), want: wantEither},
		{name: "huge/attribute-1MiB", body: item(`<enclosure url="https://www.example.gov.cn/` + strings.Repeat("a", 1<<20) + `.pdf" type="application/pdf"/>`), want: wantItems},
		{name: "huge/attribute-12MiB", body: item(`<x:y xmlns:x="urn:x" v="` + strings.Repeat("b", 12<<20) + `"/>`), want: wantEither},
		{name: "huge/title-4MiB", body: []byte(rssDocument("UTF-8", rssEntry([2]string{"title", strings.Repeat("标题", 2<<20/3)}, [2]string{"link", articleURL(51)}))), want: wantItems},
		{name: "huge/link-1MiB", body: []byte(rssDocument("UTF-8", rssEntry([2]string{"title", "长链接"}, [2]string{"link", articleURL(52) + "?q=" + strings.Repeat("c", 1<<20)}))), want: wantItems},
		{name: "huge/100000-categories", body: item(cats.String()), want: wantItems},
		{name: "huge/20000-enclosures", body: item(encs.String()), want: wantItems},
		{name: "huge/body-over-cap", body: item("<description>" + strings.Repeat("x", corpusBodyCap) + "</description>"), want: wantFail, class: data.ErrTooLarge},
		{name: "huge/gzip-over-cap", body: gz.Bytes(), header: map[string]string{"Content-Encoding": "gzip"}, want: wantFail, class: data.ErrTooLarge},
	}
}

// cdata plays tricks with CDATA sections.
func cdata() []corpusCase {
	docs := map[string]string{
		"unterminated":       rssDocument("UTF-8", `<item><title><![CDATA[未结束的 CDATA</title><link>`+articleURL(60)+`</link></item>`),
		"in-attribute":       rssDocument("UTF-8", `<item><title>属性</title><enclosure url="<![CDATA[`+articleURL(61)+`]]>"/><link>`+articleURL(61)+`</link></item>`),
		"around-item":        rssDocument("UTF-8", `<![CDATA[<item><title>藏起来</title></item>]]>`, rssEntry([2]string{"title", "可见"}, [2]string{"link", articleURL(62)})),
		"end-marker-in-text": rssDocument("UTF-8", rssEntry([2]string{"title", "文本里的 ]]> 结束符"}, [2]string{"link", articleURL(63)})),
		"nul-inside":         rssDocument("UTF-8", rssEntry([2]string{"title", "<![CDATA[空\x00字符]]>"}, [2]string{"link", articleURL(64)})),
		"script-inside":      rssDocument("UTF-8", rssEntry([2]string{"title", "<![CDATA[<script>alert(1)</script>脚本]]>"}, [2]string{"link", articleURL(65)}, [2]string{"description", "<![CDATA[<script>alert(1)</script><p>正文</p>]]>"})),
	}
	var out []corpusCase
	for _, name := range sortedKeys(docs) {
		out = append(out, corpusCase{name: "cdata/" + name, body: []byte(docs[name]), contentType: "application/rss+xml"})
	}
	return out
}

// nuls puts NUL bytes where no parser expects them.
func nuls() []corpusCase {
	doc := rssDocument("UTF-8", rssEntry([2]string{"title", "条目"}, [2]string{"link", articleURL(70)}))
	return []corpusCase{
		{name: "nul/before-prolog", body: []byte("\x00" + doc)},
		{name: "nul/in-tag-name", body: []byte(strings.Replace(doc, "<title>条目</title>", "<ti\x00tle>条目</ti\x00tle>", 1))},
		{name: "nul/in-attribute", body: []byte(strings.Replace(doc, `version="2.0"`, "version=\"2.\x000\"", 1))},
		{name: "nul/after-root", body: []byte(doc + "\x00\x00\x00")},
		{name: "nul/only-nuls", body: make([]byte, 4096), want: wantFail, class: data.ErrParse},
		{name: "nul/in-json-string", body: []byte(jsonDocument(`{"id": "n", "title": "空\u0000字符", "url": "` + articleURL(71) + `"}`))},
	}
}

// boms covers byte order marks, right, wrong and repeated.
func boms() []corpusCase {
	doc := rssDocument("UTF-8", rssEntry([2]string{"title", corpusTitle}, [2]string{"link", articleURL(80)}))
	doc16 := strings.Replace(doc, "UTF-8", "UTF-16", 1)
	js := jsonDocument(`{"id": "b", "title": "` + corpusTitle + `", "url": "` + articleURL(81) + `"}`)
	ok := func(name string, b []byte) corpusCase {
		return corpusCase{name: "bom/" + name, body: b, want: wantItems, titles: []string{corpusTitle}}
	}
	return []corpusCase{
		ok("utf8", append([]byte("\xef\xbb\xbf"), doc...)),
		ok("utf8-then-whitespace", append([]byte("\xef\xbb\xbf \r\n"), doc...)),
		ok("utf16le", append([]byte{0xff, 0xfe}, utf16Bytes(doc16, false)...)),
		ok("utf16be", append([]byte{0xfe, 0xff}, utf16Bytes(doc16, true)...)),
		ok("utf16le-no-bom", utf16Bytes(doc16, false)),
		ok("utf16be-no-bom", utf16Bytes(doc16, true)),
		ok("utf8-json", append([]byte("\xef\xbb\xbf"), js...)),
		{name: "bom/utf8-twice", body: append([]byte("\xef\xbb\xbf\xef\xbb\xbf"), doc...)},
		{name: "bom/utf16le-over-utf8-bytes", body: append([]byte{0xff, 0xfe}, doc...)},
		{name: "bom/utf32le", body: append([]byte{0xff, 0xfe, 0, 0}, utf16Bytes(doc16, false)...)},
		{name: "bom/inside-title", body: []byte(strings.Replace(doc, corpusTitle, "\ufeff"+corpusTitle, 1))},
		{name: "bom/utf16le-json", body: append([]byte{0xff, 0xfe}, utf16Bytes(js, false)...)},
	}
}

// jsonFeeds breaks JSON Feed documents in syntax and in types.
func jsonFeeds() []corpusCase {
	item := `{"id": "j1", "title": "条目", "url": "` + articleURL(90) + `"}`
	docs := map[string]string{
		"no-version":            `{"title": "x", "items": [` + item + `]}`,
		"other-version":         `{"version": "https://example.com/version/9", "title": "x", "items": [` + item + `]}`,
		"version-number":        `{"version": 1.1, "title": "x", "items": [` + item + `]}`,
		"items-missing":         `{"version": "https://jsonfeed.org/version/1.1", "title": "x"}`,
		"items-null":            `{"version": "https://jsonfeed.org/version/1.1", "title": "x", "items": null}`,
		"items-object":          `{"version": "https://jsonfeed.org/version/1.1", "title": "x", "items": ` + item + `}`,
		"items-string":          `{"version": "https://jsonfeed.org/version/1.1", "title": "x", "items": "none"}`,
		"items-numbers":         `{"version": "https://jsonfeed.org/version/1.1", "title": "x", "items": [1, 2, 3]}`,
		"item-array":            jsonDocument(`[` + item + `]`),
		"item-null-last":        jsonDocument(item, `null`),
		"id-object":             jsonDocument(`{"id": {"a": 1}, "title": "条目", "url": "` + articleURL(91) + `"}`),
		"id-bool":               jsonDocument(`{"id": true, "title": "条目", "url": "` + articleURL(92) + `"}`),
		"url-number":            jsonDocument(`{"id": "j2", "title": "条目", "url": 42}`),
		"title-object":          jsonDocument(`{"id": "j3", "title": {"zh": "条目"}, "url": "` + articleURL(93) + `"}`),
		"content-number":        jsonDocument(`{"id": "j4", "title": "条目", "content_html": 3.14}`),
		"date-number":           jsonDocument(`{"id": "j5", "title": "条目", "date_published": 1783569600}`),
		"authors-string":        jsonDocument(`{"id": "j6", "title": "条目", "authors": "甲"}`),
		"attachments-object":    jsonDocument(`{"id": "j7", "title": "条目", "attachments": {"url": "x"}}`),
		"attachment-bad-size":   jsonDocument(`{"id": "j8", "title": "条目", "attachments": [{"url": "` + articleURL(94) + `", "size_in_bytes": -1e300}]}`),
		"trailing-comma":        jsonDocument(item + `,`),
		"comments":              "// 注释\n" + jsonDocument(item),
		"single-quotes":         `{'version': 'https://jsonfeed.org/version/1.1', 'items': []}`,
		"nan":                   jsonDocument(`{"id": "j9", "title": NaN}`),
		"duplicate-keys":        `{"version": "https://jsonfeed.org/version/1.1", "items": [` + item + `], "items": []}`,
		"lone-surrogate-escape": jsonDocument(`{"id": "j10", "title": "\ud800条目", "url": "` + articleURL(95) + `"}`),
		"truncated-string":      `{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "j11", "title": "未结束`,
		"nested-feed":           jsonDocument(`{"id": "j12", "title": "条目", "items": [` + item + `]}`),
	}
	// A JSON Feed without items is a valid, empty feed.
	empty := map[string]bool{"items-missing": true, "items-null": true, "duplicate-keys": true}
	var out []corpusCase
	for _, name := range sortedKeys(docs) {
		c := corpusCase{name: "json/" + name, body: []byte(docs[name]), contentType: "application/feed+json"}
		if empty[name] {
			c.want = wantEmpty
		}
		out = append(out, c)
	}
	return out
}

// notFeeds are bodies of other kinds at a feed URL.
func notFeeds() []corpusCase {
	bodies := map[string][]byte{
		"png":             []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"),
		"jpeg":            []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"),
		"pdf":             []byte("%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
		"zip":             []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00"),
		"gzip-unlabeled":  {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x01, 0x00, 0x00},
		"plain-text":      []byte("系统维护中，请稍后访问。\n"),
		"html-no-doctype": []byte("<html><head><title>维护</title></head><body>系统维护中</body></html>"),
		"svg":             []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`),
	}
	var out []corpusCase
	for _, name := range sortedKeys(bodies) {
		out = append(out, corpusCase{name: "notfeed/" + name, body: bodies[name], contentType: "text/html", want: wantFail, class: data.ErrParse})
	}
	return out
}

// typeLies serves good feeds under wrong content types: the body decides.
func typeLies(rss, js []byte) []corpusCase {
	var out []corpusCase
	for _, ct := range []string{"text/html; charset=utf-8", "image/png", "application/octet-stream", "application/json"} {
		out = append(out, corpusCase{name: "type/rss-as-" + strings.ReplaceAll(strings.TrimSuffix(strings.Fields(ct)[0], ";"), "/", "-"), body: rss, contentType: ct, want: wantItems, minItems: 3})
	}
	return append(out, corpusCase{name: "type/json-as-text-xml", body: js, contentType: "text/xml", want: wantItems, minItems: 2})
}
