package sqlite

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/govfeed/govfeed/data"
)

// wantSortDate is the spec's sort date: Published if set and not later than
// FirstSeen+1h, else FirstSeen.
func wantSortDate(it data.Item) time.Time {
	if !it.Published.IsZero() && !it.Published.After(it.FirstSeen.Add(time.Hour)) {
		return it.Published
	}
	return it.FirstSeen
}

func TestRecentOrder(t *testing.T) {
	s, c := newStore(t)
	save(t, s, "src",
		item("old", t0.Add(-48*time.Hour)),
		item("mid", t0.Add(-time.Hour)),
		item("soon", t0.Add(30*time.Minute)),                      // future, within the hour: by Published
		item("future", t0.Add(48*time.Hour)),                      // future-dated: by FirstSeen (t0)
		item("undated", time.Time{}),                              // by FirstSeen (t0), inserted after "future"
		item("edge", t0.Add(time.Hour)),                           // exactly FirstSeen+1h: by Published
		item("ancient", time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC)), // clamped, still oldest
	)
	c.Advance(3 * time.Hour)
	save(t, s, "src", item("later", time.Time{})) // FirstSeen t0+3h
	got := keys(recent(t, s, data.Query{}))
	want := []string{"later", "edge", "soon", "undated", "future", "mid", "old", "ancient"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Recent order (-want +got):\n%s", diff)
	}
}

func TestRecentSourcesAndLimit(t *testing.T) {
	s, _ := newStore(t)
	for i, src := range []string{"a", "b", "c"} {
		var items []data.Item
		for j := range 2 {
			// a0 newest, then b0, c0, a1, b1, c1.
			items = append(items, item(fmt.Sprintf("%s%d", src, j), t0.Add(-time.Duration(3*j+i)*time.Minute)))
		}
		save(t, s, src, items...)
	}
	tests := map[string]struct {
		q    data.Query
		want []string
	}{
		"all":                  {data.Query{}, []string{"a0", "b0", "c0", "a1", "b1", "c1"}},
		"one source":           {data.Query{SourceIDs: []string{"b"}}, []string{"b0", "b1"}},
		"two sources":          {data.Query{SourceIDs: []string{"c", "a"}}, []string{"a0", "c0", "a1", "c1"}},
		"repeated source":      {data.Query{SourceIDs: []string{"a", "a"}}, []string{"a0", "a1"}},
		"unknown source":       {data.Query{SourceIDs: []string{"zz"}}, []string{}},
		"limit":                {data.Query{Limit: 4}, []string{"a0", "b0", "c0", "a1"}},
		"limit on two":         {data.Query{Limit: 3, SourceIDs: []string{"b", "c"}}, []string{"b0", "c0", "b1"}},
		"before":               {data.Query{Before: &data.Cursor{Date: t0.Add(-2 * time.Minute), ID: math.MaxInt64}}, []string{"c0", "a1", "b1", "c1"}},
		"before one source":    {data.Query{SourceIDs: []string{"a"}, Before: &data.Cursor{Date: t0, ID: 1}}, []string{"a1"}},
		"before last position": {data.Query{Before: &data.Cursor{Date: t0.Add(-5 * time.Minute), ID: 6}}, []string{}}, // c1 is id 6
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := keys(recent(t, s, tc.q))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Recent(%+v) keys (-want +got):\n%s", tc.q, diff)
			}
		})
	}
}

func TestRecentDefaultLimit(t *testing.T) {
	s, _ := newStore(t)
	save(t, s, "src", manyItems("k", 120, t0)...)
	if got := len(recent(t, s, data.Query{})); got != 100 {
		t.Errorf("Recent with no limit returned %d items, want 100", got)
	}
	if got := len(recent(t, s, data.Query{Limit: -1})); got != 100 {
		t.Errorf("Recent with limit -1 returned %d items, want 100", got)
	}
}

// TestRecentPaging walks the whole store with a cursor: every item exactly
// once, in the same newest-first order as one big read.
func TestRecentPaging(t *testing.T) {
	s, c := newStore(t)
	for round := range 3 {
		for _, src := range []string{"a", "b", "c"} {
			var items []data.Item
			for i := range 7 {
				// Ties: every three items share a date; some future-dated, some undated.
				pub := t0.Add(-time.Duration(i/3) * time.Hour)
				switch i {
				case 4:
					pub = t0.Add(72 * time.Hour)
				case 5:
					pub = time.Time{}
				}
				items = append(items, item(fmt.Sprintf("%s-r%d-%d", src, round, i), pub))
			}
			save(t, s, src, items...)
		}
		c.Advance(30 * time.Minute)
	}
	for name, sources := range map[string][]string{"all": nil, "one": {"b"}, "two": {"a", "c"}} {
		t.Run(name, func(t *testing.T) {
			all := recent(t, s, data.Query{Limit: 1000, SourceIDs: sources})
			if want := 21 * max(1, len(sources)); name == "all" && len(all) != 63 || name != "all" && len(all) != want {
				t.Fatalf("one big read returned %d items", len(all))
			}
			for i := 1; i < len(all); i++ {
				p, q := all[i-1], all[i]
				pd, qd := wantSortDate(p), wantSortDate(q)
				if pd.Before(qd) || pd.Equal(qd) && p.ID < q.ID {
					t.Fatalf("items %d (%s, %v, id %d) and %d (%s, %v, id %d) out of order", i-1, p.Key, pd, p.ID, i, q.Key, qd, q.ID)
				}
			}
			var walked []data.Item
			q := data.Query{Limit: 4, SourceIDs: sources}
			for pages := 0; ; pages++ {
				if pages > len(all) {
					t.Fatal("paging does not end")
				}
				page := recent(t, s, q)
				if len(page) == 0 {
					break
				}
				walked = append(walked, page...)
				last := page[len(page)-1]
				q.Before = &data.Cursor{Date: wantSortDate(last), ID: last.ID}
			}
			if diff := cmp.Diff(keys(all), keys(walked)); diff != "" {
				t.Errorf("paged walk differs from one read (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRecentUsesIndexes checks with EXPLAIN QUERY PLAN that the newest-N
// reads are index scans with no sort step.
func TestRecentUsesIndexes(t *testing.T) {
	s, _ := newStore(t)
	save(t, s, "a", manyItems("k", 50, t0)...)
	save(t, s, "b", manyItems("k", 50, t0)...)
	if _, err := s.w.Exec("ANALYZE"); err != nil {
		t.Fatal(err)
	}
	heads, _ := newFilter(data.Query{}, true)
	tests := map[string]struct {
		query string
		args  []any
		index string
	}{
		"all":        {recentQuery, []any{int64(math.MaxInt64), int64(math.MaxInt64), 10}, "INDEX items_recent"},
		"one source": {recentSourceQuery, []any{"a", int64(math.MaxInt64), int64(math.MaxInt64), 10}, "INDEX items_source_recent"},
		// The heads of stories, from the index alone.
		"story heads": {headsQuery(heads), heads.args(math.MaxInt64, math.MaxInt64, 10), "COVERING INDEX items_recent"},
		// The clustering window: items by date, their sketches by key.
		"window": {windowQuery, []any{int64(0)}, "COVERING INDEX items_recent"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			text := strings.Join(queryPlan(t, s, tc.query, tc.args...), "\n")
			if !strings.Contains(text, "USING "+tc.index) || strings.Contains(text, "TEMP B-TREE") {
				t.Errorf("plan is not an index scan of %s without sorting:\n%s", tc.index, text)
			}
		})
	}
}

// queryPlan returns the steps of EXPLAIN QUERY PLAN for query, in order.
func queryPlan(t *testing.T, s *Store, query string, args ...any) []string {
	t.Helper()
	rows, err := s.r.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan
}
