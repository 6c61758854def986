package feed

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzParse checks that Parse never panics, fails only with its two
// sentinels, and on success keeps its promises about every item.
func FuzzParse(f *testing.F) {
	f.Add(readFixture(f, "rss20.xml"), "application/rss+xml")
	f.Add(readFixture(f, "atom10.xml"), "")
	f.Add(readFixture(f, "jsonfeed10.json"), "application/feed+json")
	f.Add(readFixture(f, "rss-gbk-header.xml"), "text/xml; charset=gbk")
	loc := beijing(f)
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		feed, err := Parse(body, contentType, Options{
			BaseURL:  "https://www.gov.cn/rss/news.xml",
			Location: loc,
			Now:      func() time.Time { return testNow },
		})
		if err != nil {
			if !errors.Is(err, ErrNotFeed) && !errors.Is(err, ErrMalformed) {
				t.Fatalf("Parse() error %v wraps neither ErrNotFeed nor ErrMalformed", err)
			}
			return
		}
		if feed == nil {
			t.Fatal("Parse() = nil, nil")
		}
		for i, it := range feed.Items {
			if err := checkItem(it.Title, it.Link, it.Published, it.Updated); err != nil {
				t.Errorf("items[%d]: %v", i, err)
			}
			if it.Key != "" {
				t.Errorf("items[%d].Key = %q, want unset", i, it.Key)
			}
		}
	})
}

func checkItem(title, link string, dates ...time.Time) error {
	if title != strings.TrimSpace(title) || strings.ContainsAny(title, "\n\t") {
		return fmt.Errorf("title %q is not one trimmed line", title)
	}
	if !utf8.ValidString(title) {
		return fmt.Errorf("title %q is not UTF-8", title)
	}
	if link != "" {
		u, err := url.Parse(link)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("link %q is not an absolute http(s) URL", link)
		}
	}
	for _, d := range dates {
		if !d.IsZero() && d.Location() != time.UTC {
			return fmt.Errorf("date %v is not UTC", d)
		}
	}
	return nil
}
