package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// options are govbench's flags.
type options struct {
	Feeds       int
	Items       int
	Sites       int
	SiteItems   int
	Curve       []int
	Latency     time.Duration
	Concurrency int
	PerHost     int
	Workers     int
	Entries     int
	Serve       bool
	WrkDuration time.Duration
	WrkConns    int
	WrkThreads  int
	ServeRounds int
	StoreItems  int
	StoreSaved  int
	CurveItems  int
	StoreDir    string
	Work        string
	Keep        bool
	JSON        string
	Govfeed     string
	Quick       bool
	Seed        uint64
	Env         []string // extra environment of the govfeed processes
}

// bench is one govbench run.
type bench struct {
	opts    options
	work    string // working directory
	govfeed string // the binary under test
	self    string // this program, for the baseline child
	log     io.Writer
}

func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(b.log, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

func parseOptions(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("govbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.Feeds, "feeds", 1000, "feed sources of the main scenario")
	fs.IntVar(&o.Items, "items", 50, "items per feed (0: 20 to 100, drawn per feed)")
	fs.IntVar(&o.Sites, "sites", 100, "HTML list+article sites of the html scenario (0: skip it)")
	fs.IntVar(&o.SiteItems, "site-items", 20, "articles per HTML site")
	curve := fs.String("curve", "100,1000,10000", "source counts of the scaling curve (ingest and 304 pass each; empty: skip)")
	fs.DurationVar(&o.Latency, "latency", 50*time.Millisecond, "upstream latency of the latency scenario (0: skip it)")
	fs.IntVar(&o.Concurrency, "concurrency", 16, "govfeed defaults.concurrency")
	fs.IntVar(&o.PerHost, "per-host", 2, "govfeed defaults.per_host")
	fs.IntVar(&o.Workers, "workers", 16, "workers of the library-limit program")
	fs.IntVar(&o.Entries, "entries", 200, "feed.entries of the served combined feed")
	fs.BoolVar(&o.Serve, "serve", true, "compare serving /feed.atom with nginx (needs wrk and nginx)")
	fs.DurationVar(&o.WrkDuration, "wrk-duration", 5*time.Second, "duration of each wrk run")
	fs.IntVar(&o.WrkConns, "wrk-connections", 64, "wrk connections")
	fs.IntVar(&o.WrkThreads, "wrk-threads", 2, "wrk threads")
	fs.IntVar(&o.ServeRounds, "serve-rounds", 2, "wrk rounds per server and encoding (the best counts)")
	fs.IntVar(&o.StoreItems, "store-items", 1_000_000, "items of the big store the render and story benchmarks use (0: skip)")
	fs.IntVar(&o.StoreSaved, "store-saved", 20_000, "of those, the newest saved through Store.Save (clustering on); the rest are SQL copies dated before them")
	fs.IntVar(&o.CurveItems, "curve-items", 5, "items per feed in the scaling curve and the latency scenario")
	fs.StringVar(&o.StoreDir, "store-dir", "", "keep the big store here and reuse it in later runs (default: inside -work)")
	fs.StringVar(&o.Work, "work", "", "working directory (default: a new temporary directory)")
	fs.BoolVar(&o.Keep, "keep", false, "keep the working directory")
	fs.StringVar(&o.JSON, "json", "", "write the results as JSON to this file (default: result.json in the working directory)")
	fs.StringVar(&o.Govfeed, "govfeed", "", "govfeed binary to measure (default: built from this module)")
	fs.BoolVar(&o.Quick, "quick", false, "a short run: 200 feeds, curve 100,1000, 20 sites, 100k-item store (10k saved), 3 s wrk runs, one round")
	fs.Uint64Var(&o.Seed, "seed", 1, "seed of the synthetic content")
	fs.Func("govfeed-env", "`KEY=VALUE` added to the environment of every govfeed process (repeatable), e.g. GOMEMLIMIT=48MiB", func(v string) error {
		if !strings.Contains(v, "=") {
			return fmt.Errorf("want KEY=VALUE, got %q", v)
		}
		o.Env = append(o.Env, v)
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if o.Quick {
		quick := map[string]func(){
			"feeds":        func() { o.Feeds = 200 },
			"curve":        func() { *curve = "100,1000" },
			"sites":        func() { o.Sites = 20 },
			"store-items":  func() { o.StoreItems = 100_000 },
			"store-saved":  func() { o.StoreSaved = 10_000 },
			"wrk-duration": func() { o.WrkDuration = 3 * time.Second },
			"serve-rounds": func() { o.ServeRounds = 1 },
		}
		for name, f := range quick {
			if !set[name] {
				f()
			}
		}
	}
	for _, s := range strings.Split(*curve, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return o, fmt.Errorf("-curve: bad source count %q", s)
		}
		o.Curve = append(o.Curve, n)
	}
	if o.Feeds < 1 || o.Concurrency < 1 || o.PerHost < 1 || o.Workers < 1 || o.Entries < 1 {
		return o, errors.New("-feeds, -concurrency, -per-host, -workers and -entries must be positive")
	}
	return o, nil
}

// report is everything one run measured.
type report struct {
	Machine   machine           `json:"machine"`
	Options   options           `json:"options"`
	Scenarios []*scenarioResult `json:"scenarios"`
	Store     *storeResult      `json:"store,omitempty"`
	Targets   []target          `json:"targets"`
	Errors    []string          `json:"errors,omitempty"`
	TotalS    float64           `json:"total_s"`
}

func benchMain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseOptions(args, stderr)
	if err != nil {
		return err
	}
	start := time.Now()
	b := &bench{opts: o, log: stderr}
	if b.self, err = os.Executable(); err != nil {
		return err
	}
	b.work = o.Work
	if b.work == "" {
		if b.work, err = os.MkdirTemp("", "govbench-"); err != nil {
			return err
		}
		if !o.Keep {
			defer func() { _ = removeAll(b.work) }()
		}
	} else if err := os.MkdirAll(b.work, 0o755); err != nil {
		return err
	}
	if b.govfeed = o.Govfeed; b.govfeed == "" {
		b.logf("building govfeed")
		if b.govfeed, err = buildGovfeed(ctx, b.work); err != nil {
			return err
		}
	}
	rep := &report{Machine: describeMachine(ctx), Options: o}
	b.logf("machine: %s, %d CPUs, %s, load %s", rep.Machine.CPU, rep.Machine.CPUs, rep.Machine.Memory, rep.Machine.LoadStart)

	for _, sc := range b.scenarios() {
		r, err := b.runScenario(ctx, sc)
		if r != nil {
			rep.Scenarios = append(rep.Scenarios, r)
		}
		if err != nil {
			if ctx.Err() != nil {
				return err
			}
			rep.Errors = append(rep.Errors, fmt.Sprintf("%s: %v", sc.Name, err))
			b.logf("scenario %s failed: %v", sc.Name, err)
		}
	}
	if o.StoreItems > 0 {
		r, err := b.bigStore(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return err
			}
			rep.Errors = append(rep.Errors, fmt.Sprintf("big store: %v", err))
			b.logf("big store failed: %v", err)
		}
		rep.Store = r
	}
	rep.Machine.LoadEnd = loadAvg()
	rep.TotalS = time.Since(start).Seconds()
	rep.Targets = checkTargets(rep)
	printReport(stdout, rep)

	path := o.JSON
	if path == "" {
		path = filepath.Join(b.work, "result.json")
	}
	js, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(js, '\n'), 0o644); err != nil {
		return err
	}
	if o.JSON != "" || o.Keep || o.Work != "" {
		b.logf("results: %s", path)
	}
	if len(rep.Errors) > 0 {
		return fmt.Errorf("%d stage(s) failed: %s", len(rep.Errors), strings.Join(rep.Errors, "; "))
	}
	return nil
}

// scenarios lists the end-to-end workloads of this run, the main one
// first.
func (b *bench) scenarios() []scenario {
	o := b.opts
	up := func(feeds, items int, lat time.Duration) upstreamOptions {
		return upstreamOptions{Feeds: feeds, Items: items, Latency: lat, Seed: o.Seed}
	}
	out := []scenario{{
		Name: fmt.Sprintf("feeds-%dx%d", o.Feeds, o.Items), Upstream: up(o.Feeds, o.Items, 0),
		Baseline: true, Floor: true, Change: 0.01, Serve: o.Serve, NoStories: true,
	}}
	for _, n := range o.Curve {
		if n == o.Feeds && o.CurveItems == o.Items {
			continue // the main scenario is that point
		}
		out = append(out, scenario{Name: fmt.Sprintf("feeds-%dx%d", n, o.CurveItems), Upstream: up(n, o.CurveItems, 0), Baseline: true, Change: 0.01, Curve: true})
	}
	if o.Latency > 0 {
		out = append(out, scenario{Name: fmt.Sprintf("feeds-%dx%d-latency-%s", o.Feeds, o.CurveItems, o.Latency),
			Upstream: up(o.Feeds, o.CurveItems, o.Latency), Baseline: true, Change: 0.01})
	}
	if o.Sites > 0 {
		out = append(out, scenario{
			Name:     fmt.Sprintf("html-%d", o.Sites),
			Upstream: upstreamOptions{Sites: o.Sites, SiteItems: o.SiteItems, Seed: o.Seed},
			Change:   0.05,
		})
	}
	return out
}

// buildGovfeed builds ./cmd/govfeed of the module govbench runs in.
func buildGovfeed(ctx context.Context, work string) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("find the module: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("run govbench inside the govfeed module, or pass -govfeed")
	}
	bin := filepath.Join(work, "govfeed")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/govfeed")
	cmd.Dir = filepath.Dir(mod)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/govfeed: %w: %s", err, tail(string(out), 600))
	}
	return bin, nil
}

// machine describes where the numbers come from.
type machine struct {
	CPU       string `json:"cpu"`
	CPUs      int    `json:"cpus"`
	Memory    string `json:"memory"`
	Go        string `json:"go"`
	Kernel    string `json:"kernel"`
	Date      string `json:"date"`
	LoadStart string `json:"load_start"`
	LoadEnd   string `json:"load_end"`
}

func describeMachine(ctx context.Context) machine {
	m := machine{CPUs: runtime.NumCPU(), Go: runtime.Version(), Date: time.Now().UTC().Format("2006-01-02 15:04 UTC"), LoadStart: loadAvg()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if f := strings.Fields(l); len(f) >= 2 && f[0] == "MemTotal:" {
				kb, _ := strconv.ParseFloat(f[1], 64)
				m.Memory = fmt.Sprintf("%.1f GiB", kb/(1<<20))
			}
		}
	}
	if out, err := exec.CommandContext(ctx, "uname", "-sr").Output(); err == nil {
		m.Kernel = strings.TrimSpace(string(out))
	}
	if out, err := exec.CommandContext(ctx, "go", "version").Output(); err == nil {
		m.Go = strings.TrimSpace(strings.TrimPrefix(string(out), "go version "))
	}
	return m
}
