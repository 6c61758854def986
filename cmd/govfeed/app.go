package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/govfeed/govfeed/config"
	"github.com/govfeed/govfeed/data/cluster"
	"github.com/govfeed/govfeed/data/sqlite"
	"github.com/govfeed/govfeed/fetch"
	"github.com/govfeed/govfeed/fetch/clean"
	"github.com/govfeed/govfeed/fetch/web"
	"github.com/govfeed/govfeed/publish"
	"github.com/govfeed/govfeed/publish/guard"
	"github.com/govfeed/govfeed/publish/websub"
	"golang.org/x/term"
)

// flagSet returns a FlagSet whose --help prints the command's manual.
func flagSet(c command, e env) *flag.FlagSet {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseFlags parses args; --help prints help and returns errHelp.
func parseFlags(fs *flag.FlagSet, c command, e env, args []string) error {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			fmt.Fprint(e.stdout, c.help)
			return errHelp
		}
		return usageError{fmt.Sprintf("%s: %v", c.name, err)}
	}
	return nil
}

// errHelp ends a command after it printed its help.
var errHelp = fmt.Errorf("help printed")

// loadConfig reads path, or the embedded default when path is empty.
func loadConfig(path string) (*config.Config, error) {
	if path == "" {
		return config.Default()
	}
	return config.Load(path)
}

// newLogger builds the process logger: text on a terminal, JSON otherwise
// when the config says "auto"; level from the config.
func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.Log.Level)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	format := cfg.Log.Format
	if format == "" || format == "auto" {
		format = "json"
		if isTerminal(w) {
			format = "text"
		}
	}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func isTerminal(w io.Writer) bool {
	// Not "a character device": /dev/null is one, and cron's
	// `govfeed fetch 2>/dev/null` would draw a progress line per source.
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// app is govfeed's components wired from one config.
type app struct {
	cfg    *config.Config                // the config the app was opened with
	cur    atomic.Pointer[config.Config] // the config in force (SIGHUP swaps it)
	log    *slog.Logger
	store  *sqlite.Store
	pub    *publish.Publisher
	runner *fetch.Runner
	client *http.Client   // the one HTTP client of fetches (and hub requests)
	limit  *guard.Limiter // per-client limit of requests that build feeds
	svcMu  sync.Mutex
	svc    *services // the daemon's page, metrics and hub; nil in one-shot commands
	// stopMemory stops the memory governor (see memory.go).
	stopMemory func()
}

// openApp opens the store and builds the publisher and the runner. Only the
// daemon publishes changed feeds to WebSub (a.published does nothing in a
// one-shot command), so only with daemon does the publisher rebuild every
// head document after each change: during a `govfeed fetch` of 1,000
// sources those rebuilds cost more CPU than the fetch itself.
func openApp(ctx context.Context, cfg *config.Config, log *slog.Logger, client web.ClientOptions, daemon bool) (*app, error) {
	st, err := sqlite.Open(ctx, cfg.DataDir, sqlite.Options{
		Logger:  log.With("component", "store"),
		Cluster: clusterOptions(cfg.Stories),
		// The daemon indexes for search in the background; a one-shot
		// command leaves the queue to it (searches find queued items).
		BackgroundIndex: daemon,
	})
	if err != nil {
		return nil, err // names the data directory already
	}
	a := &app{cfg: cfg, log: log, store: st}
	a.stopMemory = governMemory(cfg.MemoryLimit, log.With("component", "memory"))
	a.cur.Store(cfg)
	po := publishOptions(cfg, log)
	if cfg.WebSub.Enabled {
		po.Hub = hubURL(cfg)
	}
	if daemon {
		po.OnPublish, po.Subscribed = a.published, a.subscribed
	}
	// Searches, filters and pages build feeds per request: rate limited per
	// client, like the WebSub endpoint.
	a.limit = guard.NewLimiter(guard.LimiterOptions{
		Rate:           cfg.Server.Rate,
		Burst:          cfg.Server.Burst,
		TrustedProxies: cfg.Server.TrustedProxies,
	})
	po.Allow = a.limit.Allow
	a.pub = publish.New(po, st)
	a.pub.SetSources(cfg.Sources)
	client.DenyPrivate = !cfg.Server.AllowPrivate
	client.Allow = cfg.Server.AllowNetworks
	a.client = web.NewClient(client)
	getter := &web.Getter{
		Client:    a.client,
		UserAgent: cfg.Defaults.UserAgentFor(version),
		Logger:    log.With("component", "web"),
	}
	san := clean.NewSanitizer()
	a.runner = fetch.NewRunner(fetch.Options{
		Concurrency: cfg.Defaults.Concurrency,
		PerHost:     cfg.Defaults.PerHost,
		Delay:       cfg.Defaults.Delay,
		Retention: func(id string) fetch.Retention {
			r := a.cur.Load().RetentionFor(id)
			return fetch.Retention{MaxAge: r.MaxAge, MaxItems: r.MaxItems}
		},
		Sanitizer: san,
		OnChange:  a.pub.Invalidate,
		Logger:    log.With("component", "fetch"),
	}, getter, st)
	return a, nil
}

// clusterOptions turns the stories section into clustering options.
func clusterOptions(s config.Stories) cluster.Options {
	o := cluster.DefaultOptions()
	o.Enabled = s.Enabled
	o.Window = s.Window
	o.Threshold = s.Threshold
	o.CrossLanguage = s.CrossLanguage
	return o
}

func publishOptions(cfg *config.Config, log *slog.Logger) publish.Options {
	return publish.Options{
		MaxAge:  shortestInterval(cfg.Sources, 5*time.Minute),
		Title:   cfg.Feed.Title,
		ID:      cfg.Feed.ID,
		BaseURL: strings.TrimRight(cfg.Feed.BaseURL, "/"),
		Entries: cfg.Feed.Entries,
		Icon:    cfg.Feed.Icon,
		Logo:    cfg.Feed.Logo,
		Logger:  log.With("component", "publish"),
	}
}

func (a *app) close() error {
	a.pub.Close()
	defer a.stopMemory()
	return a.store.Close()
}

// published hands a feed's fresh bytes to the WebSub hub and pings the
// external hub, when the daemon runs them.
func (a *app) published(topic, contentType string, body []byte) {
	sv := a.services()
	if sv == nil {
		return
	}
	if sv.hub != nil {
		sv.hub.Publish(context.Background(), topic, contentType, body)
	}
	if ext := a.cur.Load().WebSub.Hub; ext != "" {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := websub.Ping(ctx, a.client, ext, topic); err != nil {
				a.log.Warn("pinging the external hub failed", "hub", ext, "topic", topic, "err", err)
			}
		}()
	}
}

// subscribed reports whether a changed feed at topic must be built to be
// published: always with an external hub (it knows its subscribers, govfeed
// does not), else when the built-in hub has a subscription to topic.
func (a *app) subscribed(topic string) bool {
	if a.cur.Load().WebSub.Hub != "" {
		return true
	}
	sv := a.services()
	if sv == nil || sv.hub == nil {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	subs, err := a.store.Subscriptions(ctx, topic, time.Now())
	if err != nil {
		a.log.Warn("reading websub subscriptions failed; publishing anyway", "topic", topic, "err", err)
		return true
	}
	return len(subs) > 0
}

// services returns the daemon's services (nil in one-shot commands).
func (a *app) services() *services {
	a.svcMu.Lock()
	defer a.svcMu.Unlock()
	return a.svc
}

func (a *app) setServices(sv *services) {
	a.svcMu.Lock()
	defer a.svcMu.Unlock()
	a.svc = sv
}

// configFlag adds the --config flag shared by every command.
func configFlag(fs *flag.FlagSet) *string {
	return fs.String("config", "", "configuration `file` (default: the embedded default)")
}

// webOptions are the HTTP client options of one-shot commands; the
// GOVFEED_DIAL environment variable sends every connection to one address
// (for tests and the demo, like curl --resolve for every host).
func webOptions(e env) web.ClientOptions {
	return web.ClientOptions{DialAddr: e.getenv("GOVFEED_DIAL")}
}
