package publish

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/publish/internal/atomtest"
)

// storySources are three provinces; scnews and sc share the tag sichuan.
func storySources() []data.Source {
	return []data.Source{
		{ID: "sc", Name: "四川省人民政府", URL: "https://www.sc.gov.cn/", Tags: []string{"sichuan"}},
		{ID: "cq", Name: "重庆 & 川渝", URL: "https://www.cq.gov.cn/", Tags: []string{"chongqing"}},
		{ID: "gd", Name: "广东省人民政府", URL: "https://www.gd.gov.cn/", Tags: []string{"guangdong"}},
	}
}

// TestStories follows one story as reports join it: the combined feed has
// one entry for it whose id never changes, whose updated time moves, and
// which lists the other reports; the source feeds keep every item.
func TestStories(t *testing.T) {
	t0 := time.Date(2026, 6, 16, 2, 0, 0, 0, time.UTC)
	st := &fakeStore{}
	p := New(Options{Title: "川渝", BaseURL: "https://feeds.example.org", Now: func() time.Time { return t0 }}, st)
	p.SetSources(storySources())
	srv := serve(t, p)

	sc := data.Item{ID: 1, SourceID: "sc", Key: "g:sc-1", Title: "川渝联席会议召开", Link: "https://www.sc.gov.cn/10462/2026/6/16/a.shtml",
		Content: "<p>四川</p>", Published: t0, FirstSeen: t0.Add(10 * time.Minute), Modified: t0.Add(10 * time.Minute)}
	cq := data.Item{ID: 2, SourceID: "cq", Key: "g:cq-2", Title: "<b>重庆</b> & 四川联席会议", Link: "https://www.cq.gov.cn/ywdt/202606/t20260616_1.html",
		Content: "<p>重庆</p>", Published: t0.Add(time.Hour), FirstSeen: t0.Add(2 * time.Hour), Modified: t0.Add(2 * time.Hour)}
	// gd re-posts it with an earlier date than sc's: it becomes the primary.
	gd := data.Item{ID: 3, SourceID: "gd", Key: "g:gd-3", Title: "广东：川渝联席会议", Link: "https://www.gd.gov.cn/gdywdt/content/post_1.html",
		Content: "<p>广东</p>", Published: t0.Add(-time.Hour), FirstSeen: t0.Add(3 * time.Hour), Modified: t0.Add(3 * time.Hour)}
	scID := EntryID("sc", "g:sc-1")

	story := func(t *testing.T) atomtest.Entry {
		t.Helper()
		f := atomtest.Decode(t, get(t, srv, "/feed.atom"))
		if len(f.Entries) != 1 {
			t.Fatalf("combined feed has %d entries, want one for the story", len(f.Entries))
		}
		return f.Entries[0]
	}

	st.set(func(s *fakeStore) { s.items = []data.Item{sc} })
	p.Invalidate()
	alone := story(t)
	if alone.ID != scID || alone.Updated != "2026-06-16T02:10:00Z" || len(alone.Links) != 1 || strings.Contains(alone.Content.Text, "Also reported by") {
		t.Errorf("a lone item: %+v", alone)
	}

	st.set(func(s *fakeStore) { s.items = append(s.items, cq); s.story = map[int64]int64{2: 1} })
	p.Invalidate()
	two := story(t)
	wantLinks := []atomtest.Link{
		{Rel: "alternate", Href: sc.Link},
		{Rel: "related", Href: cq.Link, Type: "text/html", Title: "重庆 & 川渝"},
	}
	if two.ID != scID || two.Title != sc.Title || two.Published != "2026-06-16T02:00:00Z" || two.Updated != "2026-06-16T04:00:00Z" {
		t.Errorf("after a second report: id %s title %q published %s updated %s; want %s, sc's title and date, updated 04:00 (the report's Modified)",
			two.ID, two.Title, two.Published, two.Updated, scID)
	}
	if diff := cmp.Diff(wantLinks, two.Links); diff != "" {
		t.Errorf("links (-want +got):\n%s", diff)
	}
	wantContent := "<p>四川</p>\n<hr>\n<p>Also reported by:</p>\n<ul>\n" +
		`<li><a href="https://www.cq.gov.cn/ywdt/202606/t20260616_1.html">重庆 &amp; 川渝</a>: &lt;b&gt;重庆&lt;/b&gt; &amp; 四川联席会议</li>` +
		"\n</ul>"
	if two.Content.Text != wantContent {
		t.Errorf("content:\n%s\nwant:\n%s", two.Content.Text, wantContent)
	}
	if cats := two.Categories; len(cats) != 2 || cats[0].Term != "sichuan" || cats[1].Term != "chongqing" {
		t.Errorf("categories %+v, want the tags of both sources", cats)
	}

	st.set(func(s *fakeStore) { s.items = append(s.items, gd); s.story[3] = 1 })
	p.Invalidate()
	three := story(t)
	if three.ID != scID || three.Title != gd.Title || three.Published != "2026-06-16T01:00:00Z" || three.Updated != "2026-06-16T05:00:00Z" {
		t.Errorf("after an earlier report: id %s title %q published %s updated %s; want %s still, gd's title and date, 05:00",
			three.ID, three.Title, three.Published, three.Updated, scID)
	}
	if !strings.HasPrefix(three.Content.Text, "<p>广东</p>") || !strings.Contains(three.Content.Text, `<li><a href="https://www.sc.gov.cn/10462/2026/6/16/a.shtml">四川省人民政府</a>: 川渝联席会议召开</li>`) {
		t.Errorf("content: gd's, then the reports of sc and cq:\n%s", three.Content.Text)
	}
	atomtest.Validate(t, get(t, srv, "/feed.atom"))

	t.Run("source feeds show every item", func(t *testing.T) {
		for src, want := range map[string]string{"sc": scID, "cq": EntryID("cq", "g:cq-2"), "gd": EntryID("gd", "g:gd-3")} {
			f := atomtest.Decode(t, get(t, srv, "/sources/"+src+".atom"))
			if len(f.Entries) != 1 || f.Entries[0].ID != want || strings.Contains(f.Entries[0].Content.Text, "Also reported by") {
				t.Errorf("/sources/%s.atom: %+v, want its one item %s without other reports", src, f.Entries, want)
			}
		}
	})
	t.Run("tag feeds follow the story's first item", func(t *testing.T) {
		if f := atomtest.Decode(t, get(t, srv, "/tags/sichuan.atom")); len(f.Entries) != 1 || f.Entries[0].ID != scID {
			t.Errorf("sichuan: %+v, want the story", f.Entries)
		}
		if f := atomtest.Decode(t, get(t, srv, "/tags/chongqing.atom")); len(f.Entries) != 0 {
			t.Errorf("chongqing: %+v, want none (the story started in sc)", f.Entries)
		}
	})
	t.Run("JSON lists the related reports", func(t *testing.T) {
		f := decodeJSON(t, get(t, srv, "/feed.json"))
		rel := f.Items[0].Govfeed.Related
		if len(rel) != 2 || rel[0]["id"] != scID || rel[1]["id"] != EntryID("cq", "g:cq-2") ||
			rel[1]["url"] != cq.Link || rel[1]["date_published"] != "2026-06-16T03:00:00Z" ||
			rel[1]["source"].(map[string]any)["id"] != "cq" || f.Items[0].Govfeed.Source["id"] != "gd" {
			t.Errorf("_govfeed: %+v", f.Items[0].Govfeed)
		}
	})
	t.Run("RSS has them in the content", func(t *testing.T) {
		f := parse(t, get(t, srv, "/feed.rss"))
		if len(f.Items) != 1 || !strings.Contains(f.Items[0].Description, "Also reported by") || f.Items[0].GUID != scID {
			t.Errorf("RSS items %+v", f.Items)
		}
	})
	t.Run("a report of a removed source is left out", func(t *testing.T) {
		p.SetSources(storySources()[:2])
		e := story(t)
		if e.ID != scID || e.Title != sc.Title || strings.Contains(e.Content.Text, "广东") || !strings.Contains(e.Content.Text, "四川") {
			t.Errorf("without gd: %+v", e)
		}
	})
}

func TestStoryHead(t *testing.T) {
	a, b := data.Item{ID: 7}, data.Item{ID: 9}
	tests := map[string]struct {
		s    data.Story
		want int64
	}{
		"head is not the primary": {data.Story{ID: 9, Items: []data.Item{a, b}}, 9},
		"head is the primary":     {data.Story{ID: 7, Items: []data.Item{a, b}}, 7},
		"head missing":            {data.Story{ID: 5, Items: []data.Item{a, b}}, 7},
		"no items":                {data.Story{ID: 5}, 5},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := storyHead(tc.s).ID; got != tc.want {
				t.Errorf("storyHead = item %d, want %d", got, tc.want)
			}
		})
	}
}

// TestReportsHTML: a report whose link is not a web link is named, never
// linked; everything is escaped.
func TestReportsHTML(t *testing.T) {
	got := reportsHTML([]report{
		{title: "t<1>", link: "javascript:alert(1)", source: sourceRef{name: "a\"b"}},
		{title: "", link: "HTTPS://x.gov.cn/?a=1&b=2", source: sourceRef{name: "c"}},
		{title: "t3", link: "//x.gov.cn/rel", source: sourceRef{name: "d"}},
	})
	want := "\n<hr>\n<p>Also reported by:</p>\n<ul>\n" +
		"<li>a&#34;b: t&lt;1&gt;</li>\n" +
		`<li><a href="HTTPS://x.gov.cn/?a=1&amp;b=2">c</a></li>` + "\n" +
		"<li>d: t3</li>\n</ul>"
	if got != want {
		t.Errorf("reportsHTML:\n%s\nwant:\n%s", got, want)
	}
}
