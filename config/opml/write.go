package opml

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// Outline is one entry of an OPML body: a feed (XMLURL set) or a folder
// (Children set). Read returns feeds only, each with Category naming the
// folders it sits in, joined by "/".
type Outline struct {
	Text     string // the outline's text, what readers display
	Title    string // the feed's own title
	Type     string // "rss" for a feed; Read defaults it to "rss"
	XMLURL   string // the feed URL
	HTMLURL  string // the site's URL
	Category string // folder path such as "News" or "China/News"
	Children []Outline
}

// rfc822 is the date format of OPML head dates (RFC 822 with a four-digit
// year, in GMT).
const rfc822 = "Mon, 02 Jan 2006 15:04:05 GMT"

// xmlDoc is the wire form of the OPML documents Write produces.
type xmlDoc struct {
	XMLName xml.Name `xml:"opml"`
	Version string   `xml:"version,attr"`
	Head    xmlHead  `xml:"head"`
	Body    xmlBody  `xml:"body"`
}

type xmlHead struct {
	Title       string `xml:"title"`
	DateCreated string `xml:"dateCreated,omitempty"`
}

type xmlBody struct {
	Outlines []xmlOutline `xml:"outline"`
}

type xmlOutline struct {
	Text     string       `xml:"text,attr"`
	Title    string       `xml:"title,attr,omitempty"`
	Type     string       `xml:"type,attr,omitempty"`
	XMLURL   string       `xml:"xmlUrl,attr,omitempty"`
	HTMLURL  string       `xml:"htmlUrl,attr,omitempty"`
	Children []xmlOutline `xml:"outline"`
}

// Write writes an OPML 2.0 document titled title, created now, listing
// feeds. See WriteAt.
func Write(w io.Writer, title string, feeds []Outline) error {
	return WriteAt(w, title, time.Now(), feeds)
}

// WriteAt writes an OPML 2.0 document titled title with dateCreated set to
// created. Feeds with a Category are placed in folders (nested for a path
// such as "China/News"), in the order the categories first appear; an
// Outline with Children is written as the folder it is. Every feed outline
// gets type="rss" unless it has a Type, and a text (its Text, else its
// Title, else its URL), which OPML 2.0 requires.
func WriteAt(w io.Writer, title string, created time.Time, feeds []Outline) error {
	doc := xmlDoc{
		Version: "2.0",
		Head:    xmlHead{Title: title, DateCreated: created.UTC().Format(rfc822)},
		Body:    xmlBody{Outlines: group(feeds)},
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write opml: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write opml: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("write opml: %w", err)
	}
	return nil
}

// folder is a folder being built by group: its feeds and subfolders in
// the order they first appear.
type folder struct {
	name    string
	entries []entry
	sub     map[string]*folder
}

// entry is a feed or a subfolder of a folder.
type entry struct {
	feed   xmlOutline
	folder *folder
}

// group places outlines into nested folders by Category.
func group(outlines []Outline) []xmlOutline {
	root := &folder{}
	for _, o := range outlines {
		f := root
		if len(o.Children) == 0 {
			for _, name := range strings.Split(o.Category, "/") {
				if name = strings.TrimSpace(name); name != "" {
					f = f.child(name)
				}
			}
		}
		f.entries = append(f.entries, entry{feed: wire(o)})
	}
	return root.outlines()
}

// child returns the subfolder name of f, creating it at f's end.
func (f *folder) child(name string) *folder {
	if c, ok := f.sub[name]; ok {
		return c
	}
	if f.sub == nil {
		f.sub = map[string]*folder{}
	}
	c := &folder{name: name}
	f.sub[name] = c
	f.entries = append(f.entries, entry{folder: c})
	return c
}

// outlines renders f's entries.
func (f *folder) outlines() []xmlOutline {
	out := make([]xmlOutline, 0, len(f.entries))
	for _, e := range f.entries {
		if e.folder == nil {
			out = append(out, e.feed)
			continue
		}
		out = append(out, xmlOutline{Text: e.folder.name, Title: e.folder.name, Children: e.folder.outlines()})
	}
	return out
}

// wire converts an Outline (and its children) to its XML form.
func wire(o Outline) xmlOutline {
	x := xmlOutline{Text: o.Text, Title: o.Title, Type: o.Type, XMLURL: o.XMLURL, HTMLURL: o.HTMLURL}
	if x.Text == "" {
		x.Text = o.Title
	}
	if x.XMLURL != "" {
		if x.Text == "" {
			x.Text = o.XMLURL
		}
		if x.Title == "" {
			x.Title = x.Text
		}
		if x.Type == "" {
			x.Type = "rss"
		}
	}
	for _, c := range o.Children {
		x.Children = append(x.Children, wire(c))
	}
	return x
}
