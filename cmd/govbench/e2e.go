package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // counting the stored items
)

// scenario is one end-to-end workload.
type scenario struct {
	Name     string
	Upstream upstreamOptions
	Baseline bool    // also run the library-limit program
	Floor    bool    // with Baseline: also its storage floor (floor.go)
	Change   float64 // after the all-304 pass, a pass with this fraction of sources changed (0: none)
	Serve    bool    // then run the daemon on the data and compare its serving with nginx
	Curve    bool    // a point of the scaling curve
	// NoStories also ingests from empty with story clustering off, into a
	// store of its own: what clustering costs the ingest.
	NoStories bool
}

// pass is one run of a program over all sources.
type pass struct {
	WallMS    float64 `json:"wall_ms"`            // the whole process
	InnerMS   float64 `json:"inner_ms,omitempty"` // the fetch pass inside the process (baseline only)
	UserMS    float64 `json:"user_ms"`            // CPU
	SysMS     float64 `json:"sys_ms"`             //
	MaxRSSMiB float64 `json:"max_rss_mib"`        // peak resident set
	Requests  counts  `json:"requests"`           // what the upstream served during the pass
	New       int     `json:"new_items"`          // items stored (govfeed) or parsed (baseline)
	Failed    int     `json:"failed_sources"`     //
	Error     string  `json:"error,omitempty"`    //
	Load      string  `json:"load"`               // load average when the pass started
	Outcomes  string  `json:"outcomes,omitempty"` // govfeed's per-outcome counts
}

// scenarioResult is what one scenario measured.
type scenarioResult struct {
	Name            string       `json:"name"`
	Curve           bool         `json:"curve,omitempty"`
	Feeds           int          `json:"feeds"`
	Sites           int          `json:"sites"`
	ListedItems     int          `json:"listed_items"`
	LatencyMS       float64      `json:"latency_ms"`
	Concurrency     int          `json:"concurrency"`
	PerHost         int          `json:"per_host"`
	BaseIngest      *pass        `json:"baseline_ingest,omitempty"`
	Base304         *pass        `json:"baseline_304,omitempty"`
	FloorIngest     *pass        `json:"floor_ingest,omitempty"` // the library limit that also sanitizes and stores (floor.go)
	Ingest          *pass        `json:"govfeed_ingest"`
	IngestNoStories *pass        `json:"govfeed_ingest_no_stories,omitempty"` // the same with stories off (scenario.NoStories)
	Index           *pass        `json:"govfeed_index"`                       // govfeed index right after the ingest: the search index of its items
	NotModified     *pass        `json:"govfeed_304"`
	Changed         *pass        `json:"govfeed_changed,omitempty"`
	ChangedSrcs     int          `json:"changed_sources,omitempty"`
	StoredItems     int          `json:"stored_items"`
	DBBytes         int64        `json:"db_bytes"`
	RawBytes        int64        `json:"raw_bytes"` // upstream bytes govfeed's ingest fetched
	DBPerItem       float64      `json:"db_bytes_per_item"`
	DBPerRaw        float64      `json:"db_per_raw"`
	Serve           *serveResult `json:"serve,omitempty"`
}

// runScenario starts the upstream and measures sc.
func (b *bench) runScenario(ctx context.Context, sc scenario) (*scenarioResult, error) {
	b.logf("scenario %s: generating %d feeds and %d sites", sc.Name, sc.Upstream.Feeds, sc.Upstream.Sites)
	up := newUpstream(sc.Upstream)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("scenario %s: listen: %w", sc.Name, err)
	}
	srv := &http.Server{Handler: up, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer func() { _ = srv.Close() }()
	dial := ln.Addr().String()

	dir := filepath.Join(b.work, sc.Name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	fi, si := up.items()
	res := &scenarioResult{
		Name: sc.Name, Curve: sc.Curve, Feeds: sc.Upstream.Feeds, Sites: sc.Upstream.Sites, ListedItems: fi + si,
		LatencyMS: ms(sc.Upstream.Latency), Concurrency: b.opts.Concurrency, PerHost: b.opts.PerHost,
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cfg := filepath.Join(dir, "govfeed.yaml")
	if err := writeConfig(cfg, dir, port, b.opts, up, true); err != nil {
		return nil, err
	}

	if sc.Baseline && sc.Upstream.Feeds > 0 {
		urls := filepath.Join(dir, "urls.txt")
		if err := os.WriteFile(urls, []byte(strings.Join(up.feedURLs(), "\n")+"\n"), 0o644); err != nil {
			return nil, err
		}
		state := filepath.Join(dir, "baseline-state.json")
		for _, dst := range []**pass{&res.BaseIngest, &res.Base304} {
			b.logf("scenario %s: library limit pass", sc.Name)
			p, err := b.baselineRun(ctx, up, dial, urls, state, "")
			if err != nil {
				return res, err
			}
			*dst = p
		}
		if sc.Floor {
			b.logf("scenario %s: storage floor ingest", sc.Name)
			floor := filepath.Join(dir, "floor")
			if err := os.RemoveAll(floor); err != nil {
				return res, err
			}
			if err := os.MkdirAll(floor, 0o755); err != nil {
				return res, err
			}
			// No validators: like govfeed's, this ingest starts from empty.
			if res.FloorIngest, err = b.baselineRun(ctx, up, dial, urls, "", floor); err != nil {
				return res, err
			}
		}
	}

	env := append([]string{"GOVFEED_DIAL=" + dial}, b.opts.Env...)
	if sc.NoStories {
		b.logf("scenario %s: govfeed ingest from empty, stories off", sc.Name)
		if res.IngestNoStories, err = b.ingestWithoutStories(ctx, up, env, dir, port); err != nil {
			return res, err
		}
	}
	b.logf("scenario %s: govfeed ingest from empty", sc.Name)
	if res.Ingest, err = b.govfeedFetch(ctx, up, env, cfg); err != nil {
		return res, err
	}
	res.RawBytes = res.Ingest.Requests.Bytes
	// fetch queues its items for the search index and leaves it to the
	// daemon; build it now, timed, so that the database is measured whole.
	b.logf("scenario %s: govfeed index", sc.Name)
	if res.Index, err = b.govfeedIndex(ctx, env, cfg); err != nil {
		return res, err
	}
	if res.DBBytes, err = dbBytes(filepath.Join(dir, "data")); err != nil {
		return res, err
	}
	b.logf("scenario %s: govfeed all-304 pass", sc.Name)
	if res.NotModified, err = b.govfeedFetch(ctx, up, env, cfg); err != nil {
		return res, err
	}
	if sc.Change > 0 {
		res.ChangedSrcs = up.change(sc.Change)
		b.logf("scenario %s: govfeed pass with %d sources changed", sc.Name, res.ChangedSrcs)
		if res.Changed, err = b.govfeedFetch(ctx, up, env, cfg); err != nil {
			return res, err
		}
	}
	if res.StoredItems, err = countItems(filepath.Join(dir, "data", "govfeed.db")); err != nil {
		return res, err
	}
	if res.Ingest.New > 0 {
		res.DBPerItem = float64(res.DBBytes) / float64(res.Ingest.New)
	}
	if res.RawBytes > 0 {
		res.DBPerRaw = float64(res.DBBytes) / float64(res.RawBytes)
	}
	if sc.Serve {
		b.logf("scenario %s: serving benchmark", sc.Name)
		if res.Serve, err = b.serve(ctx, dir, cfg, port, env); err != nil {
			return res, err
		}
	}
	return res, nil
}

// baselineRun runs one pass of the library-limit program: with a state
// file, conditional on the last pass; with a store directory, as the
// storage floor, and then New counts the items it stored.
func (b *bench) baselineRun(ctx context.Context, up *upstream, dial, urls, state, store string) (*pass, error) {
	before := up.stats.snapshot()
	p := &pass{Load: loadAvg()}
	args := []string{"baseline", "-urls", urls, "-dial", dial, "-workers", strconv.Itoa(b.opts.Workers)}
	if state != "" {
		args = append(args, "-state", state)
	}
	if store != "" {
		args = append(args, "-store", store)
	}
	pr, err := runProc(ctx, nil, b.self, args...)
	p.fill(pr)
	p.Requests = up.stats.snapshot().sub(before)
	if err != nil {
		return p, err
	}
	var r baselineResult
	if err := json.Unmarshal(pr.Stdout, &r); err != nil {
		return p, fmt.Errorf("baseline output %q: %w", tail(string(pr.Stdout), 200), err)
	}
	p.InnerMS, p.New, p.Failed, p.Error = float64(r.PassNS)/1e6, r.Items, r.Failed, r.FirstError
	if store != "" {
		p.New = r.Stored
	}
	return p, nil
}

// totalRe reads govfeed fetch's last line.
var totalRe = regexp.MustCompile(`total: (\d+) sources \(([^)]*)\); (\d+) new, (\d+) updated, (\d+) unchanged items`)

// govfeedFetch runs `govfeed fetch` once over all sources.
func (b *bench) govfeedFetch(ctx context.Context, up *upstream, env []string, cfg string) (*pass, error) {
	before := up.stats.snapshot()
	p := &pass{Load: loadAvg()}
	pr, runErr := runProc(ctx, env, b.govfeed, "fetch", "--config", cfg)
	p.fill(pr)
	p.Requests = up.stats.snapshot().sub(before)
	m := totalRe.FindSubmatch(pr.Stdout)
	if m == nil {
		if runErr == nil {
			runErr = errors.New("no total line")
		}
		return p, fmt.Errorf("govfeed fetch: %w", runErr)
	}
	p.New, _ = strconv.Atoi(string(m[3]))
	p.Outcomes = string(m[2])
	for _, line := range strings.Split(string(pr.Stdout), "\n") {
		if f := strings.Fields(line); len(f) > 1 && (f[1] == "failed" || f[1] == "canceled") {
			p.Failed++
			if p.Error == "" {
				p.Error = line
			}
		}
	}
	return p, nil
}

// ingestWithoutStories runs the ingest from empty with story clustering
// off, in a directory of its own under dir that it removes afterwards.
func (b *bench) ingestWithoutStories(ctx context.Context, up *upstream, env []string, dir string, port int) (*pass, error) {
	plain := filepath.Join(dir, "no-stories")
	defer func() { _ = os.RemoveAll(plain) }()
	if err := os.MkdirAll(plain, 0o755); err != nil {
		return nil, err
	}
	cfg := filepath.Join(plain, "govfeed.yaml")
	if err := writeConfig(cfg, plain, port, b.opts, up, false); err != nil {
		return nil, err
	}
	return b.govfeedFetch(ctx, up, env, cfg)
}

// indexRe reads govfeed index's output.
var indexRe = regexp.MustCompile(`^indexed (\d+) items`)

// govfeedIndex runs `govfeed index` once.
func (b *bench) govfeedIndex(ctx context.Context, env []string, cfg string) (*pass, error) {
	p := &pass{Load: loadAvg()}
	pr, runErr := runProc(ctx, env, b.govfeed, "index", "--config", cfg)
	p.fill(pr)
	m := indexRe.FindSubmatch(pr.Stdout)
	if m == nil {
		if runErr == nil {
			runErr = fmt.Errorf("unexpected output %q", pr.Stdout)
		}
		return p, fmt.Errorf("govfeed index: %w", runErr)
	}
	p.New, _ = strconv.Atoi(string(m[1]))
	return p, nil
}

func (p *pass) fill(pr procResult) {
	p.WallMS, p.UserMS, p.SysMS = ms(pr.Wall), ms(pr.User), ms(pr.Sys)
	p.MaxRSSMiB = float64(pr.MaxRSSKB) / 1024
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

// writeConfig writes the govfeed config of a scenario: every feed and
// site of up as a source, its store under dir, retention at its defaults,
// and stories at theirs, or off.
func writeConfig(path, dir string, port int, o options, up *upstream, stories bool) error {
	var b strings.Builder
	fmt.Fprintf(&b, `# Written by govbench.
listen: 127.0.0.1:%d
data_dir: %s
feed:
  title: govbench
  base_url: http://127.0.0.1:%d
  entries: %d
defaults:
  schedule: "@every 24h"
  jitter: 0s
  timeout: 120s
  user_agent: "govbench/1 (+https://github.com/govfeed/govfeed)"
  concurrency: %d
  per_host: %d
  delay: 1ms
log:
  level: warn
`, port, strconv.Quote(filepath.Join(dir, "data")), port, o.Entries, o.Concurrency, o.PerHost)
	if !stories {
		b.WriteString("stories:\n  enabled: false\n")
	}
	b.WriteString("sources:\n")
	for i, u := range up.feedURLs() {
		fmt.Fprintf(&b, "  - {id: f%04d, url: %q}\n", i+1, u)
	}
	for i, u := range up.siteURLs() {
		fmt.Fprintf(&b, "  - {id: s%04d, url: %q, kind: html}\n", i+1, u)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// dbBytes is the size of the store's database files.
func dbBytes(dir string) (int64, error) {
	var n int64
	for _, name := range []string{"govfeed.db", "govfeed.db-wal", "govfeed.db-shm"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return 0, err
		}
		n += fi.Size()
	}
	return n, nil
}

// countItems counts the stored items, read-only.
func countItems(path string) (int, error) {
	u := url.URL{Scheme: "file", Path: path, RawQuery: "mode=ro"}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		return 0, err
	}
	defer func() { _ = db.Close() }()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM items`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count items in %s: %w", path, err)
	}
	return n, nil
}

// freePort returns a loopback port that was free a moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer func() { _ = ln.Close() }()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
