// Package charset turns fetched bytes in whatever encoding a Chinese
// government site uses (UTF-8, GB2312/GBK/GB18030, Big5, a UTF-16 BOM, or a
// header that lies) into UTF-8.
//
// Declarations are read in the order the brief of each function gives, but
// the bytes have the last word: a body that is valid UTF-8 and holds
// characters outside Latin (three-byte sequences, which GBK or Big5 text
// practically never forms) is UTF-8 whatever a stale template or a server
// header claims, and a Latin-1 claim over valid UTF-8 is ignored. The gb2312
// and gbk labels decode with GB18030, a superset of both. Invalid sequences
// become U+FFFD; an error is returned only for a label the decoder does not
// know.
package charset

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// ErrUnknownCharset is returned (wrapped) when a forced label is unknown, or
// when the only labels a document declares are unknown and its bytes are not
// UTF-8, so that any guess would garble it.
var ErrUnknownCharset = errors.New("unknown charset")

// Canonical names returned as the label used.
const (
	utf8Name    = "utf-8"
	gb18030Name = "gb18030"
	latin1Name  = "windows-1252" // WHATWG: iso-8859-1, latin1, us-ascii, ...
)

// enc is a known encoding and its canonical (WHATWG) name.
type enc struct {
	name string
	e    encoding.Encoding
}

// lookup resolves a declared label. gb2312 and gbk become GB18030.
func lookup(label string) (enc, bool) {
	label = strings.ToLower(strings.Trim(label, " \t\r\n\"';,"))
	if label == "" {
		return enc{}, false
	}
	e, err := htmlindex.Get(label)
	if err != nil {
		return enc{}, false
	}
	name, err := htmlindex.Name(e)
	if err != nil {
		return enc{}, false
	}
	switch name {
	case "gbk", gb18030Name:
		return enc{gb18030Name, simplifiedchinese.GB18030}, true
	case utf8Name:
		return enc{utf8Name, unicode.UTF8}, true
	}
	return enc{name, e}, true
}

var (
	encUTF8    = enc{utf8Name, unicode.UTF8}
	encGB18030 = enc{gb18030Name, simplifiedchinese.GB18030}
)

// bom returns the encoding a byte order mark announces and the mark's length.
func bom(body []byte) (enc, int, bool) {
	switch {
	case len(body) >= 3 && body[0] == 0xEF && body[1] == 0xBB && body[2] == 0xBF:
		return encUTF8, 3, true
	case len(body) >= 2 && body[0] == 0xFF && body[1] == 0xFE:
		return enc{"utf-16le", unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)}, 2, true
	case len(body) >= 2 && body[0] == 0xFE && body[1] == 0xFF:
		return enc{"utf-16be", unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)}, 2, true
	}
	return enc{}, 0, false
}

// declared is what a document says about itself, in order of precedence.
type declared struct {
	known   []enc
	unknown []string
}

func (d *declared) add(label string) {
	if strings.TrimSpace(label) == "" {
		return
	}
	e, ok := lookup(label)
	if !ok {
		d.unknown = append(d.unknown, label)
		return
	}
	// A UTF-16 label read from ASCII-compatible bytes cannot be true.
	if strings.HasPrefix(e.name, "utf-16") {
		e = encUTF8
	}
	for _, k := range d.known {
		if k.name == e.name {
			return
		}
	}
	d.known = append(d.known, e)
}

// choose picks the encoding of an ASCII-compatible body (no BOM) from its
// declarations, trusting the bytes over the labels (see the package doc).
func choose(body []byte, d declared) (enc, error) {
	valid := validUTF8(body)
	if valid && hasWide(body) {
		return encUTF8, nil
	}
	var cands []enc
	for _, e := range d.known {
		if e.name == latin1Name && valid && !isASCII(body) {
			e = encUTF8 // a Latin-1 header over UTF-8 is a known lie
		}
		if !contains(cands, e) {
			cands = append(cands, e)
		}
	}
	if len(cands) == 0 {
		switch {
		case valid:
			return encUTF8, nil
		case len(d.unknown) > 0:
			return enc{}, fmt.Errorf("%w %q", ErrUnknownCharset, d.unknown[0])
		default:
			return encGB18030, nil
		}
	}
	pick := cands[0]
	if len(cands) > 1 {
		// The declarations disagree: the first under which the body
		// decodes cleanly wins.
		for _, e := range cands {
			if cleanUnder(e, body, valid) {
				pick = e
				break
			}
		}
	}
	// A UTF-8 claim over bytes that are not UTF-8 but read cleanly as
	// GB18030 is a Chinese template served with a generic header.
	if pick.name == utf8Name && !valid && cleanUnder(encGB18030, body, valid) {
		return encGB18030, nil
	}
	return pick, nil
}

func contains(es []enc, e enc) bool {
	for _, x := range es {
		if x.name == e.name {
			return true
		}
	}
	return false
}

// cleanUnder reports whether body decodes under e without a replacement
// character.
func cleanUnder(e enc, body []byte, valid bool) bool {
	if e.name == utf8Name {
		return valid
	}
	out, err := e.e.NewDecoder().Bytes(body)
	return err == nil && !strings.ContainsRune(string(out), utf8.RuneError)
}

// decode converts body from e to UTF-8, replacing invalid sequences.
func decode(e enc, body []byte) ([]byte, error) {
	if e.name == utf8Name && utf8.Valid(body) {
		return body, nil
	}
	out, err := e.e.NewDecoder().Bytes(body)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", e.name, err)
	}
	return out, nil
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// hasWide reports whether valid UTF-8 b holds a rune of three or more bytes
// (U+0800 and above: CJK, full-width punctuation, ...).
func hasWide(b []byte) bool {
	for _, c := range b {
		if c >= 0xE0 {
			return true
		}
	}
	return false
}

// validUTF8 reports whether b is UTF-8, allowing one incomplete character
// at the very end: a body cut short is still UTF-8.
func validUTF8(b []byte) bool {
	if utf8.Valid(b) {
		return true
	}
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax+1; i-- {
		if utf8.RuneStart(b[i]) {
			return !utf8.FullRune(b[i:]) && utf8.Valid(b[:i])
		}
	}
	return false
}
