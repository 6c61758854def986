package publish

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/klauspost/compress/gzip"

	"github.com/govfeed/govfeed/publish/atom"
)

// encode renders d in format f and returns the bytes and their gzip
// compression. A second goroutine compresses the output as it is written,
// so that encoding and compressing overlap on a machine with two cores
// (for a 500-entry feed each takes about 15 to 25 ms).
func (p *Publisher) encode(d *document, f format) (body, gz []byte, err error) {
	buf := bytes.NewBuffer(make([]byte, 0, 8<<10+len(d.entries)*4<<10)) // about what an entry takes
	pr, pw := io.Pipe()
	zipped := make(chan gzipped, 1)
	zsize := buf.Cap() / 3 // read here: buf is written while the goroutine runs
	go func() { zipped <- gzipFrom(pr, zsize) }()
	// Hand the compressor 64 KB at a time: fewer goroutine switches.
	zbuf := bufio.NewWriterSize(pw, 64<<10)
	w := io.MultiWriter(buf, zbuf)
	switch f {
	case formatRSS:
		err = p.encodeRSS(w, d)
	case formatJSON:
		err = p.encodeJSON(w, d)
	default:
		err = atom.Encode(w, p.atomFeed(d))
	}
	if err == nil {
		err = zbuf.Flush()
	}
	_ = pw.CloseWithError(err) // nil: the compressor reads to EOF
	z := <-zipped
	switch {
	case z.err != nil:
		return nil, nil, fmt.Errorf("gzip %s: %w", d.spec.fileName(f), z.err)
	case err != nil:
		return nil, nil, fmt.Errorf("render %s: %w", d.spec.fileName(f), err)
	}
	return buf.Bytes(), z.gz, nil
}

// gzipped is what gzipFrom made.
type gzipped struct {
	gz  []byte
	err error
}

// gzipFrom compresses what r yields until EOF at gzipLevel, with a zero
// header ModTime so that the bytes are deterministic. On failure it closes
// r, so that the writer does not block.
func gzipFrom(r *io.PipeReader, size int) gzipped {
	var out bytes.Buffer
	out.Grow(size)
	zw, err := gzip.NewWriterLevel(&out, gzipLevel)
	if err == nil {
		_, err = io.Copy(zw, r)
		if cerr := zw.Close(); err == nil {
			err = cerr
		}
	}
	_ = r.CloseWithError(err)
	return gzipped{gz: out.Bytes(), err: err}
}

// link is a link of a feed document, in the terms of atom:link.
type link struct {
	rel, href, typ string
}

// links are the links of d in format f: self, the alternates (the web
// page and the same document in the other formats), the WebSub hub, and
// the RFC 5005 links, which stay in format f.
func (p *Publisher) links(d *document, f format) []link {
	ls := []link{
		{atom.RelSelf, p.url(d.spec, f), f.mediaType()},
		{atom.RelAlternate, d.home, "text/html"},
	}
	for _, o := range formats {
		if o != f {
			ls = append(ls, link{atom.RelAlternate, p.url(d.spec, o), o.mediaType()})
		}
	}
	if p.opts.Hub != "" {
		ls = append(ls, link{rel: atom.RelHub, href: p.opts.Hub})
	}
	for _, n := range d.nav {
		ls = append(ls, link{n.rel, p.url(n.target, f), f.mediaType()})
	}
	return ls
}

// atomFeed is d as an Atom feed.
func (p *Publisher) atomFeed(d *document) *atom.Feed {
	f := &atom.Feed{
		ID:        d.id,
		Title:     d.title,
		Subtitle:  d.subtitle,
		Updated:   d.updated,
		Authors:   []atom.Person{{Name: p.author()}},
		Icon:      p.icon,
		Logo:      p.logo,
		Generator: &atom.Generator{Name: generatorName, URI: generatorURI},
		Archive:   d.archive,
		Entries:   make([]atom.Entry, len(d.entries)),
	}
	for _, l := range p.links(d, formatAtom) {
		f.Links = append(f.Links, atom.Link{Rel: l.rel, Href: l.href, Type: l.typ})
	}
	for i, e := range d.entries {
		f.Entries[i] = e.Entry
		f.Entries[i].Source = p.atomSource(e.source)
	}
	return f
}

// atomSource describes the source feed of entries copied from a source.
func (p *Publisher) atomSource(r sourceRef) *atom.Source {
	self := p.url(spec{kind: kindSource, name: r.id}, formatAtom)
	return &atom.Source{
		ID:    self,
		Title: r.name,
		Links: []atom.Link{
			{Rel: atom.RelAlternate, Href: r.site},
			{Rel: atom.RelSelf, Href: self, Type: atom.MediaType},
		},
		Updated: r.updated,
	}
}

// author is the feed-level author: the combined feed's title.
func (p *Publisher) author() string {
	if strings.TrimSpace(p.opts.Title) == "" {
		return generatorName
	}
	return p.opts.Title
}
