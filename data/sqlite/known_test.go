package sqlite

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/govfeed/govfeed/data"
)

func TestKnown(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	save(t, s, "src", daily(3)...) // d0 newest, d2 oldest
	save(t, s, "other", item("x", t0))
	if n, err := s.Prune(ctx, "src", 0, 2); err != nil || n != 1 {
		t.Fatalf("Prune = %d, %v; want d2 deleted", n, err)
	}
	stored := byKey(t, s, "src")

	got, err := s.Known(ctx, "src", []string{"d0", "d2", "new", "d0", "", "x"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]data.Item{
		"d0": stored["d0"],
		"d2": {SourceID: "src", Key: "d2"}, // tombstoned: ID 0
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Known (-want +got):\n%s", diff)
	}
	if got["d0"].ID == 0 || got["d0"].Content == "" {
		t.Errorf("Known stored item lacks ID or content: %+v", got["d0"])
	}

	if got, err := s.Known(ctx, "src", nil); err != nil || len(got) != 0 {
		t.Errorf("Known(no keys) = %v, %v; want empty", got, err)
	}
}

// TestKnownManyKeys asks about more keys than one query may bind.
func TestKnownManyKeys(t *testing.T) {
	s, _ := newStore(t)
	items := manyItems("k", 1100, t0)
	save(t, s, "src", items...)
	ask := make([]string, 0, 2*len(items))
	for i := range items {
		ask = append(ask, items[i].Key, fmt.Sprintf("unknown%04d", i))
	}
	got, err := s.Known(context.Background(), "src", ask)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(items) {
		t.Errorf("Known returned %d items, want %d", len(got), len(items))
	}
	for _, it := range items {
		if got[it.Key].Title != it.Title {
			t.Fatalf("Known[%q].Title = %q, want %q", it.Key, got[it.Key].Title, it.Title)
		}
	}
}
