package feed

import (
	"errors"
	"testing"
)

func TestParseRejects(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00")
	tests := map[string]struct {
		body        []byte
		contentType string
		want        error
		wantMsg     string // checked when set: the brief fixes these texts
	}{
		"HTML at a feed URL":         {body: readFixture(t, "html-at-feed-url.html"), contentType: "text/html; charset=utf-8", want: ErrNotFeed, wantMsg: "not a feed: looks like HTML"},
		"HTML without a doctype":     {body: []byte("<html><head><title>首页</title></head></html>"), want: ErrNotFeed, wantMsg: "not a feed: looks like HTML"},
		"empty body":                 {body: nil, want: ErrNotFeed, wantMsg: "not a feed: empty body"},
		"white space only":           {body: []byte(" \r\n\t "), want: ErrNotFeed},
		"an image":                   {body: png, contentType: "image/png", want: ErrNotFeed, wantMsg: "not a feed: looks like image/png"},
		"plain text":                 {body: []byte("Service Unavailable"), want: ErrNotFeed},
		"another XML document":       {body: []byte(`<?xml version="1.0"?><sitemapindex><sitemap/></sitemapindex>`), want: ErrNotFeed},
		"JSON that is not a feed":    {body: []byte(`{"code":0,"data":[]}`), want: ErrNotFeed},
		"JSON array":                 {body: []byte(`[{"title":"x"}]`), want: ErrNotFeed},
		"truncated XML":              {body: readFixture(t, "truncated.xml"), want: ErrMalformed},
		"truncated at the root":      {body: []byte(`<?xml version="1.0"?><rss`), want: ErrMalformed},
		"broken JSON Feed":           {body: []byte(`{"version":"https://jsonfeed.org/version/1.1","items":[`), want: ErrMalformed},
		"JSON Feed with a null item": {body: []byte(`{"version":"https://jsonfeed.org/version/1.1","items":[null,{"id":"1"}]}`), want: ErrMalformed},
		"unknown charset":            {body: []byte("<?xml version=\"1.0\" encoding=\"x-euc-tw\"?><rss><channel><title>\xc4\xe3</title></channel></rss>"), want: ErrMalformed},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f, err := Parse(tc.body, tc.contentType, options(t, "https://www.gov.cn/rss/politics.xml"))
			if !errors.Is(err, tc.want) {
				t.Fatalf("Parse() = (%v, %v), want an error wrapping %v", f, err, tc.want)
			}
			other := ErrMalformed
			if tc.want == ErrMalformed {
				other = ErrNotFeed
			}
			if errors.Is(err, other) {
				t.Errorf("Parse() error %v wraps both sentinels", err)
			}
			if tc.wantMsg != "" && err.Error() != tc.wantMsg {
				t.Errorf("Parse() error = %q, want %q", err, tc.wantMsg)
			}
		})
	}
}
