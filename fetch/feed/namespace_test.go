package feed

import (
	"errors"
	"testing"
)

// TestItemsInAWrongNamespace checks that a document whose items gofeed
// cannot see, because they sit in a namespace the format does not use,
// fails instead of reading as an empty feed, while a feed that really has
// no item still reads.
func TestItemsInAWrongNamespace(t *testing.T) {
	entry := `<entry><title>条目</title><id>urn:x:1</id><link href="https://www.zj.gov.cn/art_1.html"/></entry>`
	item := `<item><title>条目</title><link>https://www.gd.gov.cn/post_1.html</link></item>`
	tests := map[string]struct {
		body    string
		wantErr bool
	}{
		"Atom in another namespace":     {`<feed xmlns="http://example.com/not-atom"><title>x</title>` + entry + `</feed>`, true},
		"Atom in the RSS 1.0 namespace": {`<feed xmlns="http://purl.org/rss/1.0/"><title>x</title>` + entry + `</feed>`, true},
		"RSS in the Atom namespace":     {`<rss version="2.0" xmlns="http://www.w3.org/2005/Atom"><channel><title>x</title>` + item + `</channel></rss>`, true},
		"RSS in the XHTML namespace":    {`<rss version="2.0" xmlns="http://www.w3.org/1999/xhtml"><channel><title>x</title>` + item + `</channel></rss>`, true},
		"RSS without items":             {`<rss version="2.0"><channel><title>x</title></channel></rss>`, false},
		"Atom without entries":          {`<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title><id>urn:x</id></feed>`, false},
		"RSS whose only item is a date": {`<rss version="2.0"><channel><title>x</title><item><pubDate>Thu, 09 Jul 2026 10:00:00 +0800</pubDate></item></channel></rss>`, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f, err := Parse([]byte(tc.body), "application/xml", options(t, "https://www.gov.cn/rss.xml"))
			if tc.wantErr {
				if !errors.Is(err, ErrMalformed) {
					t.Fatalf("Parse() = (%+v, %v), want an error wrapping ErrMalformed", f, err)
				}
				return
			}
			if err != nil || len(f.Items) != 0 {
				t.Fatalf("Parse() = (%+v, %v), want a feed without items", f, err)
			}
		})
	}
}
