package metrics

import (
	"context"
	"testing"
	"time"

	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/data/sqlite"
)

// TestWithSQLiteStore wires the scrape-time functions to a real store the
// way cmd/govfeed does, so the two stay compatible.
func TestWithSQLiteStore(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 6, 17, 9, 0, 0, 0, time.UTC)
	st, err := sqlite.Open(ctx, t.TempDir(), sqlite.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })

	items := []data.Item{
		{SourceID: "cq-jrcq", Title: "一", Link: "https://www.cq.gov.cn/ywdt/jrcq/202606/t20260616_1.html"},
		{SourceID: "cq-jrcq", Title: "二", Link: "https://www.cq.gov.cn/ywdt/jrcq/202606/t20260616_2.html"},
	}
	data.AssignKeys(items)
	results := []data.FetchResult{
		{State: data.SourceState{SourceID: "cq-jrcq", LastAttempt: now, LastSuccess: now, LastYield: 2}, Items: items},
		{State: data.SourceState{SourceID: "zj-cwhy", LastAttempt: now, Failures: 4, ErrorClass: data.ErrBlocked, LastError: "http 412"}},
	}
	for _, r := range results {
		if _, err := st.Save(ctx, r); err != nil {
			t.Fatal(err)
		}
	}

	m := New()
	m.SetStore(func(ctx context.Context) (StoreStats, error) {
		s, err := st.Stats(ctx)
		return StoreStats{PerSource: s.PerSource, DBBytes: s.DBBytes}, err
	})
	m.SetHealth(st.States)
	fams := scrape(t, serve(t, m))

	tests := map[string]struct {
		name   string
		labels map[string]string
		want   float64
	}{
		"items of cq-jrcq":        {"govfeed_items_stored", map[string]string{"source": "cq-jrcq"}, 2},
		"items of zj-cwhy":        {"govfeed_items_stored", map[string]string{"source": "zj-cwhy"}, 0},
		"zj-cwhy blocked":         {"govfeed_source_blocked", map[string]string{"source": "zj-cwhy"}, 1},
		"zj-cwhy failures":        {"govfeed_source_failures", map[string]string{"source": "zj-cwhy"}, 4},
		"cq-jrcq not blocked":     {"govfeed_source_blocked", map[string]string{"source": "cq-jrcq"}, 0},
		"cq-jrcq last success":    {"govfeed_source_last_success_timestamp_seconds", map[string]string{"source": "cq-jrcq"}, float64(now.Unix())},
		"store read successfully": {"govfeed_scrape_collector_success", map[string]string{"collector": "store"}, 1},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := series(fams, tc.name, tc.labels)
			if s == nil {
				t.Fatalf("no %s%v", tc.name, tc.labels)
			}
			if got := s.GetGauge().GetValue(); got != tc.want {
				t.Errorf("%s%v = %v, want %v", tc.name, tc.labels, got, tc.want)
			}
		})
	}
	if s := series(fams, "govfeed_db_bytes", map[string]string{}); s.GetGauge().GetValue() <= 0 {
		t.Errorf("govfeed_db_bytes = %v, want the size of a real database", s.GetGauge().GetValue())
	}
	if s := series(fams, "govfeed_source_last_success_timestamp_seconds", map[string]string{"source": "zj-cwhy"}); s != nil {
		t.Errorf("a source that never succeeded has a last-success time: %v", s)
	}
}
