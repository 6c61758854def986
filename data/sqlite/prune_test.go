package sqlite

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/govfeed/govfeed/data"
)

const day = 24 * time.Hour

// daily returns n items of "src" published t0, t0-1d, …; key "d<i>".
func daily(n int) []data.Item {
	items := make([]data.Item, n)
	for i := range items {
		items[i] = item(fmt.Sprintf("d%d", i), t0.Add(-time.Duration(i)*day))
	}
	return items
}

func TestPruneByAgeAndCount(t *testing.T) {
	tests := map[string]struct {
		maxAge   time.Duration
		maxItems int
		want     []string // remaining, newest first
	}{
		"no limits":      {0, 0, []string{"d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "d9"}},
		"by age":         {5 * day, 0, []string{"d0", "d1", "d2", "d3", "d4", "d5"}}, // d5 is exactly 5 days old: kept
		"by count":       {0, 3, []string{"d0", "d1", "d2"}},
		"age is tighter": {2 * day, 5, []string{"d0", "d1", "d2"}},
		"count tighter":  {8 * day, 4, []string{"d0", "d1", "d2", "d3"}},
		"count above n":  {0, 50, []string{"d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "d9"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s, _ := newStore(t)
			save(t, s, "src", daily(10)...)
			save(t, s, "other", item("d9", t0.Add(-9*day))) // another source is never touched
			n, err := s.Prune(context.Background(), "src", tc.maxAge, tc.maxItems)
			if err != nil {
				t.Fatal(err)
			}
			if n != 10-len(tc.want) {
				t.Errorf("Prune deleted %d, want %d", n, 10-len(tc.want))
			}
			if diff := cmp.Diff(tc.want, keys(recent(t, s, data.Query{SourceIDs: []string{"src"}}))); diff != "" {
				t.Errorf("remaining items (-want +got):\n%s", diff)
			}
			if got := keys(recent(t, s, data.Query{SourceIDs: []string{"other"}})); len(got) != 1 {
				t.Errorf("other source's items = %v, want [d9]", got)
			}
		})
	}
}

func TestPruneRejectsNegativeLimits(t *testing.T) {
	s, _ := newStore(t)
	if _, err := s.Prune(context.Background(), "src", -time.Hour, 0); err == nil {
		t.Error("Prune with negative max age succeeded")
	}
	if _, err := s.Prune(context.Background(), "src", 0, -1); err == nil {
		t.Error("Prune with negative max items succeeded")
	}
}

func TestTombstonesBlockReinsert(t *testing.T) {
	s, c := newStore(t)
	ctx := context.Background()
	all := daily(6)
	save(t, s, "src", all...)
	if n, err := s.Prune(ctx, "src", 0, 2); err != nil || n != 4 {
		t.Fatalf("Prune = %d, %v; want 4 deleted", n, err)
	}
	c.Advance(time.Hour)
	if got, want := save(t, s, "src", all...), (data.SaveStats{Unchanged: 2, Skipped: 4}); got != want {
		t.Errorf("Save of pruned items: stats = %+v, want %+v", got, want)
	}
	if got := keys(recent(t, s, data.Query{})); !cmp.Equal(got, []string{"d0", "d1"}) {
		t.Errorf("items after re-listing = %v, want [d0 d1]", got)
	}
	// The same key in another source is not blocked.
	if got, want := save(t, s, "other", all[5]), (data.SaveStats{New: 1}); got != want {
		t.Errorf("Save of the key in another source: stats = %+v, want %+v", got, want)
	}
	var lastSeen int64
	if err := s.w.QueryRow(`SELECT last_seen FROM tombstones WHERE source_id = 'src' AND key = 'd5'`).Scan(&lastSeen); err != nil {
		t.Fatal(err)
	}
	if got := fromNS(lastSeen); !got.Equal(c.Now()) {
		t.Errorf("tombstone last_seen = %v, want bumped to %v", got, c.Now())
	}
}

func TestTombstonePurge(t *testing.T) {
	tests := map[string]struct {
		maxAge     time.Duration
		unseenFor  time.Duration
		wantPurged bool
	}{
		"fresh tombstone kept":          {0, 29 * day, false},
		"30 days unseen purged":         {0, 30*day + time.Second, true},
		"2*maxAge keeps it longer":      {20 * day, 35 * day, false},
		"past 2*maxAge purged":          {20 * day, 41 * day, true},
		"short maxAge still keeps 30 d": {day, 20 * day, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s, c := newStore(t)
			ctx := context.Background()
			gone := item("gone", t0)
			save(t, s, "src", gone, item("stays", t0.Add(time.Hour)))
			if n, err := s.Prune(ctx, "src", 0, 1); err != nil || n != 1 {
				t.Fatalf("Prune = %d, %v; want 1 deleted", n, err)
			}
			c.Advance(tc.unseenFor)
			save(t, s, "src", item("stays", t0.Add(time.Hour))) // upstream no longer lists "gone"
			if _, err := s.Prune(ctx, "src", tc.maxAge, 0); err != nil {
				t.Fatal(err)
			}
			want := data.SaveStats{Skipped: 1}
			if tc.wantPurged {
				want = data.SaveStats{New: 1} // no tombstone left: it may come back
			}
			if got := save(t, s, "src", gone); got != want {
				t.Errorf("Save of the pruned key after %v unseen: stats = %+v, want %+v", tc.unseenFor, got, want)
			}
		})
	}
}
