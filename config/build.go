package config

import (
	"errors"
	"net"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Keys of each mapping of the schema.
var (
	rootKeys      = []string{"listen", "data_dir", "memory_limit", "feed", "defaults", "log", "server", "stories", "websub", "sources"}
	storiesKeys   = []string{"enabled", "window", "threshold", "cross_language"}
	websubKeys    = []string{"enabled", "hub"}
	feedKeys      = []string{"title", "id", "base_url", "entries", "icon", "logo"}
	defaultsKeys  = []string{"schedule", "jitter", "timeout", "user_agent", "max_body_bytes", "concurrency", "per_host", "delay", "timezone", "retention", "grace"}
	retentionKeys = []string{"max_age", "max_items"}
	logKeys       = []string{"format", "level"}
	serverKeys    = []string{"token", "allow_private", "allow_networks", "trusted_proxies", "rate", "burst", "max_body_bytes"}
)

// Limits of numeric settings.
const (
	maxBodyLimit = 1 << 30 // 1 GiB
	maxEntries   = 10000
	// maxRequestBody bounds server.max_body_bytes.
	maxRequestBody = 16 << 20
	// minMemoryLimit is the least memory_limit other than 0 (off).
	minMemoryLimit = 16 << 20
)

// newConfig returns a Config holding every default except those derived
// from other keys (feed.base_url, feed.id).
func newConfig() *Config {
	return &Config{
		Listen:  "127.0.0.1:8080",
		DataDir: "./govfeed-data",
		// 36 MiB keeps `govfeed fetch` of 1,000 feeds x 50 items under
		// 64 MB of RSS (BENCHMARKS.md) for about 25% more collections.
		MemoryLimit: 36 << 20,
		Feed:        Feed{Title: "govfeed", Entries: 100},
		Defaults: Defaults{
			Schedule:     "@every 30m",
			Jitter:       30 * time.Second,
			Timeout:      60 * time.Second,
			UserAgent:    DefaultUserAgent,
			MaxBodyBytes: 16 << 20,
			Concurrency:  8,
			PerHost:      2,
			Delay:        time.Second,
			Timezone:     defaultLocation(),
			Retention:    Retention{MaxAge: 365 * 24 * time.Hour, MaxItems: 2000},
			Grace:        20 * time.Second,
		},
		Log:             Log{Format: "auto", Level: "info"},
		Stories:         Stories{Enabled: true, Window: 72 * time.Hour, Threshold: 0.45},
		WebSub:          WebSub{Enabled: true},
		Server:          Server{AllowPrivate: true, Rate: 2, Burst: 10, MaxBodyBytes: 64 << 10},
		SourceRetention: map[string]Retention{},
		Lines:           map[string]int{},
	}
}

// build decodes the root mapping into a Config.
func (d *decoder) build(root *yaml.Node) *Config {
	c := newConfig()
	m := d.mapping(root, "", rootKeys...)
	listenOK := field(d, m, "listen", &c.Listen, parseString, checkListen) != nil || m.get("listen") == nil
	field(d, m, "data_dir", &c.DataDir, parseString, notEmpty)
	field(d, m, "memory_limit", &c.MemoryLimit, parseSizeNode, offOrAtLeast[int64](minMemoryLimit))
	d.defaults(d.mapping(m.get("defaults"), "defaults", defaultsKeys...), &c.Defaults)
	d.feed(d.mapping(m.get("feed"), "feed", feedKeys...), c, listenOK)

	lm := d.mapping(m.get("log"), "log", logKeys...)
	field(d, lm, "format", &c.Log.Format, parseString, oneOf("auto", "text", "json"))
	field(d, lm, "level", &c.Log.Level, parseString, oneOf("debug", "info", "warn", "error"))

	d.server(d.mapping(m.get("server"), "server", serverKeys...), &c.Server)

	stm := d.mapping(m.get("stories"), "stories", storiesKeys...)
	field(d, stm, "enabled", &c.Stories.Enabled, parseBool)
	field(d, stm, "window", &c.Stories.Window, parseDurationNode, atLeast(time.Hour))
	field(d, stm, "threshold", &c.Stories.Threshold, parseFloat, between(0.05, 1.0))
	field(d, stm, "cross_language", &c.Stories.CrossLanguage, parseBool)

	wm := d.mapping(m.get("websub"), "websub", websubKeys...)
	field(d, wm, "enabled", &c.WebSub.Enabled, parseBool)
	field(d, wm, "hub", &c.WebSub.Hub, parseString, checkHTTPURL)

	d.sources(m.get("sources"), c)
	return c
}

// server decodes the server mapping over the built-in defaults.
func (d *decoder) server(m *mapping, s *Server) {
	field(d, m, "token", &s.Token, parseString, checkToken)
	field(d, m, "allow_private", &s.AllowPrivate, parseBool)
	s.AllowNetworks = d.prefixList(m, "allow_networks")
	s.TrustedProxies = d.prefixList(m, "trusted_proxies")
	field(d, m, "rate", &s.Rate, parseFloat, between(0.01, 10000.0))
	field(d, m, "burst", &s.Burst, parseInt, between(1, 100000))
	field(d, m, "max_body_bytes", &s.MaxBodyBytes, parseSizeNode, between[int64](1<<10, maxRequestBody))
	if n := m.get("allow_networks"); len(s.AllowNetworks) > 0 && s.AllowPrivate {
		d.fail(n, m.key("allow_networks"), errors.New("has no effect unless server.allow_private is false"))
	}
}

// feed decodes the feed mapping; base_url and id default from listen.
func (d *decoder) feed(m *mapping, c *Config, listenOK bool) {
	f := &c.Feed
	field(d, m, "title", &f.Title, parseString, notEmpty)
	field(d, m, "entries", &f.Entries, parseInt, between(1, maxEntries))
	field(d, m, "icon", &f.Icon, parseString, checkURLRef)
	field(d, m, "logo", &f.Logo, parseString, checkURLRef)
	if field(d, m, "base_url", &f.BaseURL, parseString, checkHTTPURL) == nil && listenOK {
		f.BaseURL = baseURLFor(c.Listen)
	}
	f.BaseURL = strings.TrimRight(f.BaseURL, "/")
	if field(d, m, "id", &f.ID, parseString, checkAbsURI) == nil && f.BaseURL != "" {
		f.ID = f.BaseURL + "/feed.atom"
	}
}

// baseURLFor derives the public URL from a valid listen address; an empty
// or unspecified host (":8080", "0.0.0.0:8080") becomes localhost.
func baseURLFor(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return ""
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// defaults decodes the defaults mapping over the built-in defaults.
func (d *decoder) defaults(m *mapping, df *Defaults) {
	field(d, m, "schedule", &df.Schedule, parseString, checkCron)
	field(d, m, "jitter", &df.Jitter, parseDurationNode)
	field(d, m, "timeout", &df.Timeout, parseDurationNode, atLeast(time.Second))
	field(d, m, "user_agent", &df.UserAgent, parseString, checkUserAgent)
	field(d, m, "max_body_bytes", &df.MaxBodyBytes, parseSizeNode, between[int64](1, maxBodyLimit))
	field(d, m, "concurrency", &df.Concurrency, parseInt, between(1, 256))
	field(d, m, "per_host", &df.PerHost, parseInt, between(1, 64))
	field(d, m, "delay", &df.Delay, parseDurationNode)
	field(d, m, "timezone", &df.Timezone, parseLocationNode)
	field(d, m, "grace", &df.Grace, parseDurationNode)
	df.Retention = d.retention(d.mapping(m.get("retention"), m.key("retention"), retentionKeys...), df.Retention)
}

// retention decodes a retention mapping over base.
func (d *decoder) retention(m *mapping, base Retention) Retention {
	field(d, m, "max_age", &base.MaxAge, parseDurationNode)
	field(d, m, "max_items", &base.MaxItems, parseInt, atLeast(0))
	return base
}
