package feed

import (
	"fmt"
	"strings"
	"testing"
)

// TestListsAreBounded checks that an item keeps at most maxCategories
// distinct categories, maxAuthors distinct authors and maxEnclosures
// distinct enclosures, in feed order, however many the upstream lists.
func TestListsAreBounded(t *testing.T) {
	var rss strings.Builder
	rss.WriteString(`<rss version="2.0"><channel><title>x</title><item><title>条目</title><link>https://www.gd.gov.cn/post_1.html</link>`)
	for i := range 100_000 {
		fmt.Fprintf(&rss, "<category>分类%d</category><category>分类%d</category>", i, i)
	}
	for i := range 10_000 {
		fmt.Fprintf(&rss, `<enclosure url="https://www.gd.gov.cn/f/%d.pdf" type="application/pdf" length="1"/>`, i)
	}
	rss.WriteString(`</item></channel></rss>`)
	var js strings.Builder
	js.WriteString(`{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1", "title": "条目", "authors": [`)
	for i := range 10_000 {
		if i > 0 {
			js.WriteString(", ")
		}
		fmt.Fprintf(&js, `{"name": "作者%d"}, {"name": "作者%d"}`, i, i)
	}
	js.WriteString(`]}]}`)

	f, err := Parse([]byte(rss.String()), "application/rss+xml", options(t, "https://www.gd.gov.cn/rss.xml"))
	if err != nil || len(f.Items) != 1 {
		t.Fatalf("Parse(RSS) = %v items, %v; want 1 item", len(f.Items), err)
	}
	cats := f.Items[0].Categories
	if len(cats) != maxCategories || cats[0] != "分类0" || cats[1] != "分类1" || cats[maxCategories-1] != fmt.Sprintf("分类%d", maxCategories-1) {
		t.Errorf("categories = %d, first %q; want the first %d distinct ones", len(cats), cats[:min(len(cats), 3)], maxCategories)
	}
	encs := f.Items[0].Enclosures
	if len(encs) != maxEnclosures || encs[0].URL != "https://www.gd.gov.cn/f/0.pdf" {
		t.Errorf("enclosures = %d, first %+v; want the first %d", len(encs), encs[:min(len(encs), 1)], maxEnclosures)
	}

	f, err = Parse([]byte(js.String()), "application/feed+json", options(t, "https://www.gd.gov.cn/feed.json"))
	if err != nil || len(f.Items) != 1 {
		t.Fatalf("Parse(JSON Feed) = %v, %v; want 1 item", f, err)
	}
	names := strings.Split(f.Items[0].Author, ", ")
	if len(names) != maxAuthors || names[0] != "作者0" || names[maxAuthors-1] != fmt.Sprintf("作者%d", maxAuthors-1) {
		t.Errorf("authors = %d names, %q...; want the first %d distinct ones", len(names), names[:min(len(names), 3)], maxAuthors)
	}
}
