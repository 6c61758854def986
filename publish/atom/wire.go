package atom

import "github.com/gorilla/feeds"

// The wire structs embed gorilla's and shadow the fields it gets wrong or
// lacks: an outer field with the same XML name as an embedded one replaces
// it (encoding/xml keeps the shallower of two conflicting fields).

// xmlFeed is atom:feed. Entries must stay the last field: RFC 4287 puts
// every atom:entry after the feed's metadata.
type xmlFeed struct {
	*feeds.AtomFeed
	Lang       string             `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
	Authors    []feeds.AtomAuthor `xml:"author"`   // replaces the single Author
	Links      []xmlLink          `xml:"link"`     // replaces the single Link
	Categories []xmlCategory      `xml:"category"` // replaces the text-only Category
	Generator  *xmlGenerator      `xml:"generator"`
	// HistoryNS declares the fh prefix when Archive is set.
	HistoryNS string     `xml:"xmlns:fh,attr,omitempty"`
	Archive   *struct{}  `xml:"fh:archive,omitempty"` // RFC 5005 <fh:archive/>
	Entries   []xmlEntry `xml:"entry"`                // replaces []*feeds.AtomEntry
}

// xmlEntry is atom:entry.
type xmlEntry struct {
	*feeds.AtomEntry
	Lang       string             `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
	Authors    []feeds.AtomAuthor `xml:"author"`   // replaces the single Author
	Links      []xmlLink          `xml:"link"`     // adds hreflang and title
	Categories []xmlCategory      `xml:"category"` // replaces the text-only Category
	Source     *xmlSource         `xml:"source"`   // replaces the text-only Source
}

// xmlLink is atom:link: gorilla's link plus hreflang and title.
type xmlLink struct {
	feeds.AtomLink
	HrefLang string `xml:"hreflang,attr,omitempty"`
	Title    string `xml:"title,attr,omitempty"`
}

// xmlCategory is atom:category.
type xmlCategory struct {
	Term   string `xml:"term,attr"`
	Scheme string `xml:"scheme,attr,omitempty"`
	Label  string `xml:"label,attr,omitempty"`
}

// xmlGenerator is atom:generator.
type xmlGenerator struct {
	URI     string `xml:"uri,attr,omitempty"`
	Version string `xml:"version,attr,omitempty"`
	Name    string `xml:",chardata"`
}

// xmlSource is atom:source.
type xmlSource struct {
	ID      string    `xml:"id,omitempty"`
	Title   string    `xml:"title,omitempty"`
	Links   []xmlLink `xml:"link"`
	Updated string    `xml:"updated,omitempty"`
}
