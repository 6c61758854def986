package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"text/tabwriter"

	"github.com/govfeed/govfeed/fetch/web"
)

func publishCommand() command {
	c := command{
		name:    "publish",
		summary: "write the feeds as static files",
		help: `NAME
    govfeed publish - write the feeds as static files

SYNOPSIS
    govfeed publish [--config FILE] --out DIR

DESCRIPTION
    Writes what the daemon serves, from the stored items, into DIR:
    feed.atom (and feed.atom.gz for nginx's gzip_static) and
    sources/ID.atom for every configured source. Each file is written
    atomically (temporary file, fsync, rename, fsync of the directory), so a
    web server or a sync to object storage never sees a half-written file.
    It does not fetch; run "govfeed fetch" first, or point it at the
    data_dir of a daemon that is stopped.

OPTIONS
    --config FILE     configuration file (default: the embedded default)
    --out DIR         output directory, created if missing (required)
`,
	}
	c.run = func(ctx context.Context, e env, args []string) error {
		fs := flagSet(c, e)
		cfgPath := configFlag(fs)
		out := fs.String("out", "", "output `directory`")
		if err := parseFlags(fs, c, e, args); err != nil {
			return helpOK(err)
		}
		if *out == "" {
			return usageError{"publish: --out DIR is required"}
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
		files, err := a.pub.WriteStatic(ctx, *out)
		if err != nil {
			return fmt.Errorf("publish to %s: %w", *out, err)
		}
		for _, f := range files {
			fmt.Fprintln(e.stdout, f)
		}
		return nil
	}
	return c
}

func checkCommand() command {
	c := command{
		name:    "check",
		summary: "validate the configuration and print the effective sources",
		help: `NAME
    govfeed check - validate the configuration

SYNOPSIS
    govfeed check [--config FILE]

DESCRIPTION
    Reads the configuration strictly (unknown keys, duplicate ids, bad cron
    specs, URLs, durations, sizes, timezones and selectors are errors that
    name the file, the line and the key; all problems are reported at once)
    and prints the effective settings and sources with every default
    applied. Nothing is fetched and the database is not opened.

EXIT STATUS
    0 when the configuration is valid, 1 otherwise.

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
		d := cfg.Defaults
		fmt.Fprintf(e.stdout, "config:   %s (valid)\nlisten:   %s\ndata_dir: %s\nfeed:     %s <%s/feed.atom>, %d entries\n",
			cfg.File, cfg.Listen, cfg.DataDir, cfg.Feed.Title, strings.TrimRight(cfg.Feed.BaseURL, "/"), cfg.Feed.Entries)
		fmt.Fprintf(e.stdout, "defaults: schedule %s, jitter %s, timeout %s, max body %d bytes, concurrency %d, per host %d, delay %s, timezone %s, retention %s/%d items\n\n",
			d.Schedule, d.Jitter, d.Timeout, d.MaxBodyBytes, d.Concurrency, d.PerHost, d.Delay, d.Timezone, d.Retention.MaxAge, d.Retention.MaxItems)
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "LINE\tID\tKIND\tSCHEDULE\tTIMEZONE\tTAGS\tURL")
		for _, s := range cfg.Sources {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", cfg.Lines[s.ID], s.ID, s.Kind, s.Schedule, s.Location, strings.Join(s.Tags, ","), s.URL)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "\n%d sources\n", len(cfg.Sources))
		return nil
	}
	return c
}

func versionCommand() command {
	c := command{
		name:    "version",
		summary: "print the version",
		help: `NAME
    govfeed version - print the version

SYNOPSIS
    govfeed version
`,
	}
	c.run = func(ctx context.Context, e env, args []string) error {
		fs := flagSet(c, e)
		if err := parseFlags(fs, c, e, args); err != nil {
			return helpOK(err)
		}
		v := version
		if bi, ok := debug.ReadBuildInfo(); ok && v == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		fmt.Fprintf(e.stdout, "govfeed %s %s %s/%s\n", v, runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return nil
	}
	return c
}
