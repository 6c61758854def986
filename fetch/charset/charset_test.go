package charset

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
)

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// utf16LE encodes s as UTF-16LE, with a BOM when bom is set.
func utf16LE(s string, bom bool) []byte {
	var b []byte
	if bom {
		b = append(b, 0xFF, 0xFE)
	}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

// The GBK page with its meta after 1.3 KB of comments, without that meta.
func gbkNoMeta(t *testing.T) []byte {
	t.Helper()
	b := fixture(t, "gbk-meta-late.html")
	meta := []byte(`<meta http-equiv="Content-Type" content="text/html; charset=gb2312">`)
	if !bytes.Contains(b, meta) {
		t.Fatal("fixture gbk-meta-late.html lost its meta")
	}
	return bytes.Replace(b, meta, nil, 1)
}

func TestDecodeHTML(t *testing.T) {
	gbkText := "朱镕基同志视察四川：全省经济稳步增长。"
	gbkPage := fixture(t, "gbk-meta-late.html")
	tests := map[string]struct {
		body        []byte
		contentType string
		forced      string
		wantLabel   string
		wantHas     []string
		wantPrefix  string
	}{
		"GB2312 meta after 1.3 KB of comments": {
			body: gbkPage, contentType: "text/html",
			wantLabel: "gb18030", wantHas: []string{"<title>四川省人民政府</title>", gbkText},
		},
		"meta wins over a header": {
			body: gbkPage, contentType: "text/html; charset=ISO-8859-1",
			wantLabel: "gb18030", wantHas: []string{gbkText},
		},
		"undeclared GB18030 with a four-byte character": {
			body:      fixture(t, "gb18030-undeclared.html"),
			wantLabel: "gb18030", wantHas: []string{"<title>重庆市人民政府</title>", "生僻字𠀀与欧元符号€。"},
		},
		"Big5 meta": {
			body:      fixture(t, "big5-meta.html"),
			wantLabel: "big5", wantHas: []string{"臺灣省政府公告", "颱風警報：請民眾注意安全。"},
		},
		"Latin-1 header over UTF-8 Chinese is a lie": {
			body: []byte("<html><body>芜湖市人民政府</body></html>"), contentType: "text/html; charset=ISO-8859-1",
			wantLabel: "utf-8", wantHas: []string{"芜湖市人民政府"},
		},
		"latin1 header over UTF-8 accented Latin is a lie": {
			body: []byte("<p>café</p>"), contentType: "text/html;charset=latin1",
			wantLabel: "utf-8", wantHas: []string{"café"},
		},
		"true Latin-1": {
			body: []byte("<p>caf\xe9</p>"), contentType: "text/html; charset=iso-8859-1",
			wantLabel: "windows-1252", wantHas: []string{"café"},
		},
		"stale gb2312 meta over a UTF-8 body": {
			body:      []byte(`<html><head><meta charset="gb2312"></head><body>四川省人民政府</body></html>`),
			wantLabel: "utf-8", wantHas: []string{"四川省人民政府"},
		},
		"UTF-8 header over GBK bytes": {
			body: gbkNoMeta(t), contentType: "text/html; charset=utf-8",
			wantLabel: "gb18030", wantHas: []string{gbkText},
		},
		"undeclared GBK": {
			body:      gbkNoMeta(t),
			wantLabel: "gb18030", wantHas: []string{gbkText},
		},
		"header charset when there is no meta": {
			body: bytes.ReplaceAll(fixture(t, "big5-meta.html"), []byte(`<meta charset="big5">`), nil), contentType: "text/html; charset=big5",
			wantLabel: "big5", wantHas: []string{"颱風警報"},
		},
		"forced label wins over the meta": {
			body: gbkPage, forced: "GBK", contentType: "text/html; charset=utf-8",
			wantLabel: "gb18030", wantHas: []string{gbkText},
		},
		"forced label wins over the bytes": {
			body: []byte("<p>café</p>"), forced: "windows-1252",
			wantLabel: "windows-1252", wantHas: []string{"cafÃ©"},
		},
		"UTF-8 BOM wins over the meta": {
			body:      append([]byte{0xEF, 0xBB, 0xBF}, `<html><head><meta charset="gbk"></head><body>重庆</body></html>`...),
			wantLabel: "utf-8", wantHas: []string{"重庆"}, wantPrefix: "<html>",
		},
		"UTF-16LE BOM": {
			body:      utf16LE("<html><body>广东省人民政府</body></html>", true),
			wantLabel: "utf-16le", wantHas: []string{"广东省人民政府"}, wantPrefix: "<html>",
		},
		"meta inside a comment is ignored": {
			body:      bytes.Replace(gbkPage, []byte("<meta http-equiv"), []byte(`<!-- <meta charset="big5"> --><meta http-equiv`), 1),
			wantLabel: "gb18030", wantHas: []string{gbkText},
		},
		"meta inside a script is ignored": {
			body:      bytes.Replace(gbkPage, []byte("<meta http-equiv"), []byte(`<script>document.write('<meta charset="big5">')</script><meta http-equiv`), 1),
			wantLabel: "gb18030", wantHas: []string{gbkText},
		},
		"invalid UTF-8 becomes U+FFFD": {
			body: []byte("<p>ab\xffc</p>"), contentType: "text/html; charset=utf-8",
			wantLabel: "utf-8", wantHas: []string{"ab\uFFFDc"},
		},
		"truncated GBK becomes U+FFFD": {
			body: append(gbkNoMeta(t)[:0:0], append(gbkNoMeta(t), 0xD6)...), contentType: "text/html; charset=gbk",
			wantLabel: "gb18030", wantHas: []string{gbkText, "\uFFFD"},
		},
		"unknown meta label over UTF-8": {
			body:      []byte(`<meta charset="x-klingon"><p>四川</p>`),
			wantLabel: "utf-8", wantHas: []string{"四川"},
		},
		"ASCII with no declaration": {
			body:      []byte("<p>hello</p>"),
			wantLabel: "utf-8", wantHas: []string{"<p>hello</p>"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, label, err := DecodeHTML(tc.body, tc.contentType, tc.forced)
			if err != nil {
				t.Fatalf("DecodeHTML() error = %v", err)
			}
			if label != tc.wantLabel {
				t.Errorf("DecodeHTML() label = %q, want %q", label, tc.wantLabel)
			}
			for _, s := range tc.wantHas {
				if !strings.Contains(string(got), s) {
					t.Errorf("DecodeHTML() = %q, want it to contain %q", got, s)
				}
			}
			if tc.wantPrefix != "" && !strings.HasPrefix(string(got), tc.wantPrefix) {
				t.Errorf("DecodeHTML() = %q, want prefix %q", got, tc.wantPrefix)
			}
		})
	}
}

func TestDecodeHTMLUnknownLabel(t *testing.T) {
	tests := map[string]struct {
		body   []byte
		forced string
	}{
		"forced":                  {body: []byte("<p>hi</p>"), forced: "x-klingon"},
		"declared over non-UTF-8": {body: bytes.Replace(gbkNoMeta(t), []byte("<head>"), []byte(`<head><meta charset="x-klingon">`), 1)},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, _, err := DecodeHTML(tc.body, "", tc.forced)
			if !errors.Is(err, ErrUnknownCharset) {
				t.Errorf("DecodeHTML() error = %v, want ErrUnknownCharset", err)
			}
		})
	}
}

func TestDecodeXML(t *testing.T) {
	gbFeed := fixture(t, "gb2312-prolog.xml")
	gbNoDecl := bytes.Replace(gbFeed, []byte(` encoding="gb2312"`), nil, 1)
	gbUTF8Decl := bytes.Replace(gbFeed, []byte(`encoding="gb2312"`), []byte(`encoding="utf-8"`), 1)
	const item = "<title>省政府常务会议</title>"
	const utf8Prolog = `<?xml version="1.0" encoding="UTF-8"?>`
	tests := map[string]struct {
		body        []byte
		contentType string
		wantLabel   string
		wantHas     []string
		wantPrefix  string
	}{
		"gb2312 prolog": {
			body: gbFeed, contentType: "application/rss+xml",
			wantLabel: "gb18030", wantHas: []string{item, "<title>浙江省人民政府</title>"}, wantPrefix: utf8Prolog,
		},
		"gb2312 prolog, lying UTF-8 header": {
			body: gbFeed, contentType: "text/xml; charset=utf-8",
			wantLabel: "gb18030", wantHas: []string{item}, wantPrefix: utf8Prolog,
		},
		"GBK declared only by Content-Type": {
			body: gbNoDecl, contentType: "text/xml; charset=GBK",
			wantLabel: "gb18030", wantHas: []string{item}, wantPrefix: `<?xml version="1.0"?>`,
		},
		"UTF-8 prolog, lying GBK header": {
			body: []byte(`<?xml version="1.0" encoding="utf-8"?><rss><title>四川</title></rss>`), contentType: "text/xml; charset=gbk",
			wantLabel: "utf-8", wantHas: []string{"<title>四川</title>"},
		},
		"lying UTF-8 prolog, GBK header and GBK bytes": {
			body: gbUTF8Decl, contentType: "text/xml; charset=gbk",
			wantLabel: "gb18030", wantHas: []string{item}, wantPrefix: `<?xml version="1.0" encoding="utf-8"?>`,
		},
		"ISO-8859-1 header over UTF-8": {
			body: []byte(`<?xml version="1.0"?><rss><title>芜湖市人民政府</title></rss>`), contentType: "text/xml; charset=ISO-8859-1",
			wantLabel: "utf-8", wantHas: []string{"芜湖市人民政府"},
		},
		"stale gb2312 prolog over UTF-8": {
			body:      []byte(`<?xml version="1.0" encoding="gb2312"?><rss><title>芜湖市人民政府</title></rss>`),
			wantLabel: "utf-8", wantHas: []string{"芜湖市人民政府"}, wantPrefix: utf8Prolog,
		},
		"undeclared GBK": {
			body:      gbNoDecl,
			wantLabel: "gb18030", wantHas: []string{item},
		},
		"UTF-8 BOM wins over the prolog": {
			body:      append([]byte{0xEF, 0xBB, 0xBF}, `<?xml version="1.0" encoding='GBK'?><rss><title>重庆</title></rss>`...),
			wantLabel: "utf-8", wantHas: []string{"重庆"}, wantPrefix: `<?xml version="1.0" encoding='UTF-8'?>`,
		},
		"UTF-16LE with BOM": {
			body:      utf16LE(`<?xml version="1.0" encoding="UTF-16"?><rss><title>广东</title></rss>`, true),
			wantLabel: "utf-16le", wantHas: []string{"<title>广东</title>"}, wantPrefix: utf8Prolog,
		},
		"UTF-16LE without BOM": {
			body:      utf16LE(`<?xml version="1.0" encoding="UTF-16"?><rss><title>广东</title></rss>`, false),
			wantLabel: "utf-16le", wantHas: []string{"<title>广东</title>"}, wantPrefix: utf8Prolog,
		},
		"unknown prolog label over ASCII": {
			body:      []byte(`<?xml version="1.0" encoding="x-klingon"?><rss/>`),
			wantLabel: "utf-8", wantHas: []string{"<rss/>"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, label, err := DecodeXML(tc.body, tc.contentType)
			if err != nil {
				t.Fatalf("DecodeXML() error = %v", err)
			}
			if label != tc.wantLabel {
				t.Errorf("DecodeXML() label = %q, want %q", label, tc.wantLabel)
			}
			for _, s := range tc.wantHas {
				if !strings.Contains(string(got), s) {
					t.Errorf("DecodeXML() = %q, want it to contain %q", got, s)
				}
			}
			if tc.wantPrefix != "" && !strings.HasPrefix(string(got), tc.wantPrefix) {
				t.Errorf("DecodeXML() = %q, want prefix %q", got, tc.wantPrefix)
			}
		})
	}
}

func TestDecodeXMLUnknownLabelOverNonUTF8(t *testing.T) {
	body := bytes.Replace(fixture(t, "gb2312-prolog.xml"), []byte(`"gb2312"`), []byte(`"x-euc-tw"`), 1)
	if _, _, err := DecodeXML(body, "text/xml"); !errors.Is(err, ErrUnknownCharset) {
		t.Errorf("DecodeXML() error = %v, want ErrUnknownCharset", err)
	}
}

func TestContentTypeCharset(t *testing.T) {
	tests := map[string]string{
		"text/html; charset=GB2312":       "GB2312",
		`text/html; charset="utf-8"`:      "utf-8",
		"text/html; charset=gbk;;":        "gbk",
		"text/html":                       "",
		"":                                "",
		"application/xml;charset = big5 ": "big5",
	}
	for in, want := range tests {
		t.Run(in, func(t *testing.T) {
			if got := contentTypeCharset(in); got != want {
				t.Errorf("contentTypeCharset(%q) = %q, want %q", in, got, want)
			}
		})
	}
}

func TestTruncatedUTF8StaysUTF8(t *testing.T) {
	// Cut inside the last character; what precedes happens to read cleanly
	// as GB18030, so only the allowance for a cut makes this UTF-8.
	full := []byte(`<t>今日重庆</t><c>政`)
	body := full[:len(full)-1]
	got, label, err := DecodeXML(body, "text/xml; charset=utf-8")
	if err != nil {
		t.Fatalf("DecodeXML() error = %v", err)
	}
	if label != "utf-8" {
		t.Errorf("DecodeXML() label = %q, want utf-8", label)
	}
	if want := "<t>今日重庆</t><c>\uFFFD"; string(got) != want {
		t.Errorf("DecodeXML() = %q, want %q", got, want)
	}
}

func TestValidUTF8(t *testing.T) {
	tests := map[string]struct {
		in   string
		want bool
	}{
		"valid":                  {"四川", true},
		"cut after one byte":     {"四川\xe5", true},
		"cut after two bytes":    {"四川\xe5\x9b", true},
		"bad byte at the end":    {"四川\xff", false},
		"bad byte in the middle": {"四\xff川", false},
		"stray continuation":     {"四川\x9b", false},
		"empty":                  {"", true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := validUTF8([]byte(tc.in)); got != tc.want {
				t.Errorf("validUTF8(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}
