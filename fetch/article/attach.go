package article

import (
	"net/url"
	"path"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/govfeed/govfeed/data"
	"golang.org/x/net/html"
)

// attachmentTypes maps the extensions of government attachments to their
// MIME types.
var attachmentTypes = map[string]string{
	".pdf":  "application/pdf",
	".doc":  "application/msword",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xls":  "application/vnd.ms-excel",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".zip":  "application/zip",
	".wps":  "application/vnd.ms-works", // Kingsoft WPS Writer shares the extension
	".ofd":  "application/ofd",          // GB/T 33190 fixed-layout documents
}

// attachments lists the document links in body, absolute, once each, in
// document order. A link is a document when its path, or one of its query
// values (download.jsp?filename=x.pdf), ends in a known extension.
func attachments(body *html.Node, base *url.URL) []data.Enclosure {
	var out []data.Enclosure
	seen := map[string]bool{}
	goquery.NewDocumentFromNode(body).Find("a[href]").Each(func(_ int, s *goquery.Selection) {
		u := resolve(base, s.AttrOr("href", ""))
		if u == nil || seen[u.String()] {
			return
		}
		typ := attachmentType(u)
		if typ == "" {
			return
		}
		seen[u.String()] = true
		title := collapse(s.Text())
		if title == "" {
			title = collapse(s.AttrOr("title", ""))
		}
		out = append(out, data.Enclosure{URL: u.String(), Type: typ, Title: title})
	})
	return out
}

// attachmentType returns the MIME type of a document URL, or "".
func attachmentType(u *url.URL) string {
	if t := attachmentTypes[strings.ToLower(path.Ext(u.Path))]; t != "" {
		return t
	}
	for _, vs := range u.Query() {
		for _, v := range vs {
			if t := attachmentTypes[strings.ToLower(path.Ext(v))]; t != "" {
				return t
			}
		}
	}
	return ""
}

// resolve makes href absolute against base and returns it when it is an
// http(s) URL; base may be nil, then only absolute hrefs qualify.
func resolve(base *url.URL, href string) *url.URL {
	href = strings.TrimSpace(href)
	if href == "" || strings.HasPrefix(href, "#") {
		return nil
	}
	u, err := url.Parse(href)
	if err != nil {
		return nil
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil
	}
	u.Fragment = ""
	return u
}
