package publish

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/publish/internal/atomtest"
)

func TestNewestFullArchive(t *testing.T) {
	// Page n holds ids n*100+1 .. (n+1)*100 and is full once a larger id exists.
	for maxID, want := range map[int64]int64{0: -1, 1: -1, 100: -1, 101: 0, 200: 0, 201: 1, 350: 2, 1000: 8, 1001: 9} {
		if got := newestFullArchive(maxID); got != want {
			t.Errorf("newestFullArchive(%d) = %d, want %d", maxID, got, want)
		}
	}
}

// TestArchiveWalk walks prev-archive from the current feed: full pages
// only, each an immutable fh:archive document; together with the current
// feed they hold every item exactly once.
func TestArchiveWalk(t *testing.T) {
	p, st, _ := newTest(t, Options{})
	items := seqItems(350)
	items = append(items, data.Item{ID: 351, SourceID: "gone", Key: "g:gone", Title: "removed source", Link: "https://gone.gov.cn/1.html",
		FirstSeen: items[0].FirstSeen, Modified: items[0].Modified})
	st.set(func(s *fakeStore) { s.items = items })
	srv := serve(t, p)

	for _, f := range formats {
		t.Run(f.ext(), func(t *testing.T) {
			current, links := docLinks(t, f, get(t, srv, "/feed."+f.ext()))
			if links["prev-archive"] != base+"/archive/2."+f.ext() {
				t.Fatalf("current feed prev-archive %q, want page 2 (the newest full one)", links["prev-archive"])
			}
			seen := map[string]int{}
			for _, id := range current {
				seen[id]++
			}
			path := "/archive/2." + f.ext()
			var pages []string
			for path != "" {
				pages = append(pages, path)
				resp, doc := fetch(t, srv, http.MethodGet, path, nil)
				if cc := resp.Header.Get("Cache-Control"); resp.StatusCode != 200 || cc != "public, max-age=31536000, immutable" {
					t.Errorf("%s: %s, Cache-Control %q; want 200 and immutable", path, resp.Status, cc)
				}
				if f == formatAtom {
					atomtest.Validate(t, doc)
				}
				if !isArchive(t, f, doc) {
					t.Errorf("%s is not marked as an archive document", path)
				}
				ids, links := docLinks(t, f, doc)
				if links["current"] != base+"/feed."+f.ext() {
					t.Errorf("%s: current %q", path, links["current"])
				}
				for _, id := range ids {
					seen[id]++
					if seen[id] > 1 && !slices.Contains(current, id) {
						t.Errorf("%s repeats %s", path, id)
					}
				}
				path = strings.TrimPrefix(links["prev-archive"], base)
			}
			if want := []string{"/archive/2." + f.ext(), "/archive/1." + f.ext(), "/archive/0." + f.ext()}; !slices.Equal(pages, want) {
				t.Errorf("walked %v, want %v", pages, want)
			}
			for _, it := range items[:350] {
				if seen[itemEntryID(it)] == 0 {
					t.Errorf("item %d is in neither the current feed nor an archive page", it.ID)
				}
			}
			if seen[EntryID("gone", "g:gone")] != 0 {
				t.Error("an item of a removed source is published")
			}
			if len(current) != 100 || len(seen) != 350 {
				t.Errorf("%d entries in the current feed, %d items seen; want 100 and 350", len(current), len(seen))
			}
		})
	}
}

// isArchive reports whether doc carries RFC 5005's archive marker.
func isArchive(t *testing.T, f format, doc []byte) bool {
	t.Helper()
	switch f {
	case formatJSON:
		return decodeJSON(t, doc).Govfeed["archive"] == true
	default:
		return strings.Contains(string(doc), `<fh:archive></fh:archive>`) &&
			strings.Contains(string(doc), `xmlns:fh="http://purl.org/syndication/history/1.0"`)
	}
}

// TestArchivePages checks the page ranges, the newest page that is not
// full yet, and pages that do not exist.
func TestArchivePages(t *testing.T) {
	p, st, _ := newTest(t, Options{})
	st.set(func(s *fakeStore) { s.items = seqItems(250) })
	srv := serve(t, p)

	ids, links := docLinks(t, formatAtom, get(t, srv, "/archive/1.atom"))
	if len(ids) != 100 || ids[0] != EntryID("gd", "g:200") || ids[99] != EntryID("cq", "g:101") {
		t.Errorf("page 1: %d entries from %s to %s; want ids 200 down to 101", len(ids), ids[0], ids[len(ids)-1])
	}
	if links["prev-archive"] != base+"/archive/0.atom" || links["next-archive"] != base+"/archive/2.atom" || links["first"] != "" || links["next"] != "" {
		t.Errorf("page 1 links %v", links)
	}
	// Page 2 (ids 201 to 300) is not full: served like the current feed,
	// not marked as an archive, no next-archive.
	resp, doc := fetch(t, srv, http.MethodGet, "/archive/2.atom", nil)
	ids, links = docLinks(t, formatAtom, doc)
	if resp.Header.Get("Cache-Control") != "public, max-age=300" || isArchive(t, formatAtom, doc) || len(ids) != 50 || links["next-archive"] != "" {
		t.Errorf("page 2: Cache-Control %q, archive %v, %d entries, links %v", resp.Header.Get("Cache-Control"), isArchive(t, formatAtom, doc), len(ids), links)
	}
	atomtest.Validate(t, doc)
	for _, path := range []string{"/archive/3.atom", "/archive/99.json"} {
		if resp, _ := fetch(t, srv, http.MethodGet, path, nil); resp.StatusCode != 404 {
			t.Errorf("%s: %s, want 404", path, resp.Status)
		}
	}
	// An edited item changes the page's bytes, never its membership.
	before := get(t, srv, "/archive/0.atom")
	st.set(func(s *fakeStore) {
		s.items[10].Title += "（修订）"
		s.items[10].Modified = s.items[10].Modified.Add(1)
	})
	p.Invalidate()
	after := get(t, srv, "/archive/0.atom")
	idsBefore, _ := docLinks(t, formatAtom, before)
	idsAfter, _ := docLinks(t, formatAtom, after)
	if string(before) == string(after) || !slices.Equal(idsBefore, idsAfter) {
		t.Error("an edit of an archived item: want new bytes and the same entries")
	}
}
