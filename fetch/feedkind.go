package fetch

import (
	"context"
	"fmt"

	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/fetch/feed"
)

// harvestFeed reads an RSS, Atom or JSON Feed source with a conditional GET.
// It only downloads: the harvest's parse step reads the document, once the
// source has its share of the save budget (see fetchSlot).
func (r *Runner) harvestFeed(ctx context.Context, src data.Source, st data.SourceState) (harvest, error) {
	resp, h, err := r.conditionalGet(ctx, src, st, "", 0)
	if err != nil || h.notModified {
		return h, err
	}
	h.size = int64(len(resp.Body))
	h.parse = func(ctx context.Context) (harvest, error) {
		var f *feed.Feed
		err := r.parse(ctx, func() (err error) {
			f, err = feed.Parse(resp.Body, resp.Header.Get("Content-Type"), feed.Options{
				BaseURL:  resp.URL,
				Location: src.Location,
				Now:      r.now,
				Sanitize: r.opts.Sanitizer.HTML,
			})
			return err
		})
		if ctx.Err() != nil {
			return harvest{}, ctx.Err()
		}
		if err != nil {
			return harvest{}, &Error{SourceID: src.ID, Class: data.ErrParse, Err: fmt.Errorf("parse %s: %w", resp.URL, err)}
		}
		h.items, h.title, h.link, h.listed = f.Items, f.Title, f.Link, len(f.Items)
		return h, nil
	}
	return h, nil
}
