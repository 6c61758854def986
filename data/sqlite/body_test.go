package sqlite

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/govfeed/govfeed/data"
)

// TestContentCompressed: long content is stored compressed and read back
// as it was saved, through every read path; short content stays plain.
func TestContentCompressed(t *testing.T) {
	s, _ := newStore(t)
	long := "<p>" + strings.Repeat("四川省人民政府办公厅关于印发实施方案的通知。", 40) + "</p>"
	short := "<p>短讯</p>"
	a, b := item("long", t0.Add(-time.Hour)), item("short", t0.Add(-2*time.Hour))
	a.Content, b.Content = long, short
	save(t, s, "sc", a, b)

	cols := func(key string) (plain string, z []byte) {
		t.Helper()
		if err := s.r.QueryRow(`SELECT content, content_z FROM items WHERE key = ?`, key).Scan(&plain, &z); err != nil {
			t.Fatal(err)
		}
		return plain, z
	}
	if plain, z := cols("long"); plain != "" || len(z) == 0 || len(z) >= len(long)/2 {
		t.Errorf("long content stored as %d plain bytes and %d compressed, want 0 and under %d", len(plain), len(z), len(long)/2)
	}
	if plain, z := cols("short"); plain != short || z != nil {
		t.Errorf("short content stored as %q and %d compressed bytes, want it plain", plain, len(z))
	}

	byKey := map[string]string{}
	for _, it := range recent(t, s, data.Query{}) {
		byKey[it.Key] = it.Content
	}
	known, err := s.Known(context.Background(), "sc", []string{"long"})
	if err != nil {
		t.Fatal(err)
	}
	stories, err := s.RecentStories(context.Background(), data.Query{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{"Recent long": byKey["long"], "Recent short": byKey["short"], "Known": known["long"].Content}
	for _, st := range stories {
		if st.Items[0].Key == "long" {
			got["RecentStories"] = st.Items[0].Content
		}
	}
	for path, want := range map[string]string{"Recent long": long, "Recent short": short, "Known": long, "RecentStories": long} {
		if got[path] != want {
			t.Errorf("%s read back %d bytes, want the %d saved", path, len(got[path]), len(want))
		}
	}

	// A changed long item is rewritten compressed; an unchanged save keeps it.
	a.Content = long + "<p>更正</p>"
	if st := save(t, s, "sc", a, b); st.Updated != 1 || st.Unchanged != 1 {
		t.Fatalf("second save = %+v, want 1 updated and 1 unchanged", st)
	}
	if got := recent(t, s, data.Query{SourceIDs: []string{"sc"}, Limit: 1})[0]; got.Content != a.Content {
		t.Errorf("updated content read back %d bytes, want %d", len(got.Content), len(a.Content))
	}
	// The search index reads compressed content too.
	indexAll(t, s, 2)
	if got := searchKeys(t, s, data.Query{Text: "更正"}); len(got) != 1 || got[0] != "long" {
		t.Errorf("search in compressed content = %v, want [long]", got)
	}
}

// TestContentCorrupt: a damaged compressed body is an error naming the item,
// not garbage in a feed.
func TestContentCorrupt(t *testing.T) {
	s, _ := newStore(t)
	a := item("long", t0.Add(-time.Hour))
	a.Content = "<p>" + noise(400, 1) + "</p>"
	save(t, s, "sc", a)
	if _, err := s.w.Exec(`UPDATE items SET content_z = x'28b52ffd0000ffff' WHERE key = 'long'`); err != nil {
		t.Fatal(err)
	}
	_, err := s.Recent(context.Background(), data.Query{})
	if err == nil || !strings.Contains(err.Error(), "decompress content") || !strings.Contains(err.Error(), "item 1") {
		t.Errorf("reading a damaged body: %v, want a decompress error naming item 1", err)
	}
}

// TestNewDatabasePageSize: a new database gets 8 KB pages (see open).
func TestNewDatabasePageSize(t *testing.T) {
	s, _ := newStore(t)
	var size int
	if err := s.r.QueryRow(`PRAGMA page_size`).Scan(&size); err != nil || size != 8192 {
		t.Errorf("page size %d (%v), want 8192", size, err)
	}
}
