package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/govfeed/govfeed/data"
)

func ftsItem(key, title, content string, published time.Time) data.Item {
	it := item(key, published)
	it.Title, it.Content, it.Summary = title, content, ""
	return it
}

func searchKeys(t *testing.T, s *Store, q data.Query) []string {
	t.Helper()
	got := keys(recent(t, s, q))
	slices.Sort(got)
	return got
}

func TestSearchChineseAndEnglish(t *testing.T) {
	s, _ := newStore(t)
	day := t0.Add(-24 * time.Hour)
	save(t, s, "sc",
		ftsItem("a", "四川省人民政府常务会议召开", "<p>会议研究了<b>成渝地区</b>双城经济圈建设</p>", day),
		ftsItem("b", "Chongqing and Sichuan hold joint meeting", "<p>The Third Joint Meeting in <i>Yongchuan</i></p>", day.Add(time.Hour)),
		ftsItem("c", "广东省部门动态", "<p>广州日报报道</p>", day.Add(2*time.Hour)),
	)
	tests := map[string]struct {
		text string
		want []string
	}{
		"CJK substring of a title":    {"人民政府", []string{"a"}},
		"CJK substring of the body":   {"双城经济", []string{"a"}},
		"CJK two characters":          {"四川", []string{"a"}},
		"single CJK character prefix": {"广", []string{"c"}},
		"CJK across a tag boundary":   {"成渝地区双城", []string{"a"}},
		"English word, any case":      {"yongchuan", []string{"b"}},
		"English words are ANDed":     {"joint sichuan", []string{"b"}},
		"words from two items AND":    {"joint 广州", nil},
		"no match":                    {"上海", nil},
		"FTS syntax is not syntax":    {`"四川" * (`, []string{"a"}},
		"operator words are words":    {`四川 NOT`, nil},
		"punctuation only":            {`*"()`, nil},
		"mixed script word":           {"成渝GDP", nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := searchKeys(t, s, data.Query{Text: tc.text})
			if !slices.Equal(got, tc.want) {
				t.Errorf("search %q = %v, want %v", tc.text, got, tc.want)
			}
		})
	}
	if got := searchKeys(t, s, data.Query{Text: "会议", SourceIDs: []string{"other"}}); len(got) != 0 {
		t.Errorf("search limited to another source = %v, want none", got)
	}
}

func TestSearchFollowsUpdatesAndRetention(t *testing.T) {
	s, c := newStore(t)
	day := t0.Add(-24 * time.Hour)
	save(t, s, "sc", ftsItem("a", "旧标题", "<p>正文</p>", day), ftsItem("b", "第二条", "<p>其他</p>", day.Add(time.Hour)))
	save(t, s, "sc", ftsItem("a", "新标题", "<p>正文</p>", day), ftsItem("b", "第二条", "<p>其他</p>", day.Add(time.Hour)))
	if got := searchKeys(t, s, data.Query{Text: "旧标题"}); len(got) != 0 {
		t.Errorf("old title still found after update: %v", got)
	}
	if got := searchKeys(t, s, data.Query{Text: "新标题"}); !slices.Equal(got, []string{"a"}) {
		t.Errorf("new title found = %v, want [a]", got)
	}
	c.Advance(time.Hour)
	if _, err := s.Prune(context.Background(), "sc", 0, 1); err != nil {
		t.Fatal(err)
	}
	if got := searchKeys(t, s, data.Query{Text: "新标题"}); len(got) != 0 {
		t.Errorf("pruned item still found: %v", got)
	}
	var n int
	if err := s.r.QueryRow(`SELECT count(*) FROM items_fts WHERE items_fts MATCH '"第二"'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("index rows for the kept item = %d (%v), want 1", n, err)
	}
}

func TestSinceFilter(t *testing.T) {
	s, _ := newStore(t)
	day := t0.Add(-72 * time.Hour)
	save(t, s, "sc", item("old", day), item("new", day.Add(48*time.Hour)))
	got := searchKeys(t, s, data.Query{Since: day.Add(24 * time.Hour)})
	if !slices.Equal(got, []string{"new"}) {
		t.Errorf("Since = %v, want [new]", got)
	}
}

// TestMigrateFromVersion1 opens a database of schema version 1 (before the
// search index, stories and link keys) and checks Open migrates it and
// fills what the later migrations need from the stored items.
func TestMigrateFromVersion1(t *testing.T) {
	dir := t.TempDir()
	c := newClock(t0)
	s, err := Open(context.Background(), dir, Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	save(t, s, "sc", ftsItem("a", "浙江省政府常务会议", "<p>正文</p>", t0.Add(-time.Hour)))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "govfeed.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`DROP TRIGGER items_fts_delete`, `DROP TABLE items_fts`,
		`DROP TRIGGER items_story_delete`, `DROP INDEX items_story`, `DROP INDEX items_story_recent`,
		`DROP TABLE sketches`, `DROP INDEX items_link_key`, `ALTER TABLE items DROP COLUMN link_key`,
		`DROP TABLE websub_subscriptions`, `ALTER TABLE items DROP COLUMN story_id`,
		`ALTER TABLE items DROP COLUMN story_score`, `ALTER TABLE items DROP COLUMN story_reason`,
		`PRAGMA user_version = 1`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	s = openStore(t, dir, c)
	if got := searchKeys(t, s, data.Query{Text: "常务会议"}); !slices.Equal(got, []string{"a"}) {
		t.Errorf("after backfill search = %v, want [a]", got)
	}
	var linkKey string
	if err := s.r.QueryRow(`SELECT link_key FROM items WHERE key = 'a'`).Scan(&linkKey); err != nil || linkKey == "" {
		t.Errorf("link key after migrating from version 1 = %q, %v; want it filled", linkKey, err)
	}
}

func TestFTSQuery(t *testing.T) {
	tests := map[string]string{
		"四川省":      `"四川 川省"`,
		"广":        `"广"*`,
		"Joint 会议": `"joint" AND "会议"`,
		"成渝GDP":    `"成渝" AND "gdp"`,
		`a"b`:      `"a" AND "b"`,
		"  ":       "",
	}
	for in, want := range tests {
		if got := ftsQuery(in); got != want {
			t.Errorf("ftsQuery(%q) = %q, want %q", in, got, want)
		}
	}
}
