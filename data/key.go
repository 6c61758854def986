package data

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// The deduplication rule lives in this file and nowhere else.
//
// An item's key, scoped to its source, is
//  1. "g:" + its GUID, when the upstream gives a usable one (non-empty and
//     not repeated within the same fetch);
//  2. else "u:" + its canonical link (see CanonicalURL), scheme dropped so
//     that the http and https copies of one article are one item;
//  3. else "h:" + a hash of its title and date.
//
// HTML sources set GUID to the article id found in the URL (ArticleID), so
// an article reached through two columns or with tracking parameters, or
// whose title was edited, keeps one key.

// maxKeyLen bounds stored keys; longer values are replaced by their hash.
const maxKeyLen = 160

// AssignKeys sets Key on every item of one fetch. GUIDs that are empty or
// repeated within items fall back to the link, then to title and date.
func AssignKeys(items []Item) {
	seen := make(map[string]int, len(items))
	for _, it := range items {
		if g := strings.TrimSpace(it.GUID); g != "" {
			seen[g]++
		}
	}
	for i := range items {
		it := &items[i]
		g := strings.TrimSpace(it.GUID)
		usable := g != "" && seen[g] == 1
		it.Key = Key(g, it.Link, it.Title, it.Published, usable)
	}
}

// Key computes one item's key; guidUsable says whether guid may be used
// (AssignKeys decides that from the whole fetch).
func Key(guid, link, title string, published time.Time, guidUsable bool) string {
	if guidUsable && guid != "" {
		return bound("g:", guid)
	}
	if c := CanonicalURL(link); c != "" {
		if u, err := url.Parse(c); err == nil && u.Host != "" {
			return bound("u:", strings.TrimPrefix(c, u.Scheme+"://"))
		}
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(title) + "\x00" + published.UTC().Format(time.RFC3339)))
	return "h:" + hex.EncodeToString(sum[:16])
}

func bound(prefix, v string) string {
	if len(prefix)+len(v) <= maxKeyLen {
		return prefix + v
	}
	sum := sha256.Sum256([]byte(v))
	return prefix + "sha256:" + hex.EncodeToString(sum[:])
}

// trackingParams are query parameters that never select content.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "msclkid": true, "yclid": true,
	"mc_cid": true, "mc_eid": true, "igshid": true, "_hsenc": true, "_hsmi": true,
	"spm": true, "isappinstalled": true, "share_token": true, "ref_src": true,
}

// plausibleHost reports whether a decoded host name can be written back
// into a URL as it is: valid UTF-8 without spaces, controls or the
// characters that delimit a URL's parts ("http://%80%25..." decodes to
// neither).
func plausibleHost(host string) bool {
	if !utf8.ValidString(host) {
		return false
	}
	for _, r := range host {
		if r <= ' ' || r == 0x7f || strings.ContainsRune("%/?#@\\<>\"`^{|}", r) {
			return false
		}
	}
	return true
}

// CanonicalURL returns the form of a link used for deduplication: scheme and
// host lower-cased, default port dropped, empty path made "/", repeated
// slashes in the path folded, fragment dropped, utm_* and other tracking
// parameters removed and the remaining parameters sorted. It returns "" for
// anything that is not an absolute http(s) URL.
func CanonicalURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return ""
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	if host == "" {
		return "" // "http://:" or "http://:80"
	}
	if !plausibleHost(host) {
		return "" // a percent-encoded host that decodes to bytes no host holds
	}
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]" // an IPv6 literal
	}
	if port != "" {
		host += ":" + port
	}
	u.Host = host
	u.User = nil
	u.Fragment, u.RawFragment = "", ""
	path := u.EscapedPath()
	for strings.Contains(path, "//") {
		path = strings.ReplaceAll(path, "//", "/")
	}
	if path == "" {
		path = "/"
	}
	q := u.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "utm_") || trackingParams[lk] {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(u.Scheme + "://" + host + path)
	sep := byte('?')
	for _, k := range keys {
		vals := q[k]
		sort.Strings(vals)
		for _, v := range vals {
			if k == "" && v == "" {
				continue // a bare "=" selects nothing
			}
			b.WriteByte(sep)
			sep = '&'
			b.WriteString(url.QueryEscape(k))
			if v != "" {
				b.WriteByte('=')
				b.WriteString(url.QueryEscape(v))
			}
		}
	}
	return b.String()
}

// articleIDPatterns find the article id that government CMSs put in their
// URLs. The first submatch is the id; the CMS prefix is kept so two families
// never collide.
var articleIDPatterns = []*regexp.Regexp{
	regexp.MustCompile(`/(t\d{8}_\d+)\.s?html?$`),                                   // TRS: /YYYYMM/tYYYYMMDD_ID.html
	regexp.MustCompile(`/(m?post_\d+)\.html?$`),                                     // Guangdong NFCMS: post_ID.html
	regexp.MustCompile(`/(content_\d+)\.s?html?$`),                                  // www.gov.cn: content_N.htm
	regexp.MustCompile(`/(art_\d+_\d+)\.html?$`),                                    // Hanweb (old): art_COL_ID.html
	regexp.MustCompile(`/(art_[0-9a-fA-F]{32})\.html?$`),                            // Hanweb (new): art_<32hex>.html
	regexp.MustCompile(`/\d{4}/\d{1,2}/\d{1,2}/([0-9a-fA-F]{32}|\d{6,})\.s?html?$`), // Sichuan
	regexp.MustCompile(`/([0-9a-fA-F]{32})\.s?html?$`),                              // any 32-hex article id
}

// ArticleID returns the CMS article id in a government article URL, such as
// "t20260616_15758457", "post_4906500", "content_7012345" or a 32-hex id,
// qualified by the host so two sites never share an id: an article listed
// under two columns, or with tracking parameters, yields one id. It returns
// "" when the URL has no recognisable id.
func ArticleID(link string) string {
	c := CanonicalURL(link)
	if c == "" {
		return ""
	}
	u, err := url.Parse(c)
	if err != nil {
		return ""
	}
	for _, re := range articleIDPatterns {
		if m := re.FindStringSubmatch(u.Path); m != nil {
			return u.Hostname() + "/" + strings.ToLower(m[1])
		}
	}
	return ""
}

// LinkKey identifies the article an item links to, across sources: the CMS
// article id when the URL has one (ArticleID), else the canonical link
// without its scheme; "" for no usable link. Two items of different
// sources with the same LinkKey are the same article (a department site
// re-posting the portal's page, a feed and a list page of one column), so
// they form one story.
func LinkKey(link string) string {
	if id := ArticleID(link); id != "" {
		return id
	}
	c := CanonicalURL(link)
	if c == "" {
		return ""
	}
	_, rest, _ := strings.Cut(c, "://")
	return bound("", rest)
}
