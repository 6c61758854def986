package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"reflect"
	"syscall"
	"time"

	"github.com/govfeed/govfeed/config"
	"github.com/govfeed/govfeed/fetch"
	"github.com/govfeed/govfeed/fetch/web"
	"github.com/govfeed/govfeed/publish"
	"github.com/govfeed/govfeed/publish/guard"
)

func runCommand() command {
	c := command{
		name:    "run",
		summary: "run the daemon: fetch on schedule and serve the feeds",
		help: `NAME
    govfeed run - run the govfeed daemon

SYNOPSIS
    govfeed run [--config FILE]

DESCRIPTION
    Fetches every configured source on its own schedule (a cron spec or
    "@every 30m", with a small random jitter), stores new and changed items
    in the SQLite database under data_dir, and serves the feeds over HTTP on
    the configured listen address:

        GET /feed.atom            the newest entries across all sources
        GET /sources/{id}.atom    the newest entries of one source
        GET /healthz              200 when the store answers

    A source is never fetched twice at once; at most defaults.concurrency
    sources are fetched together and at most defaults.per_host requests go
    to one host at a time. Failing sources back off exponentially; one
    source's failure never affects another.

SIGNALS
    SIGINT, SIGTERM   stop taking work, let fetches in flight finish (cancel
                      them after defaults.grace), close the database, exit 0.
    SIGHUP            reload the configuration file: added, removed and
                      changed sources take effect at once; stored data and
                      open connections are kept. An invalid file is logged
                      and the old configuration stays in force.

OPTIONS
    --config FILE     configuration file (default: the embedded default)
`,
	}
	c.run = func(ctx context.Context, e env, args []string) error {
		fs := flagSet(c, e)
		cfgPath := configFlag(fs)
		if err := parseFlags(fs, c, e, args); err != nil {
			return helpOK(err)
		}
		if fs.NArg() > 0 {
			return usageError{"run takes no arguments"}
		}
		hup := make(chan os.Signal, 1)
		signal.Notify(hup, syscall.SIGHUP)
		defer signal.Stop(hup)
		return daemon(ctx, e, daemonOptions{cfgPath: *cfgPath, reload: hup})
	}
	return c
}

// helpOK turns the "help printed" sentinel into success.
func helpOK(err error) error {
	if errors.Is(err, errHelp) {
		return nil
	}
	return err
}

// daemonOptions say what a daemon runs on.
type daemonOptions struct {
	cfgPath string         // the file read at start and on reload ("" = embedded default)
	cfg     *config.Config // when set, used instead of reading cfgPath (govfeed demo)
	client  web.ClientOptions
	reload  <-chan os.Signal // each value re-reads cfgPath
	ready   chan<- string    // when set, receives the bound address once serving
}

// daemon runs until ctx ends.
func daemon(ctx context.Context, e env, o daemonOptions) error {
	cfg := o.cfg
	if cfg == nil {
		var err error
		if cfg, err = loadConfig(o.cfgPath); err != nil {
			return err
		}
	}
	log := newLogger(cfg, e.stderr)
	a, err := openApp(ctx, cfg, log, o.client, true)
	if err != nil {
		return err
	}
	defer func() {
		if err := a.close(); err != nil {
			log.Error("closing store", "err", err)
		}
	}()

	// The combined feed, which most readers poll, is sent from files with
	// sendfile(2), as nginx would send it.
	if err := a.pub.ServeFiles(filepath.Join(cfg.DataDir, "cache")); err != nil {
		log.Warn("the combined feed is sent from memory", "err", err)
	}

	var sv *services
	sched := fetch.NewScheduler(fetch.SchedulerOptions{
		Jitter:   cfg.Defaults.Jitter,
		Logger:   log.With("component", "scheduler"),
		OnReport: func(r fetch.Report) { sv.observe(r) },
	}, a.runner)
	sv = a.newServices(sched, a.client)
	a.setServices(sv)
	hubCtx, stopHub := context.WithCancel(context.Background())
	hubDone := make(chan struct{})
	go func() { defer close(hubDone); sv.run(hubCtx, log) }()
	defer func() {
		stopHub()
		sv.close()
		<-hubDone
	}()

	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s (config key listen): %w", cfg.Listen, err)
	}
	srv := publish.NewServer(cfg.Listen, a.routes(sv))
	guard.ServerLimits{}.Apply(srv)
	// The combined feed's plain requests are answered before net/http,
	// which gets every other connection (see publish.Lane).
	lane := publish.FastLane(ln, a.pub, publish.LaneOptions{
		Server:  srv,
		Observe: sv.met.Observer(feedsRoute),
		Logger:  log.With("component", "lane"),
	})
	srvErr := make(chan error, 1)
	go func() { srvErr <- srv.Serve(lane) }()
	log.Info("serving", "addr", ln.Addr().String(), "feed", cfg.Feed.BaseURL+"/feed.atom", "sources", len(cfg.Sources), "data_dir", cfg.DataDir)

	if err := sched.Set(ctx, cfg.Sources); err != nil {
		return err
	}
	sched.Start()
	if o.ready != nil {
		o.ready <- ln.Addr().String()
	}

	var runErr error
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case err := <-srvErr:
			runErr = fmt.Errorf("http server: %w", err)
			break loop
		case <-o.reload:
			a.reload(ctx, o.cfgPath, sched)
		}
	}

	log.Info("shutting down", "grace", cfg.Defaults.Grace)
	grace, cancel := context.WithTimeout(context.Background(), cfg.Defaults.Grace)
	defer cancel()
	sched.Stop(grace)
	sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer scancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Warn("http shutdown", "err", err)
	}
	if err := lane.Shutdown(sctx); err != nil {
		log.Warn("fast lane shutdown", "err", err)
	}
	return runErr
}

// reload re-reads the configuration; an invalid file leaves the old one in
// force. Sources, their schedules and retention change at once; listen,
// data_dir, memory_limit, the feed section and the fetch limits need a
// restart.
func (a *app) reload(ctx context.Context, path string, sched *fetch.Scheduler) {
	if path == "" {
		a.log.Info("SIGHUP: running on the embedded default; nothing to reload")
		return
	}
	cfg, err := loadConfig(path)
	if err != nil {
		a.log.Error("SIGHUP: configuration not reloaded; the old one stays in force", "err", err)
		return
	}
	old := a.cur.Load()
	if cfg.Listen != old.Listen || cfg.DataDir != old.DataDir || cfg.MemoryLimit != old.MemoryLimit || cfg.Feed != old.Feed ||
		cfg.Defaults.Concurrency != old.Defaults.Concurrency || cfg.Defaults.PerHost != old.Defaults.PerHost ||
		!reflect.DeepEqual(cfg.Server, old.Server) || cfg.Stories != old.Stories || cfg.WebSub != old.WebSub {
		a.log.Warn("SIGHUP: listen, data_dir, memory_limit, feed, concurrency, per_host, server, stories and websub changes take effect on restart")
	}
	if err := sched.Set(ctx, cfg.Sources); err != nil {
		a.log.Error("SIGHUP: configuration not reloaded", "err", err)
		return
	}
	a.cur.Store(cfg)
	a.pub.SetSources(cfg.Sources)
	if sv := a.services(); sv != nil {
		for _, s := range old.Sources {
			if _, ok := cfg.Source(s.ID); !ok {
				sv.met.Forget(s.ID)
			}
		}
	}
	a.log.Info("configuration reloaded", "file", path, "sources", len(cfg.Sources))
}
