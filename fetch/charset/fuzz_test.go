package charset

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// addDecodeSeeds adds seeds common to both decoders: bodies in the
// encodings Chinese government sites use, with honest and lying labels.
func addDecodeSeeds(f *testing.F, xml bool) {
	gbk := []byte{0xcb, 0xc4, 0xb4, 0xa8, 0xca, 0xa1, 0xc8, 0xcb, 0xc3, 0xf1, 0xd5, 0xfe, 0xb8, 0xae} // 四川省人民政府 in GBK
	head, tail := []byte(`<html><head><meta charset="gb2312"><title>`), []byte(`</title></head></html>`)
	if xml {
		head, tail = []byte(`<?xml version="1.0" encoding="gb2312"?><rss><channel><title>`), []byte(`</title></channel></rss>`)
	}
	page := append(append(append([]byte(nil), head...), gbk...), tail...)
	f.Add(page, "text/html", "")
	f.Add(page, "text/html; charset=utf-8", "")
	f.Add(bytes.Replace(page, []byte("gb2312"), []byte("utf-8"), 1), "", "")
	f.Add([]byte("<p>四川省人民政府</p>"), "text/html; charset=iso-8859-1", "")
	f.Add(utf16LE(`<?xml version="1.0" encoding="utf-16"?><rss/>`, true), "", "")
	f.Add(utf16LE(`<?xml version="1.0"?><rss/>`, false), "", "")
	f.Add([]byte("\xef\xbb\xbf<p>x</p>"), "text/html; charset=big5", "gbk")
	f.Add([]byte("<p>\xa4\xa4\xa4\xe5</p>"), "text/html; charset=big5", "")
	f.Add([]byte("<p>x</p>"), "text/html; charset=klingon", "")
	f.Add([]byte("<p>\xff\xfe\x00</p>"), "text/html; charset=\"x-user-defined\";;", "")
	f.Add([]byte("\x1b$B$3$s$K$A$O\x1b(B"), "", "iso-2022-jp")
	f.Add([]byte("<p>\xe4\xb8</p>"), "", "utf-8")
}

// checkDecoded holds for both decoders: on success the output is UTF-8
// and the label names an encoding the package knows under that very name;
// the only error is an unknown charset.
func checkDecoded(t *testing.T, out []byte, label string, err error) {
	t.Helper()
	if err != nil {
		if !errors.Is(err, ErrUnknownCharset) {
			t.Fatalf("error %v does not wrap ErrUnknownCharset", err)
		}
		if out != nil || label != "" {
			t.Errorf("error %v came with output %q, label %q", err, out, label)
		}
		return
	}
	if !utf8.Valid(out) {
		t.Errorf("output %q is not UTF-8 (label %q)", out, label)
	}
	if e, ok := lookup(label); !ok || e.name != label {
		t.Errorf("label %q is not the canonical name of a known encoding", label)
	}
}

// FuzzDecodeHTML checks DecodeHTML on any body, header and forced label.
// Besides checkDecoded: without a forced label or a BOM, a body that is
// UTF-8 and holds a character of three bytes or more is returned as is.
func FuzzDecodeHTML(f *testing.F) {
	addDecodeSeeds(f, false)
	f.Fuzz(func(t *testing.T, body []byte, contentType, forced string) {
		out, label, err := DecodeHTML(body, contentType, forced)
		checkDecoded(t, out, label, err)
		if _, _, hasBOM := bom(body); forced == "" && !hasBOM && utf8.Valid(body) && hasWide(body) {
			if err != nil || label != "utf-8" || !bytes.Equal(out, body) {
				t.Errorf("UTF-8 body with CJK text %q came out as %q, label %q, error %v", body, out, label, err)
			}
		}
	})
}

// FuzzDecodeXML checks DecodeXML on any body and header. Besides
// checkDecoded: the prolog of the output no longer names another encoding,
// so decoding the output again changes nothing.
func FuzzDecodeXML(f *testing.F) {
	addDecodeSeeds(f, true)
	f.Fuzz(func(t *testing.T, body []byte, contentType, _ string) {
		out, label, err := DecodeXML(body, contentType)
		checkDecoded(t, out, label, err)
		if err != nil {
			return
		}
		if p := prologEncoding(out); p != "" && !strings.EqualFold(p, "utf-8") {
			t.Errorf("output %q still declares encoding %q", out, p)
		}
		if _, _, fixed := fixedEncoding(out); fixed {
			return // a BOM or UTF-16 shape decoded out of other bytes
		}
		again, label2, err := DecodeXML(out, "")
		if err != nil || label2 != "utf-8" || !bytes.Equal(again, out) {
			t.Errorf("decoding the output %q again gave %q, label %q, error %v", out, again, label2, err)
		}
	})
}
