// Command govbench measures govfeed end to end: it serves a synthetic
// upstream of N feeds and N government-style list+article sites on
// loopback, runs the real govfeed binary against it (ingest from empty, an
// all-304 pass, a pass with 1% of sources changed), runs a minimal gofeed +
// worker-pool program on the same feeds (the library limit), compares
// govfeed serving its combined feed with nginx serving the same bytes (wrk),
// measures rendering from a store of a million items, and prints a table
// (Markdown) and writes JSON.
//
// Usage:
//
//	go run ./cmd/govbench [flags]           everything (about 6 minutes on 2 cores)
//	go run ./cmd/govbench -quick            a smoke run (about a minute)
//	go run ./cmd/govbench upstream [flags]  only the synthetic upstream, for manual runs
//	go run ./cmd/govbench baseline [flags]  the library-limit program (run by govbench itself;
//	                                        with -store DIR, the storage floor)
//	go run ./cmd/govbench profile [flags]   an in-process ingest with CPU and heap profiles
//	go run ./cmd/govbench serve-min [flags] the minimal Go server of the serving comparison
//
// It needs wrk and nginx for the serving comparison (apt-get install -y wrk
// nginx-light); -serve=false skips it. All traffic stays on loopback.
// BENCHMARKS.md describes the workload, every flag and the results.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(os.Stderr, "govbench: %v\n", err)
		}
		os.Exit(1)
	}
}

// run dispatches the subcommands.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "upstream":
			return upstreamMain(ctx, args[1:], stdout)
		case "baseline":
			return baselineMain(ctx, args[1:], stdout)
		case "profile":
			return profileMain(ctx, args[1:], stdout, stderr)
		case "serve-min":
			return serveMinMain(ctx, args[1:], stdout)
		}
	}
	return benchMain(ctx, args, stdout, stderr)
}
