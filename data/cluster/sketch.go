package cluster

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/govfeed/govfeed/data"
)

// Doc is the text of one item as clustering sees it.
type Doc struct {
	ItemID int64
	// SourceID is informational: items of one source can merge too (a
	// site that re-posts its own article under a new URL).
	SourceID string
	// Lang is the upstream's language tag; it is used only when the text has
	// no letters to detect the script from.
	Lang  string
	Title string
	// Body is plain text or sanitized HTML (Item.Content, else Item.Summary).
	Body string
	Link string
	// Published should be Item.Date(): an item with a zero time matches
	// only on its link or document number.
	Published time.Time
}

// Sketch is what clustering keeps of an item: its language, the MinHash of
// its title and body shingles, its own document numbers and the entities it
// mentions. It is what the store persists (MarshalBinary) to rebuild the
// Index after a restart without re-reading item text.
type Sketch struct {
	// ItemID is the item the sketch was made from; Best never returns it.
	ItemID int64
	// Lang is "zh" or "en" (detected by script), or "" for text without
	// letters.
	Lang string
	// MinHash has SketchSize values, or none for an empty text.
	MinHash []uint32
	// DocNumbers are the item's own document numbers, normalised to
	// 川府发〔2026〕12号 form; numbers it merely cites are left out.
	DocNumbers []string
	// Entities are "kind:value" strings, sorted; see entity.go.
	Entities []string
	// Link is a hash of the item's CMS article id or canonical link (see
	// data.ArticleID, data.CanonicalURL), 0 when it has none.
	Link uint64
	// Published is in UTC.
	Published time.Time
}

// NewSketch sketches a document. It cleans the title (site-name suffixes,
// leading tags) and the body (HTML, 来源/责任编辑 and print/share furniture,
// publication-date lines), applies NFKC (full-width letters, digits and
// brackets become half-width), detects zh or en by script, shingles the
// first 4,000 characters (character trigrams for Chinese, word bigrams for
// English) into a MinHash, and extracts document numbers and entities.
func NewSketch(d Doc) Sketch {
	title := cleanTitle(d.Title)
	text := headText(title, d.Body)
	f := scanText(text)
	lang := langOf(f.han, f.latin)
	if lang == "" {
		lang = baseLang(d.Lang)
	}
	s := Sketch{
		ItemID:  d.ItemID,
		Lang:    lang,
		MinHash: shingleMinHash(text, lang),
		Link:    linkHash(d.Link),
	}
	// The extractor blanks what it uses in text: it comes after the
	// MinHash.
	s.DocNumbers, s.Entities = extractWork(text, &f)
	if !d.Published.IsZero() {
		s.Published = d.Published.UTC()
	}
	return s
}

// headText returns the first maxTextRunes runes of title, a newline and
// the cleaned body, cleaning no more of the body than that needs.
func headText(title, body string) []byte {
	c := cleaner{limit: maxTextRunes, runes: utf8.RuneCountInString(title) + 1}
	c.out = make([]byte, 0, len(title)+1+min(len(body), 4*maxTextRunes))
	c.out = append(append(c.out, title...), '\n')
	c.body(body)
	return c.out[:runePrefix(c.out, maxTextRunes)]
}

// baseLang reduces a BCP 47 tag to "zh" or "en", or "".
func baseLang(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	switch {
	case strings.HasPrefix(tag, "zh"):
		return "zh"
	case strings.HasPrefix(tag, "en"):
		return "en"
	}
	return ""
}

// linkHash hashes the article id of a link, else its canonical form without
// scheme; it returns 0 for no usable link.
func linkHash(link string) uint64 {
	if link == "" {
		return 0 // no canonical form, no article id
	}
	id := data.ArticleID(link)
	if id == "" {
		c := data.CanonicalURL(link)
		if c == "" {
			return 0
		}
		_, id, _ = strings.Cut(c, "://")
	}
	if h := hashString(id); h != 0 {
		return h
	}
	return 1
}

// hashString hashes one string with the shingle hash.
func hashString(s string) uint64 { return hashTokens([]string{s}) }

// sketchVersion is the first byte of the binary form. Bump it, and re-sketch
// stored items, whenever normalisation, shingling or hashing changes.
const sketchVersion = 1

// Limits that UnmarshalBinary enforces on untrusted input.
const (
	maxMinHash   = 1024
	maxStrings   = 256
	maxStringLen = 1024
)

// errSketch reports a malformed binary sketch.
var errSketch = errors.New("malformed sketch")

// MarshalBinary encodes the sketch: a version byte, the item id, the
// language, the link hash, the publication time, then the MinHash, document
// numbers and entities, length-prefixed.
func (s Sketch) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, 64+4*len(s.MinHash))
	b = append(b, sketchVersion)
	b = binary.AppendVarint(b, s.ItemID)
	b = appendString(b, s.Lang)
	b = binary.LittleEndian.AppendUint64(b, s.Link)
	if s.Published.IsZero() {
		b = append(b, 0)
	} else {
		t := s.Published.UTC()
		b = append(b, 1)
		b = binary.AppendVarint(b, t.Unix())
		b = binary.AppendUvarint(b, uint64(t.Nanosecond()))
	}
	b = binary.AppendUvarint(b, uint64(len(s.MinHash)))
	for _, v := range s.MinHash {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	for _, ss := range [][]string{s.DocNumbers, s.Entities} {
		b = binary.AppendUvarint(b, uint64(len(ss)))
		for _, x := range ss {
			b = appendString(b, x)
		}
	}
	return b, nil
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// UnmarshalBinary decodes what MarshalBinary produced.
func (s *Sketch) UnmarshalBinary(b []byte) error {
	r := reader{b: b}
	if v := r.byte(); v != sketchVersion {
		if r.err != nil {
			return fmt.Errorf("decode sketch: %w", r.err)
		}
		return fmt.Errorf("decode sketch: version %d, want %d: %w", v, sketchVersion, errSketch)
	}
	var out Sketch
	out.ItemID = r.varint()
	out.Lang = r.string()
	out.Link = r.uint64()
	if r.byte() == 1 {
		sec := r.varint()
		nsec := r.uvarint()
		if nsec >= 1e9 {
			r.fail()
		}
		out.Published = time.Unix(sec, int64(nsec)).UTC()
	}
	if n := r.count(maxMinHash); n > 0 {
		out.MinHash = make([]uint32, n)
		for i := range out.MinHash {
			out.MinHash[i] = r.uint32()
		}
	}
	out.DocNumbers = r.strings()
	out.Entities = r.strings()
	if r.err == nil && len(r.b) != 0 {
		r.fail()
	}
	if r.err != nil {
		return fmt.Errorf("decode sketch: %w", r.err)
	}
	*s = out
	return nil
}

// reader decodes the binary form, remembering the first error.
type reader struct {
	b   []byte
	err error
}

func (r *reader) fail() {
	if r.err == nil {
		r.err = errSketch
	}
	r.b = nil
}

func (r *reader) byte() byte {
	if len(r.b) < 1 {
		r.fail()
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

func (r *reader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) uint32() uint32 {
	if len(r.b) < 4 {
		r.fail()
		return 0
	}
	v := binary.LittleEndian.Uint32(r.b)
	r.b = r.b[4:]
	return v
}

func (r *reader) uint64() uint64 {
	if len(r.b) < 8 {
		r.fail()
		return 0
	}
	v := binary.LittleEndian.Uint64(r.b)
	r.b = r.b[8:]
	return v
}

// count reads a length and checks it against limit and the bytes left.
func (r *reader) count(limit int) int {
	n := r.uvarint()
	if n > uint64(limit) || n > uint64(len(r.b)) {
		r.fail()
		return 0
	}
	return int(n)
}

func (r *reader) string() string {
	n := r.count(maxStringLen)
	if r.err != nil {
		return ""
	}
	v := string(r.b[:n])
	r.b = r.b[n:]
	return v
}

func (r *reader) strings() []string {
	n := r.count(maxStrings)
	if n == 0 {
		return nil
	}
	ss := make([]string, n)
	for i := range ss {
		ss[i] = r.string()
	}
	if r.err != nil {
		return nil
	}
	return ss
}
