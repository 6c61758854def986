package page

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// wantCSP is the policy the security issue asks for, written out here
// rather than read from the code.
const wantCSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

func TestHostileItemsAreInert(t *testing.T) {
	f := newFixture(t, "items.json", "hostile.json")
	res, doc, body := get(t, f.page.Handler(), "/")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200", res.StatusCode)
	}

	t.Run("no active elements", func(t *testing.T) {
		for _, sel := range []string{"script", "iframe", "img", "svg", "style", "object", "embed", "base", "meta[http-equiv]"} {
			if n := doc.Find(sel).Length(); n != 0 {
				t.Errorf("page has %d <%s> elements", n, sel)
			}
		}
		if n := doc.Find("form").Length(); n != 1 {
			t.Errorf("page has %d forms, want only the search form", n)
		}
		if strings.Contains(strings.ToLower(body), "<script") {
			t.Errorf("raw page contains <script")
		}
	})

	t.Run("no handlers or inline style", func(t *testing.T) {
		doc.Find("*").Each(func(_ int, s *goquery.Selection) {
			for _, a := range s.Nodes[0].Attr {
				if strings.HasPrefix(strings.ToLower(a.Key), "on") || a.Key == "style" {
					t.Errorf("<%s> has attribute %s=%q", s.Nodes[0].Data, a.Key, a.Val)
				}
			}
		})
	})

	t.Run("links are http(s) or relative", func(t *testing.T) {
		doc.Find("[href], [src], [action]").Each(func(_ int, s *goquery.Selection) {
			for _, a := range s.Nodes[0].Attr {
				if a.Key != "href" && a.Key != "src" && a.Key != "action" {
					continue
				}
				u, err := url.Parse(a.Val)
				if err != nil {
					t.Errorf("unparsable %s=%q", a.Key, a.Val)
					continue
				}
				if sc := strings.ToLower(u.Scheme); sc != "" && sc != "http" && sc != "https" {
					t.Errorf("%s=%q has scheme %q", a.Key, a.Val, sc)
				}
				if strings.ContainsAny(a.Val, `<>"`) {
					t.Errorf("%s=%q carries markup characters", a.Key, a.Val)
				}
			}
		})
	})

	// The hostile stories are the four newest; each shows as text.
	items := doc.Find("#stories .item")
	tests := []struct {
		name, title, href, excerpt string
	}{
		{
			name:    "script title, javascript link, event handlers",
			title:   `<script>alert("title")</script>Hostile <b>title</b>`,
			href:    "", // not linked
			excerpt: "Click js link",
		},
		{
			name:  "attribute break-out in title and link",
			title: `"><svg onload=alert(5)>`,
			href:  "https://evil.example/\"><script>alert(6)</script>", // percent-encoded on the page
			// Escaped markup in the body is text, shown as such, once.
			excerpt: "<script>alert(7)</script>",
		},
		{name: "bidi override and data: link", title: "Bidi evil", href: "", excerpt: ""},
		{name: "mixed-case javascript: link, inline style, form", title: "mixed-case javascript link", href: "", excerpt: "styled"},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			it := items.Eq(i)
			if got := it.Find("h3").Text(); got != tc.title {
				t.Errorf("title text = %q, want %q", got, tc.title)
			}
			a := it.Find("h3 a")
			if tc.href == "" && a.Length() != 0 {
				t.Errorf("title is linked to %q, want no link", a.AttrOr("href", ""))
			}
			if tc.href != "" {
				got := a.AttrOr("href", "")
				if u, err := url.PathUnescape(got); err != nil || u != tc.href {
					t.Errorf("title link = %q, want %q percent-encoded", got, tc.href)
				}
			}
			if got := it.Find(".excerpt").Text(); got != tc.excerpt {
				t.Errorf("excerpt = %q, want %q", got, tc.excerpt)
			}
		})
	}
	if strings.Contains(body, "alert(3)") || strings.Contains(body, "display:none") {
		t.Errorf("the text of a <script> or <style> in an item reached the page")
	}
}

func TestSearchQueryIsEscaped(t *testing.T) {
	f := newFixture(t, "items.json")
	q := `"><script>alert(1)</script>`
	_, doc, body := get(t, f.page.Handler(), "/?q="+url.QueryEscape(q))
	if got := doc.Find(`form.search input[name="q"]`).AttrOr("value", ""); got != q {
		t.Errorf("search box value = %q, want %q", got, q)
	}
	if strings.Contains(strings.ToLower(body), "<script") {
		t.Errorf("raw page contains <script")
	}
	feed := doc.Find(`head link[type="application/atom+xml"]`).Eq(1).AttrOr("href", "")
	if want := "feed.atom?q=" + url.QueryEscape(q); feed != want {
		t.Errorf("filter feed link = %q, want %q", feed, want)
	}
}

func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t, "items.json")
	broken := newFixture(t, "items.json")
	if err := broken.store.Close(); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		h      http.Handler
		method string
		target string
		status int
	}{
		"page":           {f.page.Handler(), http.MethodGet, "/", 200},
		"HEAD":           {f.page.Handler(), http.MethodHead, "/", 200},
		"filtered page":  {f.page.Handler(), http.MethodGet, "/?tag=news&q=x", 200},
		"unknown source": {f.page.Handler(), http.MethodGet, "/?source=nope", 404},
		"store down":     {broken.page.Handler(), http.MethodGet, "/", 500},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			tc.h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.target, nil))
			if rec.Code != tc.status {
				t.Errorf("status = %d, want %d", rec.Code, tc.status)
			}
			want := map[string]string{
				"Content-Security-Policy": wantCSP,
				"X-Content-Type-Options":  "nosniff",
				"Referrer-Policy":         "no-referrer",
				"Cache-Control":           "no-cache",
				"Content-Type":            "text/html; charset=utf-8",
			}
			for k, v := range want {
				if got := rec.Header().Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if tc.method == http.MethodHead && rec.Body.Len() != 0 {
				t.Errorf("HEAD returned a %d-byte body", rec.Body.Len())
			}
			if tc.method == http.MethodGet && rec.Body.Len() == 0 {
				t.Errorf("empty body")
			}
		})
	}
}

// TestStoreDown checks that a failing store yields a page that says so,
// with the configured sources still listed.
func TestStoreDown(t *testing.T) {
	f := newFixture(t, "items.json")
	if err := f.store.Close(); err != nil {
		t.Fatal(err)
	}
	p := New(Options{Sources: testSources, Now: fixedNow}, f.store)
	res, doc, _ := get(t, p.Handler(), "/")
	if res.StatusCode != http.StatusInternalServerError {
		t.Errorf("status = %d, want 500", res.StatusCode)
	}
	if got := doc.Find(".notice").Text(); !strings.Contains(got, "could not be read") {
		t.Errorf("notice = %q, want one saying the stories could not be read", got)
	}
	if n := doc.Find("#health tbody tr").Length(); n != len(testSources()) {
		t.Errorf("health table has %d rows, want the %d configured sources", n, len(testSources()))
	}
}

func TestStylesheet(t *testing.T) {
	f := newFixture(t)
	h := f.page.Handler()
	_, doc, _ := get(t, h, "/")
	href := doc.Find(`head link[rel="stylesheet"]`).AttrOr("href", "")
	if !strings.HasPrefix(href, "static/style.css?v=") {
		t.Fatalf("stylesheet href = %q, want static/style.css?v=<hash>", href)
	}

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/"+href, nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /%s: status %d", href, rec.Code)
	}
	for k, v := range map[string]string{
		"Content-Type":           "text/css; charset=utf-8",
		"Cache-Control":          "public, max-age=31536000, immutable",
		"X-Content-Type-Options": "nosniff",
	} {
		if got := rec.Header().Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if !strings.Contains(rec.Body.String(), ".table-wrap") || !strings.Contains(rec.Body.String(), "@media") {
		t.Errorf("stylesheet lacks the scrolling table wrapper or media queries")
	}
	if strings.Contains(rec.Body.String(), "url(") || strings.Contains(rec.Body.String(), "@import") {
		t.Errorf("stylesheet loads other resources")
	}
	etag := rec.Header().Get("ETag")
	if v := strings.TrimPrefix(href, "static/style.css?v="); etag != `"`+v+`"` {
		t.Errorf("ETag = %q, want the version of the URL %q", etag, v)
	}

	cond := httptest.NewRequest(http.MethodGet, "/static/style.css", nil)
	cond.Header.Set("If-None-Match", etag)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, cond)
	if rec.Code != http.StatusNotModified {
		t.Errorf("conditional GET status = %d, want 304", rec.Code)
	}

	for _, target := range []string{"/static/", "/static/other.css", "/static/style.css/", "/static/STYLE.CSS", "/templates/page.html", "/nope"} {
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		if rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", target, rec.Code)
		}
		if strings.Contains(rec.Body.String(), "package page") || strings.Contains(rec.Body.String(), "<!DOCTYPE") {
			t.Errorf("GET %s served a source file or the page", target)
		}
	}
}

// TestMobileMarkup checks what makes the page usable on a phone besides
// the stylesheet: the viewport declaration.
func TestMobileMarkup(t *testing.T) {
	f := newFixture(t, "items.json")
	_, doc, _ := get(t, f.page.Handler(), "/")
	if got := doc.Find(`meta[name="viewport"]`).AttrOr("content", ""); got != "width=device-width, initial-scale=1" {
		t.Errorf("viewport = %q", got)
	}
	if got := doc.Find(`meta[charset]`).AttrOr("charset", ""); got != "utf-8" {
		t.Errorf("charset = %q, want utf-8", got)
	}
}
