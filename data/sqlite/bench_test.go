package sqlite

import (
	"context"
	"fmt"
	"testing"

	"github.com/govfeed/govfeed/data"
)

// BenchmarkSave stores one batch of 50 items: all new, or all unchanged.
func BenchmarkSave(b *testing.B) {
	ctx := context.Background()
	b.Run("new", func(b *testing.B) {
		s, _ := newStore(b)
		n := 0
		for b.Loop() {
			items := manyItems(fmt.Sprintf("b%d-", n), 50, t0)
			n++
			if _, err := s.Save(ctx, data.FetchResult{State: data.SourceState{SourceID: "src"}, Items: items}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("unchanged", func(b *testing.B) {
		s, _ := newStore(b)
		res := data.FetchResult{State: data.SourceState{SourceID: "src"}, Items: manyItems("k", 50, t0)}
		if _, err := s.Save(ctx, res); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			st, err := s.Save(ctx, res)
			if err != nil || st.Unchanged != 50 {
				b.Fatalf("Save = %+v, %v; want 50 unchanged", st, err)
			}
		}
	})
}

// BenchmarkRecent reads the newest 50 of 5000 items, across all sources and
// for one source.
func BenchmarkRecent(b *testing.B) {
	ctx := context.Background()
	s, _ := newStore(b)
	for i := range 10 {
		save(b, s, fmt.Sprintf("s%d", i), manyItems("k", 500, t0)...)
	}
	for name, q := range map[string]data.Query{
		"all":        {Limit: 50},
		"one source": {Limit: 50, SourceIDs: []string{"s3"}},
	} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				items, err := s.Recent(ctx, q)
				if err != nil || len(items) != 50 {
					b.Fatalf("Recent = %d items, %v", len(items), err)
				}
			}
		})
	}
}
