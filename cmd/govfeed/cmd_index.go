package main

import (
	"context"
	"fmt"
	"time"

	"github.com/govfeed/govfeed/fetch/web"
)

func indexCommand() command {
	c := command{
		name:    "index",
		summary: "index stored items for search now",
		help: `NAME
    govfeed index - index stored items for search now

SYNOPSIS
    govfeed index [--config FILE]

DESCRIPTION
    Saving an item only queues it for the full-text index; the daemon
    indexes the queue in the background a few seconds later, in large
    batches (much cheaper than one item at a time). "govfeed fetch" leaves
    its queue to the daemon. This command indexes the whole queue now, for
    example after a large import when no daemon runs, and prints how many
    items it indexed. Searches find queued items meanwhile (by substring of
    their text), so running it is never required for correct results.

OPTIONS
    --config FILE     configuration file (default: the embedded default)
`,
	}
	c.run = func(ctx context.Context, e env, args []string) error {
		fs := flagSet(c, e)
		cfgPath := configFlag(fs)
		if err := parseFlags(fs, c, e, args); err != nil {
			return helpOK(err)
		}
		cfg, err := loadConfig(*cfgPath)
		if err != nil {
			return err
		}
		a, err := openApp(ctx, cfg, newLogger(cfg, e.stderr), web.ClientOptions{}, false)
		if err != nil {
			return err
		}
		defer a.close()
		start := time.Now()
		total, err := a.store.IndexAllQueued(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "indexed %d items in %.1f s\n", total, time.Since(start).Seconds())
		return nil
	}
	return c
}
