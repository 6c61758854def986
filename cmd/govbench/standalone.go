package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"time"

	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/data/cluster"
	"github.com/govfeed/govfeed/data/sqlite"
	"github.com/govfeed/govfeed/fetch"
	"github.com/govfeed/govfeed/fetch/clean"
	"github.com/govfeed/govfeed/fetch/web"
	"github.com/govfeed/govfeed/publish"
	"github.com/govfeed/govfeed/publish/guard"
	"github.com/govfeed/govfeed/publish/metrics"
)

// upstreamMain serves the synthetic upstream until ctx ends, for manual
// runs: point govfeed at it with GOVFEED_DIAL and a config from -config.
func upstreamMain(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("upstream", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:8399", "loopback address to serve on")
	o := upstreamOptions{}
	fs.IntVar(&o.Feeds, "feeds", 1000, "feeds (hosts f0001.bench.test ...)")
	fs.IntVar(&o.Items, "items", 50, "items per feed (0: 20 to 100)")
	fs.IntVar(&o.Sites, "sites", 0, "HTML list+article sites (hosts s0001.bench.test ...)")
	fs.IntVar(&o.SiteItems, "site-items", 20, "articles per site")
	fs.DurationVar(&o.Latency, "latency", 0, "added to every response")
	fs.Uint64Var(&o.Seed, "seed", 1, "seed of the content")
	rate := fs.Float64("rate", 0, "new items per second, each in a random source")
	config := fs.String("config", "", "also write a govfeed config of every source to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	host, _, err := net.SplitHostPort(*listen)
	if err != nil {
		return fmt.Errorf("-listen: %w", err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return errors.New("-listen must be a loopback address")
	}
	up := newUpstream(o)
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	if *config != "" {
		dir := filepath.Dir(*config)
		if err := writeConfig(*config, dir, 8080, options{Entries: 100, Concurrency: 16, PerHost: 2}, up, true); err != nil {
			return err
		}
	}
	srv := &http.Server{Handler: up, ReadHeaderTimeout: 10 * time.Second}
	go func() { <-ctx.Done(); _ = srv.Close() }()
	if *rate > 0 {
		go func() {
			t := time.NewTicker(time.Duration(float64(time.Second) / *rate))
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					up.change(1e-9) // one random source
				}
			}
		}()
	}
	fi, si := up.items()
	fmt.Fprintf(stdout, "serving %d feeds and %d sites (%d items) on http://%s; GOVFEED_DIAL=%s; stats at /_bench/stats\n",
		o.Feeds, o.Sites, fi+si, ln.Addr(), ln.Addr())
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// profileMain runs govfeed's fetch pipeline in-process (the same packages
// and wiring as `govfeed fetch`) over a synthetic upstream and writes CPU
// and heap profiles of the ingest and of the all-304 pass.
func profileMain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("profile", flag.ContinueOnError)
	o := upstreamOptions{}
	fs.IntVar(&o.Feeds, "feeds", 1000, "feeds")
	fs.IntVar(&o.Items, "items", 50, "items per feed")
	fs.IntVar(&o.Sites, "sites", 0, "HTML sites")
	fs.Uint64Var(&o.Seed, "seed", 1, "seed of the content")
	out := fs.String("out", "govbench-profile", "directory of the profiles (ingest.cpu, ingest.heap, 304.cpu)")
	conc := fs.Int("concurrency", 16, "fetch.Options.Concurrency")
	stories := fs.Bool("stories", true, "clustering on")
	serveFor := fs.Duration("serve", 0, "after the passes, serve /feed.atom (publish handler, metrics middleware, body guard) to wrk for this long per encoding and profile it (serve-plain.cpu, serve-gzip.cpu)")
	entries := fs.Int("entries", 200, "entries of the served feed")
	heapAt := fs.Duration("heap-at", 0, "also write the live heap this long into the ingest (ingest-mid.heap)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	up := newUpstream(o)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: up, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer func() { _ = srv.Close() }()

	dir, err := os.MkdirTemp("", "govbench-profile-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	copts := cluster.DefaultOptions()
	copts.Enabled = *stories
	st, err := sqlite.Open(ctx, dir, sqlite.Options{Cluster: copts})
	if err != nil {
		return err
	}
	defer func() { _ = st.Close() }()
	getter := &web.Getter{Client: web.NewClient(web.ClientOptions{DialAddr: ln.Addr().String()}), UserAgent: "govbench/1 (+https://github.com/govfeed/govfeed)"}
	runner := fetch.NewRunner(fetch.Options{
		Concurrency: *conc, PerHost: 2, Delay: time.Millisecond,
		Retention: func(string) fetch.Retention { return fetch.Retention{MaxAge: 365 * 24 * time.Hour, MaxItems: 2000} },
		Sanitizer: clean.NewSanitizer(),
		Logger:    slog.New(slog.DiscardHandler),
	}, getter, st)
	var srcs []data.Source
	for i, u := range up.feedURLs() {
		srcs = append(srcs, data.Source{ID: fmt.Sprintf("f%04d", i+1), URL: u, Kind: data.KindFeed, Location: beijing, Timeout: 2 * time.Minute})
	}
	for i, u := range up.siteURLs() {
		srcs = append(srcs, data.Source{ID: fmt.Sprintf("s%04d", i+1), URL: u, Kind: data.KindHTML, Location: beijing, Timeout: 2 * time.Minute})
	}
	pass := func(name string) error {
		f, err := os.Create(filepath.Join(*out, name+".cpu"))
		if err != nil {
			return err
		}
		defer func() { _ = f.Close() }()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		start := time.Now()
		var wg sync.WaitGroup
		var mu sync.Mutex
		outcomes := map[fetch.Outcome]int{}
		items := 0
		for _, s := range srcs {
			wg.Go(func() {
				r := runner.Run(ctx, s, true)
				mu.Lock()
				outcomes[r.Outcome]++
				items += r.Stats.New
				mu.Unlock()
			})
		}
		wg.Wait()
		pprof.StopCPUProfile()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		var parts []string
		for k, v := range outcomes {
			parts = append(parts, fmt.Sprintf("%d %s", v, k))
		}
		fmt.Fprintf(stdout, "%s: %s, %d new items, %s; heap in use %.1f MiB, stacks %.1f MiB, total alloc %.0f MiB\n",
			name, time.Since(start).Round(time.Millisecond), items, strings.Join(parts, ", "),
			float64(ms.HeapInuse)/(1<<20), float64(ms.StackInuse)/(1<<20), float64(ms.TotalAlloc)/(1<<20))
		h, err := os.Create(filepath.Join(*out, name+".heap"))
		if err != nil {
			return err
		}
		defer func() { _ = h.Close() }()
		return pprof.Lookup("allocs").WriteTo(h, 0)
	}
	runtime.SetBlockProfileRate(int(time.Millisecond))
	if *heapAt > 0 {
		t := time.AfterFunc(*heapAt, func() {
			if h, err := os.Create(filepath.Join(*out, "ingest-mid.heap")); err == nil {
				runtime.GC()
				_ = pprof.Lookup("heap").WriteTo(h, 0)
				_ = h.Close()
			}
		})
		defer t.Stop()
	}
	if err := pass("ingest"); err != nil {
		return err
	}
	if b, err := os.Create(filepath.Join(*out, "ingest.block")); err == nil {
		_ = pprof.Lookup("block").WriteTo(b, 0)
		_ = b.Close()
	}
	runtime.SetBlockProfileRate(0)
	if err := pass("304"); err != nil {
		return err
	}
	if *serveFor > 0 {
		if err := profileServe(ctx, st, srcs, *entries, *serveFor, *out, stdout); err != nil {
			return err
		}
	}
	fmt.Fprintf(stderr, "profiles in %s: go tool pprof -top %s/ingest.cpu\n", *out, *out)
	return nil
}

// profileServe serves the combined feed the way the daemon does (the
// publisher's handler, sending the combined feed from files, behind the
// metrics middleware and the body guard, on publish.NewServer) and
// profiles it under wrk.
func profileServe(ctx context.Context, st *sqlite.Store, srcs []data.Source, entries int, d time.Duration, out string, stdout io.Writer) error {
	p := publish.New(publish.Options{Title: "govbench", BaseURL: "http://127.0.0.1", Entries: entries}, st)
	defer p.Close()
	p.SetSources(srcs)
	if err := p.ServeFiles(filepath.Join(out, "cache")); err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/", metrics.New().Middleware("feeds", p.Handler()))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := publish.NewServer(ln.Addr().String(), guard.MaxBody(0, mux))
	go func() { _ = srv.Serve(ln) }()
	defer func() { _ = srv.Close() }()
	u := "http://" + ln.Addr().String() + "/feed.atom"
	if err := waitHTTP(ctx, u, 30*time.Second); err != nil {
		return err
	}
	b := &bench{opts: options{WrkThreads: 2, WrkConns: 64, WrkDuration: d}}
	for _, gz := range []bool{false, true} {
		name := "serve-plain"
		if gz {
			name = "serve-gzip"
		}
		f, err := os.Create(filepath.Join(out, name+".cpu"))
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		r, err := b.wrk(ctx, u, gz)
		pprof.StopCPUProfile()
		_ = f.Close()
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: %.0f req/s (%d errors)\n", name, r.RPS, r.Errors)
	}
	return nil
}
