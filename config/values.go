package config

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"net"
	"net/netip"
	"net/textproto"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/andybalholm/cascadia"
	"github.com/robfig/cron/v3"
	"go.yaml.in/yaml/v3"
	"golang.org/x/net/html/charset"
	"golang.org/x/net/http/httpguts"
)

// This file holds the parsers (YAML node -> Go value) and the checks
// (Go value -> error) that the schema in build.go and source.go combines.

// parseString accepts a scalar that reads as text. Numbers and dates are
// taken literally (an id of 2024 or a layout of 2006-01-02 are strings);
// booleans are refused because an unquoted yes/no/true is almost always a
// mistake.
func parseString(n *yaml.Node) (string, error) {
	if n.Kind == yaml.ScalarNode {
		switch n.ShortTag() {
		case "!!str", "!!int", "!!float", "!!timestamp":
			return n.Value, nil
		}
	}
	return "", fmt.Errorf("expected a string, got %s", describe(n))
}

// parseInt accepts a YAML integer.
func parseInt(n *yaml.Node) (int, error) {
	var v int
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
		return 0, fmt.Errorf("expected an integer, got %s", describe(n))
	}
	if err := n.Decode(&v); err != nil {
		return 0, fmt.Errorf("bad integer %q: %w", n.Value, err)
	}
	return v, nil
}

// parseFloat accepts a YAML number.
func parseFloat(n *yaml.Node) (float64, error) {
	var v float64
	if n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!float" && n.ShortTag() != "!!int") {
		return 0, fmt.Errorf("expected a number, got %s", describe(n))
	}
	if err := n.Decode(&v); err != nil {
		return 0, fmt.Errorf("bad number %q: %w", n.Value, err)
	}
	return v, nil
}

// parseBool accepts a YAML boolean.
func parseBool(n *yaml.Node) (bool, error) {
	var v bool
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
		return false, fmt.Errorf("expected true or false, got %s", describe(n))
	}
	if err := n.Decode(&v); err != nil {
		return false, fmt.Errorf("bad boolean %q: %w", n.Value, err)
	}
	return v, nil
}

// parseDurationNode accepts a duration string (see ParseDuration) or the
// integer 0.
func parseDurationNode(n *yaml.Node) (time.Duration, error) {
	if n.Kind == yaml.ScalarNode {
		switch n.ShortTag() {
		case "!!str":
			return ParseDuration(n.Value)
		case "!!int":
			if v, err := strconv.ParseInt(n.Value, 10, 64); err == nil && v == 0 {
				return 0, nil
			}
			return 0, fmt.Errorf("duration %s needs a unit, e.g. %[1]ss, %[1]sm or %[1]sd", n.Value)
		}
	}
	return 0, fmt.Errorf("expected a duration such as 30s, 90m, 36h, 90d or 1w, got %s", describe(n))
}

// durationPart is one number+unit of a duration; d and w are added to Go's
// units. Longer units come first so that "ms" is not read as "m".
var durationPart = regexp.MustCompile(`(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h|d|w)`)

// ParseDuration parses a duration in Go syntax ("90m", "36h", "1h30m",
// "30s") extended with days and weeks ("90d", "1w", "1w2d", "1.5d"); a day
// is 24 hours. Negative durations are refused.
func ParseDuration(s string) (time.Duration, error) {
	t := strings.TrimSpace(s)
	bad := fmt.Errorf("bad duration %q: use e.g. 30s, 90m, 36h, 90d or 1w", s)
	if t == "" {
		return 0, bad
	}
	if strings.HasPrefix(t, "-") {
		return 0, fmt.Errorf("bad duration %q: must not be negative", s)
	}
	converted := durationPart.ReplaceAllStringFunc(t, func(part string) string {
		m := durationPart.FindStringSubmatch(part)
		var hours float64
		switch m[2] {
		case "d":
			hours = 24
		case "w":
			hours = 7 * 24
		default:
			return part
		}
		f, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			return part // left for time.ParseDuration to refuse
		}
		return strconv.FormatFloat(f*hours, 'f', -1, 64) + "h"
	})
	d, err := time.ParseDuration(converted)
	if err != nil {
		return 0, bad
	}
	return d, nil
}

// sizeUnits are the multipliers of ParseSize, by lower-cased unit.
var sizeUnits = map[string]int64{
	"": 1, "b": 1,
	"kb": 1000, "mb": 1000 * 1000, "gb": 1000 * 1000 * 1000,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30,
}

// sizePattern is a number and an optional unit.
var sizePattern = regexp.MustCompile(`^(\d+(?:\.\d+)?)\s*([A-Za-z]*)$`)

// parseSizeNode accepts an integer number of bytes or a size string (see
// ParseSize).
func parseSizeNode(n *yaml.Node) (int64, error) {
	if n.Kind == yaml.ScalarNode {
		switch n.ShortTag() {
		case "!!int":
			var v int64
			if err := n.Decode(&v); err != nil {
				return 0, fmt.Errorf("bad size %q: %w", n.Value, err)
			}
			return v, nil
		case "!!str":
			return ParseSize(n.Value)
		}
	}
	return 0, fmt.Errorf("expected a size such as 1048576, 512KiB, 16MiB or 10MB, got %s", describe(n))
}

// ParseSize parses a byte count: a plain number of bytes, or a number with a
// unit, decimal (KB, MB, GB = powers of 1000) or binary (KiB, MiB, GiB =
// powers of 1024), case-insensitive: "1048576", "16MiB", "10MB", "1.5 GiB".
func ParseSize(s string) (int64, error) {
	m := sizePattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, fmt.Errorf("bad size %q: use e.g. 1048576, 512KiB, 16MiB or 10MB", s)
	}
	mult, ok := sizeUnits[strings.ToLower(m[2])]
	if !ok {
		return 0, fmt.Errorf("bad size %q: unknown unit %q (use B, KB, MB, GB, KiB, MiB or GiB)", s, m[2])
	}
	f, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, fmt.Errorf("bad size %q: %w", s, err)
	}
	v := f * float64(mult)
	if v >= math.MaxInt64 {
		return 0, fmt.Errorf("bad size %q: too large", s)
	}
	return int64(v), nil
}

// shanghai is the default zone of naive upstream times.
const shanghai = "Asia/Shanghai"

// LoadLocation loads an IANA time zone by name. "Local" is refused because
// it would make the meaning of the file depend on the host.
func LoadLocation(name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return nil, fmt.Errorf("bad timezone %q: use an IANA name such as %s or UTC", name, shanghai)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("bad timezone %q: %w", name, err)
	}
	return loc, nil
}

// defaultLocation returns Asia/Shanghai. When the host has no zone database
// (and the binary embeds none) it falls back to a fixed UTC+8 zone of the
// same name, which is exact: China has had no daylight saving since 1991.
func defaultLocation() *time.Location {
	if loc, err := time.LoadLocation(shanghai); err == nil {
		return loc
	}
	return time.FixedZone(shanghai, 8*3600)
}

// parseLocationNode accepts a time zone name.
func parseLocationNode(n *yaml.Node) (*time.Location, error) {
	s, err := parseString(n)
	if err != nil {
		return nil, err
	}
	return LoadLocation(s)
}

// checkCron accepts what cron.ParseStandard accepts: five fields,
// descriptors (@hourly, @daily...), "@every <duration>", with an optional
// CRON_TZ= prefix.
func checkCron(spec string) error {
	if _, err := cron.ParseStandard(spec); err != nil {
		msg := err.Error()
		// cron appends the spec itself, which the message already quotes.
		if i := strings.LastIndex(msg, ": ["); i >= 0 && strings.HasSuffix(msg, "]") {
			msg = msg[:i]
		}
		return fmt.Errorf("bad cron spec %q: %s", spec, msg)
	}
	return nil
}

// slugPattern is the shape of source ids and tags.
var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// checkSlug accepts lower-case ids such as "cq-jrcq" or "sc_en".
func checkSlug(s string) error {
	if !slugPattern.MatchString(s) {
		return fmt.Errorf("bad slug %q: use 1-64 of a-z, 0-9, '-' and '_', starting with a letter or digit", s)
	}
	return nil
}

// checkHTTPURL accepts an absolute http or https URL with a host.
func checkHTTPURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("bad URL %q: %w", s, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("bad URL %q: must be an absolute http:// or https:// URL", s)
	}
	return nil
}

// checkAbsURI accepts any absolute URI, such as an https URL or a urn:uuid:.
func checkAbsURI(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("bad URI %q: %w", s, err)
	}
	if u.Scheme == "" {
		return fmt.Errorf("bad URI %q: must be absolute (https://... or urn:...)", s)
	}
	return nil
}

// checkURLRef accepts an absolute or relative URL.
func checkURLRef(s string) error {
	if _, err := url.Parse(s); err != nil {
		return fmt.Errorf("bad URL %q: %w", s, err)
	}
	return nil
}

// checkListen accepts host:port (host may be empty), as net.Listen takes it.
func checkListen(s string) error {
	_, port, err := net.SplitHostPort(s)
	if err != nil {
		return fmt.Errorf("bad listen address %q: %w", s, err)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return fmt.Errorf("bad listen address %q: port must be a number from 0 to 65535", s)
	}
	return nil
}

// contactPattern finds a URL or an e-mail address.
var contactPattern = regexp.MustCompile(`https?://[^\s()<>]+|[^\s@()<>;]+@[^\s@()<>;]+\.[A-Za-z]{2,}`)

// checkUserAgent accepts a valid header value that names a contact (URL or
// e-mail), so that site operators can reach whoever runs the crawler.
func checkUserAgent(s string) error {
	if strings.TrimSpace(s) == "" || !httpguts.ValidHeaderFieldValue(s) {
		return fmt.Errorf("bad user agent %q: not a valid header value", s)
	}
	if !contactPattern.MatchString(s) {
		return fmt.Errorf("user agent %q must contain a contact URL or e-mail, e.g. \"govfeed/1 (+https://example.org/bot)\"", s)
	}
	return nil
}

// checkSelector accepts a CSS selector (group) as goquery compiles it.
func checkSelector(s string) error {
	if _, err := cascadia.Compile(s); err != nil {
		return fmt.Errorf("bad CSS selector %q: %w", s, err)
	}
	return nil
}

// checkCharset accepts an encoding label known to the WHATWG Encoding
// Standard, such as "gbk", "gb2312" or "utf-8".
func checkCharset(s string) error {
	if enc, _ := charset.Lookup(s); enc == nil {
		return fmt.Errorf("unknown encoding %q: use a WHATWG label such as utf-8, gbk or gb18030", s)
	}
	return nil
}

// checkLayout accepts a Go time layout that has at least one date or time
// element and that parses what it formats, such as "2006年01月02日".
func checkLayout(s string) error {
	ref := time.Date(2026, 6, 17, 9, 30, 45, 0, time.UTC)
	out := ref.Format(s)
	if out == s {
		return fmt.Errorf("bad date format %q: a Go layout needs reference elements such as 2006-01-02 15:04", s)
	}
	if _, err := time.Parse(s, out); err != nil {
		return fmt.Errorf("bad date format %q: %w", s, err)
	}
	return nil
}

// checkJSONPath accepts a dotted path of non-empty names, such as
// "data.list" or "articles".
func checkJSONPath(s string) error {
	if s == "" {
		return nil
	}
	for part := range strings.SplitSeq(s, ".") {
		if part == "" || strings.ContainsAny(part, " \t") {
			return fmt.Errorf("bad JSON path %q: use dotted names such as data.list", s)
		}
	}
	return nil
}

// checkToken accepts an empty token (endpoints off) or one of at least 16
// characters without spaces.
func checkToken(s string) error {
	if s == "" {
		return nil
	}
	if len(s) < 16 || strings.ContainsAny(s, " \t\r\n") {
		return errors.New("token must be at least 16 characters without spaces (e.g. from `openssl rand -hex 32`)")
	}
	return nil
}

// parsePrefix parses a network in CIDR notation ("10.0.0.0/8",
// "fd00::/8") or a single address (a /32 or /128). A prefix with host bits
// set ("10.0.0.5/8") is refused: it is ambiguous.
func parsePrefix(s string) (netip.Prefix, error) {
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return netip.Prefix{}, fmt.Errorf("bad network %q: use CIDR notation such as 10.0.0.0/8 or fd00::/8, or one address", s)
		}
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("bad network %q: use CIDR notation such as 10.0.0.0/8 or fd00::/8, or one address", s)
	}
	if m := p.Masked(); m != p {
		return netip.Prefix{}, fmt.Errorf("bad network %q: the address has bits set beyond /%d (did you mean %s?)", s, p.Bits(), m)
	}
	return p, nil
}

// checkPrefix accepts what parsePrefix parses.
func checkPrefix(s string) error {
	_, err := parsePrefix(s)
	return err
}

// notEmpty refuses an empty string.
func notEmpty(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New("must not be empty")
	}
	return nil
}

// oneOf accepts only the given values.
func oneOf(values ...string) func(string) error {
	return func(s string) error {
		if !slices.Contains(values, s) {
			return fmt.Errorf("bad value %q: must be one of %s", s, strings.Join(quoteAll(values), ", "))
		}
		return nil
	}
}

// quoteAll quotes each value.
func quoteAll(values []string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = strconv.Quote(v)
	}
	return out
}

// between accepts values in [lo, hi].
func between[T cmp.Ordered](lo, hi T) func(T) error {
	return func(v T) error {
		if v < lo || v > hi {
			return fmt.Errorf("%v is out of range: must be from %v to %v", v, lo, hi)
		}
		return nil
	}
}

// atLeast accepts values >= lo.
func atLeast[T cmp.Ordered](lo T) func(T) error {
	return func(v T) error {
		if v < lo {
			return fmt.Errorf("%v is out of range: must be at least %v", v, lo)
		}
		return nil
	}
}

// offOrAtLeast accepts 0 (off) and values >= lo.
func offOrAtLeast[T cmp.Ordered](lo T) func(T) error {
	return func(v T) error {
		var zero T
		if v != zero && v < lo {
			return fmt.Errorf("%v is out of range: must be 0 (off) or at least %v", v, lo)
		}
		return nil
	}
}

// headerName canonicalises a valid HTTP header name.
func headerName(s string) (string, error) {
	if !httpguts.ValidHeaderFieldName(s) {
		return "", fmt.Errorf("bad header name %q", s)
	}
	return textproto.CanonicalMIMEHeaderKey(s), nil
}

// checkHeaderValue accepts a valid HTTP header value.
func checkHeaderValue(s string) error {
	if !httpguts.ValidHeaderFieldValue(s) {
		return fmt.Errorf("bad header value %q", s)
	}
	return nil
}

// cookieName accepts a valid cookie name (an HTTP token).
func cookieName(s string) (string, error) {
	if !httpguts.ValidHeaderFieldName(s) {
		return "", fmt.Errorf("bad cookie name %q", s)
	}
	return s, nil
}

// checkCookieValue accepts RFC 6265 cookie octets, optionally in quotes;
// net/http would silently drop anything else.
func checkCookieValue(s string) error {
	v := s
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		v = v[1 : len(v)-1]
	}
	for i := 0; i < len(v); i++ {
		b := v[i]
		if b < 0x21 || b > 0x7e || b == '"' || b == ',' || b == ';' || b == '\\' {
			return fmt.Errorf("bad cookie value %q: character %q is not allowed", s, b)
		}
	}
	return nil
}
