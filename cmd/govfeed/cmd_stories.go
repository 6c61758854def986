package main

import (
	"context"
	"fmt"
	"time"

	"github.com/govfeed/govfeed/config"
	"github.com/govfeed/govfeed/data"
)

func storiesCommand() command {
	c := command{
		name:    "stories",
		summary: "list recent stories that group several reports, with their scores",
		help: `NAME
    govfeed stories - show what clustering merged

SYNOPSIS
    govfeed stories [--config FILE] [--since DURATION] [--all]

DESCRIPTION
    Lists the recent stories that group more than one item (the same news
    reported by several sources), each with its members: source, date,
    title, link, and the similarity score and signal that merged it
    ("docno 川府发〔2026〕12号", "minhash 0.71", ...). The first member is
    the primary the combined feed shows. Use it to see and tune what the
    stories section of the config merges.

OPTIONS
    --config FILE     configuration file (default: the embedded default)
    --since DURATION  how far back to look (default 7d)
    --all             also list stories of a single item
`,
	}
	c.run = func(ctx context.Context, e env, args []string) error {
		fs := flagSet(c, e)
		cfgPath := configFlag(fs)
		since := fs.String("since", "7d", "how far back")
		all := fs.Bool("all", false, "also single-item stories")
		if err := parseFlags(fs, c, e, args); err != nil {
			return helpOK(err)
		}
		d, err := config.ParseDuration(*since)
		if err != nil {
			return usageError{fmt.Sprintf("stories: --since %q: %v", *since, err)}
		}
		cfg, err := loadConfig(*cfgPath)
		if err != nil {
			return err
		}
		a, err := openApp(ctx, cfg, newLogger(cfg, e.stderr), webOptions(e), false)
		if err != nil {
			return err
		}
		defer a.close()
		stories, err := a.store.RecentStories(ctx, data.Query{Since: time.Now().Add(-d), Limit: 100000})
		if err != nil {
			return err
		}
		names := map[string]string{}
		for _, s := range cfg.Sources {
			names[s.ID] = s.Name
		}
		shown, members := 0, 0
		for _, st := range stories {
			if len(st.Items) < 2 && !*all {
				continue
			}
			shown++
			members += len(st.Items)
			fmt.Fprintf(e.stdout, "story %d: %s (%d reports, updated %s)\n", st.ID, st.Primary().Title, len(st.Items), st.Updated().Format(time.RFC3339))
			for i, it := range st.Items {
				m := st.Members[i]
				name := names[it.SourceID]
				if name == "" {
					name = it.SourceID
				}
				fmt.Fprintf(e.stdout, "  %-5.2f %-28s %s  %s\n        %s\n        %s\n", m.Score, m.Reason, it.Date().Format("2006-01-02 15:04Z"), name, it.Title, it.Link)
			}
		}
		fmt.Fprintf(e.stdout, "%d stories, %d reports (since %s)\n", shown, members, *since)
		return nil
	}
	return c
}
