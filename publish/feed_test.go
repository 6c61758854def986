package publish

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mmcdole/gofeed"

	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/publish/atom"
	"github.com/govfeed/govfeed/publish/internal/atomtest"
)

// Entry ids computed with Python's uuid.uuid5, independently of EntryID.
const (
	id1 = "urn:uuid:9d6011eb-d48a-52a1-a69d-0c4ed707c82b" // cq, g:https://www.cq.gov.cn/t1
	id2 = "urn:uuid:004272ac-1e2b-5c8a-ba78-6339e0ea278d" // gd, u:www.gd.gov.cn/gdywdt/bmdt/content/post_4906500.html
	id3 = "urn:uuid:a1d4b007-cb3a-5272-b6a1-fabb23dfc619" // cq, g:https://www.cq.gov.cn/t0
)

func TestEntryID(t *testing.T) {
	items := testItems()
	for i, want := range []string{id1, id2, id3} {
		if got := EntryID(items[i].SourceID, items[i].Key); got != want {
			t.Errorf("EntryID(%q, %q) = %s, want %s", items[i].SourceID, items[i].Key, got, want)
		}
	}
}

func TestServedFeedsValidate(t *testing.T) {
	p, st, _ := newTest(t, Options{Icon: "https://feeds.example.org/icon.png", Logo: "https://feeds.example.org/logo.png"})
	srv := serve(t, p)
	for _, path := range []string{"/feed.atom", "/sources/cq.atom", "/sources/gd.atom"} {
		t.Run(path, func(t *testing.T) { atomtest.Validate(t, get(t, srv, path)) })
	}
	t.Run("broken and blocked sources", func(t *testing.T) {
		st.set(func(s *fakeStore) {
			s.states[0].ErrorClass, s.states[0].Failures = data.ErrBlocked, 5
			s.states[1].Broken = true
		})
		p.Invalidate()
		for _, path := range []string{"/feed.atom", "/sources/cq.atom", "/sources/gd.atom"} {
			atomtest.Validate(t, get(t, srv, path))
		}
	})
	t.Run("no items", func(t *testing.T) {
		st.set(func(s *fakeStore) { s.items, s.states = nil, nil })
		p.Invalidate()
		atomtest.Validate(t, get(t, srv, "/feed.atom"))
	})
}

// TestCombinedFeedWithGofeed reads the combined feed as a feed reader does.
func TestCombinedFeedWithGofeed(t *testing.T) {
	p, _, _ := newTest(t, Options{})
	f, err := gofeed.NewParser().ParseString(string(get(t, serve(t, p), "/feed.atom")))
	if err != nil {
		t.Fatal(err)
	}
	type item struct {
		ID, Title, Link      string
		Published, Updated   time.Time
		Author, Content      string
		Categories           []string
		Enclosure, EncLength string
	}
	var got []item
	for _, it := range f.Items {
		g := item{ID: it.GUID, Title: it.Title, Link: it.Link, Content: it.Content, Categories: it.Categories}
		if it.PublishedParsed != nil {
			g.Published = *it.PublishedParsed
		}
		if it.UpdatedParsed != nil {
			g.Updated = *it.UpdatedParsed
		}
		if len(it.Authors) == 1 {
			g.Author = it.Authors[0].Name
		}
		if len(it.Enclosures) == 1 {
			g.Enclosure, g.EncLength = it.Enclosures[0].URL, it.Enclosures[0].Length
		}
		got = append(got, g)
	}
	want := []item{
		{
			// A story's updated is its newest report's Modified.
			ID: id1, Title: "重庆市政府常务会议", Link: "https://www.cq.gov.cn/ywdt/jrcq/202606/t20260616_15758457.html",
			Published: time.Date(2026, 6, 16, 10, 7, 0, 0, time.UTC), Updated: time.Date(2026, 6, 16, 10, 30, 0, 0, time.UTC),
			Author: "重庆市人民政府", Content: "<p>正文</p>", Categories: []string{"要闻", "chongqing"},
		},
		{
			ID: id2, Title: "广东省人民政府关于印发《广东省促进消费若干措施》的通知", Link: "http://www.gd.gov.cn/gdywdt/bmdt/content/post_4906500.html",
			Published: time.Date(2026, 6, 16, 9, 0, 0, 0, time.UTC), Updated: time.Date(2026, 6, 16, 9, 0, 0, 0, time.UTC),
			Author: "广东省人民政府办公厅", Content: "<p>各地级以上市人民政府：</p>", Categories: []string{"guangdong", "省政府"},
			Enclosure: "http://www.gd.gov.cn/attachment/1.pdf", EncLength: "2048",
		},
		{
			ID: id3, Title: "older", Link: "https://www.cq.gov.cn/ywdt/jrcq/202606/t20260615_15750000.html",
			Published: time.Date(2026, 6, 15, 2, 0, 0, 0, time.UTC), Updated: time.Date(2026, 6, 16, 11, 0, 0, 0, time.UTC),
			Author: "重庆市人民政府", Content: "<p>xy</p>", Categories: []string{"chongqing"},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("combined feed items (-want +got):\n%s", diff)
	}
	for _, it := range got {
		for _, ts := range []time.Time{it.Published, it.Updated} {
			if ts.Location() != time.UTC {
				t.Errorf("entry %s: time %v is not in UTC", it.ID, ts)
			}
		}
	}
	if f.Title != "govfeed test" || f.UpdatedParsed == nil || !f.UpdatedParsed.Equal(time.Date(2026, 6, 16, 11, 0, 0, 0, time.UTC)) {
		t.Errorf("feed title %q updated %v, want govfeed test, 2026-06-16T11:00:00Z (newest Modified)", f.Title, f.UpdatedParsed)
	}
}

// TestFeedMetadata checks with encoding/xml what gofeed does not expose:
// feed ids and links and every entry's atom:source.
func TestFeedMetadata(t *testing.T) {
	p, _, _ := newTest(t, Options{})
	srv := serve(t, p)
	cqSource := &atomtest.Source{
		ID: "https://feeds.example.org/sources/cq.atom", Title: "重庆市人民政府", Updated: "2026-06-16T11:00:00Z",
		Links: []atomtest.Link{
			{Rel: "alternate", Href: "https://www.cq.gov.cn/"},
			{Rel: "self", Href: "https://feeds.example.org/sources/cq.atom", Type: "application/atom+xml"},
		},
	}
	gdSource := &atomtest.Source{
		ID: "https://feeds.example.org/sources/gd.atom", Title: "广东省人民政府", Updated: "2026-06-16T09:00:00Z",
		Links: []atomtest.Link{
			{Rel: "alternate", Href: "http://www.gd.gov.cn/gdywdt/"},
			{Rel: "self", Href: "https://feeds.example.org/sources/gd.atom", Type: "application/atom+xml"},
		},
	}
	type head struct {
		ID, Title, Subtitle, Updated string
		Links                        []atomtest.Link
		Authors                      []atomtest.Person
		Generator                    string
		Entries                      []string
		Sources                      []*atomtest.Source
	}
	tests := map[string]struct {
		path string
		want head
	}{
		"combined": {"/feed.atom", head{
			ID: "https://feeds.example.org/feed.atom", Title: "govfeed test", Updated: "2026-06-16T11:00:00Z",
			Links: []atomtest.Link{
				{Rel: "self", Href: "https://feeds.example.org/feed.atom", Type: "application/atom+xml"},
				{Rel: "alternate", Href: "https://feeds.example.org/", Type: "text/html"},
				{Rel: "alternate", Href: "https://feeds.example.org/feed.rss", Type: "application/rss+xml"},
				{Rel: "alternate", Href: "https://feeds.example.org/feed.json", Type: "application/feed+json"},
				{Rel: "first", Href: "https://feeds.example.org/feed.atom", Type: "application/atom+xml"},
			},
			Authors: []atomtest.Person{{Name: "govfeed test"}}, Generator: "govfeed",
			Entries: []string{id1, id2, id3}, Sources: []*atomtest.Source{cqSource, gdSource, cqSource},
		}},
		"one source": {"/sources/cq.atom", head{
			ID: "https://feeds.example.org/sources/cq.atom", Title: "重庆市人民政府", Subtitle: "重庆市人民政府门户网站",
			Updated: "2026-06-16T11:00:00Z",
			Links: []atomtest.Link{
				{Rel: "self", Href: "https://feeds.example.org/sources/cq.atom", Type: "application/atom+xml"},
				{Rel: "alternate", Href: "https://feeds.example.org/?source=cq", Type: "text/html"},
				{Rel: "alternate", Href: "https://feeds.example.org/sources/cq.rss", Type: "application/rss+xml"},
				{Rel: "alternate", Href: "https://feeds.example.org/sources/cq.json", Type: "application/feed+json"},
				{Rel: "first", Href: "https://feeds.example.org/sources/cq.atom", Type: "application/atom+xml"},
			},
			Authors: []atomtest.Person{{Name: "govfeed test"}}, Generator: "govfeed",
			Entries: []string{id1, id3}, Sources: []*atomtest.Source{cqSource, cqSource},
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := atomtest.Decode(t, get(t, srv, tc.path))
			got := head{ID: f.ID, Title: f.Title, Subtitle: f.Subtitle, Updated: f.Updated, Links: f.Links, Authors: f.Authors}
			if f.Generator != nil {
				got.Generator = f.Generator.Name
			}
			for _, e := range f.Entries {
				got.Entries = append(got.Entries, e.ID)
				got.Sources = append(got.Sources, e.Source)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.path, diff)
			}
		})
	}
}

func TestFeedShowsOnlyConfiguredSources(t *testing.T) {
	p, _, _ := newTest(t, Options{})
	srv := serve(t, p)
	if f := atomtest.Decode(t, get(t, srv, "/feed.atom")); len(f.Entries) != 3 {
		t.Errorf("combined feed has %d entries, want the 3 of configured sources", len(f.Entries))
	}
	p.SetSources(testSources()[1:]) // gd only
	f := atomtest.Decode(t, get(t, srv, "/feed.atom"))
	if len(f.Entries) != 1 || f.Entries[0].ID != id2 {
		t.Errorf("after removing cq, entries = %+v, want only %s", f.Entries, id2)
	}
	if resp, _ := fetch(t, srv, "GET", "/sources/cq.atom", nil); resp.StatusCode != 404 {
		t.Errorf("GET /sources/cq.atom of a removed source: %s, want 404", resp.Status)
	}
	p.SetSources(nil)
	if f := atomtest.Decode(t, get(t, srv, "/feed.atom")); len(f.Entries) != 0 {
		t.Errorf("with no sources, combined feed has %d entries, want 0", len(f.Entries))
	}
}

func TestFeedEntriesLimit(t *testing.T) {
	p, _, _ := newTest(t, Options{Entries: 2})
	f := atomtest.Decode(t, get(t, serve(t, p), "/feed.atom"))
	if len(f.Entries) != 2 || f.Entries[0].ID != id1 || f.Entries[1].ID != id2 {
		t.Errorf("with Entries 2, got %d entries %+v, want %s, %s", len(f.Entries), f.Entries, id1, id2)
	}
}

func TestEntryMapping(t *testing.T) {
	p, _, _ := newTest(t, Options{})
	src := testSources()[0]
	state := testStates()[0]
	changed := time.Date(2026, 6, 16, 12, 0, 0, 0, time.UTC)
	t1 := time.Date(2026, 6, 16, 1, 0, 0, 0, time.UTC)
	t2 := t1.Add(time.Hour)
	base := data.Item{SourceID: "cq", Key: "g:k", Title: "T", Link: "https://www.cq.gov.cn/a.html", FirstSeen: t1}
	baseEntry := atom.Entry{
		ID: EntryID("cq", "g:k"), Title: "T", Published: t1, Updated: t1,
		Links:      []atom.Link{{Rel: "alternate", Href: "https://www.cq.gov.cn/a.html"}},
		Authors:    []atom.Person{{Name: "重庆市人民政府"}},
		Categories: []atom.Category{{Term: "chongqing"}},
	}
	tests := map[string]struct {
		item func(it *data.Item)
		want func(e *atom.Entry)
	}{
		"published falls back to first seen": {func(it *data.Item) {}, func(e *atom.Entry) {}},
		"published and updated": {
			func(it *data.Item) { it.Published, it.Updated = t1, t2; it.FirstSeen = t2.Add(time.Hour) },
			func(e *atom.Entry) { e.Published, e.Updated = t1, t2 },
		},
		"updated never before published": {
			func(it *data.Item) { it.Published, it.Updated = t2, t1 },
			func(e *atom.Entry) { e.Published, e.Updated = t2, t2 },
		},
		"content with summary": {
			func(it *data.Item) { it.Content, it.Summary = "<p>c</p>", "<p>s</p>" },
			func(e *atom.Entry) { e.Content, e.Summary = "<p>c</p>", "<p>s</p>" },
		},
		"summary alone becomes content": {
			func(it *data.Item) { it.Summary = "<p>s</p>" },
			func(e *atom.Entry) { e.Content = "<p>s</p>" },
		},
		"summary equal to content is not repeated": {
			func(it *data.Item) { it.Content, it.Summary = "<p>c</p>", "<p>c</p>" },
			func(e *atom.Entry) { e.Content = "<p>c</p>" },
		},
		"item author": {
			func(it *data.Item) { it.Author = "办公厅" },
			func(e *atom.Entry) { e.Authors = []atom.Person{{Name: "办公厅"}} },
		},
		"categories then tags, once each": {
			func(it *data.Item) { it.Categories = []string{"要闻", " chongqing ", "", "要闻"} },
			func(e *atom.Entry) { e.Categories = []atom.Category{{Term: "要闻"}, {Term: "chongqing"}} },
		},
		"enclosures": {
			func(it *data.Item) {
				it.Enclosures = []data.Enclosure{{URL: "https://www.cq.gov.cn/1.doc", Type: "application/msword", Length: 10, Title: "附件"}, {URL: "https://www.cq.gov.cn/2.pdf"}}
			},
			func(e *atom.Entry) {
				e.Links = append(e.Links,
					atom.Link{Rel: "enclosure", Href: "https://www.cq.gov.cn/1.doc", Type: "application/msword", Length: 10, Title: "附件"},
					atom.Link{Rel: "enclosure", Href: "https://www.cq.gov.cn/2.pdf"})
			},
		},
		"no link but content": {
			func(it *data.Item) { it.Link, it.Content = "", "<p>c</p>" },
			func(e *atom.Entry) { e.Links, e.Content = nil, "<p>c</p>" },
		},
		"no link nor content: the upstream site": {
			func(it *data.Item) { it.Link = "" },
			func(e *atom.Entry) { e.Links = []atom.Link{{Rel: "alternate", Href: "https://www.cq.gov.cn/"}} },
		},
		"no title: the link": {
			func(it *data.Item) { it.Title = "" },
			func(e *atom.Entry) { e.Title = "https://www.cq.gov.cn/a.html" },
		},
		"no key: the row id": {
			func(it *data.Item) { it.Key, it.ID = "", 42 },
			func(e *atom.Entry) { e.ID = EntryID("cq", "id:42") },
		},
		"no dates at all: the last change": {
			func(it *data.Item) { it.FirstSeen = time.Time{} },
			func(e *atom.Entry) { e.Published, e.Updated = changed, changed },
		},
		"language": {
			func(it *data.Item) { it.Lang = "zh-CN" },
			func(e *atom.Entry) { e.Lang = "zh-CN" },
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			it := base
			tc.item(&it)
			want := baseEntry
			want.Links = append([]atom.Link(nil), baseEntry.Links...)
			tc.want(&want)
			if diff := cmp.Diff(want, p.itemEntry(it, src, state, changed)); diff != "" {
				t.Errorf("entry (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStatusEntries(t *testing.T) {
	const gdBroken = "urn:uuid:e9df756c-ace8-5b29-baec-f327e528d552" // Python uuid5(status ns, "gd\x002026-06-14T08:00:00Z")
	lastSuccess := time.Date(2026, 6, 14, 8, 0, 0, 0, time.UTC)
	p, st, _ := newTest(t, Options{})
	srv := serve(t, p)
	st.set(func(s *fakeStore) {
		s.states[1] = data.SourceState{SourceID: "gd", Broken: true, ErrorClass: data.ErrBroken,
			LastError: "list page yielded no items <div class=\"news\">", Failures: 2,
			LastSuccess: lastSuccess, LastAttempt: testStart.Add(-time.Minute)}
	})
	p.Invalidate()

	for _, path := range []string{"/feed.atom", "/sources/gd.atom"} {
		f := atomtest.Decode(t, get(t, srv, path))
		e := f.Entries[0]
		if e.ID != gdBroken || e.Title != "govfeed: source 广东省人民政府 is broken" || e.Updated != "2026-06-16T11:59:00Z" {
			t.Errorf("%s: first entry id %s title %q updated %s, want %s, the broken notice, 2026-06-16T11:59:00Z",
				path, e.ID, e.Title, e.Updated, gdBroken)
		}
		for _, s := range []string{"list page yielded no items &lt;div class=&#34;news&#34;&gt;", "2026-06-14 08:00:00 UTC", "What you can do"} {
			if e.Content == nil || !strings.Contains(e.Content.Text, s) {
				t.Errorf("%s: broken notice content lacks %q:\n%+v", path, s, e.Content)
			}
		}
	}
	if f := atomtest.Decode(t, get(t, srv, "/sources/cq.atom")); len(f.Entries) != 2 {
		t.Errorf("cq feed has %d entries, want its 2 items and no notice", len(f.Entries))
	}

	// A later attempt keeps the id; a new outage (another last success) does not.
	st.set(func(s *fakeStore) { s.states[1].LastAttempt = testStart })
	p.Invalidate()
	if e := atomtest.Decode(t, get(t, srv, "/feed.atom")).Entries[0]; e.ID != gdBroken || e.Updated != "2026-06-16T12:00:00Z" {
		t.Errorf("after another attempt: id %s updated %s, want %s, 2026-06-16T12:00:00Z", e.ID, e.Updated, gdBroken)
	}
	st.set(func(s *fakeStore) { s.states[1].LastSuccess = lastSuccess.Add(time.Hour) })
	p.Invalidate()
	if e := atomtest.Decode(t, get(t, srv, "/feed.atom")).Entries[0]; e.ID == gdBroken || !strings.HasPrefix(e.ID, "urn:uuid:") {
		t.Errorf("after a new last success the notice id is %s, want a new urn:uuid", e.ID)
	}
}

func TestStatusEntryConditions(t *testing.T) {
	p, _, _ := newTest(t, Options{})
	src := testSources()[0]
	tests := map[string]struct {
		state data.SourceState
		title string // "" means no notice
	}{
		"healthy":                  {data.SourceState{}, ""},
		"broken":                   {data.SourceState{Broken: true, ErrorClass: data.ErrBroken}, "govfeed: source 重庆市人民政府 is broken"},
		"blocked 3 times":          {data.SourceState{ErrorClass: data.ErrBlocked, Failures: 3}, ""},
		"blocked 4 times":          {data.SourceState{ErrorClass: data.ErrBlocked, Failures: 4}, "govfeed: source 重庆市人民政府 is blocked"},
		"network errors 10 times":  {data.SourceState{ErrorClass: data.ErrNetwork, Failures: 10}, ""},
		"broken and blocked":       {data.SourceState{Broken: true, ErrorClass: data.ErrBlocked, Failures: 9}, "govfeed: source 重庆市人民政府 is broken"},
		"blocked once, not broken": {data.SourceState{ErrorClass: data.ErrBlocked, Failures: 1}, ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			e, ok := p.statusEntry(src, tc.state, testStart)
			if ok != (tc.title != "") || e.Title != tc.title {
				t.Errorf("statusEntry = %q, %v; want %q", e.Title, ok, tc.title)
			}
		})
	}
}
