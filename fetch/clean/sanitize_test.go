package clean

import (
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/html"
)

const testBase = "https://www.gov.cn/zhengce/zuixin/"

// xssVectors are well-known script-injection payloads (OWASP XSS filter
// evasion cheat sheet, mutation-XSS reports against sanitizers).
var xssVectors = map[string]string{
	"script tag":                    `<script>alert(1)</script>`,
	"script upper case":             `<SCRIPT SRC=//evil.example/x.js></SCRIPT>`,
	"split script tag":              `<scr<script>ipt>alert(1)</script>`,
	"img onerror":                   `<img src=x onerror=alert(1)>`,
	"img javascript src":            `<IMG SRC=javascript:alert('XSS')>`,
	"img backtick src":              "<img src=`javascript:alert(1)`>",
	"img data src":                  `<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">`,
	"img srcset":                    `<img src="https://a.gov.cn/a.png" srcset="javascript:alert(1)">`,
	"svg onload":                    `<svg onload=alert(1)>`,
	"svg script":                    `<svg><script>alert(1)</script></svg>`,
	"svg xlink href":                `<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>`,
	"math mutation":                 `<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
	"noscript mutation":             `<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
	"javascript href":               `<a href="javascript:alert(1)">x</a>`,
	"javascript mixed case":         `<a href="JaVaScRiPt:alert(1)">x</a>`,
	"javascript decimal entities":   `<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>`,
	"javascript hex entity":         `<a href="&#x6A;avascript:alert(1)">x</a>`,
	"javascript colon entity":       `<a href="javascript&colon;alert(1)">x</a>`,
	"javascript tab entity":         `<a href="jav&#x09;ascript:alert(1)">x</a>`,
	"javascript newline entity":     `<a href="jav&#x0A;ascript:alert(1)">x</a>`,
	"javascript leading control":    `<a href=" &#14;  javascript:alert(1)">x</a>`,
	"javascript null":               "<a href=\"java\x00script:alert(1)\">x</a>",
	"vbscript href":                 `<a href="vbscript:msgbox(1)">x</a>`,
	"data text/html href":           `<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>`,
	"onclick and target":            `<a href="https://www.gov.cn/" onclick="alert(1)" target="_blank">ok</a>`,
	"onmouseover":                   `<div onmouseover="alert(1)">hover</div>`,
	"details ontoggle":              `<details open ontoggle=alert(1)>`,
	"body onload":                   `<body onload=alert(1)>x</body>`,
	"style attribute url":           `<div style="background:url(javascript:alert(1))">x</div>`,
	"css expression":                `<div style="width: expression(alert(1))">x</div>`,
	"style tag":                     `<style>body{background:url("javascript:alert(1)")}</style>x`,
	"meta refresh":                  `<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`,
	"base href":                     `<base href="javascript:alert(1)//"><a href="x.html">x</a>`,
	"link stylesheet":               `<link rel=stylesheet href="javascript:alert(1)">`,
	"iframe srcdoc":                 `<iframe srcdoc="<script>alert(1)</script>"></iframe>`,
	"iframe javascript":             `<iframe src="javascript:alert(1)"></iframe>`,
	"form action":                   `<form action="javascript:alert(1)"><input type=submit value=go><button formaction="javascript:alert(1)">b</button></form>`,
	"object data":                   `<object data="javascript:alert(1)"></object>`,
	"embed src":                     `<embed src="javascript:alert(1)">`,
	"video source onerror":          `<video><source onerror="alert(1)"></video>`,
	"attribute breakout":            `"><script>alert(1)</script>`,
	"comment hiding script":         `<!--<script>alert(1)</script>--><p>x</p>`,
	"conditional comment":           `<!--[if gte IE 4]><script>alert(1)</script><![endif]-->`,
	"cdata":                         `<![CDATA[<script>alert(1)</script>]]>`,
	"template":                      `<template><img src=x onerror=alert(1)></template>`,
	"input autofocus onfocus":       `<input autofocus onfocus=alert(1)>`,
	"anchor with formaction button": `<button formaction=javascript:alert(1)>x</button>`,
}

// allowedAttrs are the only attributes the sanitizer may emit.
var allowedAttrs = map[string]bool{
	"href": true, "src": true, "alt": true, "title": true, "width": true, "height": true,
	"colspan": true, "rowspan": true, "span": true, "rel": true,
}

// executableElements must never appear in output.
var executableElements = map[string]bool{
	"script": true, "style": true, "iframe": true, "object": true, "embed": true, "form": true,
	"input": true, "button": true, "base": true, "meta": true, "link": true, "svg": true,
	"math": true, "template": true, "frame": true, "frameset": true, "applet": true,
	"video": true, "audio": true, "source": true, "details": true, "noscript": true, "textarea": true,
}

// assertInert fails the test when out has an executable part.
func assertInert(t *testing.T, in, out string) {
	t.Helper()
	for _, p := range unsafeParts(out) {
		t.Errorf("HTML(%q) = %q: %s", in, out, p)
	}
}

// unsafeParts parses out as a browser would and lists anything that can
// run: forbidden elements, event handlers or other unexpected attributes,
// comments, and href/src values that are not absolute http(s)/mailto URLs.
func unsafeParts(out string) []string {
	var bad []string
	doc, err := html.Parse(strings.NewReader(out))
	if err != nil {
		return []string{"does not parse: " + err.Error()}
	}
	for n := range doc.Descendants() {
		switch n.Type {
		case html.CommentNode:
			bad = append(bad, "comment")
		case html.ElementNode:
			if executableElements[n.Data] || n.Namespace != "" {
				bad = append(bad, "element <"+n.Data+">")
			}
			for _, a := range n.Attr {
				if !allowedAttrs[a.Key] || a.Namespace != "" {
					bad = append(bad, "attribute "+a.Key+" on <"+n.Data+">")
					continue
				}
				if a.Key != "href" && a.Key != "src" {
					continue
				}
				v := strings.Map(func(r rune) rune {
					if r == '\t' || r == '\n' || r == '\r' {
						return -1
					}
					return r
				}, a.Val)
				v = strings.TrimFunc(v, func(r rune) bool { return r <= ' ' })
				u, err := url.Parse(v)
				ok := err == nil && (u.Scheme == "http" || u.Scheme == "https" || (a.Key == "href" && u.Scheme == "mailto"))
				if !ok {
					bad = append(bad, "unsafe "+a.Key+"="+strconv.Quote(a.Val))
				}
			}
		}
	}
	low := strings.ToLower(out)
	text := strings.ToLower(Text(out))
	for _, s := range []string{"<script", "javascript:", "vbscript:", "data:", " on", "expression("} {
		if strings.Contains(low, s) && !strings.Contains(text, s) {
			bad = append(bad, "contains "+strconv.Quote(s)+" outside text")
		}
	}
	return bad
}

// TestUnsafePartsDetects checks the checker itself: unsanitized vectors
// must be reported (those that are inert even raw are listed).
func TestUnsafePartsDetects(t *testing.T) {
	inertRaw := map[string]bool{"cdata": true}
	for name, in := range xssVectors {
		if inertRaw[name] {
			continue
		}
		if len(unsafeParts(in)) == 0 {
			t.Errorf("unsafeParts(%q) found nothing in a raw XSS vector", in)
		}
	}
}

func TestHTMLRemovesXSS(t *testing.T) {
	if len(xssVectors) < 25 {
		t.Fatalf("only %d vectors", len(xssVectors))
	}
	s := NewSanitizer()
	for name, in := range xssVectors {
		t.Run(name, func(t *testing.T) {
			assertInert(t, in, s.HTML(in, testBase))
		})
	}
}

// goodMarkup are inputs whose exact output is known, with their base.
var goodMarkup = map[string]struct{ in, base, want string }{
	"formatting": {
		`<p>国务院<strong>常务</strong>会议 <em>要点</em><br/>第二行</p>`, testBase,
		`<p>国务院<strong>常务</strong>会议 <em>要点</em><br/>第二行</p>`,
	},
	"relative link absolutized, rel set, target and class dropped": {
		`<a href="../202606/content_7012345.htm" target="_blank" class="x" title="政策">政策</a>`, testBase,
		`<a title="政策" href="https://www.gov.cn/zhengce/202606/content_7012345.htm" rel="nofollow noopener">政策</a>`,
	},
	"existing rel replaced": {
		`<a href="https://www.sc.gov.cn/" rel="opener">四川</a>`, testBase,
		`<a href="https://www.sc.gov.cn/" rel="nofollow noopener">四川</a>`,
	},
	"image absolutized, style and bad width dropped": {
		`<img src="../../images/head-logo-wap.png" alt="图" width="600" height="40px" style="border:0">`,
		"https://www.cq.gov.cn/ywdt/jrcq/202606/t20260616_15758457.html",
		`<img src="https://www.cq.gov.cn/ywdt/images/head-logo-wap.png" alt="图" width="600"/>`,
	},
	"protocol-relative image": {
		`<img src="//img.sc.gov.cn/a.jpg">`, "http://www.sc.gov.cn/10462/x.shtml",
		`<img src="http://img.sc.gov.cn/a.jpg"/>`,
	},
	"base element ignored": {
		`<base href="https://evil.example/"><a href="x.html">x</a>`, testBase,
		`<a href="https://www.gov.cn/zhengce/zuixin/x.html" rel="nofollow noopener">x</a>`,
	},
	"mailto kept": {
		`<a href="mailto:gk@sc.gov.cn">写信</a>`, testBase,
		`<a href="mailto:gk@sc.gov.cn" rel="nofollow noopener">写信</a>`,
	},
	"mailto image dropped": {
		`<p>a<img src="mailto:x@y.cn">b</p>`, testBase,
		`<p>ab</p>`,
	},
	"no base keeps relative": {
		`<a href="/a/b.html">b</a>`, "",
		`<a href="/a/b.html" rel="nofollow noopener">b</a>`,
	},
	"javascript base ignored": {
		`<a href="b.html">b</a>`, "javascript:alert(1)",
		`<a href="b.html" rel="nofollow noopener">b</a>`,
	},
	"anchor without href unwrapped": {
		`<p><a name="top">顶部</a></p>`, testBase,
		`<p>顶部</p>`,
	},
	"table with spans": {
		`<table border="1" style="x"><tbody><tr><th colspan="2">标题</th></tr><tr><td rowspan="1">1</td><td>2</td></tr></tbody></table>`, testBase,
		`<table><tbody><tr><th colspan="2">标题</th></tr><tr><td rowspan="1">1</td><td>2</td></tr></tbody></table>`,
	},
	"structure survives": {
		`<h2>一、</h2><ul><li>甲</li></ul><ol><li>乙</li></ol><blockquote>引</blockquote><pre><code>x := 1</code></pre><p>H<sub>2</sub>O m<sup>2</sup></p><figure><img src="/p.png" alt="p"><figcaption>说明</figcaption></figure>`, testBase,
		`<h2>一、</h2><ul><li>甲</li></ul><ol><li>乙</li></ol><blockquote>引</blockquote><pre><code>x := 1</code></pre><p>H<sub>2</sub>O m<sup>2</sup></p><figure><img src="https://www.gov.cn/p.png" alt="p"/><figcaption>说明</figcaption></figure>`,
	},
	"MS Word paragraph": {
		`<p class="MsoNormal" style="text-indent:2em"><span style="font-family:仿宋">　　正文</span></p>`, testBase,
		`<p><span>　　正文</span></p>`,
	},
	"text escaped": {
		`1 &lt; 2 &amp; 3`, testBase,
		`1 &lt; 2 &amp; 3`,
	},
	"empty":       {"", testBase, ""},
	"only script": {`<script>x</script>`, testBase, ""},
}

func TestHTMLKeepsGoodMarkup(t *testing.T) {
	s := NewSanitizer()
	for name, tc := range goodMarkup {
		t.Run(name, func(t *testing.T) {
			got := s.HTML(tc.in, tc.base)
			if got != tc.want {
				t.Errorf("HTML(%q, %q)\n got %q\nwant %q", tc.in, tc.base, got, tc.want)
			}
			assertInertOrRelative(t, tc.base, tc.in, got)
		})
	}
}

// assertInertOrRelative runs assertInert when the output must be absolute.
func assertInertOrRelative(t *testing.T, base, in, out string) {
	t.Helper()
	if parseBase(base) != nil {
		assertInert(t, in, out)
	}
}

func TestSanitizerConcurrent(t *testing.T) {
	s := NewSanitizer()
	in := `<p onclick="x">a <a href="b.html">b</a><img src="c.png"></p>`
	want := s.HTML(in, testBase)
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if got := s.HTML(in, testBase); got != want {
					errs <- got
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for got := range errs {
		t.Errorf("concurrent HTML = %q, want %q", got, want)
	}
}

func BenchmarkHTML(b *testing.B) {
	s := NewSanitizer()
	in := strings.Repeat(`<p class="MsoNormal" style="x">国务院办公厅关于<a href="./202606/t20260616_1.html">印发</a>的通知<img src="../a.png" onerror="x"></p>`, 50)
	for b.Loop() {
		s.HTML(in, testBase)
	}
}

// BenchmarkHTMLSummary is BenchmarkHTML on a feed item's summary, the
// typical fragment.
func BenchmarkHTMLSummary(b *testing.B) {
	s := NewSanitizer()
	for b.Loop() {
		s.HTML(summaryMarkup, testBase)
	}
}
