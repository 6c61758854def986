package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/govfeed/govfeed/config"
	"github.com/govfeed/govfeed/config/opml"
	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/fetch"
	"github.com/govfeed/govfeed/publish"
	"github.com/govfeed/govfeed/publish/guard"
	"github.com/govfeed/govfeed/publish/metrics"
	"github.com/govfeed/govfeed/publish/page"
	"github.com/govfeed/govfeed/publish/websub"
)

// services are the daemon's parts beyond fetching and feeds: the web page,
// metrics, the WebSub hub, the per-client rate limiter and the admin
// endpoint.
type services struct {
	met   *metrics.Metrics
	hub   *websub.Hub // nil when websub is off
	page  *page.Page
	limit *guard.Limiter
	admin http.Handler
}

// newServices builds the daemon's page, metrics and hub for app a.
func (a *app) newServices(sched *fetch.Scheduler, client *http.Client) *services {
	cfg := a.cfg
	sv := &services{met: metrics.New()}
	sv.limit = a.limit
	sv.admin = guard.Admin(cfg.Server.Token, func(_ context.Context, id string) error {
		err := sched.Trigger(id)
		switch {
		case errors.Is(err, fetch.ErrUnknownSource):
			return fmt.Errorf("%w: %w", guard.ErrUnknownSource, err)
		case errors.Is(err, fetch.ErrBusy):
			return fmt.Errorf("%w: %w", guard.ErrBusy, err)
		}
		return err
	})
	sv.met.SetStore(func(ctx context.Context) (metrics.StoreStats, error) {
		st, err := a.store.Stats(ctx)
		if err != nil {
			return metrics.StoreStats{}, err
		}
		return metrics.StoreStats{PerSource: st.PerSource, DBBytes: st.DBBytes, Stories: st.Stories}, nil
	})
	sv.met.SetHealth(func(ctx context.Context) ([]data.SourceState, error) {
		states, err := a.store.States(ctx)
		if err != nil {
			return nil, err
		}
		configured := a.sourceIDs()
		return slices.DeleteFunc(states, func(s data.SourceState) bool { return !configured[s.SourceID] }), nil
	})
	sv.page = page.New(page.Options{
		Title:   cfg.Feed.Title,
		BaseURL: cfg.Feed.BaseURL,
		Sources: func() []data.Source { return a.cur.Load().Sources },
		NextRun: sched.Next,
		ItemCounts: func(ctx context.Context) (map[string]int, error) {
			st, err := a.store.Stats(ctx)
			return st.PerSource, err
		},
		Logger: a.log.With("component", "page"),
	}, a.store)
	if cfg.WebSub.Enabled {
		sv.hub = websub.NewHub(websub.Options{
			URL:    hubURL(cfg),
			Client: client,
			Logger: a.log.With("component", "websub"),
			Topics: a.pub.HasTopic,
		}, a.store)
	}
	return sv
}

// hubURL is the public URL of the built-in hub.
func hubURL(cfg *config.Config) string { return cfg.Feed.BaseURL + "/websub" }

// sourceIDs is the set of configured source ids.
func (a *app) sourceIDs() map[string]bool {
	ids := map[string]bool{}
	for _, s := range a.cur.Load().Sources {
		ids[s.ID] = true
	}
	return ids
}

// feedsRoute is the metrics route of the feeds, whether net/http or the
// fast lane answers them.
const feedsRoute = "feeds"

// routes composes the daemon's HTTP surface. The fast lane (cmd_run.go)
// answers the combined feed's plain requests as feeds does: nothing here
// may add a header to them.
func (a *app) routes(sv *services) http.Handler {
	mux := http.NewServeMux()
	feeds := sv.met.Middleware(feedsRoute, a.pub.Handler())
	mux.Handle("/", feeds)
	mux.Handle("GET /{$}", sv.met.Middleware("page", sv.page.Handler()))
	mux.Handle("GET /static/", sv.met.Middleware("static", sv.page.Handler()))
	mux.Handle("GET /metrics", sv.met.Handler())
	mux.Handle("GET /opml", sv.met.Middleware("opml", http.HandlerFunc(a.serveOPML)))
	if sv.hub != nil {
		mux.Handle("/websub", sv.met.Middleware("websub", sv.limit.Wrap(sv.hub)))
	}
	mux.Handle("/admin/", sv.met.Middleware("admin", sv.admin))
	// The combined feed, which most requests ask for, skips the mux: it
	// would send them to "/" anyway, but matching costs more than serving
	// the cached bytes.
	root := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if publish.IsCombinedFeed(r) {
			feeds.ServeHTTP(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	})
	return guard.MaxBody(a.cfg.Server.MaxBodyBytes, root)
}

// serveOPML lists the published feeds for a reader to import.
func (a *app) serveOPML(w http.ResponseWriter, r *http.Request) {
	cfg := a.cur.Load()
	w.Header().Set("Content-Type", "text/x-opml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	if err := opml.Write(w, cfg.Feed.Title, publishedFeeds(cfg)); err != nil {
		a.log.Warn("writing OPML", "err", err)
	}
}

// publishedFeeds are the Atom feeds govfeed serves: the combined feed, one
// per tag and one per source, grouped by tag.
func publishedFeeds(cfg *config.Config) []opml.Outline {
	base := cfg.Feed.BaseURL
	out := []opml.Outline{{Text: cfg.Feed.Title, Title: cfg.Feed.Title, Type: "rss", XMLURL: base + "/feed.atom", HTMLURL: base + "/"}}
	var tags []string
	for _, s := range cfg.Sources {
		for _, t := range s.Tags {
			if !slices.Contains(tags, t) {
				tags = append(tags, t)
			}
		}
	}
	slices.Sort(tags)
	for _, t := range tags {
		out = append(out, opml.Outline{Text: cfg.Feed.Title + " · " + t, Type: "rss", XMLURL: base + "/tags/" + t + ".atom", HTMLURL: base + "/?tag=" + t, Category: "tags"})
	}
	for _, s := range cfg.Sources {
		cat := "sources"
		if len(s.Tags) > 0 {
			cat = s.Tags[0]
		}
		out = append(out, opml.Outline{Text: s.Name, Title: s.Name, Type: "rss", XMLURL: base + "/sources/" + s.ID + ".atom", HTMLURL: s.URL, Category: cat})
	}
	return out
}

// observe feeds a fetch report to the metrics.
func (sv *services) observe(r fetch.Report) { sv.met.ObserveFetch(r) }

// run starts the hub's background work; it returns when ctx ends.
func (sv *services) run(ctx context.Context, log *slog.Logger) {
	if sv.hub == nil {
		return
	}
	sv.hub.Run(ctx)
	log.Debug("websub hub stopped")
}

// close stops the hub's deliveries.
func (sv *services) close() {
	if sv.hub != nil {
		sv.hub.Close()
	}
}

// shortestInterval is the shortest time between two runs of any source's
// schedule: how long a reader may cache a feed.
func shortestInterval(srcs []data.Source, def time.Duration) time.Duration {
	best := time.Duration(0)
	for _, s := range srcs {
		if d := scheduleInterval(s.Schedule); d > 0 && (best == 0 || d < best) {
			best = d
		}
	}
	if best == 0 {
		return def
	}
	return best
}

// scheduleInterval is the time between two consecutive runs of a cron
// spec, measured from now (0 for a bad spec).
func scheduleInterval(spec string) time.Duration {
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return 0
	}
	first := sched.Next(time.Now())
	return sched.Next(first).Sub(first)
}
