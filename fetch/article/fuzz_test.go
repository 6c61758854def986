package article

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/govfeed/govfeed/fetch/clean"
	"golang.org/x/net/html"
)

// FuzzExtract checks that no page makes Extract panic or let active content
// through. The seed corpus is in testdata/fuzz/FuzzExtract.
func FuzzExtract(f *testing.F) {
	san := clean.NewSanitizer()
	now := func() time.Time { return testNow }
	f.Fuzz(func(t *testing.T, page []byte) {
		a, err := Extract(page, Options{URL: "https://www.x.gov.cn/10462/2026/6/17/a.shtml", Now: now, Sanitizer: san})
		if err != nil {
			if !errors.Is(err, ErrNoArticle) {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		if a.Title == "" && a.Content == "" {
			t.Fatal("no error but neither title nor content")
		}
		if !a.Published.IsZero() && a.Published.Location() != time.UTC {
			t.Errorf("Published %v is not UTC", a.Published)
		}
		for _, e := range a.Attachments {
			if !strings.HasPrefix(e.URL, "http://") && !strings.HasPrefix(e.URL, "https://") {
				t.Errorf("attachment %q is not an absolute http(s) URL", e.URL)
			}
		}
		checkInert(t, a.Content)
	})
}

// checkInert fails when markup has a script-capable element, an event
// handler or a link or image that is not http(s)/mailto.
func checkInert(t *testing.T, markup string) {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(markup))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		switch tok.Data {
		case "script", "style", "iframe", "object", "embed", "form", "svg", "math", "base", "meta", "link":
			t.Errorf("active element <%s> in %q", tok.Data, markup)
		}
		for _, at := range tok.Attr {
			key := strings.ToLower(at.Key)
			if strings.HasPrefix(key, "on") || key == "style" || key == "srcdoc" {
				t.Errorf("attribute %s in %q", at.Key, markup)
			}
			if key == "href" || key == "src" {
				v := strings.ToLower(at.Val)
				if !strings.HasPrefix(v, "http://") && !strings.HasPrefix(v, "https://") && !strings.HasPrefix(v, "mailto:") {
					t.Errorf("%s=%q in %q", at.Key, at.Val, markup)
				}
			}
		}
	}
}

func BenchmarkExtract(b *testing.B) {
	page := readFixture(b, "govcn_policy.html")
	o := Options{URL: "https://www.gov.cn/zhengce/content/202606/content_7012345.htm", Sanitizer: clean.NewSanitizer()}
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Extract(page, o); err != nil {
			b.Fatal(err)
		}
	}
}
