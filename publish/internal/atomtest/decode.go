package atomtest

import (
	"encoding/xml"
	"testing"
)

// Feed is an atom:feed read back with encoding/xml, independently of the
// types that wrote it.
type Feed struct {
	XMLName    xml.Name   `xml:"http://www.w3.org/2005/Atom feed"`
	Lang       string     `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	ID         string     `xml:"id"`
	Title      string     `xml:"title"`
	Subtitle   string     `xml:"subtitle"`
	Updated    string     `xml:"updated"`
	Authors    []Person   `xml:"author"`
	Links      []Link     `xml:"link"`
	Icon       string     `xml:"icon"`
	Logo       string     `xml:"logo"`
	Generator  *Generator `xml:"generator"`
	Categories []Category `xml:"category"`
	Entries    []Entry    `xml:"entry"`
}

// Entry is an atom:entry.
type Entry struct {
	Lang       string     `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	ID         string     `xml:"id"`
	Title      string     `xml:"title"`
	Links      []Link     `xml:"link"`
	Published  string     `xml:"published"`
	Updated    string     `xml:"updated"`
	Authors    []Person   `xml:"author"`
	Summary    *Text      `xml:"summary"`
	Content    *Text      `xml:"content"`
	Categories []Category `xml:"category"`
	Source     *Source    `xml:"source"`
}

// Person is an atom:author.
type Person struct {
	Name  string `xml:"name"`
	URI   string `xml:"uri"`
	Email string `xml:"email"`
}

// Link is an atom:link.
type Link struct {
	Href     string `xml:"href,attr"`
	Rel      string `xml:"rel,attr"`
	Type     string `xml:"type,attr"`
	HrefLang string `xml:"hreflang,attr"`
	Title    string `xml:"title,attr"`
	Length   string `xml:"length,attr"`
}

// Category is an atom:category.
type Category struct {
	Term   string `xml:"term,attr"`
	Scheme string `xml:"scheme,attr"`
	Label  string `xml:"label,attr"`
}

// Generator is an atom:generator.
type Generator struct {
	URI     string `xml:"uri,attr"`
	Version string `xml:"version,attr"`
	Name    string `xml:",chardata"`
}

// Text is an atom:summary or atom:content.
type Text struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

// Source is an atom:source.
type Source struct {
	ID      string `xml:"id"`
	Title   string `xml:"title"`
	Links   []Link `xml:"link"`
	Updated string `xml:"updated"`
}

// Decode parses doc, failing tb unless it is a well-formed atom:feed. The
// returned XMLName is zeroed, since Unmarshal has checked it.
func Decode(tb testing.TB, doc []byte) Feed {
	tb.Helper()
	var f Feed
	if err := xml.Unmarshal(doc, &f); err != nil {
		tb.Fatalf("not a well-formed Atom feed: %v\n%s", err, doc)
	}
	f.XMLName = xml.Name{}
	return f
}
