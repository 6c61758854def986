package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/govfeed/govfeed/config"
	"github.com/govfeed/govfeed/fetch/govsim"
	"github.com/govfeed/govfeed/fetch/web"
)

func demoCommand() command {
	c := command{
		name:    "demo",
		summary: "run the whole pipeline against bundled imitations of the portals, offline",
		help: `NAME
    govfeed demo - see govfeed work, offline, in one command

SYNOPSIS
    govfeed demo [--listen ADDR] [--data DIR] [--add-every DURATION]

DESCRIPTION
    Serves bundled imitations of the Sichuan, Chongqing, Guangdong,
    Zhejiang and central government portals (their CMS families, URL shapes,
    GBK pages, Hanweb datastore lists, the gkmlpt JSON API, an article
    listed under two columns) on a loopback port, and runs the daemon
    against them with zero-config sources: every connection govfeed makes
    goes to the imitation, whatever the host name, so nothing leaves the
    machine. Open the printed address in a browser, or subscribe a feed
    reader to /feed.atom. Every --add-every, a new article is published on
    one of the imitated sites, to show new items arriving (and, with a
    WebSub subscriber, being pushed).

    Ctrl-C stops it. The data directory is a temporary one, removed at the
    end, unless --data is given.

OPTIONS
    --listen ADDR          where govfeed serves (default 127.0.0.1:8080)
    --data DIR             keep the data here instead of a temporary dir
    --add-every DURATION   publish a new article this often (default 20s; 0 = never)
`,
	}
	c.run = func(ctx context.Context, e env, args []string) error {
		fs := flagSet(c, e)
		listen := fs.String("listen", "127.0.0.1:8080", "address")
		dataDir := fs.String("data", "", "data directory")
		addEvery := fs.Duration("add-every", 20*time.Second, "new article interval")
		if err := parseFlags(fs, c, e, args); err != nil {
			return helpOK(err)
		}
		dir := *dataDir
		if dir == "" {
			tmp, err := os.MkdirTemp("", "govfeed-demo-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(tmp)
			dir = tmp
		}
		sim := govsim.New(govsim.Options{})
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return fmt.Errorf("demo: listen for the imitation sites: %w", err)
		}
		simSrv := &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = simSrv.Serve(ln) }()
		defer simSrv.Close()

		cfg, err := demoConfig(sim, *listen, dir)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "govfeed demo: imitation portals (%d sites) on http://%s; data in %s\n", len(sim.Hosts()), ln.Addr(), dir)
		fmt.Fprintf(e.stderr, "govfeed demo: open http://%s/ or subscribe to http://%s/feed.atom (Ctrl-C stops)\n", *listen, *listen)
		if *addEvery > 0 {
			go publishArticles(ctx, sim, *addEvery)
		}
		return daemon(ctx, e, daemonOptions{cfg: cfg, client: web.ClientOptions{DialAddr: ln.Addr().String()}})
	}
	return c
}

// demoConfig is a config polling every list of the imitation, validated by
// the config package like any file.
func demoConfig(sim *govsim.Sim, listen, dir string) (*config.Config, error) {
	type jsonRules struct {
		Items     string `yaml:"items"`
		Title     string `yaml:"title,omitempty"`
		Link      string `yaml:"link"`
		Date      string `yaml:"date,omitempty"`
		DateUnit  string `yaml:"date_unit,omitempty"`
		ID        string `yaml:"id,omitempty"`
		Author    string `yaml:"author,omitempty"`
		FetchBody bool   `yaml:"fetch_body,omitempty"`
	}
	type selectors struct {
		Item  string `yaml:"item,omitempty"`
		Title string `yaml:"title,omitempty"`
		Link  string `yaml:"link,omitempty"`
		Date  string `yaml:"date,omitempty"`
	}
	type source struct {
		ID        string     `yaml:"id"`
		Name      string     `yaml:"name"`
		URL       string     `yaml:"url"`
		Kind      string     `yaml:"kind"`
		Tags      []string   `yaml:"tags,omitempty"`
		Pages     int        `yaml:"pages,omitempty"`
		Selectors *selectors `yaml:"selectors,omitempty"`
		JSON      *jsonRules `yaml:"json,omitempty"`
	}
	var srcs []source
	for _, sp := range sim.Sources() {
		s := source{ID: sp.ID, Name: sp.Name, URL: sp.URL, Kind: string(sp.Kind), Tags: sp.Tags, Pages: sp.Pages}
		if sp.Selectors != nil {
			s.Selectors = &selectors{Item: sp.Selectors.Item, Title: sp.Selectors.Title, Link: sp.Selectors.Link, Date: sp.Selectors.Date}
		}
		if j := sp.JSON; j != nil {
			s.JSON = &jsonRules{Items: j.Items, Title: j.Title, Link: j.Link, Date: j.Date, DateUnit: j.DateUnit, ID: j.ID, Author: j.Author, FetchBody: j.FetchBody}
		}
		srcs = append(srcs, s)
	}
	doc := map[string]any{
		"listen":   listen,
		"data_dir": dir,
		"feed":     map[string]any{"title": "govfeed demo"},
		"defaults": map[string]any{"schedule": "@every 15s", "jitter": "2s", "delay": "100ms",
			"retention": map[string]any{"max_age": "0"}},
		"sources": srcs,
	}
	b, err := yaml.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("demo config: %w", err)
	}
	return config.Parse("<demo>", b)
}

// publishArticles adds an article to a random imitated site every interval.
func publishArticles(ctx context.Context, sim *govsim.Sim, every time.Duration) {
	hosts := sim.Hosts()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			h := hosts[rand.IntN(len(hosts))]
			if u := sim.AddArticle(h); u == "" {
				continue
			}
		}
	}
}
