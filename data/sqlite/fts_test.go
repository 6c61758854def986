package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
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
		// Both bigrams of 四川省, apart: found by the index, not a match.
		ftsItem("d", "川省联合考察", "<p>四川之行</p>", day.Add(3*time.Hour)),
	)
	tests := map[string]struct {
		text string
		want []string
	}{
		"CJK substring of a title":    {"人民政府", []string{"a"}},
		"CJK substring of the body":   {"双城经济", []string{"a"}},
		"CJK two characters":          {"四川", []string{"a", "d"}},
		"CJK word, bigrams apart":     {"四川省", []string{"a"}},
		"single CJK character prefix": {"广", []string{"c"}},
		"CJK across a tag boundary":   {"成渝地区双城", []string{"a"}},
		"English word, any case":      {"yongchuan", []string{"b"}},
		"English words are ANDed":     {"joint sichuan", []string{"b"}},
		"words from two items AND":    {"joint 广州", nil},
		"no match":                    {"上海", nil},
		"FTS syntax is not syntax":    {`"四川" * (`, []string{"a", "d"}},
		"operator words are words":    {`四川 NOT`, nil},
		"punctuation only":            {`*"()`, nil},
		"mixed script word":           {"成渝GDP", nil},
	}
	// Queued items are matched by substring of their stored HTML, which
	// cannot see across a tag; once indexed, FTS5 can.
	queuedMisses := map[string]bool{"CJK across a tag boundary": true}
	for _, stage := range []string{"queued", "indexed"} {
		if stage == "indexed" {
			indexAll(t, s, 4)
		}
		for name, tc := range tests {
			if stage == "queued" && queuedMisses[name] {
				continue
			}
			t.Run(stage+"/"+name, func(t *testing.T) {
				got := searchKeys(t, s, data.Query{Text: tc.text})
				if !slices.Equal(got, tc.want) {
					t.Errorf("search %q = %v, want %v", tc.text, got, tc.want)
				}
			})
		}
	}
	if got := searchKeys(t, s, data.Query{Text: "会议", SourceIDs: []string{"other"}}); len(got) != 0 {
		t.Errorf("search limited to another source = %v, want none", got)
	}
}

func TestSearchFollowsUpdatesAndRetention(t *testing.T) {
	s, c := newStore(t)
	day := t0.Add(-24 * time.Hour)
	save(t, s, "sc", ftsItem("a", "旧标题", "<p>正文</p>", day), ftsItem("b", "第二条", "<p>其他</p>", day.Add(time.Hour)))
	indexAll(t, s, 2)
	save(t, s, "sc", ftsItem("a", "新标题", "<p>正文</p>", day), ftsItem("b", "第二条", "<p>其他</p>", day.Add(time.Hour)))
	// While the change is queued the index still holds the old title;
	// after indexing it holds the new one. Either way only the new matches.
	for _, stage := range []string{"queued", "indexed"} {
		if stage == "indexed" {
			indexAll(t, s, 1)
		}
		if got := searchKeys(t, s, data.Query{Text: "旧标题"}); len(got) != 0 {
			t.Errorf("%s: old title still found after update: %v", stage, got)
		}
		if got := searchKeys(t, s, data.Query{Text: "新标题"}); !slices.Equal(got, []string{"a"}) {
			t.Errorf("%s: new title found = %v, want [a]", stage, got)
		}
		if got := searchKeys(t, s, data.Query{Text: "正文"}); !slices.Equal(got, []string{"a"}) {
			t.Errorf("%s: unchanged body found = %v, want [a]", stage, got)
		}
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
		`CREATE INDEX items_modified ON items (modified)`,
		`ALTER TABLE items DROP COLUMN content_z`,
		`DROP TRIGGER items_fts_queue_delete`, `DROP TABLE fts_queue`,
		`DROP TRIGGER items_fts_delete`, `DROP TABLE items_fts`,
		`DROP TRIGGER items_story_delete`, `DROP INDEX items_story`,
		`DROP INDEX items_recent`, `CREATE INDEX items_recent ON items (sort_date DESC, id DESC)`,
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
		t.Errorf("after migration, queued item search = %v, want [a]", got)
	}
	indexAll(t, s, 1)
	if got := searchKeys(t, s, data.Query{Text: "常务会议"}); !slices.Equal(got, []string{"a"}) {
		t.Errorf("after indexing search = %v, want [a]", got)
	}
	var linkKey string
	if err := s.r.QueryRow(`SELECT link_key FROM items WHERE key = 'a'`).Scan(&linkKey); err != nil || linkKey == "" {
		t.Errorf("link key after migrating from version 1 = %q, %v; want it filled", linkKey, err)
	}
	checkAutomerge(t, s)
}

// checkAutomerge checks that s's search index merges late (migration 11).
func checkAutomerge(t *testing.T, s *Store) {
	t.Helper()
	var v int
	if err := s.r.QueryRow(`SELECT v FROM items_fts_config WHERE k = 'automerge'`).Scan(&v); err != nil || v != 16 {
		t.Errorf("the search index's automerge = %d (%v), want 16", v, err)
	}
}

func TestFTSQuery(t *testing.T) {
	tests := map[string]string{
		"四川省":      `"四川" AND "川省"`,
		"广":        `"广"*`,
		"Joint 会议": `"joint" AND "会议"`,
		"成渝GDP":    `"成渝" AND "gdp"`,
		`a"b`:      `"a" AND "b"`,
		"  ":       "",
	}
	for in, want := range tests {
		if got := ftsQuery(searchTerms(in)); got != want {
			t.Errorf("ftsQuery(%q) = %q, want %q", in, got, want)
		}
	}
}

// indexAll indexes the queue of s and checks it held want items.
func indexAll(t *testing.T, s *Store, want int) {
	t.Helper()
	n, _, err := s.indexQueued(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if n != want {
		t.Errorf("indexQueued indexed %d items, want %d", n, want)
	}
	if left, err := s.queuedForIndex(context.Background()); err != nil || left != 0 {
		t.Errorf("queue after indexQueued = %d (%v), want 0", left, err)
	}
}

func TestIndexQueuedInBatches(t *testing.T) {
	s, _ := newStore(t)
	day := t0.Add(-24 * time.Hour)
	var items []data.Item
	for i := range 5 {
		items = append(items, ftsItem(fmt.Sprintf("k%d", i), fmt.Sprintf("第%d号通知", i), "<p>正文</p>", day.Add(time.Duration(i)*time.Hour)))
	}
	save(t, s, "sc", items...)
	ctx := context.Background()
	for _, want := range []int{2, 2, 1, 0} {
		n, _, err := s.indexQueued(ctx, 2)
		if err != nil || n != want {
			t.Fatalf("indexQueued(2) = %d, %v; want %d", n, err, want)
		}
	}
	var indexed int
	if err := s.r.QueryRow(`SELECT count(*) FROM items_fts WHERE items_fts MATCH '"正文"'`).Scan(&indexed); err != nil || indexed != 5 {
		t.Errorf("indexed rows = %d (%v), want 5", indexed, err)
	}
}

// Each indexing batch reads the queue's first items. Statistics gathered
// while the queue was empty (PRAGMA optimize, at close) once made SQLite
// scan every item and sort, per batch: indexing 50,000 items read the
// items table 100 times.
func TestIndexReadsTheQueueFirst(t *testing.T) {
	s, _ := newStore(t)
	save(t, s, "a", manyItems("k", 200, t0)...)
	ctx := context.Background()
	if _, err := s.IndexAllQueued(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.Exec("ANALYZE"); err != nil {
		t.Fatal(err)
	}
	save(t, s, "b", manyItems("k", 50, t0)...)
	plan := queryPlan(t, s, queuedQuery, indexBatch)
	if plan[0] != "SCAN q" || slices.ContainsFunc(plan, func(step string) bool { return strings.Contains(step, "TEMP B-TREE") }) {
		t.Errorf("the plan does not read the queue in order:\n%s", strings.Join(plan, "\n"))
	}
	if n, err := s.IndexAllQueued(ctx); err != nil || n != 50 {
		t.Errorf("IndexAllQueued = %d, %v; want the 50 new items", n, err)
	}
	checkAutomerge(t, s)
}

func TestBackgroundIndex(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(context.Background(), dir, Options{Now: newClock(t0).Now, BackgroundIndex: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	save(t, s, "sc", ftsItem("a", "四川省人民政府", "<p>会议</p>", t0.Add(-time.Hour)))
	ctx := context.Background()
	deadline := time.Now().Add(30 * time.Second)
	for {
		n, err := s.queuedForIndex(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("background indexer left %d items queued after 30 s", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	var indexed int
	if err := s.r.QueryRow(`SELECT count(*) FROM items_fts WHERE items_fts MATCH '"人民"'`).Scan(&indexed); err != nil || indexed != 1 {
		t.Errorf("indexed rows = %d (%v), want 1", indexed, err)
	}
}

// TestSearchChecksPages: when most candidates of a long CJK word hold its
// bigrams only apart, the search reads further pages of candidates until it
// has the limit, and pages on from the cursor.
func TestSearchChecksPages(t *testing.T) {
	s, _ := newStore(t)
	var items []data.Item
	var want []string
	for i := range 150 {
		key := fmt.Sprintf("k%03d", i)
		body := "<p>四川考察，川省会议</p>"
		if i%10 == 0 {
			body = "<p>四川省会议</p>"
			want = append(want, key)
		}
		items = append(items, ftsItem(key, fmt.Sprintf("第%d条", i), body, t0.Add(-time.Duration(i)*time.Hour)))
	}
	save(t, s, "sc", items...)
	for _, stage := range []string{"queued", "indexed"} {
		if stage == "indexed" {
			indexAll(t, s, 150)
		}
		first := recent(t, s, data.Query{Text: "四川省", Limit: 10})
		if got := keys(first); !slices.Equal(got, want[:10]) {
			t.Fatalf("%s: first page = %v, want %v", stage, got, want[:10])
		}
		last := first[len(first)-1]
		rest := recent(t, s, data.Query{Text: "四川省", Limit: 10, Before: &data.Cursor{Date: last.SortDate(), ID: last.ID}})
		if got := keys(rest); !slices.Equal(got, want[10:]) {
			t.Errorf("%s: second page = %v, want %v", stage, got, want[10:])
		}
	}
}

// TestIndexSkipsItemsChangedWhileRead: the index text is built from a read
// outside the writer; an item saved again between that read and the write
// is not indexed with its old text but stays queued, and the next batch
// indexes its new text.
func TestIndexSkipsItemsChangedWhileRead(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	day := t0.Add(-24 * time.Hour)
	save(t, s, "sc", ftsItem("a", "旧标题", "<p>正文</p>", day), ftsItem("b", "第二条", "<p>其他</p>", day.Add(time.Hour)))

	docs, err := s.readQueued(ctx, 0)
	if err != nil || len(docs) != 2 {
		t.Fatalf("readQueued = %d docs, %v; want 2", len(docs), err)
	}
	save(t, s, "sc", ftsItem("a", "新标题", "<p>正文</p>", day)) // a changes after the read
	n, err := s.writeIndexed(ctx, docs)
	if err != nil || n != 1 {
		t.Fatalf("writeIndexed = %d, %v; want 1 (b; a changed)", n, err)
	}
	if left, err := s.queuedForIndex(ctx); err != nil || left != 1 {
		t.Errorf("queue = %d (%v), want 1 (a)", left, err)
	}
	var old int
	if err := s.r.QueryRow(`SELECT count(*) FROM items_fts WHERE items_fts MATCH '"旧标"'`).Scan(&old); err != nil || old != 0 {
		t.Errorf("index rows with a's old title = %d (%v), want 0", old, err)
	}
	indexAll(t, s, 1)
	if got := searchKeys(t, s, data.Query{Text: "新标题"}); !slices.Equal(got, []string{"a"}) {
		t.Errorf("new title found = %v, want [a]", got)
	}
	// Written twice: the second write finds nothing queued and indexes nothing.
	if n, err := s.writeIndexed(ctx, docs); err != nil || n != 0 {
		t.Errorf("writeIndexed of indexed docs = %d, %v; want 0", n, err)
	}
}

// TestIndexQueuedAcrossTextChunks indexes more items than one text chunk
// holds: every item, in the first, a middle and the last chunk, is found.
func TestIndexQueuedAcrossTextChunks(t *testing.T) {
	s, _ := newStore(t)
	day := t0.Add(-24 * time.Hour)
	n := 2*textChunk + 3
	words := []string{"甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"}
	var items []data.Item
	for i := range n {
		// A word of its own per item: its number spelt in stems.
		word := words[i/100%10] + words[i/10%10] + words[i%10] + "号"
		items = append(items, ftsItem(fmt.Sprintf("k%d", i), "通知", "<p>第"+word+"文件</p>", day.Add(time.Duration(i)*time.Minute)))
	}
	save(t, s, "sc", items...)
	indexAll(t, s, n)
	for _, i := range []int{0, textChunk - 1, textChunk, n - 1} {
		word := words[i/100%10] + words[i/10%10] + words[i%10] + "号"
		if got := searchKeys(t, s, data.Query{Text: word}); !slices.Equal(got, []string{fmt.Sprintf("k%d", i)}) {
			t.Errorf("search %s = %v, want [k%d]", word, got, i)
		}
	}
}
