package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"

	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/data/cluster"
)

// Stories: items that tell the same news are grouped (data/cluster decides
// which). Each item has a story_id, the id of the first item stored in its
// story, so a story's identity (and its feed entry id) never changes as
// reports join. Each new item's sketch is kept in the sketches table; when
// the first new item is saved, the sketches within the clustering window
// are loaded into an in-memory LSH index, so memory is bounded by one window of items, not by
// the store. When the first item of a story is deleted (retention), a
// trigger hands the story to its smallest remaining member.

// storySchema is migration 3.
const storySchema = `
ALTER TABLE items ADD COLUMN story_id INTEGER;
ALTER TABLE items ADD COLUMN story_score REAL NOT NULL DEFAULT 1;
ALTER TABLE items ADD COLUMN story_reason TEXT NOT NULL DEFAULT 'first';
UPDATE items SET story_id = id;
CREATE INDEX items_story ON items (story_id);
CREATE INDEX items_story_recent ON items (sort_date DESC, id DESC) WHERE story_id = id;

CREATE TABLE sketches (
	item_id   INTEGER PRIMARY KEY,
	published INTEGER NOT NULL,
	sketch    BLOB NOT NULL
) STRICT;
CREATE INDEX sketches_published ON sketches (published);

CREATE TRIGGER items_story_delete AFTER DELETE ON items BEGIN
	DELETE FROM sketches WHERE item_id = old.id;
	UPDATE items SET story_id = (SELECT min(id) FROM items WHERE story_id = old.id)
		WHERE story_id = old.id;
END;
`

// linkSchema is migration 5: the article an item links to, across
// sources (data.LinkKey), so that two sources carrying the same article
// form one story however far apart their dates are.
const linkSchema = `
ALTER TABLE items ADD COLUMN link_key TEXT NOT NULL DEFAULT '';
CREATE INDEX items_link_key ON items (link_key) WHERE link_key != '';
`

// fillLinkKeys sets link_key on items stored before migration 5.
func fillLinkKeys(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, `SELECT id, link FROM items WHERE link_key = ''`)
	if err != nil {
		return fmt.Errorf("fill link keys: %w", err)
	}
	keys := map[int64]string{}
	for rows.Next() {
		var (
			id   int64
			link string
		)
		if err := rows.Scan(&id, &link); err != nil {
			_ = rows.Close()
			return fmt.Errorf("fill link keys: %w", err)
		}
		if k := data.LinkKey(link); k != "" {
			keys[id] = k
		}
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("fill link keys: %w", err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("fill link keys: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	for id, k := range keys {
		if _, err := tx.ExecContext(ctx, `UPDATE items SET link_key = ? WHERE id = ?`, k, id); err != nil {
			return fmt.Errorf("fill link keys: %w", err)
		}
	}
	return tx.Commit()
}

// clusterer assigns new items to stories inside a Save transaction.
type clusterer struct {
	opts  cluster.Options
	index *cluster.Index
	log   *slog.Logger

	// loaded says whether index holds the stored sketches. They are read
	// when the first new item is clustered, not at Open, so that a run
	// that stores nothing new (every upstream answered 304) neither waits
	// for them nor holds them in memory.
	mu     sync.Mutex
	loaded bool
}

// sketchOf sketches the row of a new item of source src stored at now; its
// ItemID is left 0. The body goes to NewSketch as HTML: it reads no more of
// it than the sketch needs and, line by line, drops 来源/责任编辑 and date
// lines, which a text flattened to one line first hid from it. (Sketches
// stored before differ in that only; after one clustering window, 72 hours
// by default, the index holds new ones only.)
func sketchOf(src string, r row, now int64) cluster.Sketch {
	return cluster.NewSketch(cluster.Doc{
		SourceID: src, Lang: r.lang, Title: r.title,
		Body: r.content + "\n" + r.summary, Link: r.link, Published: fromNS(sortDate(r.published, now)),
	})
}

// load fills the index, once, with the sketches of the items whose sort
// date is within the clustering window before the newest item's, read
// through q (the Save transaction: the store has one writer connection).
// A sketch's publication time is its item's sort date when it was made;
// the items' date index finds them, so sketches need no index of their
// own (migration 10).
func (cl *clusterer) load(ctx context.Context, q querier) error {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	if cl.loaded || !cl.opts.Enabled {
		return nil
	}
	var newest sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT max(sort_date) FROM items`).Scan(&newest); err != nil {
		return fmt.Errorf("load sketches: %w", err)
	}
	if newest.Valid {
		rows, err := q.QueryContext(ctx, windowQuery, newest.Int64-int64(cl.opts.Window))
		if err != nil {
			return fmt.Errorf("load sketches: %w", err)
		}
		defer func() { _ = rows.Close() }()
		for rows.Next() {
			var (
				id  int64
				raw []byte
				sk  cluster.Sketch
			)
			if err := rows.Scan(&id, &raw); err != nil {
				return fmt.Errorf("load sketches: %w", err)
			}
			if err := sk.UnmarshalBinary(raw); err != nil {
				cl.log.Warn("unreadable sketch skipped", "item_id", id, "err", err)
				continue
			}
			cl.index.Add(id, sk)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("load sketches: %w", err)
		}
	}
	cl.loaded = true
	return nil
}

// windowQuery reads the sketches of the items sorted at or after a date,
// oldest first.
const windowQuery = `SELECT s.item_id, s.sketch FROM items AS i JOIN sketches AS s ON s.item_id = i.id
	WHERE i.sort_date >= ? ORDER BY i.sort_date`

// querier is what load reads through: a *sql.Tx or a *sql.DB.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// storyChoice is the story a new item joins, and the sketch to keep for it
// (nil when it was not clustered).
type storyChoice struct {
	id     int64
	score  float64
	reason string
	sketch *cluster.Sketch
}

// chooseStory picks the story of the new item id (not yet inserted): the
// story of another item with the same link key, else the best match in
// the index, else a story of its own. made is the item's sketch if Save
// made it already (else it is made here), pre its prematch (see work).
func (sv *saver) chooseStory(ctx context.Context, id int64, linkKey string, r row, made *cluster.Sketch, pre cluster.Prematch) (storyChoice, error) {
	own := storyChoice{id: id, score: 1, reason: "first"}
	// The same article already stored by another source: one story, whether
	// or not clustering is on (an exact duplicate is not a judgement call).
	if linkKey != "" {
		var story int64
		err := sv.sameLink.QueryRowContext(ctx, linkKey, id).Scan(&story)
		switch {
		case err == nil:
			return storyChoice{id: story, score: 1, reason: "link"}, nil
		case !errors.Is(err, sql.ErrNoRows):
			return own, fmt.Errorf("find same link: %w", err)
		}
	}
	cl := sv.cl
	if cl == nil || !cl.opts.Enabled {
		return own, nil
	}
	if err := cl.load(ctx, sv.tx); err != nil {
		return own, err
	}
	var sk cluster.Sketch
	if made != nil {
		sk = *made
	} else {
		sk = sketchOf(sv.src, r, sv.now)
	}
	sk.ItemID = id
	choice := own
	choice.sketch = &sk
	if m, ok := cl.index.BestAfter(sk, pre); ok {
		var head sql.NullInt64
		err := sv.storyOf.QueryRowContext(ctx, m.ItemID).Scan(&head)
		switch {
		case errors.Is(err, sql.ErrNoRows) || (err == nil && !head.Valid):
			// The match was deleted since: start a story of our own.
		case err != nil:
			return own, fmt.Errorf("find story of item %d: %w", m.ItemID, err)
		default:
			choice.id, choice.score, choice.reason = head.Int64, m.Score, m.Reason
		}
	}
	return choice, nil
}

// keepSketch stores the sketch of an inserted item and adds it to the
// index (to be removed again if the transaction fails).
func (sv *saver) keepSketch(ctx context.Context, sk *cluster.Sketch) error {
	if sk == nil {
		return nil
	}
	raw, err := sk.MarshalBinary()
	if err != nil {
		return fmt.Errorf("encode sketch: %w", err)
	}
	if _, err := sv.addSketch.ExecContext(ctx, sk.ItemID, raw); err != nil {
		return fmt.Errorf("store sketch: %w", err)
	}
	sv.cl.index.Add(sk.ItemID, *sk)
	sv.indexed = append(sv.indexed, sk.ItemID)
	return nil
}

// RecentStories returns the newest stories, one per story, ordered by the
// sort date of each story's first item; q.SourceIDs, q.Since and q.Before
// apply to that first item (q.Text is not supported: search returns
// items). Each story's Items start with its primary, the earliest
// published report. Only the first report from q.SourceIDs (the first
// report when there are none) comes with its Content: a feed shows that
// one, and decompressing the others' was two thirds of the decompression
// of a 500-entry render.
func (s *Store) RecentStories(ctx context.Context, q data.Query) ([]data.Story, error) {
	q.Text = ""
	limit := q.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	date, id := cursor(q)
	f, _ := newFilter(q, true) // no text: always ok
	// One statement reads the heads and every member, each item once.
	rows, err := s.r.QueryContext(ctx, `SELECT `+memberColumns+`, m.story_id, m.story_score, m.story_reason, h.sort_date
		FROM (`+headsQuery(f)+`) AS h
		JOIN items AS m ON m.story_id = h.id`, f.args(date, id, limit)...)
	if err != nil {
		return nil, fmt.Errorf("read recent stories: %w", err)
	}
	stories, err := s.scanStories(rows, limit, q.SourceIDs)
	if err != nil {
		return nil, fmt.Errorf("read recent stories: %w", err)
	}
	return stories, nil
}

// headsQuery selects the id and sort date of the newest story heads that
// pass f (a filter made with heads), with f.args: read from items_recent
// alone, which carries story_id for it (migration 10).
func headsQuery(f filter) string {
	return f.newest(`id, sort_date`)
}

// memberColumns are itemColumns of the items aliased m.
var memberColumns = qualify("m", itemColumns)

// qualify prefixes each of the comma-separated columns with table.
func qualify(table, columns string) string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		cols[i] = table + "." + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

// scanStories groups the member rows of RecentStories into stories, in
// the order of their heads (sort date, then id, descending), and closes
// rows. Of each story it decompresses the content of the first report from
// one of sources (the first report when sources is empty) only.
func (s *Store) scanStories(rows *sql.Rows, capacity int, sources []string) ([]data.Story, error) {
	defer func() { _ = rows.Close() }()
	type head struct {
		sortDate int64
		story    *data.Story
	}
	byID := make(map[int64]*head, capacity)
	packed := make(map[int64][]byte, capacity)
	for rows.Next() {
		var (
			story, sortDate int64
			m               data.Member
		)
		it, z, err := scanRow(memberScanner{rows, []any{&story, &m.Score, &m.Reason, &sortDate}})
		if err != nil {
			return nil, err
		}
		if z != nil {
			packed[it.ID] = z
		}
		m.Joined = it.FirstSeen
		h := byID[story]
		if h == nil {
			h = &head{sortDate: sortDate, story: &data.Story{ID: story}}
			byID[story] = h
		}
		h.story.Items = append(h.story.Items, it)
		h.story.Members = append(h.story.Members, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	heads := make([]*head, 0, len(byID))
	for _, h := range byID {
		heads = append(heads, h)
	}
	slices.SortFunc(heads, func(a, b *head) int {
		if c := cmp.Compare(b.sortDate, a.sortDate); c != 0 {
			return c
		}
		return cmp.Compare(b.story.ID, a.story.ID)
	})
	shown := func(string) bool { return true }
	if len(sources) > 0 {
		set := make(map[string]bool, len(sources))
		for _, id := range sources {
			set[id] = true
		}
		shown = func(id string) bool { return set[id] }
	}
	stories := make([]data.Story, len(heads))
	for i, h := range heads {
		st := &stories[i]
		*st = *h.story
		sortMembers(st)
		k := slices.IndexFunc(st.Items, func(it data.Item) bool { return shown(it.SourceID) })
		for j := range st.Items {
			if j != k {
				st.Items[j].Content = ""
			}
		}
		if k >= 0 {
			it := &st.Items[k]
			var err error
			if it.Content, err = s.z.unpack(it.Content, packed[it.ID]); err != nil {
				return nil, fmt.Errorf("item %d: %w", it.ID, err)
			}
		}
	}
	return stories, nil
}

// memberScanner scans the item columns followed by extra destinations.
type memberScanner struct {
	rows  *sql.Rows
	extra []any
}

func (m memberScanner) Scan(dest ...any) error {
	return m.rows.Scan(append(dest, m.extra...)...)
}

// sortMembers puts the earliest published report first, then the others
// by date (ties by id).
func sortMembers(st *data.Story) {
	idx := make([]int, len(st.Items))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		da, db := st.Items[a].SortDate(), st.Items[b].SortDate()
		if c := da.Compare(db); c != 0 {
			return c
		}
		return int(st.Items[a].ID - st.Items[b].ID)
	})
	items := make([]data.Item, len(idx))
	members := make([]data.Member, len(idx))
	for i, j := range idx {
		items[i], members[i] = st.Items[j], st.Members[j]
	}
	st.Items, st.Members = items, members
}

// ItemsBetween returns the items with fromID <= id <= toID, ascending by
// id, for archive pages.
func (s *Store) ItemsBetween(ctx context.Context, fromID, toID int64) ([]data.Item, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+itemColumns+` FROM items WHERE id BETWEEN ? AND ? ORDER BY id`, fromID, toID)
	if err != nil {
		return nil, fmt.Errorf("read items %d-%d: %w", fromID, toID, err)
	}
	items, err := s.collectItems(rows, int(min(toID-fromID+1, 1024)))
	if err != nil {
		return nil, fmt.Errorf("read items %d-%d: %w", fromID, toID, err)
	}
	return items, nil
}

// MaxItemID returns the largest item id ever assigned (0 for none), which
// AUTOINCREMENT guarantees is never reused even after deletions.
func (s *Store) MaxItemID(ctx context.Context) (int64, error) {
	var id sql.NullInt64
	err := s.r.QueryRowContext(ctx, `SELECT seq FROM sqlite_sequence WHERE name = 'items'`).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read max item id: %w", err)
	}
	return id.Int64, nil
}
