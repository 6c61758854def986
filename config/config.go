// Package config reads govfeed's YAML configuration file: it decodes it
// strictly (unknown keys, wrong types and duplicate keys are errors),
// applies every default, validates every value and turns the sources into
// []data.Source. All problems are reported at once, each as an *Error that
// names the file, line and key. The README lists every key.
package config

import (
	"bytes"
	_ "embed" // default.yaml
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/govfeed/govfeed/data"
	"go.yaml.in/yaml/v3"
)

// defaultYAML is the embedded default configuration; it doubles as
// commented documentation of every key.
//
//go:embed default.yaml
var defaultYAML string

// DefaultFile is the Config.File of the embedded default configuration.
const DefaultFile = "<embedded default>"

// VersionPlaceholder in a user agent is replaced by the program version
// (see Defaults.UserAgentFor).
const VersionPlaceholder = "{version}"

// DefaultUserAgent is the user agent sent when the file sets none.
const DefaultUserAgent = "govfeed/" + VersionPlaceholder + " (+https://github.com/govfeed/govfeed)"

// Config is a parsed, validated configuration with every default applied.
type Config struct {
	File    string // where it came from (DefaultFile for the default)
	Listen  string // address of the HTTP server, default "127.0.0.1:8080"
	DataDir string // database and state directory, default "./govfeed-data"
	// MemoryLimit is the Go runtime's soft memory limit while the live
	// heap is under half of it (see cmd/govfeed's memory governor), in
	// bytes; 0 leaves the runtime's default. Default 36 MiB.
	MemoryLimit int64
	Feed        Feed
	Defaults    Defaults
	Log         Log
	Server      Server
	Stories     Stories
	WebSub      WebSub
	Sources     []data.Source
	// SourceRetention holds the retention of the sources that override it,
	// fully resolved (fields they leave out come from Defaults.Retention).
	// Use RetentionFor.
	SourceRetention map[string]Retention
	// Lines maps a source id to the line of its entry, for `govfeed check`.
	Lines map[string]int
}

// Feed describes the feeds govfeed publishes.
type Feed struct {
	Title   string // default "govfeed"
	ID      string // Atom feed id; default BaseURL + "/feed.atom"
	BaseURL string // public URL of the server, no trailing slash; default "http://" + Listen
	Entries int    // entries per published feed, default 100
	Icon    string // optional icon URL
	Logo    string // optional logo URL
}

// Defaults apply to every source that does not override them, and to the
// fetcher as a whole.
type Defaults struct {
	Schedule string        // cron spec, default "@every 30m"
	Jitter   time.Duration // random delay added to each scheduled run, default 30s
	Timeout  time.Duration // bound on one fetch of one source, default 60s
	// UserAgent is sent with every request, default DefaultUserAgent; it
	// always contains a contact URL or e-mail. See UserAgentFor.
	UserAgent    string
	MaxBodyBytes int64          // cap on one response body, default 16 MiB
	Concurrency  int            // parallel fetches overall, default 8
	PerHost      int            // parallel requests to one host, default 2
	Delay        time.Duration  // least time between two requests to one host, default 1s
	Timezone     *time.Location // zone of naive upstream times, default Asia/Shanghai
	Retention    Retention
	Grace        time.Duration // shutdown grace period for in-flight fetches, default 20s
}

// Retention bounds what the store keeps per source; zero means unlimited.
type Retention struct {
	MaxAge   time.Duration // default 365 days
	MaxItems int           // default 2000
}

// Log configures logging.
type Log struct {
	Format string // "auto" (text on a terminal, else JSON), "text" or "json"; default "auto"
	Level  string // "debug", "info", "warn" or "error"; default "info"
}

// Stories configures the clustering of items that tell the same news
// into one story (one entry in the combined feed).
type Stories struct {
	Enabled       bool          // default true
	Window        time.Duration // items further apart never merge without a document number; default 72h
	Threshold     float64       // estimated Jaccard similarity needed to merge; default 0.45
	CrossLanguage bool          // also merge English and Chinese reports of one event; default false
}

// WebSub configures push to subscribers (W3C WebSub).
type WebSub struct {
	Enabled bool   // the built-in hub at /websub; default true
	Hub     string // an external hub to ping when feeds change; optional
}

// Server configures the HTTP server and what the daemon may connect to.
type Server struct {
	// Token is the bearer token of the state-changing endpoints; empty
	// turns those endpoints off.
	Token string
	// AllowPrivate lets sources (and WebSub callbacks) be fetched from
	// loopback, private, link-local and other non-public addresses;
	// default true. A deployment whose configuration is not fully trusted
	// should set it to false.
	AllowPrivate bool
	// AllowNetworks are the networks fetched from anyway when
	// AllowPrivate is false (an intranet portal, say).
	AllowNetworks []netip.Prefix
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed when telling clients apart; empty means none.
	TrustedProxies []netip.Prefix
	// Rate is the sustained number of requests per second one client IP
	// may make to the search (filtered and paged feeds) and WebSub
	// endpoints; default 2.
	Rate float64
	// Burst is how many such requests a client may make at once; default 10.
	Burst int
	// MaxBodyBytes caps a request body; default 64 KiB.
	MaxBodyBytes int64
}

// LogValue keeps the token out of logs.
func (s Server) LogValue() slog.Value {
	tok := ""
	if s.Token != "" {
		tok = "REDACTED"
	}
	return slog.GroupValue(
		slog.String("token", tok),
		slog.Bool("allow_private", s.AllowPrivate),
		slog.Any("allow_networks", s.AllowNetworks),
		slog.Any("trusted_proxies", s.TrustedProxies),
		slog.Float64("rate", s.Rate),
		slog.Int("burst", s.Burst),
		slog.Int64("max_body_bytes", s.MaxBodyBytes),
	)
}

// SlogLevel returns Level as a slog.Level.
func (l Log) SlogLevel() slog.Level {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(l.Level)); err != nil {
		return slog.LevelInfo
	}
	return lv
}

// versionPattern is what a version may put into a user agent.
var versionPattern = regexp.MustCompile(`^[0-9A-Za-z.+_-]+$`)

// UserAgentFor returns UserAgent with VersionPlaceholder replaced by
// version ("dev" when version is empty or unfit for a header).
func (d Defaults) UserAgentFor(version string) string {
	if !versionPattern.MatchString(version) {
		version = "dev"
	}
	return strings.ReplaceAll(d.UserAgent, VersionPlaceholder, version)
}

// RetentionFor returns the retention of source id: its own override, else
// Defaults.Retention.
func (c *Config) RetentionFor(id string) Retention {
	if r, ok := c.SourceRetention[id]; ok {
		return r
	}
	return c.Defaults.Retention
}

// Source returns the source with the given id.
func (c *Config) Source(id string) (data.Source, bool) {
	i := slices.IndexFunc(c.Sources, func(s data.Source) bool { return s.ID == id })
	if i < 0 {
		return data.Source{}, false
	}
	return c.Sources[i], true
}

// Default returns the embedded default configuration (default.yaml).
func Default() (*Config, error) {
	return Parse(DefaultFile, []byte(defaultYAML))
}

// DefaultYAML returns the text of the embedded default configuration, for
// a command that writes a starting file.
func DefaultYAML() string { return defaultYAML }

// Load reads and parses the file at path.
func Load(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Err: fmt.Errorf("read config: %w", err)}
	}
	return Parse(path, b)
}

// Parse parses and validates a configuration; name is used in errors and
// as Config.File. An empty document is valid and yields all defaults and no
// sources. On failure the error joins one *Error per problem, in line order.
func Parse(name string, b []byte) (*Config, error) {
	d := &decoder{file: name}
	root, err := d.document(b)
	if err != nil {
		return nil, err
	}
	c := d.build(root)
	c.File = name
	if err := d.err(); err != nil {
		return nil, err
	}
	return c, nil
}

// syntaxLine finds the line in a yaml.v3 error message.
var syntaxLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// document parses b into its root node (nil for an empty document),
// refusing files with more than one YAML document.
func (d *decoder) document(b []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, d.syntax(err, b)
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == nil:
		return nil, &Error{File: d.file, Line: extra.Line, Err: fmt.Errorf("%w: a second YAML document starts here; use one document", ErrSyntax)}
	case !errors.Is(err, io.EOF):
		return nil, d.syntax(err, b)
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	return doc.Content[0], nil
}

// syntax turns a yaml.v3 parse error about b into an *Error with its
// line (see guessLine when yaml.v3 gives none).
func (d *decoder) syntax(err error, b []byte) error {
	msg, line := err.Error(), 0
	if m := syntaxLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	if line == 0 {
		line = guessLine(b, msg)
	}
	return &Error{File: d.file, Line: line, Err: fmt.Errorf("%w: %s", ErrSyntax, strings.TrimPrefix(msg, "yaml: "))}
}

// err joins the recorded problems in line order, dropping exact repeats
// (a merged anchor can report the same problem twice).
func (d *decoder) err() error {
	if len(d.errs) == 0 {
		return nil
	}
	slices.SortStableFunc(d.errs, func(a, b *Error) int { return a.Line - b.Line })
	var out []error
	seen := map[string]bool{}
	for _, e := range d.errs {
		if s := e.Error(); !seen[s] {
			seen[s] = true
			out = append(out, e)
		}
	}
	return errors.Join(out...)
}
