package atom

import (
	"bytes"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govfeed/govfeed/publish/internal/atomtest"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.atom from the current output")

// beijing is UTC+8, the zone of naive times on Chinese government sites.
var beijing = time.FixedZone("CST", 8*3600)

// fullFeed sets every element Encode supports.
func fullFeed() *Feed {
	pub := time.Date(2026, 6, 16, 18, 7, 0, 123, beijing) // 10:07:00Z
	return &Feed{
		ID:       "https://feeds.example.org/feed.atom",
		Title:    "Provincial news",
		Subtitle: "All sources",
		Updated:  time.Date(2026, 6, 16, 12, 0, 0, 0, time.UTC),
		Lang:     "zh-CN",
		Authors:  []Person{{Name: "govfeed", URI: "https://feeds.example.org/", Email: "ops@example.org"}},
		Links: []Link{
			{Rel: RelSelf, Href: "https://feeds.example.org/feed.atom", Type: MediaType},
			{Rel: RelAlternate, Href: "https://feeds.example.org/", Type: "text/html"},
		},
		Icon:       "https://feeds.example.org/icon.png",
		Logo:       "https://feeds.example.org/logo.png",
		Generator:  &Generator{Name: "govfeed", URI: "https://github.com/govfeed/govfeed", Version: "1.0"},
		Categories: []Category{{Term: "gov", Scheme: "https://feeds.example.org/tags", Label: "Government"}},
		Entries: []Entry{{
			ID:    "urn:uuid:b4086c01-d045-5e5b-8f30-493872501b01",
			Title: "重庆市政府常务会议",
			Lang:  "zh",
			Links: []Link{
				{Href: "https://www.cq.gov.cn/ywdt/jrcq/202606/t20260616_15758457.html", Type: "text/html", HrefLang: "zh"},
				{Rel: RelRelated, Href: "https://www.cq.gov.cn/", Title: "重庆市人民政府"},
				{Rel: RelEnclosure, Href: "https://www.cq.gov.cn/a.pdf", Type: "application/pdf", Length: 12345, Title: "附件"},
			},
			Published:  pub,
			Updated:    pub.Add(time.Hour),
			Authors:    []Person{{Name: "重庆市人民政府办公厅"}},
			Summary:    "<p>摘要</p>",
			Content:    `<p>正文 &amp; <a href="https://www.cq.gov.cn/">链接</a></p>`,
			Categories: []Category{{Term: "要闻"}, {Term: "chongqing", Label: "重庆"}},
			Source: &Source{
				ID:    "https://feeds.example.org/sources/cq.atom",
				Title: "重庆市人民政府",
				Links: []Link{
					{Rel: RelAlternate, Href: "https://www.cq.gov.cn/"},
					{Rel: RelSelf, Href: "https://feeds.example.org/sources/cq.atom", Type: MediaType},
				},
				Updated: time.Date(2026, 6, 16, 11, 0, 0, 0, time.UTC),
			},
		}},
	}
}

func encode(t *testing.T, f *Feed) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Encode(&buf, f); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	return buf.Bytes()
}

func TestEncodeFull(t *testing.T) {
	doc := encode(t, fullFeed())
	atomtest.Validate(t, doc)
	want := atomtest.Feed{
		Lang:     "zh-CN",
		ID:       "https://feeds.example.org/feed.atom",
		Title:    "Provincial news",
		Subtitle: "All sources",
		Updated:  "2026-06-16T12:00:00Z",
		Authors:  []atomtest.Person{{Name: "govfeed", URI: "https://feeds.example.org/", Email: "ops@example.org"}},
		Links: []atomtest.Link{
			{Rel: "self", Href: "https://feeds.example.org/feed.atom", Type: "application/atom+xml"},
			{Rel: "alternate", Href: "https://feeds.example.org/", Type: "text/html"},
		},
		Icon:       "https://feeds.example.org/icon.png",
		Logo:       "https://feeds.example.org/logo.png",
		Generator:  &atomtest.Generator{Name: "govfeed", URI: "https://github.com/govfeed/govfeed", Version: "1.0"},
		Categories: []atomtest.Category{{Term: "gov", Scheme: "https://feeds.example.org/tags", Label: "Government"}},
		Entries: []atomtest.Entry{{
			Lang:  "zh",
			ID:    "urn:uuid:b4086c01-d045-5e5b-8f30-493872501b01",
			Title: "重庆市政府常务会议",
			Links: []atomtest.Link{
				{Rel: "alternate", Href: "https://www.cq.gov.cn/ywdt/jrcq/202606/t20260616_15758457.html", Type: "text/html", HrefLang: "zh"},
				{Rel: "related", Href: "https://www.cq.gov.cn/", Title: "重庆市人民政府"},
				{Rel: "enclosure", Href: "https://www.cq.gov.cn/a.pdf", Type: "application/pdf", Length: "12345", Title: "附件"},
			},
			Published:  "2026-06-16T10:07:00Z",
			Updated:    "2026-06-16T11:07:00Z",
			Authors:    []atomtest.Person{{Name: "重庆市人民政府办公厅"}},
			Summary:    &atomtest.Text{Type: "html", Text: "<p>摘要</p>"},
			Content:    &atomtest.Text{Type: "html", Text: `<p>正文 &amp; <a href="https://www.cq.gov.cn/">链接</a></p>`},
			Categories: []atomtest.Category{{Term: "要闻"}, {Term: "chongqing", Label: "重庆"}},
			Source: &atomtest.Source{
				ID:    "https://feeds.example.org/sources/cq.atom",
				Title: "重庆市人民政府",
				Links: []atomtest.Link{
					{Rel: "alternate", Href: "https://www.cq.gov.cn/"},
					{Rel: "self", Href: "https://feeds.example.org/sources/cq.atom", Type: "application/atom+xml"},
				},
				Updated: "2026-06-16T11:00:00Z",
			},
		}},
	}
	if diff := cmp.Diff(want, atomtest.Decode(t, doc)); diff != "" {
		t.Errorf("decoded feed (-want +got):\n%s", diff)
	}
}

// TestEncodeGolden pins the exact bytes, so that a change of gorilla/feeds
// or of encoding/xml shows up in review. Run with -update to rewrite.
func TestEncodeGolden(t *testing.T) {
	got := encode(t, fullFeed())
	path := filepath.Join("testdata", "full.golden.atom")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("Encode output differs from %s (-want +got):\n%s", path, diff)
	}
}

func TestEncodeValidates(t *testing.T) {
	updated := time.Date(2026, 6, 16, 10, 7, 0, 0, time.UTC)
	feedAuthor := []Person{{Name: "govfeed"}}
	entry := func(id, title string) Entry {
		return Entry{
			ID:      "urn:uuid:" + id,
			Title:   title,
			Links:   []Link{{Href: "https://www.gd.gov.cn/gdywdt/content/post_4906500.html"}},
			Updated: updated,
		}
	}
	hostile := entry("00000000-0000-5000-8000-000000000001", "a\x00b\x01c\x1fd\ufffee\uffff\xff <&>\"'")
	hostile.Content = "<p>x\x0by</p>\x08"
	hostile.Authors = []Person{{Name: "\x02ops\x03", Email: "a@b\x04"}}
	hostile.Categories = []Category{{Term: "t\x05", Label: "l\x06"}}
	hostile.Links = append(hostile.Links, Link{Rel: RelRelated, Href: "https://a.gov.cn/\x07", Title: "\x0e"})
	cjk := entry("00000000-0000-5000-8000-000000000002", "广东省人民政府关于印发《广东省促进消费若干措施》的通知 𠮷")
	cjk.Summary = "<p>各地级以上市人民政府，省政府各部门、各直属机构：</p>"
	cjk.Authors = []Person{{Name: "广东省人民政府办公厅"}}
	tests := map[string]struct {
		feed  Feed
		check func(t *testing.T, f atomtest.Feed)
	}{
		"empty": {
			feed: Feed{ID: "https://feeds.example.org/feed.atom", Title: "empty", Updated: updated, Authors: feedAuthor},
			check: func(t *testing.T, f atomtest.Feed) {
				if len(f.Entries) != 0 || f.Updated != "2026-06-16T10:07:00Z" {
					t.Errorf("got %d entries, updated %q; want 0, 2026-06-16T10:07:00Z", len(f.Entries), f.Updated)
				}
			},
		},
		"one entry with feed author": {
			feed: Feed{ID: "tag:example.org,2026:feed", Title: "one", Updated: updated, Authors: feedAuthor,
				Entries: []Entry{entry("00000000-0000-5000-8000-000000000003", "one")}},
			check: func(t *testing.T, f atomtest.Feed) {
				if len(f.Entries) != 1 || len(f.Entries[0].Authors) != 0 || len(f.Authors) != 1 {
					t.Errorf("want one entry without author under a feed author, got %+v", f)
				}
			},
		},
		"every optional element": {feed: *fullFeed()},
		"hostile characters": {
			feed: Feed{ID: "https://feeds.example.org/feed.atom", Title: "t\x1b", Subtitle: "s\x00", Updated: updated,
				Entries: []Entry{hostile}},
			check: func(t *testing.T, f atomtest.Feed) {
				e := f.Entries[0]
				got := []string{f.Title, f.Subtitle, e.Title, e.Content.Text, e.Authors[0].Name, e.Authors[0].Email,
					e.Categories[0].Term, e.Categories[0].Label, e.Links[1].Href, e.Links[1].Title}
				want := []string{"t", "s", "abcde <&>\"'", "<p>xy</p>", "ops", "a@b", "t", "l", "https://a.gov.cn/", ""}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("control characters not stripped (-want +got):\n%s", diff)
				}
			},
		},
		"CJK text": {
			feed: Feed{ID: "https://feeds.example.org/sources/gd.atom", Title: "广东省人民政府", Updated: updated,
				Entries: []Entry{cjk}},
			check: func(t *testing.T, f atomtest.Feed) {
				if f.Title != "广东省人民政府" || f.Entries[0].Title != cjk.Title || f.Entries[0].Summary.Text != cjk.Summary {
					t.Errorf("CJK text changed: %+v", f)
				}
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			doc := encode(t, &tc.feed)
			atomtest.Validate(t, doc)
			if tc.check != nil {
				tc.check(t, atomtest.Decode(t, doc))
			}
		})
	}
}

func TestEncodeRejects(t *testing.T) {
	updated := time.Date(2026, 6, 16, 10, 7, 0, 0, time.UTC)
	link := []Link{{Href: "https://a.gov.cn/1.html"}}
	author := []Person{{Name: "a"}}
	tests := map[string]struct {
		feed *Feed
		want string // part of the error message
	}{
		"nil feed":        {nil, "nil feed"},
		"relative id":     {&Feed{ID: "/feed.atom", Updated: updated}, `feed id "/feed.atom"`},
		"empty id":        {&Feed{Updated: updated}, `feed id ""`},
		"id with a space": {&Feed{ID: "urn:a b", Updated: updated}, `feed id "urn:a b"`},
		"no updated":      {&Feed{ID: "urn:x"}, "feed urn:x has no updated time"},
		"entry id not an IRI": {&Feed{ID: "urn:x", Updated: updated, Authors: author,
			Entries: []Entry{{ID: "123", Updated: updated, Links: link}}}, `entry 0: id "123"`},
		"entry without updated": {&Feed{ID: "urn:x", Updated: updated, Authors: author,
			Entries: []Entry{{ID: "urn:e", Links: link}}}, "entry urn:e has no updated time"},
		"no author anywhere": {&Feed{ID: "urn:x", Updated: updated,
			Entries: []Entry{{ID: "urn:e", Updated: updated, Links: link}}}, "entry urn:e has no author"},
		"author without name": {&Feed{ID: "urn:x", Updated: updated, Authors: []Person{{Email: "a@b"}},
			Entries: []Entry{{ID: "urn:e", Updated: updated, Links: link}}}, "entry urn:e has no author"},
		"neither link nor content": {&Feed{ID: "urn:x", Updated: updated, Authors: author,
			Entries: []Entry{{ID: "urn:e", Updated: updated, Links: []Link{{Rel: RelRelated, Href: "https://a.gov.cn/"}}}}},
			"entry urn:e has neither an alternate link nor content"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			err := Encode(&buf, tc.feed)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Encode error = %v, want one containing %q", err, tc.want)
			}
			if buf.Len() != 0 {
				t.Errorf("Encode wrote %d bytes before failing", buf.Len())
			}
		})
	}
}

func TestEncodeContentWithoutLink(t *testing.T) {
	f := &Feed{ID: "urn:x", Updated: time.Unix(0, 0), Authors: []Person{{Name: "a"}},
		Entries: []Entry{{ID: "urn:e", Updated: time.Unix(0, 0), Content: "<p>only content</p>"}}}
	doc := encode(t, f)
	atomtest.Validate(t, doc)
	if got := atomtest.Decode(t, doc).Entries[0].Updated; got != "1970-01-01T00:00:00Z" {
		t.Errorf("updated = %q, want 1970-01-01T00:00:00Z", got)
	}
}

func TestEncodeTimesInUTC(t *testing.T) {
	local := time.Date(2026, 6, 17, 2, 7, 0, 999999999, beijing) // 2026-06-16T18:07:00.999Z
	f := &Feed{ID: "urn:x", Updated: local, Authors: []Person{{Name: "a"}},
		Entries: []Entry{{ID: "urn:e", Content: "c", Published: local, Updated: local.Add(-time.Hour).In(time.FixedZone("X", -5*3600))}}}
	got := atomtest.Decode(t, encode(t, f))
	want := []string{"2026-06-16T18:07:00Z", "2026-06-16T18:07:00Z", "2026-06-16T17:07:00Z"}
	if diff := cmp.Diff(want, []string{got.Updated, got.Entries[0].Published, got.Entries[0].Updated}); diff != "" {
		t.Errorf("times (-want +got):\n%s", diff)
	}
}

func TestEncodeLinks(t *testing.T) {
	f := &Feed{ID: "urn:x", Updated: time.Unix(0, 0), Authors: []Person{{Name: "a"}},
		Entries: []Entry{{ID: "urn:e", Updated: time.Unix(0, 0), Links: []Link{
			{Href: "https://a.gov.cn/zh.html", Type: "text/html", HrefLang: "zh"},
			{Href: "https://a.gov.cn/zh2.html", Rel: RelAlternate, Type: "TEXT/HTML", HrefLang: "ZH"}, // same pair: dropped
			{Href: "https://a.gov.cn/en.html", Type: "text/html", HrefLang: "en"},
			{Href: "https://a.gov.cn/a.pdf", Type: "application/pdf"},
			{Href: "https://a.gov.cn/b.html"}, // no type nor hreflang: a new pair
			{Href: "https://a.gov.cn/c.html"}, // same empty pair: dropped
			{Href: "https://a.gov.cn/r.html", Rel: RelRelated},
			{Href: "https://a.gov.cn/r2.html", Rel: RelRelated}, // several related links are fine
			{Href: "", Rel: RelEnclosure},                       // no href: dropped
			{Href: "https://a.gov.cn/x.doc", Rel: RelEnclosure, Type: "doc", HrefLang: "zh_CN", Length: -1},
			{Href: "https://a.gov.cn/v", Rel: "has space"},                     // bad rel: dropped
			{Href: "https://a.gov.cn/w", Rel: "http://example.org/rel/custom"}, // IRI rel
		}}}}
	doc := encode(t, f)
	atomtest.Validate(t, doc)
	want := []atomtest.Link{
		{Rel: "alternate", Href: "https://a.gov.cn/zh.html", Type: "text/html", HrefLang: "zh"},
		{Rel: "alternate", Href: "https://a.gov.cn/en.html", Type: "text/html", HrefLang: "en"},
		{Rel: "alternate", Href: "https://a.gov.cn/a.pdf", Type: "application/pdf"},
		{Rel: "alternate", Href: "https://a.gov.cn/b.html"},
		{Rel: "related", Href: "https://a.gov.cn/r.html"},
		{Rel: "related", Href: "https://a.gov.cn/r2.html"},
		{Rel: "enclosure", Href: "https://a.gov.cn/x.doc"},
		{Rel: "http://example.org/rel/custom", Href: "https://a.gov.cn/w"},
	}
	if diff := cmp.Diff(want, atomtest.Decode(t, doc).Entries[0].Links); diff != "" {
		t.Errorf("links (-want +got):\n%s", diff)
	}
}

func TestIsIRI(t *testing.T) {
	tests := map[string]bool{
		"urn:uuid:b4086c01-d045-5e5b-8f30-493872501b01": true,
		"https://feeds.example.org/sources/cq.atom":     true,
		"tag:example.org,2026:x":                        true,
		"https://例子.中国/路径":                              true,
		"":                                              false,
		"urn:":                                          false,
		":x":                                            false,
		"1http://x":                                     false,
		"/relative":                                     false,
		"https://a.gov.cn/a b":                          false,
		"https://a.gov.cn/<x>":                          false,
	}
	for in, want := range tests {
		t.Run(in, func(t *testing.T) {
			if got := isIRI(in); got != want {
				t.Errorf("isIRI(%q) = %v, want %v", in, got, want)
			}
		})
	}
}

// TestEncodeArchive: an RFC 5005 archive document carries fh:archive in
// its namespace and stays valid Atom, with the paging link relations.
func TestEncodeArchive(t *testing.T) {
	f := fullFeed()
	f.Archive = true
	f.Links = append(f.Links,
		Link{Rel: RelCurrent, Href: "https://feeds.example.org/feed.atom", Type: MediaType},
		Link{Rel: RelPrevArchive, Href: "https://feeds.example.org/archive/0.atom", Type: MediaType},
		Link{Rel: RelNextArchive, Href: "https://feeds.example.org/archive/2.atom", Type: MediaType},
		Link{Rel: RelHub, Href: "https://feeds.example.org/websub"})
	doc := encode(t, f)
	atomtest.Validate(t, doc)
	var got struct {
		Archive *struct{} `xml:"http://purl.org/syndication/history/1.0 archive"`
		Entries []struct {
			ID string `xml:"id"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(doc, &got); err != nil {
		t.Fatal(err)
	}
	if got.Archive == nil || len(got.Entries) != 1 {
		t.Errorf("want fh:archive in %s and one entry, got %+v:\n%s", HistoryNS, got, doc)
	}
	// fh:archive comes before the entries, with the feed's metadata.
	if i, j := bytes.Index(doc, []byte("<fh:archive>")), bytes.Index(doc, []byte("<entry")); i < 0 || i > j {
		t.Errorf("fh:archive at %d, first entry at %d", i, j)
	}
	if bytes.Contains(encode(t, fullFeed()), []byte("archive")) {
		t.Error("a feed that is not an archive mentions fh:archive")
	}
}
