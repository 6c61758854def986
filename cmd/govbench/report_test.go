package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govfeed/govfeed/config"
	"github.com/govfeed/govfeed/data"
)

func TestParseWrk(t *testing.T) {
	tests := map[string]struct {
		out     string
		rps     float64
		errs    int
		wantErr bool
	}{
		"clean": {out: `Running 5s test @ http://127.0.0.1:8080/feed.atom
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.91ms    1.02ms  21.07ms   86.61%
  81422 requests in 5.00s, 14.20GB read
Requests/sec:  16283.40
Transfer/sec:      2.84GB
`, rps: 16283.40},
		"errors": {out: `  100 requests in 5.00s, 1.00MB read
  Socket errors: connect 1, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 4
Requests/sec:     20.00
`, rps: 20, errs: 10},
		"no summary": {out: "unable to connect to 127.0.0.1:1 Connection refused\n", wantErr: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r, err := parseWrk(wrkResult{}, tc.out)
			if (err != nil) != tc.wantErr {
				t.Fatalf("parseWrk error = %v, want error %v", err, tc.wantErr)
			}
			if r.RPS != tc.rps || r.Errors != tc.errs {
				t.Errorf("parseWrk = %.2f req/s, %d errors; want %.2f, %d", r.RPS, r.Errors, tc.rps, tc.errs)
			}
		})
	}
}

func TestReadHWM(t *testing.T) {
	path := filepath.Join(t.TempDir(), "status")
	status := "Name:\tgovfeed\nVmPeak:\t 1804360 kB\nVmHWM:\t   52480 kB\nVmRSS:\t   40000 kB\n"
	if err := os.WriteFile(path, []byte(status), 0o644); err != nil {
		t.Fatal(err)
	}
	if kb, ok := readHWM(path); !ok || kb != 52480 {
		t.Errorf("readHWM = %d, %v; want 52480, true", kb, ok)
	}
	if _, ok := readHWM(filepath.Join(t.TempDir(), "missing")); ok {
		t.Error("readHWM of a missing file reported a value")
	}
}

func TestPercentile(t *testing.T) {
	xs := []float64{5, 1, 4, 2, 3}
	if got := median(xs); got != 3 {
		t.Errorf("median = %v, want 3", got)
	}
	if got := percentile(xs, 0.95); got != 5 {
		t.Errorf("p95 = %v, want 5", got)
	}
	if got := percentile(nil, 0.5); got != 0 {
		t.Errorf("percentile(nil) = %v, want 0", got)
	}
	if xs[0] != 5 {
		t.Error("percentile sorted its argument")
	}
}

// TestConfigIsValid checks that govfeed accepts the config govbench writes
// and reads every source with the right kind, and stories on or off.
func TestConfigIsValid(t *testing.T) {
	for _, stories := range []bool{true, false} {
		t.Run(fmt.Sprintf("stories=%v", stories), func(t *testing.T) {
			cfg := writeAndParse(t, stories)
			if cfg.Stories.Enabled != stories {
				t.Errorf("stories enabled = %v, want %v", cfg.Stories.Enabled, stories)
			}
		})
	}
}

// writeAndParse writes the config of a small upstream with writeConfig,
// parses it as govfeed does and checks its sources and defaults.
func writeAndParse(t *testing.T, stories bool) *config.Config {
	t.Helper()
	up := newUpstream(upstreamOptions{Feeds: 3, Items: 1, Sites: 2, SiteItems: 1})
	dir := t.TempDir()
	path := filepath.Join(dir, "govfeed.yaml")
	o := options{Entries: 200, Concurrency: 16, PerHost: 2}
	if err := writeConfig(path, dir, 18080, o, up, stories); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse(path, b)
	if err != nil {
		t.Fatalf("govfeed refuses the config: %v\n%s", err, b)
	}
	var got []string
	for _, s := range cfg.Sources {
		got = append(got, s.ID+" "+string(s.Kind)+" "+s.URL)
	}
	want := []string{
		"f0001 feed http://f0001.bench.test/rss.xml",
		"f0002 feed http://f0002.bench.test/rss.xml",
		"f0003 feed http://f0003.bench.test/rss.xml",
		"s0001 html http://s0001.bench.test/xwdt/index.html",
		"s0002 html http://s0002.bench.test/xwdt/index.html",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sources (-want +got):\n%s", diff)
	}
	if cfg.Defaults.Concurrency != 16 || cfg.Defaults.PerHost != 2 || cfg.Feed.Entries != 200 || cfg.DataDir != filepath.Join(dir, "data") {
		t.Errorf("config = concurrency %d, per_host %d, entries %d, data_dir %q", cfg.Defaults.Concurrency, cfg.Defaults.PerHost, cfg.Feed.Entries, cfg.DataDir)
	}
	if cfg.Sources[0].Kind != data.KindFeed {
		t.Errorf("kind %q", cfg.Sources[0].Kind)
	}
	return cfg
}

func TestCheckTargets(t *testing.T) {
	main := &scenarioResult{
		Name: "feeds-1000x50", Feeds: 1000, ListedItems: 50000, ChangedSrcs: 10,
		BaseIngest:  &pass{WallMS: 4000},
		Base304:     &pass{WallMS: 150},
		FloorIngest: &pass{WallMS: 5800, New: 50000},
		Ingest:      &pass{WallMS: 5000, New: 50000, MaxRSSMiB: 60},
		NotModified: &pass{WallMS: 400, MaxRSSMiB: 30, Requests: counts{Total: 1000, NotModified: 1000}},
		Changed:     &pass{WallMS: 450, New: 10, MaxRSSMiB: 70, Requests: counts{Total: 1000, OK: 10, NotModified: 990}},
		DBBytes:     150, RawBytes: 100, DBPerRaw: 1.5,
		Serve: &serveResult{Best: map[string]float64{"govfeed plain": 90, "nginx plain": 100, "govfeed gzip": 70, "nginx gzip": 100},
			PlainRatio: 0.9, GzipRatio: 0.7},
	}
	rep := &report{Scenarios: []*scenarioResult{main,
		{Name: "feeds-100x5", Curve: true, Feeds: 100, ListedItems: 500, Ingest: &pass{WallMS: 100}, NotModified: &pass{WallMS: 20}},
		{Name: "feeds-1000x5", Curve: true, Feeds: 1000, ListedItems: 5000, Ingest: &pass{WallMS: 600}, NotModified: &pass{WallMS: 300}},
	}}
	got := map[string]bool{}
	for _, tg := range checkTargets(rep) {
		got[tg.Name] = tg.OK
	}
	want := map[string]bool{
		"ingest from empty (1000 sources)":             true, // 1.25×
		"every item stored (1000 sources)":             true,
		"all-304 pass (1000 sources)":                  false, // 2.67×
		"all-304 govfeed fetch process (1000 sources)": true,
		"all-304 downloads nothing (1000 sources)":     true,
		"pass with 10 sources changed":                 true,
		"peak RSS (1000 sources)":                      false, // 70 MiB in the changed pass
		"database size (1000 sources)":                 false, // 1.5× is not under 1.5×
		"serving /feed.atom plain":                     true,
		"serving /feed.atom gzip":                      false,
		"ingest grows linearly with sources":           true,  // 120 vs 200 µs per item
		"all-304 pass grows linearly with sources":     false, // 300 vs 200 µs per source
		"ingest grows linearly with items":             true,  // 100 vs 120 µs per item
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("targets met (-want +got):\n%s", diff)
	}
	rep.Targets = checkTargets(rep)
	var buf bytes.Buffer
	printReport(&buf, rep)
	for _, s := range []string{"| feeds-1000x50 | govfeed fetch | ingest | 5.00 s |", "| feeds-1000x50 | storage floor | ingest | 5.80 s |",
		"| ingest from empty (1000 sources) | ≤ 1.5× the library limit | 5.00 s vs 4.00 s = 1.25× (storage floor 5.80 s = 1.45×) | yes |",
		"| all-304 pass (1000 sources) | ≤ 2× the library limit | 400 ms vs 150 ms = 2.67× | **no** |"} {
		if !strings.Contains(buf.String(), s) {
			t.Errorf("report lacks %q:\n%s", s, buf.String())
		}
	}
}
