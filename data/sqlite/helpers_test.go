package sqlite

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govfeed/govfeed/data"
)

// t0 is the tests' starting "now".
var t0 = time.Date(2026, 6, 17, 1, 0, 0, 0, time.UTC)

// clock is an injectable, settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *clock { return &clock{t: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// openStore opens a store in dir and closes it when the test ends.
func openStore(tb testing.TB, dir string, c *clock) *Store {
	tb.Helper()
	s, err := Open(context.Background(), dir, Options{Now: c.Now})
	if err != nil {
		tb.Fatalf("Open(%s): %v", dir, err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return s
}

// newStore opens a store in a fresh temporary directory.
func newStore(tb testing.TB) (*Store, *clock) {
	tb.Helper()
	c := newClock(t0)
	return openStore(tb, tb.TempDir(), c), c
}

func save(tb testing.TB, s *Store, source string, items ...data.Item) data.SaveStats {
	tb.Helper()
	st, err := s.Save(context.Background(), data.FetchResult{
		State: data.SourceState{SourceID: source, LastAttempt: t0},
		Items: items,
	})
	if err != nil {
		tb.Fatalf("Save(%s): %v", source, err)
	}
	return st
}

func recent(tb testing.TB, s *Store, q data.Query) []data.Item {
	tb.Helper()
	items, err := s.Recent(context.Background(), q)
	if err != nil {
		tb.Fatalf("Recent(%+v): %v", q, err)
	}
	return items
}

// item is a keyed item with some content.
func item(key string, published time.Time) data.Item {
	return data.Item{
		Key:       key,
		GUID:      key,
		Title:     "title " + key,
		Link:      "https://www.example.gov.cn/" + key + ".html",
		Summary:   "<p>summary " + key + "</p>",
		Content:   "<p>content " + key + "</p>",
		Published: published,
	}
}

// keys lists the items' keys in order.
func keys(items []data.Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.Key
	}
	return out
}

// totalChanges is the number of rows the writer connection has changed.
func totalChanges(tb testing.TB, s *Store) int64 {
	tb.Helper()
	var n int64
	if err := s.w.QueryRow("SELECT total_changes()").Scan(&n); err != nil {
		tb.Fatalf("total_changes: %v", err)
	}
	return n
}

// noise returns n pseudo-random CJK characters: text that compresses little.
func noise(n int, seed uint32) string {
	var b strings.Builder
	x := seed*2654435761 + 1
	for range n {
		x = x*1664525 + 1013904223
		b.WriteRune(rune(0x4e00 + (x>>8)%0x5000))
	}
	return b.String()
}

func manyItems(prefix string, n int, base time.Time) []data.Item {
	items := make([]data.Item, n)
	for i := range items {
		items[i] = item(fmt.Sprintf("%s%03d", prefix, i), base.Add(-time.Duration(i)*time.Minute))
	}
	return items
}
