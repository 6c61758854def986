package fetch

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/fetch/clean"
	"github.com/govfeed/govfeed/fetch/dates"
)

// harvestJSON reads a JSON list API (such as Guangdong's gkmlpt) through the
// source's field mapping, and, when asked, each new item's article page.
func (r *Runner) harvestJSON(ctx context.Context, src data.Source, st data.SourceState) (harvest, error) {
	if src.JSON == nil {
		return harvest{}, &Error{SourceID: src.ID, Class: data.ErrParse, Err: fmt.Errorf("kind json needs a json mapping")}
	}
	resp, h, err := r.conditionalGet(ctx, src, st, "application/json, text/javascript;q=0.9, */*;q=0.5", r.delay(src))
	if err != nil || h.notModified {
		return h, err
	}
	var items []data.Item
	err = r.parse(ctx, func() (err error) {
		items, err = mapJSON(resp.Body, resp.URL, *src.JSON, src.Location, r.now())
		return err
	})
	if ctx.Err() != nil {
		return harvest{}, ctx.Err()
	}
	if err != nil {
		return harvest{}, &Error{SourceID: src.ID, Class: data.ErrParse, Err: fmt.Errorf("json %s: %w", resp.URL, err)}
	}
	h.listed = len(items)
	if !src.JSON.FetchBody {
		h.items = items
		return h, nil
	}
	h.items, err = r.enrich(ctx, src, resp.URL, items)
	return h, err
}

// mapJSON turns a JSON list document into items by the field mapping m.
func mapJSON(body []byte, base string, m data.JSONRules, loc *time.Location, now time.Time) ([]data.Item, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	list, ok := lookup(doc, m.Items).([]any)
	if !ok {
		return nil, fmt.Errorf("no array at %q", m.Items)
	}
	baseURL, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("base url %q: %w", base, err)
	}
	items := make([]data.Item, 0, len(list))
	for i, el := range list {
		link := text(lookup(el, m.Link))
		if link == "" {
			return nil, fmt.Errorf("item %d: no link at %q", i, m.Link)
		}
		u, err := baseURL.Parse(link)
		if err != nil {
			return nil, fmt.Errorf("item %d: link %q: %w", i, link, err)
		}
		it := data.Item{
			Link:   u.String(),
			Title:  clean.Text(text(lookup(el, m.Title))),
			Author: clean.Text(text(lookup(el, m.Author))),
		}
		if m.Summary != "" {
			if s := text(lookup(el, m.Summary)); s != "" {
				it.Summary = "<p>" + htmlEscape(clean.Text(s)) + "</p>"
			}
		}
		if m.ID != "" {
			if id := text(lookup(el, m.ID)); id != "" {
				it.GUID = u.Hostname() + "/" + id
			}
		}
		if it.GUID == "" {
			it.GUID = data.ArticleID(it.Link)
		}
		if m.Date != "" {
			t, err := jsonDate(lookup(el, m.Date), m.DateUnit, loc, now)
			if err != nil {
				return nil, fmt.Errorf("item %d: date at %q: %w", i, m.Date, err)
			}
			it.Published = t
		}
		items = append(items, it)
	}
	return items, nil
}

// lookup follows a dotted path ("data.list", "articles") into a decoded
// JSON value; an empty path is the value itself.
func lookup(v any, path string) any {
	if path == "" {
		return v
	}
	for _, part := range strings.Split(path, ".") {
		switch t := v.(type) {
		case map[string]any:
			v = t[part]
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(t) {
				return nil
			}
			v = t[i]
		default:
			return nil
		}
	}
	return v
}

func text(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return strings.TrimSpace(t)
	case json.Number:
		return t.String()
	case bool:
		return strconv.FormatBool(t)
	default:
		return ""
	}
}

// jsonDate reads a date as Unix seconds or milliseconds (unit "s", "ms")
// or as text in any format fetch/dates knows (naive times in loc).
func jsonDate(v any, unit string, loc *time.Location, now time.Time) (time.Time, error) {
	if v == nil {
		return time.Time{}, nil
	}
	switch unit {
	case "s", "ms":
		n, err := strconv.ParseFloat(text(v), 64)
		if err != nil || math.IsNaN(n) || math.IsInf(n, 0) || n < 0 {
			return time.Time{}, fmt.Errorf("not a Unix time: %v", v)
		}
		if unit == "ms" {
			return time.UnixMilli(int64(n)).UTC(), nil
		}
		return time.Unix(int64(n), 0).UTC(), nil
	default:
		return dates.Parse(text(v), loc, now)
	}
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// MapJSON is the mapping a json source applies, for tools that show an
// operator what a mapping yields (govfeed try) without storing anything.
func MapJSON(body []byte, base string, m data.JSONRules, loc *time.Location, now time.Time) ([]data.Item, error) {
	return mapJSON(body, base, m, loc, now)
}
