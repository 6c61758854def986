package fetch

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/fetch/article"
	"github.com/govfeed/govfeed/fetch/charset"
	"github.com/govfeed/govfeed/fetch/listing"
	"github.com/govfeed/govfeed/fetch/web"
)

// acceptHTML is the Accept header of list and article pages.
const acceptHTML = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"

// maxArticlesPerRun bounds the article pages one run fetches, so a backfill
// of many list pages spreads over several runs instead of timing out.
const maxArticlesPerRun = 60

// harvestHTML reads a government list page (and up to rules.Pages more),
// then fetches the article page of every item not stored yet.
func (r *Runner) harvestHTML(ctx context.Context, src data.Source, st data.SourceState) (harvest, error) {
	rules := htmlRules(src)
	resp, h, err := r.conditionalGet(ctx, src, st, acceptHTML, r.delay(src))
	if err != nil || h.notModified {
		return h, err
	}
	pages, err := r.listPages(ctx, src, resp, rules.Pages)
	if err != nil {
		return harvest{}, err
	}
	var items []data.Item
	seen := map[string]bool{}
	for _, p := range pages {
		var entries []listing.Entry
		err := r.parse(ctx, func() (err error) {
			entries, err = listing.Extract(p.body, listing.Options{
				BaseURL:    p.url,
				Selectors:  rules.Selectors,
				DateFormat: rules.DateFormat,
				Location:   src.Location,
				Now:        r.now,
			})
			return err
		})
		if ctx.Err() != nil {
			return harvest{}, ctx.Err()
		}
		if err != nil {
			return harvest{}, &Error{SourceID: src.ID, Class: data.ErrParse, Err: fmt.Errorf("list %s: %w", p.url, err)}
		}
		for _, e := range entries {
			it := data.Item{GUID: data.ArticleID(e.Link), Link: e.Link, Title: e.Title, Published: e.Date}
			k := data.Key(it.GUID, it.Link, it.Title, it.Published, it.GUID != "")
			if seen[k] {
				continue // the same article under two columns of one page
			}
			seen[k] = true
			items = append(items, it)
		}
	}
	h.listed = len(items)
	h.items, err = r.enrich(ctx, src, resp.URL, items)
	return h, err
}

// listPage is one decoded list page.
type listPage struct {
	url  string
	body []byte
}

// listPages decodes the first list page and follows up to extra more, each
// found from the page before it (a site with only a 下一页 link yields one
// next page at a time). A failing backfill page ends the walk; the pages
// already read still count.
func (r *Runner) listPages(ctx context.Context, src data.Source, first *web.Response, extra int) ([]listPage, error) {
	body, err := r.decodeHTML(src, first)
	if err != nil {
		return nil, err
	}
	pages := []listPage{{url: first.URL, body: body}}
	visited := map[string]bool{data.CanonicalURL(first.URL): true}
	for len(pages) <= extra {
		last := pages[len(pages)-1]
		var next string
		for _, u := range listing.NextPages(last.body, last.url, extra-len(pages)+1) {
			if !visited[data.CanonicalURL(u)] {
				next = u
				break
			}
		}
		if next == "" {
			break
		}
		visited[data.CanonicalURL(next)] = true
		req := r.request(src, next)
		req.Referer = last.url
		resp, err := r.gate.get(ctx, req, r.delay(src))
		if err != nil {
			r.log.Warn("list page failed", "source_id", src.ID, "url", next, "err", err)
			break
		}
		b, err := r.decodeHTML(src, resp)
		if err != nil {
			r.log.Warn("list page undecodable", "source_id", src.ID, "url", next, "err", err)
			break
		}
		pages = append(pages, listPage{url: resp.URL, body: b})
	}
	return pages, nil
}

// enrich fills each list item with its article page: title, date, body,
// author and attachments. Items already stored are not fetched again unless
// their list date changed; their stored version is reused as is.
func (r *Runner) enrich(ctx context.Context, src data.Source, referer string, items []data.Item) ([]data.Item, error) {
	if len(items) == 0 {
		return items, nil
	}
	keys := make([]string, len(items))
	for i, it := range items {
		keys[i] = data.Key(it.GUID, it.Link, it.Title, it.Published, it.GUID != "")
	}
	known, err := r.store.Known(ctx, src.ID, keys)
	if err != nil {
		return nil, &Error{SourceID: src.ID, Class: data.ErrStore, Err: err}
	}
	// Leave time to save: the article phase ends a little before the fetch's deadline.
	actx := ctx
	if dl, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		actx, cancel = context.WithDeadline(ctx, dl.Add(-2*time.Second))
		defer cancel()
	}
	out := make([]data.Item, 0, len(items))
	fetched, blocked, tried := 0, 0, 0
	var lastErr error
	for i, it := range items {
		if k, ok := known[keys[i]]; ok {
			if k.ID == 0 || sameDay(k.Published, it.Published, src.Location) || it.Published.IsZero() {
				if k.ID != 0 {
					k.GUID = it.GUID
					out = append(out, k)
				}
				continue
			}
		}
		if fetched >= maxArticlesPerRun || actx.Err() != nil {
			continue // left for the next run
		}
		fetched++
		tried++
		full, err := r.article(actx, src, referer, it)
		if err != nil {
			lastErr = err
			if web.ClassOf(err) == data.ErrBlocked {
				blocked++
			}
			var we *web.Error
			if errors.As(err, &we) && (we.Status == 404 || we.Status == 410) {
				out = append(out, it) // gone for good: keep what the list says
			}
			r.log.Warn("article failed", "source_id", src.ID, "url", it.Link, "err", err)
			continue
		}
		out = append(out, full)
	}
	if tried > 0 && blocked == tried {
		return nil, lastErr
	}
	return out, nil
}

// article fetches and extracts one article page, merged with its list entry.
func (r *Runner) article(ctx context.Context, src data.Source, referer string, it data.Item) (data.Item, error) {
	req := r.request(src, it.Link)
	req.Referer = referer
	req.Accept = acceptHTML
	resp, err := r.gate.get(ctx, req, r.delay(src))
	if err != nil {
		return it, err
	}
	body, err := r.decodeHTML(src, resp)
	if err != nil {
		return it, err
	}
	rules := htmlRules(src)
	var a *article.Article
	err = r.parse(ctx, func() (err error) {
		a, err = article.Extract(body, article.Options{
			URL:        resp.URL,
			Location:   src.Location,
			Now:        r.now,
			Selectors:  rules.Selectors,
			DateFormat: rules.DateFormat,
			Sanitizer:  r.opts.Sanitizer,
		})
		return err
	})
	if ctx.Err() != nil {
		return it, ctx.Err()
	}
	if err != nil {
		return it, &Error{SourceID: src.ID, Class: data.ErrParse, Err: fmt.Errorf("article %s: %w", resp.URL, err)}
	}
	full := a.Item(src.ID)
	full.Link = it.Link // keep the listed URL: it is what the key was made from
	if it.GUID != "" {
		full.GUID = it.GUID
	}
	if full.Title == "" {
		full.Title = it.Title
	}
	// A JSON API may name the publisher and give a summary that the
	// article page does not repeat.
	if full.Author == "" {
		full.Author = it.Author
	}
	if full.Summary == "" {
		full.Summary = it.Summary
	}
	// A date in the list is the site's own publication date; the article's
	// is usually the same instant with a time of day, so prefer it when it
	// falls on the same day.
	if full.Published.IsZero() || (!it.Published.IsZero() && !sameDay(full.Published, it.Published, src.Location)) {
		full.Published = it.Published
	}
	return full, nil
}

func (r *Runner) decodeHTML(src data.Source, resp *web.Response) ([]byte, error) {
	b, _, err := charset.DecodeHTML(resp.Body, resp.Header.Get("Content-Type"), htmlRules(src).Encoding)
	if err != nil {
		return nil, &Error{SourceID: src.ID, Class: data.ErrParse, Err: fmt.Errorf("decode %s: %w", resp.URL, err)}
	}
	return b, nil
}

// delay is the least spacing between two requests of src to one host.
func (r *Runner) delay(src data.Source) time.Duration {
	if src.HTML != nil && src.HTML.Delay > 0 {
		return src.HTML.Delay
	}
	return r.opts.Delay
}

func htmlRules(src data.Source) data.HTMLRules {
	if src.HTML != nil {
		return *src.HTML
	}
	return data.HTMLRules{}
}

// sameDay reports whether a and b fall on the same calendar day in loc
// (list dates are date-only, article dates carry a time).
func sameDay(a, b time.Time, loc *time.Location) bool {
	if a.IsZero() || b.IsZero() {
		return a.IsZero() == b.IsZero()
	}
	if loc == nil {
		loc = time.UTC
	}
	return a.In(loc).Format("2006-01-02") == b.In(loc).Format("2006-01-02")
}
