package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/fetch"
)

func fetchCommand() command {
	c := command{
		name:    "fetch",
		summary: "fetch all (or the named) sources once, then exit",
		help: `NAME
    govfeed fetch - fetch sources once and exit

SYNOPSIS
    govfeed fetch [--config FILE] [SOURCE_ID ...]

DESCRIPTION
    Fetches every configured source, or only the named ones, once, now,
    within the same concurrency and per-host limits as the daemon, and
    stores the results. Sources in backoff are fetched anyway. Prints one
    line per source (new, updated, unchanged, not_modified or the error with
    its class) and a total line; on a terminal, a progress line on stderr.
    New and changed items are queued for the search index, which the
    daemon (or "govfeed index") builds; searches find them meanwhile.

    Do not run it against the data_dir of a running daemon: the database is
    locked by the daemon and fetch refuses with a clear message.

EXIT STATUS
    0 when every source was fetched, 1 when any failed, 2 on bad usage.

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
		srcs, err := pickSources(cfg.Sources, fs.Args())
		if err != nil {
			return err
		}
		log := newLogger(cfg, io.Discard)
		if cfg.Log.Level == "debug" {
			log = newLogger(cfg, e.stderr)
		}
		a, err := openApp(ctx, cfg, log, webOptions(e), false)
		if err != nil {
			return err
		}
		defer a.close()
		// Twice the fetch concurrency: the next sources wait on the
		// runner's slots with their state already read.
		reports := fetchAll(ctx, a.runner, srcs, 2*cfg.Defaults.Concurrency, newProgress(e.stderr, len(srcs)))
		failed := printReports(e.stdout, reports)
		if failed > 0 {
			return errSilent
		}
		return nil
	}
	return c
}

// pickSources returns the sources named by ids (all when none), in config
// order; an unknown id is a usage error.
func pickSources(all []data.Source, ids []string) ([]data.Source, error) {
	if len(ids) == 0 {
		return all, nil
	}
	byID := make(map[string]data.Source, len(all))
	for _, s := range all {
		byID[s.ID] = s
	}
	var out []data.Source
	for _, id := range ids {
		s, ok := byID[id]
		if !ok {
			known := make([]string, 0, len(all))
			for _, s := range all {
				known = append(known, s.ID)
			}
			return nil, usageError{fmt.Sprintf("unknown source %q (configured: %s)", id, strings.Join(known, ", "))}
		}
		out = append(out, s)
	}
	return out, nil
}

// fetchAll runs every source, workers at a time (the runner bounds the
// fetches further), and returns the reports in the sources' order. A
// goroutine per source would do as well for a few sources, but each one
// parks with the stack its store read grew: with 10,000 sources, 300 MB.
func fetchAll(ctx context.Context, r *fetch.Runner, srcs []data.Source, workers int, p *progress) []fetch.Report {
	reports := make([]fetch.Report, len(srcs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(1, min(workers, len(srcs))) {
		wg.Go(func() {
			for i := range next {
				reports[i] = r.Run(ctx, srcs[i], true)
				p.done(srcs[i].ID)
			}
		})
	}
	for i := range srcs {
		next <- i
	}
	close(next)
	wg.Wait()
	p.finish()
	return reports
}

// printReports writes one line per source and a total; it returns the
// number of failed sources.
func printReports(out io.Writer, reports []fetch.Report) int {
	// Buffered: 1,000 lines are some 17 writes, not 1,000 system calls.
	w := bufio.NewWriter(out)
	defer func() { _ = w.Flush() }()
	width := 10
	for _, r := range reports {
		width = max(width, len(r.SourceID))
	}
	var tot data.SaveStats
	failed := 0
	counts := map[fetch.Outcome]int{}
	for _, r := range reports {
		counts[r.Outcome]++
		tot.New += r.Stats.New
		tot.Updated += r.Stats.Updated
		tot.Unchanged += r.Stats.Unchanged
		var detail string
		switch r.Outcome {
		case fetch.OutcomeFailed:
			failed++
			kind := string(r.Class)
			if r.Broken {
				kind = "BROKEN"
			}
			detail = fmt.Sprintf("%s: %v", kind, unwrapSource(r.Err))
		case fetch.OutcomeNotModified:
			detail = "304, nothing new"
		case fetch.OutcomeCanceled:
			failed++
			detail = "canceled"
		case fetch.OutcomeBusy, fetch.OutcomeBackoff:
			// Not fetched in this pass (its host stayed busy until the
			// source's timeout): for a one-shot pass that is a failure.
			failed++
			detail = "not fetched"
			if r.Err != nil {
				detail += ": " + unwrapSource(r.Err).Error()
			}
		default:
			detail = fmt.Sprintf("%d new, %d updated, %d unchanged of %d listed", r.Stats.New, r.Stats.Updated, r.Stats.Unchanged, r.Items)
			if r.Stats.Skipped > 0 {
				detail += fmt.Sprintf(", %d expired by retention", r.Stats.Skipped)
			}
		}
		fmt.Fprintf(w, "%-*s  %-12s %s (%s)\n", width, r.SourceID, r.Outcome, detail, r.Duration.Round(1e6))
	}
	outcomes := make([]string, 0, len(counts))
	for o, n := range counts {
		outcomes = append(outcomes, fmt.Sprintf("%d %s", n, o))
	}
	sort.Strings(outcomes)
	fmt.Fprintf(w, "total: %d sources (%s); %d new, %d updated, %d unchanged items\n",
		len(reports), strings.Join(outcomes, ", "), tot.New, tot.Updated, tot.Unchanged)
	return failed
}

// unwrapSource drops the "source ID: class:" prefix that the line already shows.
func unwrapSource(err error) error {
	if fe, ok := err.(*fetch.Error); ok {
		return fe.Err
	}
	return err
}

// progress draws "fetching 3/12 sc-en" on a terminal; elsewhere it is silent.
type progress struct {
	w     io.Writer
	total int
	mu    sync.Mutex
	n     int
	on    bool
}

func newProgress(w io.Writer, total int) *progress {
	return &progress{w: w, total: total, on: isTerminal(w)}
}

func (p *progress) done(id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	if p.on {
		fmt.Fprintf(p.w, "\r\033[Kfetching %d/%d  %s", p.n, p.total, id)
	}
}

func (p *progress) finish() {
	if p.on {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
