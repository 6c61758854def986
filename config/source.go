package config

import (
	"fmt"
	"slices"
	"time"

	"github.com/govfeed/govfeed/data"
	"go.yaml.in/yaml/v3"
)

// Keys of a source entry, by the kinds they belong to.
var (
	commonSourceKeys = []string{"id", "name", "url", "kind", "schedule", "tags", "timezone", "timeout", "max_body_bytes", "headers", "cookies", "retention"}
	htmlSourceKeys   = []string{"pages", "selectors", "date_format", "encoding", "delay"}
	jsonSourceKeys   = []string{"json"}
	sourceKeys       = slices.Concat(commonSourceKeys, htmlSourceKeys, jsonSourceKeys)
	selectorKeys     = []string{"item", "title", "link", "date", "content", "remove"}
	jsonRuleKeys     = []string{"items", "title", "link", "date", "id", "summary", "author", "date_unit", "fetch_body"}
)

// maxPages bounds html backfill.
const maxPages = 100

// sources decodes the list of sources into c.
func (d *decoder) sources(n *yaml.Node, c *Config) {
	if isNull(n) {
		return
	}
	rn := resolve(n)
	if rn.Kind != yaml.SequenceNode {
		d.failf(n, "sources", "expected a list of sources, got %s", describe(rn))
		return
	}
	idNodes := map[string]*yaml.Node{}
	for i, sn := range rn.Content {
		path := fmt.Sprintf("sources[%d]", i)
		src, ret, idNode := d.source(sn, path, c.Defaults)
		if idNode == nil {
			continue
		}
		if first, dup := idNodes[src.ID]; dup {
			d.fail(idNode, path+".id", fmt.Errorf("%w %q, first used at line %d", ErrDuplicateID, src.ID, first.Line))
			continue
		}
		idNodes[src.ID] = idNode
		c.Lines[src.ID] = sn.Line
		if ret != nil {
			c.SourceRetention[src.ID] = *ret
		}
		c.Sources = append(c.Sources, src)
	}
}

// source decodes one source with df applied. It returns the id's node when
// the id is valid, and the source's retention when it overrides it.
func (d *decoder) source(n *yaml.Node, path string, df Defaults) (data.Source, *Retention, *yaml.Node) {
	s := data.Source{
		Kind:         data.KindFeed,
		Schedule:     df.Schedule,
		Location:     df.Timezone,
		Timeout:      df.Timeout,
		MaxBodyBytes: df.MaxBodyBytes,
	}
	if isNull(n) || resolve(n).Kind != yaml.MappingNode {
		d.failf(n, path, "expected a mapping with at least id and url, got %s", describe(n))
		return s, nil, nil
	}
	m := d.mapping(n, path, sourceKeys...)

	idNode := field(d, m, "id", &s.ID, parseString, checkSlug)
	d.require(m, "id")
	s.Name = s.ID
	field(d, m, "name", &s.Name, parseString, notEmpty)
	if d.require(m, "url") {
		field(d, m, "url", &s.URL, parseString, checkHTTPURL)
	}
	var kind string
	kindOK := field(d, m, "kind", &kind, parseString, oneOf(string(data.KindFeed), string(data.KindHTML), string(data.KindJSON))) != nil
	if kindOK {
		s.Kind = data.SourceKind(kind)
	}
	kindOK = kindOK || m.get("kind") == nil

	field(d, m, "schedule", &s.Schedule, parseString, checkCron)
	s.Tags = d.stringList(m, "tags", checkSlug)
	field(d, m, "timezone", &s.Location, parseLocationNode)
	field(d, m, "timeout", &s.Timeout, parseDurationNode, atLeast(time.Second))
	field(d, m, "max_body_bytes", &s.MaxBodyBytes, parseSizeNode, between[int64](1, maxBodyLimit))
	s.Headers = d.stringMap(m, "headers", headerName, checkHeaderValue)
	s.Cookies = d.stringMap(m, "cookies", cookieName, checkCookieValue)

	var ret *Retention
	if rm := m.get("retention"); rm != nil {
		r := d.retention(d.mapping(rm, m.key("retention"), retentionKeys...), df.Retention)
		ret = &r
	}

	if kindOK {
		d.kindOnly(m, s.Kind, data.KindHTML, htmlSourceKeys)
		d.kindOnly(m, s.Kind, data.KindJSON, jsonSourceKeys)
	}
	switch s.Kind {
	case data.KindHTML:
		s.HTML = d.htmlRules(m, df)
	case data.KindJSON:
		s.JSON = d.jsonRules(m)
	}
	return s, ret, idNode
}

// kindOnly reports the keys of m that belong to kind when the source is of
// another kind.
func (d *decoder) kindOnly(m *mapping, have, kind data.SourceKind, keys []string) {
	if have == kind {
		return
	}
	for _, k := range keys {
		if e, ok := m.entries[k]; ok {
			d.failf(e.key, m.key(k), "only allowed for kind %s; this source is kind %s", kind, have)
		}
	}
}

// htmlRules decodes the options of a kind: html source.
func (d *decoder) htmlRules(m *mapping, df Defaults) *data.HTMLRules {
	r := &data.HTMLRules{Delay: df.Delay}
	field(d, m, "pages", &r.Pages, parseInt, between(0, maxPages))
	field(d, m, "date_format", &r.DateFormat, parseString, checkLayout)
	field(d, m, "encoding", &r.Encoding, parseString, checkCharset)
	field(d, m, "delay", &r.Delay, parseDurationNode)

	sm := d.mapping(m.get("selectors"), m.key("selectors"), selectorKeys...)
	sel := &r.Selectors
	field(d, sm, "item", &sel.Item, parseString, checkSelector)
	for _, f := range []struct {
		name string
		dst  *string
	}{{"title", &sel.Title}, {"link", &sel.Link}, {"date", &sel.Date}, {"content", &sel.Content}, {"remove", &sel.Remove}} {
		field(d, sm, f.name, f.dst, parseString, checkSelector)
	}
	// title, link and date are looked up inside an item.
	if _, hasItem := sm.entries["item"]; !hasItem {
		for _, k := range []string{"title", "link", "date"} {
			if e, ok := sm.entries[k]; ok {
				d.failf(e.key, sm.key(k), "needs %s: it is looked up inside each item", sm.key("item"))
			}
		}
	}
	return r
}

// jsonRules decodes the options of a kind: json source; json.items and
// json.link are required.
func (d *decoder) jsonRules(m *mapping) *data.JSONRules {
	r := &data.JSONRules{}
	if !d.require(m, "json") {
		return r
	}
	jm := d.mapping(m.get("json"), m.key("json"), jsonRuleKeys...)
	for _, f := range []struct {
		name string
		dst  *string
	}{{"items", &r.Items}, {"title", &r.Title}, {"link", &r.Link}, {"date", &r.Date}, {"id", &r.ID}, {"summary", &r.Summary}, {"author", &r.Author}} {
		field(d, jm, f.name, f.dst, parseString, checkJSONPath)
	}
	field(d, jm, "date_unit", &r.DateUnit, parseString, oneOf("s", "ms", ""))
	field(d, jm, "fetch_body", &r.FetchBody, parseBool)
	for _, k := range []string{"items", "link"} {
		switch v := jm.get(k); {
		case v == nil:
			d.require(jm, k)
		case resolve(v).Value == "":
			d.fail(v, jm.key(k), ErrRequired)
		}
	}
	return r
}
