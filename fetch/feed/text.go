package feed

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/language"
)

// plainText turns a title-like field into one line of plain text: tags
// stripped (script and style text dropped, block elements and <br>
// separating words), HTML entities decoded and white space, including the
// ideographic space, collapsed and trimmed. The result holds no markup:
// markup that only decoding reveals (an upstream that escaped its HTML
// twice, the text of a <noscript>) is stripped in turn, so that a reader
// that takes a title for HTML finds nothing to run.
func plainText(s string) string {
	for range maxTextPasses {
		t := plainTextOnce(s)
		if t == s {
			break
		}
		s = t
	}
	return s
}

// maxTextPasses bounds the passes of plainText; each pass decodes one
// level of escaping, and real titles need at most two.
const maxTextPasses = 8

// plainTextOnce is one pass of plainText.
func plainTextOnce(s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	if !strings.ContainsAny(s, "<&") {
		return strings.Join(strings.Fields(s), " ")
	}
	var b strings.Builder
	z := html.NewTokenizerFragment(strings.NewReader(s), "div")
	skip := 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return strings.Join(strings.Fields(b.String()), " ")
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			tag := atom.Lookup(name)
			if tag == atom.Script || tag == atom.Style {
				switch tt {
				case html.StartTagToken:
					skip++
				case html.EndTagToken:
					skip = max(skip-1, 0)
				}
			}
			if separating[tag] {
				b.WriteByte(' ')
			}
		}
	}
}

// separating are the elements that break words apart.
var separating = map[atom.Atom]bool{
	atom.Br: true, atom.P: true, atom.Div: true, atom.Li: true, atom.Ul: true, atom.Ol: true,
	atom.Tr: true, atom.Td: true, atom.Th: true, atom.Table: true, atom.Hr: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Blockquote: true, atom.Pre: true, atom.Section: true, atom.Article: true,
	atom.Header: true, atom.Footer: true, atom.Dd: true, atom.Dt: true, atom.Img: true,
}

// absolute resolves ref against base (which may be nil) and returns it if
// the result is an absolute http(s) URL.
func absolute(base *url.URL, ref string) *url.URL {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil
	}
	u, err := url.Parse(ref)
	if err != nil {
		return nil
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if !isWeb(u) {
		return nil
	}
	return u
}

func isWeb(u *url.URL) bool {
	return (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// normLang returns the BCP 47 form of a language tag ("zh-cn" and "zh_CN"
// become "zh-CN"), or "" if it is not one.
func normLang(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), "_", "-")
	if s == "" {
		return ""
	}
	t, err := language.Parse(s)
	if err != nil {
		return ""
	}
	return t.String()
}
