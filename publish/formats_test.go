package publish

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mmcdole/gofeed"

	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/publish/internal/atomtest"
)

// parse reads a feed of any format as a feed reader does.
func parse(t testing.TB, doc []byte) *gofeed.Feed {
	t.Helper()
	f, err := gofeed.NewParser().ParseString(string(doc))
	if err != nil {
		t.Fatalf("gofeed cannot parse the feed: %v\n%s", err, doc)
	}
	return f
}

// seen is what a reader shows of an entry, in any format.
type seen struct {
	ID, Title, Link string
	Published       time.Time
}

func entriesOf(f *gofeed.Feed) []seen {
	var out []seen
	for _, it := range f.Items {
		s := seen{ID: it.GUID, Title: it.Title, Link: it.Link}
		if it.PublishedParsed != nil {
			s.Published = it.PublishedParsed.UTC()
		}
		out = append(out, s)
	}
	return out
}

// storyFixture makes item 3 (cq, published first) and item 1 (cq) one
// story headed by item 1, and adds a report from gd to it.
func storyFixture(st *fakeStore) {
	st.set(func(s *fakeStore) {
		s.items = append(s.items, data.Item{
			ID: 5, SourceID: "gd", Key: "g:gd-5", Title: "广东转发：重庆市政府常务会议", Link: "http://www.gd.gov.cn/gdywdt/zwzt/content/post_4906600.html",
			Content: "<p>转发</p>", Published: time.Date(2026, 6, 16, 11, 10, 0, 0, time.UTC),
			FirstSeen: time.Date(2026, 6, 16, 11, 15, 0, 0, time.UTC), Modified: time.Date(2026, 6, 16, 11, 15, 0, 0, time.UTC),
		})
		s.story = map[int64]int64{3: 1, 5: 1}
	})
}

// TestFormatsShowTheSameEntries reads every kind of feed in the three
// formats back with gofeed: the same ids, titles, links and dates, in the
// same order; the Atom documents validate.
func TestFormatsShowTheSameEntries(t *testing.T) {
	p, st, _ := newTest(t, Options{Entries: 2})
	storyFixture(st)
	st.set(func(s *fakeStore) { s.maxID = 250 }) // archive pages 0 and 1 are full
	srv := serve(t, p)
	tests := map[string]struct {
		path, query string
		want        []string // entry ids
	}{
		"combined": {"/feed", "", []string{id1, id2}},
		"source":   {"/sources/cq", "", []string{id1, id3}},
		"tag":      {"/tags/chongqing", "", []string{id1}},
		"filtered": {"/feed", "?q=会议&source=cq,gd", []string{EntryID("gd", "g:gd-5"), id1}},
		"archive":  {"/archive/0", "", []string{EntryID("gd", "g:gd-5"), id3, id2, id1}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			query := tc.query
			var first []seen
			var titles []string
			for _, f := range formats {
				doc := get(t, srv, tc.path+"."+f.ext()+query)
				if f == formatAtom {
					atomtest.Validate(t, doc)
				}
				feed := parse(t, doc)
				titles = append(titles, feed.Title)
				got := entriesOf(feed)
				if f == formatAtom {
					first = got
					var ids []string
					for _, e := range got {
						ids = append(ids, e.ID)
					}
					if diff := cmp.Diff(tc.want, ids); diff != "" {
						t.Errorf("Atom entry ids (-want +got):\n%s", diff)
					}
					continue
				}
				if diff := cmp.Diff(first, got); diff != "" {
					t.Errorf("%s entries differ from Atom's (-atom +%s):\n%s", f.ext(), f.ext(), diff)
				}
			}
			if titles[0] == "" || titles[1] != titles[0] || titles[2] != titles[0] {
				t.Errorf("feed titles %q differ", titles)
			}
		})
	}
}

// rssTestDoc is what the tests read of an RSS document, independently of the
// types that wrote it.
type rssTestDoc struct {
	XMLName xml.Name `xml:"rss"`
	Version string   `xml:"version,attr"`
	Channel struct {
		// atom:link before link: encoding/xml gives an element to the
		// first field whose name matches, and "link" matches any namespace.
		AtomLinks     []atomtest.Link `xml:"http://www.w3.org/2005/Atom link"`
		Title         string          `xml:"title"`
		Link          string          `xml:"link"`
		Description   string          `xml:"description"`
		LastBuildDate string          `xml:"lastBuildDate"`
		TTL           int             `xml:"ttl"`
		Image         struct {
			URL string `xml:"url"`
		} `xml:"image"`
		Archive *struct{} `xml:"http://purl.org/syndication/history/1.0 archive"`
		Items   []struct {
			Title       string `xml:"title"`
			Link        string `xml:"link"`
			Description string `xml:"description"`
			Content     string `xml:"http://purl.org/rss/1.0/modules/content/ encoded"`
			GUID        struct {
				IsPermaLink string `xml:"isPermaLink,attr"`
				ID          string `xml:",chardata"`
			} `xml:"guid"`
			PubDate    string   `xml:"pubDate"`
			Creator    string   `xml:"http://purl.org/dc/elements/1.1/ creator"`
			Categories []string `xml:"category"`
			Source     struct {
				URL  string `xml:"url,attr"`
				Name string `xml:",chardata"`
			} `xml:"source"`
			Enclosures []struct {
				URL    string `xml:"url,attr"`
				Length string `xml:"length,attr"`
				Type   string `xml:"type,attr"`
			} `xml:"enclosure"`
		} `xml:"item"`
	} `xml:"channel"`
}

func TestRSS(t *testing.T) {
	p, st, _ := newTest(t, Options{Hub: "https://feeds.example.org/websub", MaxAge: 20 * time.Minute})
	st.set(func(s *fakeStore) {
		s.items[2].Enclosures = []data.Enclosure{{URL: "https://www.cq.gov.cn/a.doc"}, {URL: "https://www.cq.gov.cn/b.pdf", Type: "application/pdf"}}
	})
	srv := serve(t, p)
	resp, body := fetch(t, srv, http.MethodGet, "/sources/cq.rss", nil)
	if ct := resp.Header.Get("Content-Type"); ct != "application/rss+xml; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	var d rssTestDoc
	if err := xml.Unmarshal(body, &d); err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	ch := d.Channel
	if d.Version != "2.0" || ch.Title != "重庆市人民政府" || ch.Link != "https://feeds.example.org/?source=cq" ||
		ch.Description != "重庆市人民政府门户网站" || ch.TTL != 20 || ch.Image.URL != "https://feeds.example.org/icon.png" {
		t.Errorf("channel: version %q title %q link %q description %q ttl %d image %q", d.Version, ch.Title, ch.Link, ch.Description, ch.TTL, ch.Image.URL)
	}
	if ch.LastBuildDate != "Tue, 16 Jun 2026 11:00:00 +0000" {
		t.Errorf("lastBuildDate %q, want RFC 822 with a four-digit year in UTC", ch.LastBuildDate)
	}
	wantLinks := []atomtest.Link{
		{Rel: "self", Href: "https://feeds.example.org/sources/cq.rss", Type: "application/rss+xml"},
		{Rel: "alternate", Href: "https://feeds.example.org/sources/cq.atom", Type: "application/atom+xml"},
		{Rel: "alternate", Href: "https://feeds.example.org/sources/cq.json", Type: "application/feed+json"},
		{Rel: "hub", Href: "https://feeds.example.org/websub"},
		{Rel: "first", Href: "https://feeds.example.org/sources/cq.rss", Type: "application/rss+xml"},
	}
	if diff := cmp.Diff(wantLinks, ch.AtomLinks); diff != "" {
		t.Errorf("atom:link elements (-want +got):\n%s", diff)
	}
	if len(ch.Items) != 2 {
		t.Fatalf("%d items, want 2", len(ch.Items))
	}
	first, second := ch.Items[0], ch.Items[1]
	if first.GUID.ID != id1 || first.GUID.IsPermaLink != "false" {
		t.Errorf("guid %q isPermaLink %q, want %s and false", first.GUID.ID, first.GUID.IsPermaLink, id1)
	}
	if first.Source.URL != "https://feeds.example.org/sources/cq.rss" || first.Source.Name != "重庆市人民政府" {
		t.Errorf("source url %q name %q", first.Source.URL, first.Source.Name)
	}
	if pub, err := time.Parse(time.RFC1123Z, first.PubDate); err != nil || !pub.Equal(time.Date(2026, 6, 16, 10, 7, 0, 0, time.UTC)) || !strings.HasSuffix(first.PubDate, "+0000") {
		t.Errorf("pubDate %q (%v), want 2026-06-16T10:07:00Z in RFC 822 UTC", first.PubDate, err)
	}
	// Summary and content: description holds the summary, content:encoded
	// the content; without a summary, description holds the content.
	if first.Description != "<p>摘要</p>" || first.Content != "<p>正文</p>" || second.Description != "<p>xy</p>" || second.Content != "" {
		t.Errorf("descriptions %q, %q; contents %q, %q", first.Description, second.Description, first.Content, second.Content)
	}
	if first.Creator != "重庆市人民政府" || !cmp.Equal(first.Categories, []string{"要闻", "chongqing"}) {
		t.Errorf("dc:creator %q categories %q", first.Creator, first.Categories)
	}
	// One enclosure, the first; its unknown length and type spelled out.
	wantEnc := `[{https://www.cq.gov.cn/a.doc 0 application/octet-stream}]`
	if got := fmt.Sprint(second.Enclosures); got != wantEnc || len(first.Enclosures) != 0 {
		t.Errorf("enclosures %s and %v, want %s and none", got, first.Enclosures, wantEnc)
	}
}

// jsonTestFeed is what the tests read of a JSON Feed.
type jsonTestFeed struct {
	Version  string           `json:"version"`
	Title    string           `json:"title"`
	HomePage string           `json:"home_page_url"`
	FeedURL  string           `json:"feed_url"`
	NextURL  string           `json:"next_url"`
	Icon     string           `json:"icon"`
	Favicon  string           `json:"favicon"`
	Authors  []map[string]any `json:"authors"`
	Hubs     []map[string]any `json:"hubs"`
	Items    []jsonTestItem   `json:"items"`
	Govfeed  map[string]any   `json:"_govfeed"`
	Author   *map[string]any  `json:"author"`
}

type jsonTestItem struct {
	ID            string           `json:"id"`
	URL           string           `json:"url"`
	Title         string           `json:"title"`
	ContentHTML   string           `json:"content_html"`
	Summary       string           `json:"summary"`
	DatePublished string           `json:"date_published"`
	DateModified  string           `json:"date_modified"`
	Authors       []map[string]any `json:"authors"`
	Author        *map[string]any  `json:"author"`
	Tags          []string         `json:"tags"`
	Attachments   []map[string]any `json:"attachments"`
	Govfeed       struct {
		Source  map[string]any   `json:"source"`
		Related []map[string]any `json:"related"`
	} `json:"_govfeed"`
}

func decodeJSON(t testing.TB, doc []byte) jsonTestFeed {
	t.Helper()
	var f jsonTestFeed
	if err := json.Unmarshal(doc, &f); err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	return f
}

func TestJSONFeed(t *testing.T) {
	p, _, _ := newTest(t, Options{Hub: "https://feeds.example.org/websub", Entries: 1})
	srv := serve(t, p)
	resp, body := fetch(t, srv, http.MethodGet, "/sources/gd.json", nil)
	if ct := resp.Header.Get("Content-Type"); ct != "application/feed+json; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	f := decodeJSON(t, body)
	if f.Version != "https://jsonfeed.org/version/1.1" || f.Title != "广东省人民政府" || f.FeedURL != "https://feeds.example.org/sources/gd.json" ||
		f.HomePage != "https://feeds.example.org/?source=gd" || f.Icon != "https://feeds.example.org/icon.png" || f.Favicon != f.Icon {
		t.Errorf("feed: %+v", f)
	}
	if f.Author != nil || !cmp.Equal(f.Authors, []map[string]any{{"name": "govfeed test"}}) {
		t.Errorf("feed author %v authors %v; want only authors (1.1)", f.Author, f.Authors)
	}
	if !cmp.Equal(f.Hubs, []map[string]any{{"type": "WebSub", "url": "https://feeds.example.org/websub"}}) {
		t.Errorf("hubs %v", f.Hubs)
	}
	if len(f.Items) != 1 {
		t.Fatalf("%d items, want 1", len(f.Items))
	}
	it := f.Items[0]
	want := jsonTestItem{
		ID: id2, URL: "http://www.gd.gov.cn/gdywdt/bmdt/content/post_4906500.html",
		Title:         "广东省人民政府关于印发《广东省促进消费若干措施》的通知",
		ContentHTML:   "<p>各地级以上市人民政府：</p>",
		DatePublished: "2026-06-16T09:00:00Z", DateModified: "2026-06-16T09:00:00Z",
		Authors: []map[string]any{{"name": "广东省人民政府办公厅"}},
		Tags:    []string{"guangdong", "省政府"},
		Attachments: []map[string]any{{"url": "http://www.gd.gov.cn/attachment/1.pdf", "mime_type": "application/pdf",
			"title": "附件1", "size_in_bytes": float64(2048)}},
	}
	want.Govfeed.Source = map[string]any{"id": "gd", "name": "广东省人民政府", "url": "http://www.gd.gov.cn/gdywdt/",
		"feed_url": "https://feeds.example.org/sources/gd.json"}
	if diff := cmp.Diff(want, it); diff != "" {
		t.Errorf("item (-want +got):\n%s", diff)
	}

	// An empty feed still has its items array, which JSON Feed requires.
	p.SetSources(nil)
	p.SetSources(testSources()[:1])
	empty := get(t, srv, "/feed.json?source=cq&since=2030-01-01")
	if !strings.Contains(string(empty), `"items": []`) {
		t.Errorf("empty feed without an items array:\n%s", empty)
	}
}

// TestJSONSummaryIsText: JSON Feed's summary is plain text.
func TestJSONSummaryIsText(t *testing.T) {
	for in, want := range map[string]string{
		"":                                 "",
		"<p>摘要</p>":                        "摘要",
		"<p>a &amp; b</p>\n<p>c<br>d</p>":  "a & b c d",
		"<p>one <b>bold</b> word</p>":      "one bold word",
		"plain &lt;script&gt; is text now": "plain <script> is text now",
	} {
		if got := plainText(in); got != want {
			t.Errorf("plainText(%q) = %q, want %q", in, got, want)
		}
	}
}

func linkHref(ls []atomtest.Link, rel string) string {
	for _, l := range ls {
		if l.Rel == rel {
			return l.Href
		}
	}
	return ""
}
