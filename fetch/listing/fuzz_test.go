package listing

import (
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzExtract checks that any page yields absolute http(s) links and UTC
// dates, and that NextPages never returns the page itself, without panics.
func FuzzExtract(f *testing.F) {
	for _, name := range fixtures {
		page, err := os.ReadFile(filepath.Join("testdata", name+".html"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(page)
	}
	now := time.Date(2026, 6, 20, 12, 0, 0, 0, time.UTC)
	const base = "https://www.cq.gov.cn/ywdt/jrcq/index.html"
	f.Fuzz(func(t *testing.T, page []byte) {
		entries, err := Extract(page, Options{BaseURL: base, Now: func() time.Time { return now }})
		if err != nil {
			t.Fatalf("Extract: %v", err)
		}
		for _, e := range entries {
			u, err := url.Parse(e.Link)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				t.Errorf("entry link %q is not absolute http(s)", e.Link)
			}
			if !e.Date.IsZero() && e.Date.Location() != time.UTC {
				t.Errorf("entry date %s is not UTC", e.Date)
			}
		}
		for _, p := range NextPages(page, base, 5) {
			if p == base {
				t.Errorf("NextPages returned the page itself")
			}
		}
	})
}
