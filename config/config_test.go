package config

import (
	"errors"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // hermetic time zones

	"github.com/google/go-cmp/cmp"
	"github.com/govfeed/govfeed/data"
)

// lines joins YAML lines so that line N of the document is argument N.
func lines(ls ...string) []byte { return []byte(strings.Join(ls, "\n") + "\n") }

// mustZone loads a zone the test needs.
func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load zone %s: %v", name, err)
	}
	return loc
}

// mustParse parses a document that must be valid.
func mustParse(t *testing.T, b []byte) *Config {
	t.Helper()
	c, err := Parse("test.yaml", b)
	if err != nil {
		t.Fatalf("Parse: unexpected error:\n%v", err)
	}
	return c
}

// configErrors returns every *Error inside err (joined or not) and fails
// the test if err holds anything else.
func configErrors(t *testing.T, err error) []*Error {
	t.Helper()
	if err == nil {
		t.Fatal("Parse succeeded, want an error")
	}
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	out := make([]*Error, 0, len(errs))
	for _, e := range errs {
		var ce *Error
		if !errors.As(e, &ce) {
			t.Fatalf("error %v (%T) is not a *config.Error", e, e)
		}
		out = append(out, ce)
	}
	return out
}

// cmpOpts compares time zones by name.
var cmpOpts = cmp.Options{
	cmp.Comparer(func(a, b *time.Location) bool { return a.String() == b.String() }),
	cmp.Comparer(func(a, b netip.Prefix) bool { return a == b }),
}

func TestDefaultParses(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	if c.File != DefaultFile || c.Listen != "127.0.0.1:8080" || c.DataDir != "./govfeed-data" {
		t.Errorf("File, Listen, DataDir = %q, %q, %q", c.File, c.Listen, c.DataDir)
	}
	if got := c.Defaults.Timezone.String(); got != "Asia/Shanghai" {
		t.Errorf("default timezone = %s, want Asia/Shanghai", got)
	}
	want := map[string]struct {
		url  string
		kind data.SourceKind
	}{
		"zj-cwhy-rss":  {"http://www.zj.gov.cn/module/rss/rssfeed.jsp?colid=1554467", data.KindFeed},
		"ndrc-xwfb":    {"https://www.ndrc.gov.cn/xwdt/xwfb/rss.xml", data.KindFeed},
		"sc-en-news":   {"https://www.sc.gov.cn/10462/10758/10760/10765/list.shtml", data.KindHTML},
		"sc-jrsc":      {"https://www.sc.gov.cn/10462/10464/10797/jrsc_list.shtml", data.KindHTML},
		"cq-jrcq":      {"https://www.cq.gov.cn/ywdt/jrcq/", data.KindHTML},
		"cq-en-news":   {"https://english.cq.gov.cn/latestnews/", data.KindHTML},
		"gd-bmdt":      {"https://www.gd.gov.cn/gdywdt/bmdt/index.html", data.KindHTML},
		"gd-gkmlpt":    {"https://www.gd.gov.cn/gkmlpt/api/all/5?page=1&sid=2", data.KindJSON},
		"zj-cwhy":      {"https://www.zj.gov.cn/col/col1554467/index.html", data.KindHTML},
		"govcn-zuixin": {"https://www.gov.cn/zhengce/zuixin/", data.KindHTML},
	}
	src := strings.Split(DefaultYAML(), "\n")
	for id, w := range want {
		t.Run(id, func(t *testing.T) {
			s, ok := c.Source(id)
			if !ok {
				t.Fatalf("source %s missing", id)
			}
			if s.URL != w.url || s.Kind != w.kind {
				t.Errorf("url, kind = %s, %s; want %s, %s", s.URL, s.Kind, w.url, w.kind)
			}
			if s.Location == nil || (s.HTML != nil) != (s.Kind == data.KindHTML) || (s.JSON != nil) != (s.Kind == data.KindJSON) {
				t.Errorf("Location %v, HTML %v, JSON %v do not fit kind %s", s.Location, s.HTML, s.JSON, s.Kind)
			}
			if l := c.Lines[id]; l < 1 || l > len(src) || !strings.Contains(src[l-1], "id: "+id) {
				t.Errorf("Lines[%s] = %d, which is not its entry", id, l)
			}
		})
	}
	if s, _ := c.Source("cq-jrcq"); s.HTML == nil || s.HTML.Selectors.Item != "ul.tab-item li" || s.HTML.Selectors.Link != "a" || s.HTML.Selectors.Date != "span" {
		t.Errorf("cq-jrcq rules = %+v", s.HTML)
	}
	if s, _ := c.Source("govcn-zuixin"); s.HTML == nil || s.HTML.Selectors.Item != "div.news_box .list li" || s.HTML.Selectors.Link != "h4 a" || s.HTML.Selectors.Date != "span.date" {
		t.Errorf("govcn-zuixin rules = %+v", s.HTML)
	}
	wantJSON := &data.JSONRules{Items: "articles", Title: "title", Link: "url", Date: "date", DateUnit: "s", ID: "id", Author: "publisher", FetchBody: true}
	if s, _ := c.Source("gd-gkmlpt"); !cmp.Equal(s.JSON, wantJSON) {
		t.Errorf("gd-gkmlpt json rules: %s", cmp.Diff(wantJSON, s.JSON))
	}
}

func TestFullRoundTrip(t *testing.T) {
	c, err := Load(filepath.Join("testdata", "full.yaml"))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	hk := mustZone(t, "Asia/Hong_Kong")
	day := 24 * time.Hour
	want := &Config{
		File:    filepath.Join("testdata", "full.yaml"),
		Listen:  "0.0.0.0:9090",
		DataDir: "/var/lib/govfeed", MemoryLimit: 128 << 20,
		Feed: Feed{
			Title:   "Provincial feeds",
			ID:      "urn:uuid:6f1c2b1e-3f9a-4d0b-9d7e-2f0c7a5b8e11",
			BaseURL: "https://feeds.example.org/gov",
			Entries: 250,
			Icon:    "https://feeds.example.org/icon.png",
			Logo:    "/logo.svg",
		},
		Defaults: Defaults{
			Schedule:     "*/20 * * * *",
			Jitter:       2 * time.Minute,
			Timeout:      90 * time.Second,
			UserAgent:    "govfeedtest/{version} (ops@example.org)",
			MaxBodyBytes: 10_000_000,
			Concurrency:  4,
			PerHost:      1,
			Delay:        1500 * time.Millisecond,
			Timezone:     hk,
			Retention:    Retention{MaxAge: 90 * day, MaxItems: 0},
			Grace:        7 * day,
		},
		Log: Log{Format: "json", Level: "debug"},
		Server: Server{
			Token:          "0123456789abcdef0123",
			AllowPrivate:   false,
			AllowNetworks:  []netip.Prefix{netip.MustParsePrefix("10.20.0.0/16"), netip.MustParsePrefix("fd00:1::/32"), netip.MustParsePrefix("192.168.7.9/32")},
			TrustedProxies: []netip.Prefix{netip.MustParsePrefix("::1/128"), netip.MustParsePrefix("127.0.0.0/8")},
			Rate:           0.5,
			Burst:          3,
			MaxBodyBytes:   4096,
		},
		Stories: Stories{Enabled: false, Window: 48 * time.Hour, Threshold: 0.6, CrossLanguage: true},
		WebSub:  WebSub{Enabled: false, Hub: "https://hub.example.org/"},
		Sources: []data.Source{
			{
				ID: "feed-all", Name: "All keys of a feed source", URL: "https://www.example.gov.cn/rss.xml",
				Kind: data.KindFeed, Schedule: "@hourly", Tags: []string{"central", "policy"},
				Location: time.UTC, Timeout: 36 * time.Hour, MaxBodyBytes: 512 << 10,
				Headers: map[string]string{"Referer": "https://www.example.gov.cn/", "X-Requested-With": "XMLHttpRequest"},
				Cookies: map[string]string{"wzws_sessionid": "abc123=="},
			},
			{
				ID: "html_all", Name: "html_all", URL: "http://www.cq.gov.cn/ywdt/jrcq/",
				Kind: data.KindHTML, Schedule: "*/20 * * * *", Location: hk, Timeout: 90 * time.Second, MaxBodyBytes: 10_000_000,
				HTML: &data.HTMLRules{
					Pages: 3,
					Selectors: data.Selectors{
						Item: "ul.tab-item li", Title: "a[title]", Link: "a", Date: "span",
						Content: "div.TRS_UEDITOR", Remove: ".shuzi, #myFlash",
					},
					DateFormat: "2006年01月02日",
					Encoding:   "gb2312",
					Delay:      2500 * time.Millisecond,
				},
			},
			{
				ID: "json-all", Name: "json-all", URL: "https://www.gd.gov.cn/gkmlpt/api/all/5?page=1&sid=2",
				Kind: data.KindJSON, Schedule: "*/20 * * * *", Location: hk, Timeout: 90 * time.Second, MaxBodyBytes: 10_000_000,
				JSON: &data.JSONRules{
					Items: "data.articles", Title: "title", Link: "url", Date: "meta.date", ID: "id",
					Summary: "abstract", Author: "publisher", DateUnit: "ms", FetchBody: true,
				},
			},
		},
		SourceRetention: map[string]Retention{
			"feed-all": {MaxAge: 7 * day, MaxItems: 0},
			"html_all": {MaxAge: 90 * day, MaxItems: 50},
		},
		Lines: map[string]int{"feed-all": 46, "html_all": 62, "json-all": 78},
	}
	if diff := cmp.Diff(want, c, cmpOpts); diff != "" {
		t.Errorf("Load(full.yaml) mismatch (-want +got):\n%s", diff)
	}
}

func TestDefaultsApplied(t *testing.T) {
	c := mustParse(t, lines(
		"sources:",
		"  - id: a",
		"    url: https://a.gov.cn/rss.xml",
		"  - id: b",
		"    url: https://b.gov.cn/list.html",
		"    kind: html",
		"  - id: c",
		"    url: https://c.gov.cn/api",
		"    kind: json",
		"    json: {items: list, link: url}",
	))
	cst := mustZone(t, "Asia/Shanghai")
	day := 24 * time.Hour
	wantDefaults := Defaults{
		Schedule: "@every 30m", Jitter: 30 * time.Second, Timeout: 60 * time.Second,
		UserAgent:    "govfeed/{version} (+https://github.com/govfeed/govfeed)",
		MaxBodyBytes: 16 * 1024 * 1024, Concurrency: 8, PerHost: 2, Delay: time.Second,
		Timezone: cst, Retention: Retention{MaxAge: 365 * day, MaxItems: 2000}, Grace: 20 * time.Second,
	}
	if diff := cmp.Diff(wantDefaults, c.Defaults, cmpOpts); diff != "" {
		t.Errorf("Defaults (-want +got):\n%s", diff)
	}
	wantFeed := Feed{Title: "govfeed", ID: "http://127.0.0.1:8080/feed.atom", BaseURL: "http://127.0.0.1:8080", Entries: 100}
	if diff := cmp.Diff(wantFeed, c.Feed); diff != "" {
		t.Errorf("Feed (-want +got):\n%s", diff)
	}
	if c.Listen != "127.0.0.1:8080" || c.DataDir != "./govfeed-data" || c.Log != (Log{"auto", "info"}) || c.Server.Token != "" {
		t.Errorf("Listen %q, DataDir %q, Log %+v, Server %+v", c.Listen, c.DataDir, c.Log, c.Server)
	}
	if c.MemoryLimit != 36<<20 {
		t.Errorf("MemoryLimit = %d, want 36 MiB", c.MemoryLimit)
	}
	if off := mustParse(t, lines("memory_limit: 0")); off.MemoryLimit != 0 {
		t.Errorf("memory_limit: 0 gives %d, want 0 (off)", off.MemoryLimit)
	}
	wantServer := Server{AllowPrivate: true, Rate: 2, Burst: 10, MaxBodyBytes: 64 << 10}
	if diff := cmp.Diff(wantServer, c.Server, cmpOpts); diff != "" {
		t.Errorf("Server (-want +got):\n%s", diff)
	}
	base := data.Source{Kind: data.KindFeed, Schedule: "@every 30m", Location: cst, Timeout: time.Minute, MaxBodyBytes: 16 << 20}
	a, b, cc := base, base, base
	a.ID, a.Name, a.URL = "a", "a", "https://a.gov.cn/rss.xml"
	b.ID, b.Name, b.URL, b.Kind, b.HTML = "b", "b", "https://b.gov.cn/list.html", data.KindHTML, &data.HTMLRules{Delay: time.Second}
	cc.ID, cc.Name, cc.URL, cc.Kind, cc.JSON = "c", "c", "https://c.gov.cn/api", data.KindJSON, &data.JSONRules{Items: "list", Link: "url"}
	if diff := cmp.Diff([]data.Source{a, b, cc}, c.Sources, cmpOpts); diff != "" {
		t.Errorf("Sources (-want +got):\n%s", diff)
	}
	if got := c.RetentionFor("a"); got != wantDefaults.Retention {
		t.Errorf("RetentionFor(a) = %+v, want the defaults", got)
	}
}

func TestEmptyDocument(t *testing.T) {
	for name, doc := range map[string]string{"empty": "", "comment only": "# nothing\n", "null sources": "sources:\n", "empty list": "sources: []\n"} {
		t.Run(name, func(t *testing.T) {
			c := mustParse(t, []byte(doc))
			if len(c.Sources) != 0 || c.Listen != "127.0.0.1:8080" || c.Feed.Entries != 100 {
				t.Errorf("got %d sources, listen %q, entries %d", len(c.Sources), c.Listen, c.Feed.Entries)
			}
		})
	}
}

func TestOverridesBeatDefaults(t *testing.T) {
	c := mustParse(t, lines(
		"defaults:",
		"  schedule: '@every 2h'",
		"  timeout: 30s",
		"  max_body_bytes: 1MiB",
		"  timezone: UTC",
		"  delay: 3s",
		"  retention: {max_age: 30d, max_items: 100}",
		"sources:",
		"  - id: own",
		"    url: https://a.gov.cn/",
		"    kind: html",
		"    schedule: 0 9 * * 1-5",
		"    timeout: 5m",
		"    max_body_bytes: 2097152",
		"    timezone: Asia/Urumqi",
		"    delay: 0",
		"    retention: {max_items: 7}",
		"  - id: inherit",
		"    url: https://b.gov.cn/",
		"    kind: html",
	))
	own, _ := c.Source("own")
	inh, _ := c.Source("inherit")
	tests := []struct {
		name       string
		got, want  any
		inherited  any
		inheritWnt any
	}{
		{"schedule", own.Schedule, "0 9 * * 1-5", inh.Schedule, "@every 2h"},
		{"timeout", own.Timeout, 5 * time.Minute, inh.Timeout, 30 * time.Second},
		{"max_body_bytes", own.MaxBodyBytes, int64(2 << 20), inh.MaxBodyBytes, int64(1 << 20)},
		{"timezone", own.Location.String(), "Asia/Urumqi", inh.Location.String(), "UTC"},
		{"delay", own.HTML.Delay, time.Duration(0), inh.HTML.Delay, 3 * time.Second},
		{"retention", c.RetentionFor("own"), Retention{MaxAge: 30 * 24 * time.Hour, MaxItems: 7}, c.RetentionFor("inherit"), Retention{MaxAge: 30 * 24 * time.Hour, MaxItems: 100}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("override = %v, want %v", tc.got, tc.want)
			}
			if tc.inherited != tc.inheritWnt {
				t.Errorf("inherited = %v, want %v", tc.inherited, tc.inheritWnt)
			}
		})
	}
	if got := c.RetentionFor("unknown"); got != c.Defaults.Retention {
		t.Errorf("RetentionFor(unknown) = %+v, want defaults %+v", got, c.Defaults.Retention)
	}
}

func TestParseDuration(t *testing.T) {
	day := 24 * time.Hour
	good := map[string]time.Duration{
		"90d": 90 * day, "1w": 7 * day, "36h": 36 * time.Hour, "30s": 30 * time.Second,
		"1h30m": 90 * time.Minute, "1w2d": 9 * day, "1.5d": 36 * time.Hour, "500ms": 500 * time.Millisecond,
		"0": 0, " 2m ": 2 * time.Minute, "365d": 365 * day,
	}
	for in, want := range good {
		t.Run(in, func(t *testing.T) {
			got, err := ParseDuration(in)
			if err != nil || got != want {
				t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
			}
		})
	}
	for _, in := range []string{"", "30", "-1d", "1x", "d", "1 d", "ten days", "1d-2h"} {
		t.Run("bad "+in, func(t *testing.T) {
			if got, err := ParseDuration(in); err == nil {
				t.Errorf("ParseDuration(%q) = %v, want an error", in, got)
			}
		})
	}
}

func TestParseSize(t *testing.T) {
	good := map[string]int64{
		"1048576": 1048576, "16MiB": 16 << 20, "10MB": 10_000_000, "512KiB": 512 << 10,
		"1.5 GiB": 3 << 29, "2kb": 2000, "100B": 100, "1gb": 1_000_000_000,
	}
	for in, want := range good {
		t.Run(in, func(t *testing.T) {
			got, err := ParseSize(in)
			if err != nil || got != want {
				t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
			}
		})
	}
	for _, in := range []string{"", "16 MiBs", "ten", "-1", "1e6", "16M", "99999999999GiB"} {
		t.Run("bad "+in, func(t *testing.T) {
			if got, err := ParseSize(in); err == nil {
				t.Errorf("ParseSize(%q) = %d, want an error", in, got)
			}
		})
	}
	c := mustParse(t, lines("defaults:", "  max_body_bytes: 1048576"))
	if c.Defaults.MaxBodyBytes != 1<<20 {
		t.Errorf("integer max_body_bytes = %d, want 1048576", c.Defaults.MaxBodyBytes)
	}
}

// src1 is the head of a document with one source; its lines are 1-3.
var src1 = []string{"sources:", "  - id: a", "    url: https://a.gov.cn/"}

// withSrc returns src1 followed by more lines (the first of them is line 4).
func withSrc(more ...string) []byte { return lines(append(append([]string{}, src1...), more...)...) }

func TestInvalid(t *testing.T) {
	tests := []struct {
		name string
		doc  []byte
		line int
		key  string
		is   error  // a sentinel the error must wrap, if any
		msg  string // a fragment the message must contain, if any
	}{
		{"unknown top-level key", lines("listen: :8080", "listn: :9090"), 2, "listn", ErrUnknownKey, `did you mean "listen"`},
		{"unknown source key", withSrc("    kind: html", "    selector: {item: li}"), 5, "sources[0].selector", ErrUnknownKey, "selectors"},
		{"unknown nested key", lines("defaults:", "  retention:", "    max_days: 3"), 3, "defaults.retention.max_days", ErrUnknownKey, ""},
		{"wrong type int", lines("feed:", "  entries: many"), 2, "feed.entries", nil, "expected an integer"},
		{"wrong type list", withSrc("    tags: central"), 4, "sources[0].tags", nil, "expected a list"},
		{"wrong type bool", withSrc("    kind: json", "    json:", "      items: a", "      link: b", "      fetch_body: 'yes'"), 8, "sources[0].json.fetch_body", nil, "expected true or false"},
		{"wrong type string", withSrc("    name: true"), 4, "sources[0].name", nil, "expected a string"},
		{"sources not a list", lines("sources:", "  id: a"), 2, "sources", nil, "expected a list"},
		{"source not a mapping", lines("sources:", "  - https://a.gov.cn/"), 2, "sources[0]", nil, "expected a mapping"},
		{"duplicate key", lines("listen: :8080", "data_dir: x", "listen: :9090"), 3, "listen", ErrDuplicateKey, "line 1"},
		{"duplicate key in source", withSrc("    url: https://b.gov.cn/"), 4, "sources[0].url", ErrDuplicateKey, "line 3"},
		{"duplicate id", withSrc("  - id: a", "    url: https://b.gov.cn/"), 4, "sources[1].id", ErrDuplicateID, "line 2"},
		{"bad cron", withSrc("    schedule: '*/5 * *'"), 4, "sources[0].schedule", nil, `bad cron spec "*/5 * *": expected exactly 5 fields, found 3`},
		{"bad cron every", lines("defaults:", "  schedule: '@every 30x'"), 2, "defaults.schedule", nil, "bad cron spec"},
		{"relative url", lines("sources:", "  - id: a", "    url: /rss.xml"), 3, "sources[0].url", nil, "absolute"},
		{"ftp url", lines("sources:", "  - id: a", "    url: ftp://a.gov.cn/x"), 3, "sources[0].url", nil, "http"},
		{"missing url", lines("sources:", "  - id: a", "    name: A"), 2, "sources[0].url", ErrRequired, ""},
		{"missing id", lines("sources:", "  - url: https://a.gov.cn/"), 2, "sources[0].id", ErrRequired, ""},
		{"bad slug", lines("sources:", "  - id: Sichuan News", "    url: https://a.gov.cn/"), 2, "sources[0].id", nil, "bad slug"},
		{"bad tag", withSrc("    tags: [sichuan, English]"), 4, "sources[0].tags[1]", nil, "bad slug"},
		{"duplicate tag", withSrc("    tags:", "      - news", "      - news"), 6, "sources[0].tags[1]", nil, "twice"},
		{"duration without unit", lines("defaults:", "  timeout: 30"), 2, "defaults.timeout", nil, "needs a unit"},
		{"negative duration", lines("defaults:", "  jitter: -5m"), 2, "defaults.jitter", nil, "negative"},
		{"bad duration", lines("defaults:", "  retention:", "    max_age: ten days"), 3, "defaults.retention.max_age", nil, "bad duration"},
		{"timeout too small", withSrc("    timeout: 10ms"), 4, "sources[0].timeout", nil, "at least"},
		{"bad size", withSrc("    max_body_bytes: 16 MiBs"), 4, "sources[0].max_body_bytes", nil, "bad size"},
		{"zero size", lines("defaults:", "  max_body_bytes: 0"), 2, "defaults.max_body_bytes", nil, "range"},
		{"tiny memory limit", lines("memory_limit: 1MiB"), 1, "memory_limit", nil, "0 (off) or at least"},
		{"bad memory limit", lines("memory_limit: lots"), 1, "memory_limit", nil, "bad size"},
		{"bad timezone", withSrc("    timezone: Mars/Olympus"), 4, "sources[0].timezone", nil, "bad timezone"},
		{"local timezone", lines("defaults:", "  timezone: Local"), 2, "defaults.timezone", nil, "IANA"},
		{"bad selector", withSrc("    kind: html", "    selectors:", "      item: 'div['"), 6, "sources[0].selectors.item", nil, "bad CSS selector"},
		{"link without item", withSrc("    kind: html", "    selectors:", "      link: a"), 6, "sources[0].selectors.link", nil, "item"},
		{"html key on feed", withSrc("    pages: 2"), 4, "sources[0].pages", nil, "only allowed for kind html"},
		{"json key on html", withSrc("    kind: html", "    json: {items: a, link: b}"), 5, "sources[0].json", nil, "only allowed for kind json"},
		{"json without json", withSrc("    kind: json"), 2, "sources[0].json", ErrRequired, ""},
		{"json without items", withSrc("    kind: json", "    json:", "      link: url"), 6, "sources[0].json.items", ErrRequired, ""},
		{"json empty link", withSrc("    kind: json", "    json:", "      items: list", "      link: ''"), 7, "sources[0].json.link", ErrRequired, ""},
		{"bad date unit", withSrc("    kind: json", "    json: {items: a, link: b, date_unit: us}"), 5, "sources[0].json.date_unit", nil, `"ms"`},
		{"bad json path", withSrc("    kind: json", "    json: {items: a..b, link: b}"), 5, "sources[0].json.items", nil, "bad JSON path"},
		{"bad kind", withSrc("    kind: rss"), 4, "sources[0].kind", nil, `"feed", "html", "json"`},
		{"bad encoding", withSrc("    kind: html", "    encoding: klingon"), 5, "sources[0].encoding", nil, "unknown encoding"},
		{"bad date format", withSrc("    kind: html", "    date_format: yyyy-mm-dd"), 5, "sources[0].date_format", nil, "bad date format"},
		{"negative pages", withSrc("    kind: html", "    pages: -1"), 5, "sources[0].pages", nil, "range"},
		{"user agent without contact", lines("defaults:", "  user_agent: govfeed/1.0"), 2, "defaults.user_agent", nil, "contact"},
		{"bad log level", lines("log:", "  level: verbose"), 2, "log.level", nil, "verbose"},
		{"bad log format", lines("log:", "  format: xml"), 2, "log.format", nil, "xml"},
		{"short token", lines("server:", "  token: secret"), 2, "server.token", nil, "16"},
		{"allow_private not a bool", lines("server:", "  allow_private: 'no'"), 2, "server.allow_private", nil, "expected true or false"},
		{"allow_networks while private allowed", lines("server:", "  allow_networks: [10.0.0.0/8]"), 2, "server.allow_networks", nil, "no effect unless server.allow_private is false"},
		{"bad network", lines("server:", "  allow_private: false", "  allow_networks: [10.0.0.0/33]"), 3, "server.allow_networks[0]", nil, "bad network"},
		{"network with host bits", lines("server:", "  trusted_proxies:", "    - 127.0.0.1", "    - 10.0.0.5/8"), 4, "server.trusted_proxies[1]", nil, "did you mean 10.0.0.0/8"},
		{"network is a host name", lines("server:", "  trusted_proxies: [proxy.lan]"), 2, "server.trusted_proxies[0]", nil, "CIDR"},
		{"network with a zone", lines("server:", "  trusted_proxies: ['fe80::1%eth0']"), 2, "server.trusted_proxies[0]", nil, "bad network"},
		{"duplicate network", lines("server:", "  trusted_proxies: ['::1', '::1']"), 2, "server.trusted_proxies[1]", nil, "twice"},
		{"networks not a list", lines("server:", "  trusted_proxies: 10.0.0.1"), 2, "server.trusted_proxies", nil, "expected a list"},
		{"zero rate", lines("server:", "  rate: 0"), 2, "server.rate", nil, "range"},
		{"rate not a number", lines("server:", "  rate: fast"), 2, "server.rate", nil, "expected a number"},
		{"zero burst", lines("server:", "  burst: 0"), 2, "server.burst", nil, "range"},
		{"fractional burst", lines("server:", "  burst: 2.5"), 2, "server.burst", nil, "expected an integer"},
		{"tiny request body", lines("server:", "  max_body_bytes: 100"), 2, "server.max_body_bytes", nil, "range"},
		{"huge request body", lines("server:", "  max_body_bytes: 1GiB"), 2, "server.max_body_bytes", nil, "range"},
		{"unknown server key", lines("server:", "  rate_limit: 5"), 2, "server.rate_limit", ErrUnknownKey, ""},
		{"threshold out of range", lines("stories:", "  threshold: 1.5"), 2, "stories.threshold", nil, "range"},
		{"threshold not a number", lines("stories:", "  threshold: high"), 2, "stories.threshold", nil, "number"},
		{"story window too short", lines("stories:", "  window: 10m"), 2, "stories.window", nil, ""},
		{"unknown stories key", lines("stories:", "  enable: true"), 2, "stories.enable", ErrUnknownKey, ""},
		{"websub hub not http", lines("websub:", "  hub: ftp://hub.example.org/"), 2, "websub.hub", nil, ""},
		{"bad listen", lines("listen: localhost"), 1, "listen", nil, "listen address"},
		{"bad base url", lines("feed:", "  base_url: feeds.example.org"), 2, "feed.base_url", nil, "absolute"},
		{"bad feed id", lines("feed:", "  id: feed-1"), 2, "feed.id", nil, "absolute"},
		{"zero concurrency", lines("defaults:", "  concurrency: 0"), 2, "defaults.concurrency", nil, "range"},
		{"bad header name", withSrc("    headers:", "      'Bad Header': x"), 5, "sources[0].headers.Bad Header", nil, "header name"},
		{"bad cookie value", withSrc("    cookies:", "      sid: 'a;b'"), 5, "sources[0].cookies.sid", nil, "cookie value"},
		{"duplicate header case", withSrc("    headers:", "      Referer: a", "      referer: b"), 6, "sources[0].headers.referer", ErrDuplicateKey, ""},
		{"syntax error", lines("listen: :8080", "feed:", "  title: a: b"), 3, "", ErrSyntax, ""},
		{"tab indentation", lines("feed:", "\ttitle: x"), 2, "", ErrSyntax, ""},
		{"two documents", lines("listen: :8080", "---", "listen: :9090"), 2, "", ErrSyntax, "second YAML document"},
		{"bad merge", lines("sources:", "  - <<: 5", "    id: a", "    url: https://a.gov.cn/"), 2, "sources[0]", nil, "merge key"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("govfeed.yaml", tc.doc)
			errs := configErrors(t, err)
			if len(errs) != 1 {
				t.Fatalf("got %d errors, want 1:\n%v", len(errs), err)
			}
			e := errs[0]
			if e.File != "govfeed.yaml" || e.Line != tc.line || e.Key != tc.key {
				t.Errorf("File, Line, Key = %q, %d, %q; want %q, %d, %q\n(%v)", e.File, e.Line, e.Key, "govfeed.yaml", tc.line, tc.key, e)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v does not wrap %v", err, tc.is)
			}
			if !strings.Contains(e.Error(), tc.key) || !strings.Contains(e.Error(), tc.msg) {
				t.Errorf("message %q lacks the key %q or %q", e.Error(), tc.key, tc.msg)
			}
		})
	}
}

func TestErrorFormat(t *testing.T) {
	doc := lines("sources:", "  - id: a", "    url: https://a.gov.cn/", "  - id: b", "    url: https://b.gov.cn/",
		"  - id: c", "    url: https://c.gov.cn/", "    kind: html", "    pages: 1", "    delay: 1s", "    encoding: utf-8",
		"    tags: [x]", "    name: C", "    schedule: '*/5 * *'")
	_, err := Parse("govfeed.yaml", doc)
	want := `govfeed.yaml:14: sources[2].schedule: bad cron spec "*/5 * *": expected exactly 5 fields, found 3`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant    %s", err, want)
	}
}

func TestMultipleErrors(t *testing.T) {
	doc := lines(
		"listen: nowhere",           // 1
		"defaults:",                 // 2
		"  timeout: soon",           // 3
		"sources:",                  // 4
		"  - id: a",                 // 5
		"    url: https://a.gov.cn", // 6
		"    scheduel: '@hourly'",   // 7
		"  - id: a",                 // 8
		"    url: not a url",        // 9
	)
	_, err := Parse("multi.yaml", doc)
	errs := configErrors(t, err)
	type got struct {
		Line int
		Key  string
	}
	var gots []got
	for _, e := range errs {
		if e.File != "multi.yaml" {
			t.Errorf("File = %q, want multi.yaml", e.File)
		}
		gots = append(gots, got{e.Line, e.Key})
	}
	want := []got{{1, "listen"}, {3, "defaults.timeout"}, {7, "sources[0].scheduel"}, {8, "sources[1].id"}, {9, "sources[1].url"}}
	if diff := cmp.Diff(want, gots); diff != "" {
		t.Errorf("errors (-want +got):\n%s\nall: %v", diff, err)
	}
}

func TestDuplicateIDStillReportsBothSourcesProblems(t *testing.T) {
	doc := lines("sources:", "  - id: a", "    url: https://a.gov.cn/", "  - id: a", "    url: https://b.gov.cn/", "    timeout: x")
	errs := configErrors(t, func() error { _, err := Parse("d.yaml", doc); return err }())
	if len(errs) != 2 || errs[0].Key != "sources[1].id" || errs[1].Key != "sources[1].timeout" {
		t.Errorf("got %v, want the duplicate id (line 4) then the bad timeout (line 6)", errs)
	}
}

func TestLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "govfeed.yaml")
	if err := os.WriteFile(path, withSrc("    tags: [a]"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if c.File != path || len(c.Sources) != 1 || c.Lines["a"] != 2 {
		t.Errorf("File %q, %d sources, Lines %v", c.File, len(c.Sources), c.Lines)
	}

	missing := filepath.Join(t.TempDir(), "nope.yaml")
	_, err = Load(missing)
	var ce *Error
	if !errors.Is(err, fs.ErrNotExist) || !errors.As(err, &ce) || ce.File != missing {
		t.Errorf("Load(missing) = %v, want a *Error for %s wrapping fs.ErrNotExist", err, missing)
	}
}

func TestMergeKeysAndAliases(t *testing.T) {
	c := mustParse(t, lines(
		"sources:",
		"  - &base",
		"    id: one",
		"    url: https://a.gov.cn/1",
		"    kind: html",
		"    tags: &tags [gov, news]",
		"    selectors: {item: li, link: a}",
		"  - <<: *base",
		"    id: two",
		"    url: https://a.gov.cn/2",
		"    tags: *tags",
	))
	two, ok := c.Source("two")
	if !ok {
		t.Fatal("source two missing")
	}
	if two.Kind != data.KindHTML || two.HTML == nil || two.HTML.Selectors.Item != "li" || two.URL != "https://a.gov.cn/2" {
		t.Errorf("merged source = %+v %+v", two, two.HTML)
	}
	if diff := cmp.Diff([]string{"gov", "news"}, two.Tags); diff != "" {
		t.Errorf("aliased tags (-want +got):\n%s", diff)
	}
	if c.Lines["two"] != 8 {
		t.Errorf("Lines[two] = %d, want 8", c.Lines["two"])
	}
}

func TestBaseURLFromListen(t *testing.T) {
	tests := map[string]string{
		"127.0.0.1:8080": "http://127.0.0.1:8080",
		":8080":          "http://localhost:8080",
		"0.0.0.0:80":     "http://localhost:80",
		"[::]:8080":      "http://localhost:8080",
		"[::1]:8080":     "http://[::1]:8080",
		"feeds.lan:9000": "http://feeds.lan:9000",
	}
	for listen, want := range tests {
		t.Run(listen, func(t *testing.T) {
			c := mustParse(t, []byte("listen: '"+listen+"'\n"))
			if c.Feed.BaseURL != want || c.Feed.ID != want+"/feed.atom" {
				t.Errorf("BaseURL, ID = %q, %q; want %q, %q", c.Feed.BaseURL, c.Feed.ID, want, want+"/feed.atom")
			}
		})
	}
}

func TestTimezoneDefaultIsShanghai(t *testing.T) {
	c := mustParse(t, withSrc())
	s := c.Sources[0]
	if s.Location.String() != "Asia/Shanghai" {
		t.Fatalf("Location = %s, want Asia/Shanghai", s.Location)
	}
	naive := time.Date(2026, 6, 16, 18, 7, 0, 0, s.Location)
	if want := time.Date(2026, 6, 16, 10, 7, 0, 0, time.UTC); !naive.Equal(want) {
		t.Errorf("18:07 Beijing = %s UTC, want %s", naive.UTC(), want)
	}
	if loc := defaultLocation(); loc.String() != "Asia/Shanghai" {
		t.Errorf("defaultLocation() = %s", loc)
	}
}

func TestUserAgentFor(t *testing.T) {
	d := Defaults{UserAgent: DefaultUserAgent}
	tests := map[string]string{
		"1.2.0":     "govfeed/1.2.0 (+https://github.com/govfeed/govfeed)",
		"":          "govfeed/dev (+https://github.com/govfeed/govfeed)",
		"bad\r\nUA": "govfeed/dev (+https://github.com/govfeed/govfeed)",
	}
	for v, want := range tests {
		if got := d.UserAgentFor(v); got != want {
			t.Errorf("UserAgentFor(%q) = %q, want %q", v, got, want)
		}
	}
}

func TestServerNetworks(t *testing.T) {
	c := mustParse(t, lines(
		"server:",
		"  allow_private: false",
		"  allow_networks: [10.20.0.0/16, 192.0.2.7, '2001:db8::/32', '::ffff:10.0.0.0/104']",
		"  trusted_proxies: []",
	))
	want := []netip.Prefix{
		netip.MustParsePrefix("10.20.0.0/16"),
		netip.MustParsePrefix("192.0.2.7/32"),
		netip.MustParsePrefix("2001:db8::/32"),
		netip.MustParsePrefix("::ffff:10.0.0.0/104"),
	}
	if diff := cmp.Diff(want, c.Server.AllowNetworks, cmpOpts); diff != "" {
		t.Errorf("AllowNetworks (-want +got):\n%s", diff)
	}
	if c.Server.AllowPrivate || c.Server.TrustedProxies != nil {
		t.Errorf("AllowPrivate %v, TrustedProxies %v; want false, nil", c.Server.AllowPrivate, c.Server.TrustedProxies)
	}
	// An empty list is no list: allowed whatever allow_private says.
	if c := mustParse(t, lines("server:", "  allow_networks: []")); c.Server.AllowNetworks != nil || !c.Server.AllowPrivate {
		t.Errorf("empty allow_networks: %v, allow_private %v", c.Server.AllowNetworks, c.Server.AllowPrivate)
	}
}

func TestServerLogValueRedactsToken(t *testing.T) {
	s := Server{Token: "0123456789abcdef0123"}
	if got := s.LogValue().String(); strings.Contains(got, s.Token) {
		t.Errorf("LogValue() = %s, leaks the token", got)
	}
}
