package opml

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/net/html/charset"
)

// ErrNotOPML is returned by Read for a document that is not OPML.
var ErrNotOPML = errors.New("not an OPML document")

// rawDoc is the wire form Read accepts: any root element (checked after
// decoding) and outlines with any attributes.
type rawDoc struct {
	XMLName xml.Name
	Body    struct {
		Outlines []rawOutline `xml:"outline"`
	} `xml:"body"`
}

type rawOutline struct {
	Attrs    []xml.Attr   `xml:",any,attr"`
	Children []rawOutline `xml:"outline"`
}

// attr returns the trimmed value of the attribute named name in any case
// (xmlUrl, xmlurl, XMLURL), or "".
func (o rawOutline) attr(name string) string {
	for _, a := range o.Attrs {
		if strings.EqualFold(a.Name.Local, name) {
			return strings.TrimSpace(a.Value)
		}
	}
	return ""
}

// Read returns the feeds of an OPML document, flattened: an outline with a
// feed URL is a feed; an outline without one but with children is a folder,
// whose text (joined by "/" when nested) becomes the Category of the feeds
// inside. Outlines that are neither (notes, links) are left out. Text and
// Title default to each other, Type to "rss", and feed:// URLs become
// http:// ones. A document whose root element is not <opml> is ErrNotOPML.
func Read(r io.Reader) ([]Outline, error) {
	dec := xml.NewDecoder(r)
	dec.CharsetReader = charset.NewReaderLabel
	dec.Entity = xml.HTMLEntity // exports with &nbsp; or &eacute; in titles
	var doc rawDoc
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("read opml: %w: no XML element", ErrNotOPML)
		}
		return nil, fmt.Errorf("read opml: %w", err)
	}
	if !strings.EqualFold(doc.XMLName.Local, "opml") {
		return nil, fmt.Errorf("read opml: %w: the root element is <%s>", ErrNotOPML, doc.XMLName.Local)
	}
	var out []Outline
	flatten(&out, doc.Body.Outlines, nil)
	return out, nil
}

// flatten appends the feeds of list, inside the folders path, to out.
func flatten(out *[]Outline, list []rawOutline, path []string) {
	for _, o := range list {
		text, title := o.attr("text"), o.attr("title")
		if text == "" {
			text = title
		}
		if title == "" {
			title = text
		}
		feed := feedURL(o)
		if feed == "" {
			if text != "" {
				flatten(out, o.Children, append(path[:len(path):len(path)], text))
			} else {
				flatten(out, o.Children, path)
			}
			continue
		}
		typ := o.attr("type")
		if typ == "" {
			typ = "rss"
		}
		category := strings.Join(path, "/")
		if category == "" {
			category = categoryAttr(o.attr("category"))
		}
		*out = append(*out, Outline{
			Text: text, Title: title, Type: typ,
			XMLURL: feed, HTMLURL: o.attr("htmlUrl"), Category: category,
		})
		// A feed outline with children is rare; its children stay in the
		// same folder.
		flatten(out, o.Children, path)
	}
}

// feedURL returns the feed URL of an outline: xmlUrl, or url on an outline
// typed as a feed (some OPML 1.0 writers), with feed: schemes made http(s).
func feedURL(o rawOutline) string {
	u := o.attr("xmlUrl")
	if u == "" {
		switch strings.ToLower(o.attr("type")) {
		case "rss", "atom", "feed":
			u = o.attr("url")
		}
	}
	lower := strings.ToLower(u)
	switch {
	case strings.HasPrefix(lower, "feed:http://"), strings.HasPrefix(lower, "feed:https://"):
		u = u[len("feed:"):]
	case strings.HasPrefix(lower, "feed://"):
		u = "http://" + u[len("feed://"):]
	}
	return u
}

// categoryAttr reads the first category of an OPML 2.0 category attribute
// ("/News/China,/Weather" -> "News/China").
func categoryAttr(s string) string {
	first, _, _ := strings.Cut(s, ",")
	return strings.Trim(strings.TrimSpace(first), "/")
}
