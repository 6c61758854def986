package opml

import (
	"bytes"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/govfeed/govfeed/data"
	"go.yaml.in/yaml/v3"
)

// Limits of generated ids and tags (config slugs are 1-64 characters).
const (
	maxSlug = 64
	maxBase = 56 // room for a "-NNN" suffix
)

// sourceEntry is one generated `sources:` entry.
type sourceEntry struct {
	ID   string   `yaml:"id"`
	Name string   `yaml:"name,omitempty"`
	URL  string   `yaml:"url"`
	Kind string   `yaml:"kind"`
	Tags []string `yaml:"tags,flow,omitempty"`

	comments []string // folders that could not become tags
}

// SourcesYAML returns YAML `sources:` entries (a sequence indented by two
// spaces, the layout of config/default.yaml, to be appended under the
// `sources:` key) for the feeds of outlines that are not configured yet,
// and the reasons the others were skipped.
//
// Feeds are matched by canonical URL (data.CanonicalURL, scheme ignored)
// against existing and against each other; a feed listed in two folders
// becomes one source with the tags of both. Each new source is kind feed,
// named after the outline's title, with an id derived from the title or,
// for a title with no ASCII letters or digits (a Chinese one), from the
// host, made unique against existing ids and the ids generated before it.
// Folder names become tags; a folder whose name has no ASCII letters or
// digits is noted in a comment above the entry instead. Outlines with
// Children are walked, each folder's Text becoming part of the category.
func SourcesYAML(outlines []Outline, existing []data.Source) ([]byte, []string, error) {
	configured := make(map[string]string, len(existing))
	ids := make(map[string]bool, len(existing))
	for _, s := range existing {
		ids[s.ID] = true
		if k := matchKey(s.URL); k != "" {
			configured[k] = s.ID
		}
	}
	var (
		entries []*sourceEntry
		seen    = map[string]*sourceEntry{}
		skipped []string
	)
	for _, o := range feedsOf(outlines, "") {
		label := o.Title
		if label == "" {
			label = o.Text
		}
		link := strings.TrimSpace(o.XMLURL)
		key := matchKey(link)
		switch {
		case key == "":
			skipped = append(skipped, fmt.Sprintf("outline %q: feed URL %q is not an absolute http(s) URL", label, link))
			continue
		case configured[key] != "":
			skipped = append(skipped, fmt.Sprintf("outline %q: %s is already configured as source %q", label, link, configured[key]))
			continue
		case seen[key] != nil:
			e := seen[key]
			addTags(e, o.Category)
			skipped = append(skipped, fmt.Sprintf("outline %q: %s is listed twice; kept once as source %q", label, link, e.ID))
			continue
		}
		e := &sourceEntry{URL: link, Kind: string(data.KindFeed)}
		e.ID = uniqueID(baseID(label, link), ids)
		if label != e.ID {
			e.Name = label
		}
		addTags(e, o.Category)
		seen[key] = e
		entries = append(entries, e)
	}
	out, err := encode(entries)
	if err != nil {
		return nil, skipped, err
	}
	return out, skipped, nil
}

// feedsOf returns the feed outlines of list, walking folders; category is
// the path of the folder list sits in.
func feedsOf(list []Outline, category string) []Outline {
	var out []Outline
	for _, o := range list {
		if o.XMLURL != "" {
			if o.Category == "" {
				o.Category = category
			}
			out = append(out, o)
		}
		if len(o.Children) > 0 {
			sub := category
			if o.XMLURL == "" && strings.TrimSpace(o.Text) != "" {
				sub = strings.Trim(category+"/"+strings.TrimSpace(o.Text), "/")
			}
			out = append(out, feedsOf(o.Children, sub)...)
		}
	}
	return out
}

// matchKey is the form under which two feed URLs are the same feed: the
// canonical URL without its scheme, as in data.Key. It is "" for anything
// that is not an absolute http(s) URL.
func matchKey(raw string) string {
	c := data.CanonicalURL(raw)
	if c == "" {
		return ""
	}
	_, rest, _ := strings.Cut(c, "://")
	return rest
}

// baseID is the id a feed would get before deduplication: its title as a
// slug, else its host without "www." (cq.gov.cn -> cq-gov-cn).
func baseID(title, link string) string {
	if s := slug(title, maxBase); s != "" {
		return s
	}
	host := ""
	if u, err := url.Parse(link); err == nil {
		host = strings.TrimPrefix(u.Hostname(), "www.")
	}
	if s := slug(host, maxBase); s != "" {
		return s
	}
	return "feed"
}

// uniqueID returns base, or base-2, base-3, ... whichever is not in ids,
// and adds it to ids.
func uniqueID(base string, ids map[string]bool) string {
	id := base
	for n := 2; ids[id]; n++ {
		id = base + "-" + strconv.Itoa(n)
	}
	ids[id] = true
	return id
}

// addTags adds the folders of category to e's tags, or to its comments when
// a folder name makes no slug.
func addTags(e *sourceEntry, category string) {
	for _, name := range strings.Split(category, "/") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		t := slug(name, maxSlug)
		if t == "" {
			note := fmt.Sprintf("OPML folder %q: add a tag by hand", name)
			if !slices.Contains(e.comments, note) {
				e.comments = append(e.comments, note)
			}
			continue
		}
		if !slices.Contains(e.Tags, t) {
			e.Tags = append(e.Tags, t)
		}
	}
}

// slug lower-cases s and keeps ASCII letters, digits and '_', turning every
// run of other characters into one '-', trimmed at both ends and cut to limit
// bytes (at a '-' when there is one in the second half). It is "" when s
// has no ASCII letter or digit.
func slug(s string, limit int) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
	}
	out := strings.Trim(b.String(), "-_")
	if len(out) > limit {
		out = out[:limit]
		// Cut at a word boundary when one is not too far back.
		if i := strings.LastIndexByte(out, '-'); i > limit/2 {
			out = out[:i]
		}
		out = strings.TrimRight(out, "-_")
	}
	return out
}

// encode renders entries as a YAML sequence indented by two spaces.
func encode(entries []*sourceEntry) ([]byte, error) {
	if len(entries) == 0 {
		return nil, nil
	}
	seq := &yaml.Node{Kind: yaml.SequenceNode}
	for _, e := range entries {
		n := &yaml.Node{}
		if err := n.Encode(e); err != nil {
			return nil, fmt.Errorf("encode source %q: %w", e.ID, err)
		}
		if len(e.comments) > 0 {
			n.HeadComment = strings.Join(e.comments, "\n")
		}
		seq.Content = append(seq.Content, n)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(seq); err != nil {
		return nil, fmt.Errorf("encode sources: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode sources: %w", err)
	}
	var out bytes.Buffer
	for _, line := range strings.SplitAfter(buf.String(), "\n") {
		if line != "" && line != "\n" {
			out.WriteString("  ")
		}
		out.WriteString(line)
	}
	return out.Bytes(), nil
}
