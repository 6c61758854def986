package page

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"
)

func TestIndexShowsNewestStories(t *testing.T) {
	f := newFixture(t, "items.json")
	res, doc, _ := get(t, f.page.Handler(), "/")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200", res.StatusCode)
	}
	want := []string{tCQFlood, tSCSafe, tGDMake, tZJMeet, tCQRail}
	if diff := cmp.Diff(want, titles(doc)); diff != "" {
		t.Errorf("story titles (-want +got):\n%s", diff)
	}
	if got := doc.Find("title").Text(); got != "川渝粤浙 政务" {
		t.Errorf("<title> = %q, want the configured title", got)
	}

	first := doc.Find("#stories .item").First()
	checks := []struct{ name, got, want string }{
		{"link", first.Find("h3 a").AttrOr("href", ""), "https://www.cq.gov.cn/ywdt/jrcq/202606/t20260617_15760001.html"},
		{"source name", first.Find(".meta .src").Text(), "今日重庆"},
		{"source filter link", first.Find(".meta .src").AttrOr("href", ""), "?source=cq-jrcq"},
		// 10:30 in Beijing is 02:30 UTC.
		{"datetime (UTC)", first.Find("time").AttrOr("datetime", ""), "2026-06-17T02:30:00Z"},
		{"shown date (Beijing)", first.Find("time").Text(), "2026-06-17 10:30"},
		// Tags gone, inline <strong> joined, paragraphs joined after 。
		{"excerpt", first.Find(".excerpt").Text(), "6月16日，市政府召开常务会议，研究部署防汛减灾工作。会议强调，要压紧压实责任。"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("first story %s = %q, want %q", c.name, c.got, c.want)
		}
	}

	// The Sichuan article has a long body and no summary: its excerpt is
	// the start of the body, cut to 200 runes with an ellipsis.
	sc := doc.Find("#stories .item").Eq(1).Find(".excerpt").Text()
	if !strings.HasPrefix(sc, "6月17日上午，全省安全生产电视电话会议在成都召开。") || !strings.HasSuffix(sc, "…") {
		t.Errorf("long excerpt = %q, want the body's start ending in …", sc)
	}
	if n := utf8.RuneCountInString(sc); n > excerptRunes {
		t.Errorf("long excerpt has %d runes, want at most %d", n, excerptRunes)
	}

	if lang := doc.Find("#stories .item").Eq(4).AttrOr("lang", ""); lang != "en" {
		t.Errorf("English story lang = %q, want en", lang)
	}
	if n := doc.Find("#stories .item").Eq(0).Filter("[lang]").Length(); n != 0 {
		t.Errorf("a story without a language has a lang attribute")
	}
}

func TestFilters(t *testing.T) {
	f := newFixture(t, "items.json")
	h := f.page.Handler()
	tests := map[string]struct {
		target     string
		status     int
		titles     []string
		heading    string
		notice     string // a substring of the notice, if one is expected
		hiddenSrc  string // the hidden source input of the search form
		hiddenTag  string
		currentNav string // the filter link marked aria-current
	}{
		"everything": {
			target: "/", status: 200, titles: []string{tCQFlood, tSCSafe, tGDMake, tZJMeet, tCQRail},
			heading: "Newest stories", currentNav: "All",
		},
		"one source": {
			target: "/?source=cq-jrcq", status: 200, titles: []string{tCQFlood, tCQRail},
			heading: "Stories from 今日重庆", hiddenSrc: "cq-jrcq", currentNav: "今日重庆",
		},
		"tag of several sources": {
			target: "/?tag=news", status: 200, titles: []string{tCQFlood, tSCSafe, tCQRail},
			heading: "Stories tagged #news", hiddenTag: "news", currentNav: "#news",
		},
		"tag of one source": {
			target: "/?tag=zhejiang", status: 200, titles: []string{tZJMeet},
			heading: "Stories tagged #zhejiang", hiddenTag: "zhejiang", currentNav: "#zhejiang",
		},
		"source and its tag": {
			target: "/?source=sc-news&tag=news", status: 200, titles: []string{tSCSafe},
			heading: "Stories from 四川要闻 tagged #news", hiddenSrc: "sc-news", hiddenTag: "news",
		},
		"source without the tag": {
			target: "/?source=gd-bmdt&tag=news", status: 200, titles: nil,
			heading: "Stories from 广东部门动态 tagged #news", notice: `does not have the tag "news"`,
			hiddenSrc: "gd-bmdt", hiddenTag: "news",
		},
		"unknown source": {
			target: "/?source=nope", status: 404, titles: nil,
			heading: "Stories from nope", notice: `no source with the id "nope"`, hiddenSrc: "nope",
		},
		"unknown tag": {
			target: "/?tag=nope", status: 404, titles: nil,
			heading: "Stories tagged #nope", notice: `No source has the tag "nope"`, hiddenTag: "nope",
		},
		"search Chinese": {
			target: "/?q=" + url.QueryEscape("防汛"), status: 200, titles: []string{tCQFlood},
			heading: "Stories matching “防汛”", currentNav: "All",
		},
		"search English": {
			target: "/?q=rail+freight", status: 200, titles: []string{tCQRail},
			heading: "Stories matching “rail freight”", currentNav: "All",
		},
		"search within a source": {
			// 会议 is in the Chongqing, Sichuan and Zhejiang stories.
			target: "/?q=" + url.QueryEscape("会议") + "&source=zj-cwhy", status: 200, titles: []string{tZJMeet},
			heading: "Stories matching “会议” from 浙江省政府常务会议", hiddenSrc: "zj-cwhy", currentNav: "浙江省政府常务会议",
		},
		"search without hits": {
			target: "/?q=" + url.QueryEscape("不存在的词"), status: 200, titles: nil,
			heading: "Stories matching “不存在的词”",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			res, doc, _ := get(t, h, tc.target)
			if res.StatusCode != tc.status {
				t.Errorf("status = %d, want %d", res.StatusCode, tc.status)
			}
			if diff := cmp.Diff(tc.titles, titles(doc)); diff != "" {
				t.Errorf("titles (-want +got):\n%s", diff)
			}
			if got := doc.Find("#stories-h").Text(); got != tc.heading {
				t.Errorf("heading = %q, want %q", got, tc.heading)
			}
			notices := doc.Find(".notice").Text()
			if tc.notice == "" && notices != "" {
				t.Errorf("unexpected notice %q", notices)
			}
			if !strings.Contains(notices, tc.notice) {
				t.Errorf("notices = %q, want one containing %q", notices, tc.notice)
			}
			if len(tc.titles) == 0 && doc.Find("#stories .empty").Length() != 1 {
				t.Errorf("no stories and no empty-list message")
			}
			u, err := url.Parse(tc.target)
			if err != nil {
				t.Fatal(err)
			}
			q := u.Query()
			if got := doc.Find(`form.search input[name="q"]`).AttrOr("value", ""); got != q.Get("q") {
				t.Errorf("search box value = %q, want %q", got, q.Get("q"))
			}
			hidden := func(name string) string {
				return doc.Find(`form.search input[type="hidden"][name="`+name+`"]`).AttrOr("value", "")
			}
			if got := hidden("source"); got != tc.hiddenSrc {
				t.Errorf("hidden source = %q, want %q", got, tc.hiddenSrc)
			}
			if got := hidden("tag"); got != tc.hiddenTag {
				t.Errorf("hidden tag = %q, want %q", got, tc.hiddenTag)
			}
			if tc.currentNav != "" {
				got := strings.TrimSpace(doc.Find(`.filters a[aria-current="page"]`).First().Text())
				if got != tc.currentNav {
					t.Errorf("current filter link = %q, want %q", got, tc.currentNav)
				}
			}
		})
	}
}

// TestFilterFeedLinks checks that the current filter is offered as a feed,
// in the head for autodiscovery and on the page.
func TestFilterFeedLinks(t *testing.T) {
	f := newFixture(t, "items.json")
	h := f.page.Handler()
	tests := map[string]struct {
		target string
		atom   []string // hrefs of the Atom autodiscovery links
	}{
		"unfiltered":  {"/", []string{"feed.atom"}},
		"search only": {"/?q=rail+freight", []string{"feed.atom", "feed.atom?q=rail+freight"}},
		"everything": {
			"/?tag=news&q=" + url.QueryEscape("防汛") + "&source=cq-jrcq",
			[]string{"feed.atom", "feed.atom?q=%E9%98%B2%E6%B1%9B&source=cq-jrcq&tag=news"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, doc, _ := get(t, h, tc.target)
			var got []string
			doc.Find(`head link[rel="alternate"][type="application/atom+xml"]`).Each(func(_ int, s *goquery.Selection) {
				got = append(got, s.AttrOr("href", ""))
			})
			if diff := cmp.Diff(tc.atom, got); diff != "" {
				t.Errorf("Atom autodiscovery hrefs (-want +got):\n%s", diff)
			}
			if len(tc.atom) > 1 {
				if n := doc.Find(`#subscribe a[href="` + tc.atom[1] + `"]`).Length(); n != 1 {
					t.Errorf("subscribe section has %d links to the filter feed %q, want 1", n, tc.atom[1])
				}
			}
		})
	}
}

func TestSubscribeLinks(t *testing.T) {
	f := newFixture(t, "items.json")
	_, doc, _ := get(t, f.page.Handler(), "/")
	head := map[string]string{}
	doc.Find(`head link[rel="alternate"]`).Each(func(_ int, s *goquery.Selection) {
		head[s.AttrOr("type", "")] = s.AttrOr("href", "")
	})
	wantHead := map[string]string{
		"application/atom+xml":  "feed.atom",
		"application/rss+xml":   "feed.rss",
		"application/feed+json": "feed.json",
	}
	if diff := cmp.Diff(wantHead, head); diff != "" {
		t.Errorf("autodiscovery links (-want +got):\n%s", diff)
	}
	links := map[string]bool{}
	doc.Find("#subscribe a").Each(func(_ int, s *goquery.Selection) {
		links[s.AttrOr("href", "")] = true
	})
	for _, want := range []string{
		"feed.atom", "feed.rss", "feed.json", "opml",
		"sources/cq-jrcq.atom", "sources/sc-news.atom", "sources/gd-bmdt.atom", "sources/zj-cwhy.atom", "sources/js-new.atom",
		"tags/chongqing.atom", "tags/guangdong.atom", "tags/jiangsu.atom", "tags/news.atom", "tags/sichuan.atom", "tags/zhejiang.atom",
	} {
		if !links[want] {
			t.Errorf("subscribe section has no link to %q", want)
		}
	}
	if got := doc.Find("#subscribe code").First().Text(); got != "https://feeds.example.org/feed.atom" {
		t.Errorf("absolute feed URL = %q, want the base URL without its trailing slash + /feed.atom", got)
	}
}

// TestLinksAreRelative checks that every link of the page's own resources
// stays under the path the page is served at, so a proxy may mount govfeed
// under a prefix.
func TestLinksAreRelative(t *testing.T) {
	f := newFixture(t, "items.json")
	_, doc, _ := get(t, f.page.Handler(), "/?q=x&source=cq-jrcq")
	base, _ := url.Parse("https://proxy.example/govfeed/")
	doc.Find("head link[href], nav a, #subscribe a, #health a, header a, footer a, form").Each(func(_ int, s *goquery.Selection) {
		ref := s.AttrOr("href", s.AttrOr("action", ""))
		u, err := url.Parse(ref)
		if err != nil {
			t.Errorf("bad link %q: %v", ref, err)
			return
		}
		abs := base.ResolveReference(u)
		if abs.Host != "proxy.example" || !strings.HasPrefix(abs.Path, "/govfeed/") {
			t.Errorf("link %q resolves to %s, outside the page's prefix", ref, abs)
		}
	})
}

func TestHealthTable(t *testing.T) {
	f := newFixture(t, "items.json")
	_, doc, _ := get(t, f.page.Handler(), "/")
	var ids []string
	doc.Find("#health tbody tr").Each(func(_ int, s *goquery.Selection) {
		ids = append(ids, s.AttrOr("id", ""))
	})
	wantIDs := []string{"src-cq-jrcq", "src-sc-news", "src-gd-bmdt", "src-zj-cwhy", "src-js-new"}
	if diff := cmp.Diff(wantIDs, ids); diff != "" {
		t.Fatalf("health rows, in configuration order (-want +got):\n%s", diff)
	}
	type row struct {
		Badges, Success, Items, Class, Error, Next string
	}
	// cell is the text of a cell as a reader sees it: a <br> separates.
	cell := func(s *goquery.Selection, i int) string {
		c := s.Find("td").Eq(i).Clone()
		c.Find("br").ReplaceWithHtml(" ")
		return strings.Join(strings.Fields(c.Text()), " ")
	}
	// now is 12:00 Beijing; next runs are 15 minutes later.
	want := map[string]row{
		"src-cq-jrcq": {Badges: "OK", Success: "10 min ago 2026-06-17 11:50", Items: "2", Next: "in 15 min 2026-06-17 12:15"},
		"src-sc-news": {
			Badges: "FAILING 2 failed in a row", Success: "2 h ago 2026-06-17 10:00", Items: "1", Class: "timeout",
			Error: "timeout fetch https://www.sc.gov.cn/10462/10464/10797/: context deadline exceeded",
			Next:  "in 15 min 2026-06-17 12:15 backing off until 2026-06-17 12:20",
		},
		"src-gd-bmdt": {
			Badges: "BROKEN 3 failed in a row", Success: "3 d ago 2026-06-14 12:00", Items: "1", Class: "broken",
			Error: "broken source gd-bmdt: the list page yielded no items (20 before)", Next: "in 15 min 2026-06-17 12:15",
		},
		"src-zj-cwhy": {
			Badges: "BLOCKED 5 failed in a row", Success: "26 h ago 2026-06-16 10:00", Items: "1", Class: "blocked",
			Error: "blocked GET http://www.zj.gov.cn/module/rss/rssfeed.jsp?colid=1554467: 412 Precondition Failed (anti-bot challenge)",
			Next:  "in 15 min 2026-06-17 12:15",
		},
		// Never fetched: no state, no items, no next run from the scheduler.
		"src-js-new": {Badges: "NEW", Success: "–", Items: "0", Error: "–", Next: "–"},
	}
	for id, w := range want {
		t.Run(id, func(t *testing.T) {
			s := doc.Find("#" + id)
			got := row{
				Badges:  cell(s, 0),
				Success: cell(s, 1),
				Items:   cell(s, 2),
				Class:   s.Find(".class").Text(),
				Error:   cell(s, 3),
				Next:    cell(s, 4),
			}
			if w.Error == "" {
				w.Error = "–"
			}
			if diff := cmp.Diff(w, got); diff != "" {
				t.Errorf("row (-want +got):\n%s", diff)
			}
		})
	}
	// The badges are styled by class, the broken and blocked ones loud.
	if doc.Find("#src-gd-bmdt .badge.broken").Length() != 1 || doc.Find("#src-zj-cwhy .badge.blocked").Length() != 1 {
		t.Errorf("BROKEN/BLOCKED badges lack their classes")
	}
	// Absolute times carry their UTC instant.
	if got := doc.Find("#src-cq-jrcq td").Eq(1).Find("time").AttrOr("datetime", ""); got != "2026-06-17T03:50:00Z" {
		t.Errorf("last success datetime = %q, want 2026-06-17T03:50:00Z", got)
	}
	// The table scrolls inside its own box on a narrow screen.
	if doc.Find(".table-wrap > table").Length() != 1 {
		t.Errorf("the health table is not wrapped in .table-wrap")
	}
}

func TestHealthWithoutOptionalHooks(t *testing.T) {
	f := newFixture(t, "items.json")
	p := New(Options{Sources: testSources, Now: fixedNow}, f.store)
	_, doc, _ := get(t, p.Handler(), "/")
	row := doc.Find("#src-cq-jrcq td")
	if got := strings.TrimSpace(row.Eq(2).Text()); got != "–" {
		t.Errorf("items without ItemCounts = %q, want –", got)
	}
	if got := strings.TrimSpace(row.Eq(4).Text()); got != "–" {
		t.Errorf("next run without NextRun = %q, want –", got)
	}
	if got := doc.Find("title").Text(); got != "govfeed" {
		t.Errorf("default title = %q, want govfeed", got)
	}
}

func TestNoSources(t *testing.T) {
	f := newFixture(t, "items.json")
	p := New(Options{Now: fixedNow}, f.store)
	res, doc, _ := get(t, p.Handler(), "/")
	if res.StatusCode != http.StatusOK {
		t.Errorf("status = %d, want 200", res.StatusCode)
	}
	// Items of sources no longer configured are not shown, as in the feeds.
	if got := titles(doc); len(got) != 0 {
		t.Errorf("titles = %q, want none without configured sources", got)
	}
	if got := doc.Find("#health .empty").Text(); got != "No sources are configured." {
		t.Errorf("health section = %q, want the no-sources message", got)
	}
}
