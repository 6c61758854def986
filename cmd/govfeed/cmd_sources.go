package main

import (
	"context"
	"fmt"
	"os"

	"github.com/govfeed/govfeed/config"
	"github.com/govfeed/govfeed/config/opml"
	"github.com/govfeed/govfeed/data"
)

func sourcesCommand() command {
	c := command{
		name:    "sources",
		summary: "import sources from a reader's OPML, or export them as OPML",
		help: `NAME
    govfeed sources - move sources between govfeed and feed readers

SYNOPSIS
    govfeed sources import [--config FILE] FILE.opml
    govfeed sources export [--config FILE] [--published]

DESCRIPTION
    import reads an OPML 1.0 or 2.0 export from any feed reader (Feedly,
    Miniflux, NetNewsWire, newsboat, ...) and prints YAML "sources:" entries
    for the feeds not configured yet (matched by canonical URL), kind feed,
    with the reader's folders as tags. Review them and append them under the
    sources key of your config file, then run "govfeed check". Skipped feeds
    are listed on stderr with the reason. The config file is never edited.

    export writes the configured sources as OPML 2.0 on stdout: feed
    sources with their upstream feed URL, html and json sources (which have
    no upstream feed) with the feed govfeed publishes for them. With
    --published, every feed govfeed publishes is listed instead (the
    combined feed, one per tag, one per source), as served at /opml.

OPTIONS
    --config FILE     configuration file (default: the embedded default)
    --published       export the published feeds, not the sources
`,
	}
	c.run = func(ctx context.Context, e env, args []string) error {
		if len(args) == 0 || (args[0] != "import" && args[0] != "export") {
			if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
				fmt.Fprint(e.stdout, c.help)
				return nil
			}
			return usageError{"sources: want import or export"}
		}
		verb := args[0]
		fs := flagSet(c, e)
		cfgPath := configFlag(fs)
		published := fs.Bool("published", false, "export the published feeds")
		if err := parseFlags(fs, c, e, args[1:]); err != nil {
			return helpOK(err)
		}
		cfg, err := loadConfig(*cfgPath)
		if err != nil {
			return err
		}
		if verb == "export" {
			feeds := publishedFeeds(cfg)
			if !*published {
				feeds = sourceOutlines(cfg)
			}
			return opml.Write(e.stdout, cfg.Feed.Title, feeds)
		}
		if fs.NArg() != 1 {
			return usageError{"sources import: want one OPML file"}
		}
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			return err
		}
		defer f.Close()
		outlines, err := opml.Read(f)
		if err != nil {
			return fmt.Errorf("read %s: %w", fs.Arg(0), err)
		}
		y, skipped, err := opml.SourcesYAML(outlines, cfg.Sources)
		if err != nil {
			return fmt.Errorf("import %s: %w", fs.Arg(0), err)
		}
		for _, s := range skipped {
			fmt.Fprintf(e.stderr, "skipped: %s\n", s)
		}
		_, err = e.stdout.Write(y)
		return err
	}
	return c
}

// sourceOutlines lists the configured sources: the upstream feed of feed
// sources, govfeed's own feed of the others.
func sourceOutlines(cfg *config.Config) []opml.Outline {
	out := make([]opml.Outline, 0, len(cfg.Sources))
	for _, s := range cfg.Sources {
		o := opml.Outline{Text: s.Name, Title: s.Name, Type: "rss", XMLURL: s.URL}
		if s.Kind != data.KindFeed {
			o.XMLURL = cfg.Feed.BaseURL + "/sources/" + s.ID + ".atom"
			o.HTMLURL = s.URL
		}
		if len(s.Tags) > 0 {
			o.Category = s.Tags[0]
		}
		out = append(out, o)
	}
	return out
}
