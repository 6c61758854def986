package publish

import (
	"encoding/xml"
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

const base = "https://feeds.example.org"

// seqItems are n items with ids 1..n alternating between cq and gd,
// newer as the id grows, three at a time sharing a date so that the
// cursor's id tie-break matters.
func seqItems(n int) []data.Item {
	t0 := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	items := make([]data.Item, n)
	for i := range items {
		id := int64(i + 1)
		pub := t0.Add(time.Duration(i/3) * time.Minute)
		items[i] = data.Item{
			ID: id, SourceID: []string{"cq", "gd"}[i%2], Key: fmt.Sprintf("g:%d", id),
			Title: fmt.Sprintf("通知 %d", id), Link: fmt.Sprintf("https://www.gov.cn/zhengce/content_%d.htm", id),
			Content: "<p>会议</p>", Published: pub, FirstSeen: pub.Add(time.Minute), Modified: pub.Add(time.Minute),
		}
	}
	return items
}

// docLinks returns a document's entry ids and its links by relation, in
// any format.
func docLinks(t testing.TB, f format, doc []byte) (ids []string, links map[string]string) {
	t.Helper()
	links = map[string]string{}
	for _, e := range entriesOf(parse(t, doc)) {
		ids = append(ids, e.ID)
	}
	switch f {
	case formatAtom:
		for _, l := range atomtest.Decode(t, doc).Links {
			links[l.Rel] = l.Href
		}
	case formatRSS:
		var d rssTestDoc
		if err := xml.Unmarshal(doc, &d); err != nil {
			t.Fatal(err)
		}
		for _, l := range d.Channel.AtomLinks {
			links[l.Rel] = l.Href
		}
	case formatJSON:
		j := decodeJSON(t, doc)
		links["self"], links["next"] = j.FeedURL, j.NextURL
		for rel, key := range map[string]string{"first": "first_url", "previous": "previous_url", "current": "current_url",
			"prev-archive": "prev_archive_url", "next-archive": "next_archive_url"} {
			if v, ok := j.Govfeed[key].(string); ok {
				links[rel] = v
			}
		}
	}
	for rel, l := range links {
		if l == "" {
			delete(links, rel)
		}
	}
	return ids, links
}

// walk follows rel from path until a page has none, calling between after
// each page, and returns the entry ids of every page.
func walk(t *testing.T, get func(string) []byte, f format, path, rel string, between func()) [][]string {
	t.Helper()
	var pages [][]string
	for range 100 {
		ids, links := docLinks(t, f, get(path))
		pages = append(pages, ids)
		if between != nil {
			between()
		}
		next, ok := links[rel]
		if !ok {
			return pages
		}
		if !strings.HasPrefix(next, base+"/") || !strings.Contains(next, "."+f.ext()) {
			t.Fatalf("%s link %q is not a %s document under the base URL", rel, next, f.ext())
		}
		path = strings.TrimPrefix(next, base)
	}
	t.Fatalf("no end after 100 pages from %s", path)
	return nil
}

// TestPagingWalk walks every kind of paged feed from its head along
// rel=next to its end while new items arrive between two pages: every
// item (or story) is seen exactly once, and the new ones never appear
// after the first page.
func TestPagingWalk(t *testing.T) {
	tests := map[string]struct {
		path  string
		want  func(items []data.Item) []string // ids expected over the walk
		story map[int64]int64
	}{
		"combined, stories": {
			path:  "/feed",
			story: map[int64]int64{5: 2, 9: 2, 23: 20},
			want: func(items []data.Item) []string {
				var ids []string
				for i := len(items) - 1; i >= 0; i-- {
					if id := items[i].ID; id != 5 && id != 9 && id != 23 {
						ids = append(ids, itemEntryID(items[i]))
					}
				}
				return ids
			},
		},
		"one source": {
			path: "/sources/gd",
			want: func(items []data.Item) []string {
				var ids []string
				for i := len(items) - 1; i >= 0; i-- {
					if items[i].SourceID == "gd" {
						ids = append(ids, itemEntryID(items[i]))
					}
				}
				return ids
			},
		},
		"filtered": {
			path: "/feed?q=" + url.QueryEscape("会议") + "&source=cq",
			want: func(items []data.Item) []string {
				var ids []string
				for i := len(items) - 1; i >= 0; i-- {
					if items[i].SourceID == "cq" {
						ids = append(ids, itemEntryID(items[i]))
					}
				}
				return ids
			},
		},
	}
	for name, tc := range tests {
		for _, f := range formats {
			t.Run(name+"/"+f.ext(), func(t *testing.T) {
				p, st, clk := newTest(t, Options{Entries: 4})
				initial := seqItems(23)
				st.set(func(s *fakeStore) { s.items, s.story = initial, tc.story })
				srv := serve(t, p)
				path := strings.Replace(tc.path, "?", "."+f.ext()+"?", 1)
				if !strings.Contains(path, "?") {
					path += "." + f.ext()
				}
				added := 0
				between := func() { // two newer items for each source
					clk.add(time.Hour)
					now := clk.Now()
					for _, src := range []string{"cq", "gd"} {
						added++
						st.add(now, data.Item{SourceID: src, Key: fmt.Sprintf("g:new-%d", added), Title: "新 会议", Published: now,
							Link: fmt.Sprintf("https://www.gov.cn/zhengce/new_%d.htm", added)})
					}
					p.Invalidate()
				}
				pages := walk(t, func(path string) []byte { return get(t, srv, path) }, f, path, "next", between)
				var got []string
				for i, pg := range pages {
					if len(pg) > 4 {
						t.Errorf("page %d has %d entries, want at most 4", i, len(pg))
					}
					got = append(got, pg...)
				}
				if diff := cmp.Diff(tc.want(initial), got); diff != "" {
					t.Errorf("entries over the walk (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// TestPagingBack walks rel=next to the end and then rel=previous back: the
// same pages in reverse order, the first one being the head's entries.
func TestPagingBack(t *testing.T) {
	p, st, _ := newTest(t, Options{Entries: 5})
	st.set(func(s *fakeStore) { s.items = seqItems(17) })
	srv := serve(t, p)
	fetchPage := func(path string) []byte { return get(t, srv, path) }
	forward := walk(t, fetchPage, formatAtom, "/sources/cq.atom", "next", nil)
	// The last page, reached again to start the walk back from its URL.
	last := "/sources/cq.atom"
	for range len(forward) - 1 {
		_, links := docLinks(t, formatAtom, get(t, srv, last))
		last = strings.TrimPrefix(links["next"], base)
	}
	backward := walk(t, fetchPage, formatAtom, last, "previous", nil)
	for i, j := 0, len(backward)-1; i < j; i, j = i+1, j-1 {
		backward[i], backward[j] = backward[j], backward[i]
	}
	if len(forward) != 2 || diffPages(forward, backward) != "" {
		t.Errorf("cq's 9 items in pages of 5: forward %v, backward (reversed) %v", forward, backward)
	}
	// Every page links to the head as first; only the head lacks previous.
	_, head := docLinks(t, formatAtom, get(t, srv, "/sources/cq.atom"))
	_, tail := docLinks(t, formatAtom, get(t, srv, last))
	if head["first"] != base+"/sources/cq.atom" || tail["first"] != head["first"] || head["previous"] != "" || tail["previous"] == "" || tail["next"] != "" {
		t.Errorf("head links %v, last page links %v", head, tail)
	}
}

func diffPages(a, b [][]string) string { return cmp.Diff(a, b) }

// TestPagingEdges: pages past either end still link back into the feed.
func TestPagingEdges(t *testing.T) {
	p, st, _ := newTest(t, Options{Entries: 3})
	items := seqItems(4)
	st.set(func(s *fakeStore) { s.items = items })
	srv := serve(t, p)
	newest := itemPos(items[3])
	// Nothing is newer than the newest item: an empty page whose next
	// page starts with that item.
	ids, links := docLinks(t, formatAtom, get(t, srv, "/feed.atom?after="+encodeCursor(newest)))
	if len(ids) != 0 || links["previous"] != "" {
		t.Errorf("after the newest: entries %v links %v; want none and no previous", ids, links)
	}
	next, _ := docLinks(t, formatAtom, get(t, srv, strings.TrimPrefix(links["next"], base)))
	if len(next) != 3 || next[0] != itemEntryID(items[3]) {
		t.Errorf("its next page: %v, want the 3 newest items", next)
	}
	// Nothing is older than the oldest: an empty page whose previous page
	// ends with it.
	oldest := itemPos(items[0])
	ids, links = docLinks(t, formatAtom, get(t, srv, "/feed.atom?before="+encodeCursor(oldest)))
	if len(ids) != 0 || links["next"] != "" {
		t.Errorf("before the oldest: entries %v links %v; want none and no next", ids, links)
	}
	prev, _ := docLinks(t, formatAtom, get(t, srv, strings.TrimPrefix(links["previous"], base)))
	if len(prev) != 3 || prev[2] != itemEntryID(items[0]) {
		t.Errorf("its previous page: %v, want the 3 oldest items", prev)
	}
	atomtest.Validate(t, get(t, srv, "/feed.atom?before="+encodeCursor(itemPos(items[2]))))
}

func TestPagingBadRequests(t *testing.T) {
	p, _, _ := newTest(t, Options{})
	srv := serve(t, p)
	c := encodeCursor(data.Cursor{Date: time.Unix(1, 0), ID: 3})
	for path, want := range map[string]int{
		"/feed.atom?before=zzz":                     http.StatusBadRequest,
		"/feed.atom?before=1":                       http.StatusBadRequest,
		"/feed.atom?after=1.-1":                     http.StatusBadRequest,
		"/feed.atom?before=" + c + "&after=" + c:    http.StatusBadRequest,
		"/sources/cq.json?before=" + c:              http.StatusOK,
		"/tags/chongqing.rss?after=" + c:            http.StatusOK,
		"/archive/0.atom?before=not-a-cursor":       http.StatusOK, // archive pages are not paged
		"/feed.atom?before=" + c + "&utm_source=wx": http.StatusOK,
	} {
		if resp, body := fetch(t, srv, http.MethodGet, path, nil); resp.StatusCode != want {
			t.Errorf("GET %s: %s %s, want %d", path, resp.Status, body, want)
		}
	}
}

func TestCursorRoundTrip(t *testing.T) {
	for _, c := range []data.Cursor{
		{Date: time.Date(2026, 6, 16, 10, 7, 0, 123, time.UTC), ID: 42},
		{Date: time.Date(1969, 12, 31, 23, 0, 0, 0, time.UTC), ID: 1},
		{Date: time.Unix(0, 0).UTC(), ID: 0},
	} {
		s := encodeCursor(c)
		got, err := decodeCursor(s)
		if err != nil || !got.Date.Equal(c.Date) || got.ID != c.ID || url.QueryEscape(s) != s {
			t.Errorf("cursor %v -> %q -> %v, %v", c, s, got, err)
		}
	}
}
