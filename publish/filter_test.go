package publish

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/publish/internal/atomtest"
)

// TestFilteredFeeds: ?q=, ?source=, ?tag= and ?since= select items (not
// stories) and the self link repeats the normalised query.
func TestFilteredFeeds(t *testing.T) {
	p, st, _ := newTest(t, Options{})
	storyFixture(st) // items 1, 3 and 5 are one story
	srv := serve(t, p)
	id5 := EntryID("gd", "g:gd-5")
	tests := map[string]struct {
		query string
		ids   []string
		self  string // the query of the self link
	}{
		"text":              {"q=会议", []string{id5, id1}, "q=%E4%BC%9A%E8%AE%AE"},
		"text, case folded": {"q=+%E6%AD%A3%E6%96%87++", []string{id1}, "q=%E6%AD%A3%E6%96%87"},
		"source":            {"source=cq", []string{id1, id3}, "source=cq"},
		"sources, repeated": {"source=gd&source=cq", []string{id5, id1, id2, id3}, "source=cq%2Cgd"},
		"sources, listed":   {"source=gd,cq", []string{id5, id1, id2, id3}, "source=cq%2Cgd"},
		"tag":               {"tag=chongqing", []string{id1, id3}, "tag=chongqing"},
		"tag of gd":         {"tag=%E7%9C%81%E6%94%BF%E5%BA%9C", []string{id5, id2}, "tag=%E7%9C%81%E6%94%BF%E5%BA%9C"},
		"source and tag":    {"source=gd&tag=chongqing", nil, "source=gd&tag=chongqing"},
		"since a duration":  {"since=2h", []string{id5, id1}, "since=2h"},      // now 12:00: sort dates from 10:00
		"since days":        {"since=1D", []string{id5, id1, id2}, "since=1d"}, // from 06-15 12:00; item 3 sorts at 06-15 02:00
		"since a date":      {"since=2026-06-16", []string{id5, id1, id2}, "since=2026-06-16"},
		"since a time":      {"since=2026-06-16T17:00:00%2B08:00", []string{id5, id1, id2}, "since=2026-06-16T09%3A00%3A00Z"}, // item 2 sorts at 09:00
		"everything":        {"q=会议&source=cq&tag=chongqing&since=1w", []string{id1}, "q=%E4%BC%9A%E8%AE%AE&since=1w&source=cq&tag=chongqing"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			doc := get(t, srv, "/feed.atom?"+tc.query)
			atomtest.Validate(t, doc)
			f := atomtest.Decode(t, doc)
			var ids []string
			for _, e := range f.Entries {
				ids = append(ids, e.ID)
			}
			if diff := cmp.Diff(tc.ids, ids); diff != "" {
				t.Errorf("entries (-want +got):\n%s", diff)
			}
			if self := linkHref(f.Links, "self"); self != base+"/feed.atom?"+tc.self {
				t.Errorf("self %s, want %s", self, base+"/feed.atom?"+tc.self)
			}
			if !strings.HasPrefix(f.ID, base+"/feed.atom?") || !strings.HasPrefix(f.Title, "govfeed test (") {
				t.Errorf("id %s title %q", f.ID, f.Title)
			}
			for _, e := range f.Entries {
				if e.Content != nil && strings.Contains(e.Content.Text, "Also reported by") {
					t.Errorf("entry %s is a story; filtered feeds show items", e.ID)
				}
			}
			// The other formats show the same.
			for _, fm := range formats[1:] {
				if got := entriesOf(parse(t, get(t, srv, "/feed."+fm.ext()+"?"+tc.query))); len(got) != len(ids) {
					t.Errorf("%s: %d entries, want %d", fm.ext(), len(got), len(ids))
				}
			}
		})
	}
}

// TestFilterQuery checks what the store is asked for.
func TestFilterQuery(t *testing.T) {
	p, st, _ := newTest(t, Options{Entries: 10})
	srv := serve(t, p)
	get(t, srv, "/feed.json?q=%20%E4%BC%9A%E8%AE%AE%20%20%E9%87%8D%E5%BA%86&tag=chongqing&since=7d")
	want := data.Query{Limit: 11, SourceIDs: []string{"cq"}, Text: "会议 重庆", Since: time.Date(2026, 6, 9, 12, 0, 0, 0, time.UTC)}
	st.set(func(s *fakeStore) {
		if diff := cmp.Diff([]data.Query{want}, s.queries); diff != "" {
			t.Errorf("store queries (-want +got):\n%s", diff)
		}
	})
}

func TestFilterBadRequests(t *testing.T) {
	p, _, _ := newTest(t, Options{})
	srv := serve(t, p)
	long := strings.Repeat("会", maxQueryRunes+1)
	many := strings.Repeat("cq,", maxListed) + "gd"
	for query, want := range map[string]int{
		"q=" + url.QueryEscape(long):                      400,
		"q=" + url.QueryEscape(long[:len(long)-len("会")]): 200,
		"q=%FF":              400,
		"since=yesterday":    400,
		"since=-7d":          400,
		"since=0s":           400,
		"since=100000w":      400,
		"since=2026-13-01":   400,
		"source=" + many:     200, // 2 distinct sources
		"source=nope":        404,
		"tag=nope":           404,
		"source=cq&tag=nope": 404,
		"source=&tag=&q=%20": 200, // all empty: the combined feed
	} {
		if resp, body := fetch(t, srv, http.MethodGet, "/feed.atom?"+query, nil); resp.StatusCode != want {
			t.Errorf("?%.60s: %s %s, want %d", query, resp.Status, body, want)
		}
	}
}

func TestSplitListDistinct(t *testing.T) {
	var ids []string
	for i := range 60 {
		ids = append(ids, fmt.Sprint("s", i))
	}
	if _, err := splitList([]string{strings.Join(ids, ",")}, "source"); err == nil {
		t.Error("60 distinct sources accepted")
	}
	got, err := splitList([]string{" b,a ", "", "a,,c"}, "tag")
	if err != nil || !cmp.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("splitList = %v, %v", got, err)
	}
}

// TestFilterCache: a filtered feed is built once per normalised query and
// generation, and the documents built on demand are bounded.
func TestFilterCache(t *testing.T) {
	p, st, _ := newTest(t, Options{})
	srv := serve(t, p)
	for _, q := range []string{"q=会议&source=cq,gd", "source=gd&q=+会议+&source=cq", "source=cq,gd,cq&q=会议&utm_source=x"} {
		get(t, srv, "/feed.atom?"+q)
	}
	if n := st.readCalls(); n != 1 {
		t.Errorf("%d store reads for one query spelled three ways, want 1", n)
	}
	get(t, srv, "/feed.rss?q=会议&source=cq,gd")
	p.Invalidate()
	get(t, srv, "/feed.atom?q=会议&source=cq,gd")
	if n := st.readCalls(); n != 3 {
		t.Errorf("%d store reads, want 3: another format, then a new generation", n)
	}
	for i := range dynamicSlots * 2 {
		get(t, srv, fmt.Sprintf("/feed.atom?q=n%d", i))
	}
	p.mu.Lock()
	n := p.dynamic.len()
	p.mu.Unlock()
	if n > dynamicSlots {
		t.Errorf("%d documents built on demand kept, want at most %d", n, dynamicSlots)
	}
}

// TestAllow: the rate-limiting hook guards the documents built on demand.
func TestAllow(t *testing.T) {
	var asked []string
	p, _, _ := newTest(t, Options{Allow: func(r *http.Request) bool {
		asked = append(asked, r.URL.RequestURI())
		return false
	}})
	srv := serve(t, p)
	for path, want := range map[string]int{
		"/feed.atom":                  200,
		"/sources/cq.rss":             200,
		"/archive/0.json":             200,
		"/feed.atom?q=x":              429,
		"/sources/cq.atom?before=1.1": 429,
	} {
		if resp, _ := fetch(t, srv, http.MethodGet, path, nil); resp.StatusCode != want {
			t.Errorf("%s: %s, want %d", path, resp.Status, want)
		}
	}
	if len(asked) != 2 {
		t.Errorf("Allow asked for %v, want the two requests with a query", asked)
	}
}

func TestParseSince(t *testing.T) {
	now := time.Date(2026, 6, 16, 12, 34, 56, 0, time.UTC)
	loc := time.FixedZone("CST", 8*3600)
	tests := map[string]struct {
		want  time.Time
		param string
	}{
		"7d":                        {time.Date(2026, 6, 9, 12, 34, 0, 0, time.UTC), "7d"},
		"2W":                        {time.Date(2026, 6, 2, 12, 34, 0, 0, time.UTC), "2w"},
		"36h":                       {time.Date(2026, 6, 15, 0, 34, 0, 0, time.UTC), "36h"},
		"1h30m":                     {time.Date(2026, 6, 16, 11, 4, 0, 0, time.UTC), "1h30m"},
		"2026-06-01":                {time.Date(2026, 5, 31, 16, 0, 0, 0, time.UTC), "2026-06-01"},
		"2026-06-01T08:00:00+08:00": {time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), "2026-06-01T00:00:00Z"},
	}
	for in, tc := range tests {
		got, param, err := parseSince(in, now, loc)
		if err != nil || !got.Equal(tc.want) || param != tc.param {
			t.Errorf("parseSince(%q) = %v, %q, %v; want %v, %q", in, got, param, err, tc.want, tc.param)
		}
	}
}
