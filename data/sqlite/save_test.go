package sqlite

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/govfeed/govfeed/data"
)

func TestSaveNewItemDates(t *testing.T) {
	pub := time.Date(2026, 6, 16, 8, 0, 0, 0, time.UTC)
	upd := time.Date(2026, 6, 16, 9, 30, 0, 0, time.UTC)
	tests := map[string]struct {
		published, updated time.Time
		wantUpdated        time.Time
	}{
		"upstream updated wins":   {published: pub, updated: upd, wantUpdated: upd},
		"published when no upd":   {published: pub, wantUpdated: pub},
		"now when undated":        {wantUpdated: t0},
		"updated without publish": {updated: upd, wantUpdated: upd},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s, _ := newStore(t)
			it := item("a", tc.published)
			it.Updated = tc.updated
			if got, want := save(t, s, "src", it), (data.SaveStats{New: 1}); got != want {
				t.Fatalf("Save stats = %+v, want %+v", got, want)
			}
			got := recent(t, s, data.Query{})
			if len(got) != 1 {
				t.Fatalf("Recent returned %d items, want 1", len(got))
			}
			g := got[0]
			if g.ID == 0 || g.SourceID != "src" || g.Key != "a" {
				t.Errorf("stored ID, SourceID, Key = %d, %q, %q; want non-zero, src, a", g.ID, g.SourceID, g.Key)
			}
			if !g.FirstSeen.Equal(t0) || !g.Modified.Equal(t0) {
				t.Errorf("FirstSeen, Modified = %v, %v; want both %v", g.FirstSeen, g.Modified, t0)
			}
			if !g.Updated.Equal(tc.wantUpdated) {
				t.Errorf("Updated = %v, want %v", g.Updated, tc.wantUpdated)
			}
			if !g.Published.Equal(tc.published) {
				t.Errorf("Published = %v, want %v", g.Published, tc.published)
			}
		})
	}
}

func TestSaveRoundTripsEveryItemField(t *testing.T) {
	s, _ := newStore(t)
	cst := time.FixedZone("CST", 8*3600)
	in := data.Item{
		Key: "g:urn:1", GUID: "urn:1", Title: "关于印发《通知》的通知", Link: "https://www.gd.gov.cn/post_1.html",
		Summary: "<p>摘要</p>", Content: "<p>正文</p>", Author: "办公厅",
		Categories: []string{"政策", "通知"},
		Enclosures: []data.Enclosure{{URL: "https://www.gd.gov.cn/a.pdf", Type: "application/pdf", Length: 1234, Title: "附件1"}, {URL: "https://www.gd.gov.cn/b.doc"}},
		Published:  time.Date(2026, 6, 16, 9, 0, 0, 123456789, cst),
		Updated:    time.Date(2026, 6, 16, 10, 0, 0, 0, cst),
		Lang:       "zh-CN",
	}
	save(t, s, "gd", in)
	got := recent(t, s, data.Query{})
	if len(got) != 1 {
		t.Fatalf("Recent returned %d items, want 1", len(got))
	}
	want := in
	want.SourceID = "gd"
	want.ID = got[0].ID
	want.Published = time.Date(2026, 6, 16, 1, 0, 0, 123456789, time.UTC)
	want.Updated = time.Date(2026, 6, 16, 2, 0, 0, 0, time.UTC)
	want.FirstSeen, want.Modified = t0, t0
	if diff := cmp.Diff(want, got[0]); diff != "" {
		t.Errorf("stored item differs (-want +got):\n%s", diff)
	}
	if loc := got[0].Published.Location(); loc != time.UTC {
		t.Errorf("Published location = %v, want UTC", loc)
	}
}

// TestSaveSeenAgain walks one item through the "seen again" rules.
func TestSaveSeenAgain(t *testing.T) {
	s, c := newStore(t)
	pub := t0.Add(-2 * time.Hour)
	a, b := item("a", pub), item("b", pub.Add(-time.Hour))
	save(t, s, "src", a, b)
	first := byKey(t, s, "src")

	// Seen again, identical: no row written, only the state.
	c.Advance(time.Hour)
	before := totalChanges(t, s)
	if got, want := save(t, s, "src", a, b), (data.SaveStats{Unchanged: 2}); got != want {
		t.Fatalf("identical Save stats = %+v, want %+v", got, want)
	}
	if n := totalChanges(t, s) - before; n != 1 {
		t.Errorf("identical Save changed %d rows, want 1 (the source state only)", n)
	}
	if got := byKey(t, s, "src"); !cmp.Equal(got, first) {
		t.Errorf("identical Save changed stored items:\n%s", cmp.Diff(first, got))
	}

	// Title changed: updated in place, same ID, Modified and Updated now.
	c.Advance(time.Hour)
	t2 := c.Now()
	a.Title = "title a, corrected"
	if got, want := save(t, s, "src", a, b), (data.SaveStats{Updated: 1, Unchanged: 1}); got != want {
		t.Fatalf("changed Save stats = %+v, want %+v", got, want)
	}
	got := byKey(t, s, "src")["a"]
	if got.ID != first["a"].ID {
		t.Errorf("changed item ID = %d, want unchanged %d", got.ID, first["a"].ID)
	}
	if got.Title != a.Title || !got.Modified.Equal(t2) || !got.Updated.Equal(t2) || !got.FirstSeen.Equal(t0) {
		t.Errorf("changed item Title, Modified, Updated, FirstSeen = %q, %v, %v, %v; want %q, %v, %v, %v",
			got.Title, got.Modified, got.Updated, got.FirstSeen, a.Title, t2, t2, t0)
	}

	// Upstream Updated moves forward, content the same: Updated takes it.
	c.Advance(time.Hour)
	t3 := c.Now()
	b.Updated = t0.Add(30 * time.Minute)
	if got, want := save(t, s, "src", a, b), (data.SaveStats{Updated: 1, Unchanged: 1}); got != want {
		t.Fatalf("Updated-forward Save stats = %+v, want %+v", got, want)
	}
	got = byKey(t, s, "src")["b"]
	if !got.Updated.Equal(b.Updated) || !got.Modified.Equal(t3) || got.ID != first["b"].ID {
		t.Errorf("item b Updated, Modified, ID = %v, %v, %d; want %v, %v, %d",
			got.Updated, got.Modified, got.ID, b.Updated, t3, first["b"].ID)
	}

	// Upstream Updated goes back: not a change.
	c.Advance(time.Hour)
	b.Updated = t0
	if got, want := save(t, s, "src", a, b), (data.SaveStats{Unchanged: 2}); got != want {
		t.Fatalf("Updated-backward Save stats = %+v, want %+v", got, want)
	}

	// Each compared field counts as a change.
	changes := map[string]func(*data.Item){
		"link":       func(it *data.Item) { it.Link += "?v=2" },
		"summary":    func(it *data.Item) { it.Summary = "<p>new</p>" },
		"content":    func(it *data.Item) { it.Content = "<p>new</p>" },
		"author":     func(it *data.Item) { it.Author = "new" },
		"categories": func(it *data.Item) { it.Categories = []string{"new"} },
		"enclosures": func(it *data.Item) { it.Enclosures = []data.Enclosure{{URL: "https://x.gov.cn/1.pdf"}} },
		"published":  func(it *data.Item) { it.Published = it.Published.Add(time.Minute) },
	}
	for name, change := range changes {
		t.Run(name, func(t *testing.T) {
			c.Advance(time.Minute)
			change(&a)
			if got, want := save(t, s, "src", a), (data.SaveStats{Updated: 1}); got != want {
				t.Errorf("Save after changing %s: stats = %+v, want %+v", name, got, want)
			}
			if got := byKey(t, s, "src")["a"]; got.ID != first["a"].ID || !got.Modified.Equal(c.Now()) {
				t.Errorf("after changing %s: ID, Modified = %d, %v; want %d, %v", name, got.ID, got.Modified, first["a"].ID, c.Now())
			}
		})
	}
}

// TestSaveKnownItemAgainIsUnchanged: a fetcher that skips a known article
// page saves the stored item back; that must not count as a change.
func TestSaveKnownItemAgainIsUnchanged(t *testing.T) {
	s, c := newStore(t)
	it := item("a", time.Time{}) // undated: the store sets Updated to now
	it.Categories = []string{"x"}
	it.Enclosures = []data.Enclosure{{URL: "https://x.gov.cn/1.pdf", Length: 3}}
	save(t, s, "src", it)
	c.Advance(time.Hour)
	known, err := s.Known(context.Background(), "src", []string{"a"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := save(t, s, "src", known["a"]), (data.SaveStats{Unchanged: 1}); got != want {
		t.Errorf("saving the stored item back: stats = %+v, want %+v", got, want)
	}
}

func TestSaveWithoutItemsOnlyUpdatesState(t *testing.T) {
	s, c := newStore(t)
	save(t, s, "src", item("a", t0))
	items := recent(t, s, data.Query{})
	c.Advance(time.Hour)
	st := data.SourceState{SourceID: "src", ETag: `"v2"`, LastAttempt: c.Now(), LastSuccess: c.Now()}
	got, err := s.Save(context.Background(), data.FetchResult{State: st})
	if err != nil {
		t.Fatal(err)
	}
	if got != (data.SaveStats{}) {
		t.Errorf("304 Save stats = %+v, want zero", got)
	}
	gotState, err := s.State(context.Background(), "src")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(st, gotState); diff != "" {
		t.Errorf("state after 304 Save (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(items, recent(t, s, data.Query{})); diff != "" {
		t.Errorf("items changed by a 304 Save (-before +after):\n%s", diff)
	}
}

func TestSaveRejectsMissingKeys(t *testing.T) {
	tests := map[string]data.FetchResult{
		"item without key": {State: data.SourceState{SourceID: "src", ETag: "x"}, Items: []data.Item{item("a", t0), {Title: "no key"}}},
		"no source id":     {Items: []data.Item{item("a", t0)}},
	}
	for name, res := range tests {
		t.Run(name, func(t *testing.T) {
			s, _ := newStore(t)
			_, err := s.Save(context.Background(), res)
			if err == nil {
				t.Fatal("Save succeeded, want an error")
			}
			if res.State.SourceID != "" && !strings.Contains(err.Error(), `"src"`) {
				t.Errorf("error %q does not name the source", err)
			}
			if got := recent(t, s, data.Query{}); len(got) != 0 {
				t.Errorf("failed Save stored %d items", len(got))
			}
			if sts, err := s.States(context.Background()); err != nil || len(sts) != 0 {
				t.Errorf("failed Save stored states %v (err %v)", sts, err)
			}
		})
	}
}

func TestStateRoundTrip(t *testing.T) {
	s, _ := newStore(t)
	cst := time.FixedZone("CST", 8*3600)
	full := data.SourceState{
		SourceID: "gd", ETag: `W/"abc"`, LastModified: "Tue, 16 Jun 2026 01:00:00 GMT",
		LastAttempt: time.Date(2026, 6, 17, 9, 0, 0, 1, cst),
		LastSuccess: time.Date(2026, 6, 17, 8, 0, 0, 0, time.UTC),
		Failures:    3, LastError: "GET https://www.gd.gov.cn/: 521", ErrorClass: data.ErrBlocked,
		NextAttempt: time.Date(2026, 6, 17, 10, 0, 0, 0, time.UTC),
		Title:       "广东省人民政府", Link: "https://www.gd.gov.cn/", LastYield: 20, Broken: true,
	}
	ctx := context.Background()
	if _, err := s.Save(ctx, data.FetchResult{State: full}); err != nil {
		t.Fatal(err)
	}
	got, err := s.State(ctx, "gd")
	if err != nil {
		t.Fatal(err)
	}
	want := full
	want.LastAttempt = time.Date(2026, 6, 17, 1, 0, 0, 1, time.UTC)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("State (-want +got):\n%s", diff)
	}

	// A later state replaces every field, including back to zero.
	cleared := data.SourceState{SourceID: "gd"}
	if _, err := s.Save(ctx, data.FetchResult{State: cleared}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.State(ctx, "gd"); err != nil || !cmp.Equal(cleared, got) {
		t.Errorf("State after clearing = %+v, %v; want %+v", got, err, cleared)
	}

	unknown, err := s.State(ctx, "nope")
	if err != nil || !cmp.Equal(unknown, data.SourceState{SourceID: "nope"}) {
		t.Errorf("State(unknown) = %+v, %v; want zero state with SourceID", unknown, err)
	}

	if _, err := s.Save(ctx, data.FetchResult{State: data.SourceState{SourceID: "bj"}}); err != nil {
		t.Fatal(err)
	}
	all, err := s.States(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]data.SourceState{{SourceID: "bj"}, cleared}, all); diff != "" {
		t.Errorf("States (-want +got):\n%s", diff)
	}
}

// byKey returns the stored items of a source by key.
func byKey(tb testing.TB, s *Store, source string) map[string]data.Item {
	tb.Helper()
	out := make(map[string]data.Item)
	for _, it := range recent(tb, s, data.Query{SourceIDs: []string{source}, Limit: 1000}) {
		out[it.Key] = it
	}
	return out
}
