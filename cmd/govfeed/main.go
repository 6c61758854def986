// Command govfeed turns government websites into feeds: it fetches each
// configured source on its own schedule, deduplicates and stores the items
// in SQLite, and republishes them as Atom over HTTP and as static files.
//
// See `govfeed help` and README.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // Asia/Shanghai must load on hosts without tzdata
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	os.Exit(exitCode(err, os.Stderr))
}

// errSilent is returned by commands that already printed their failure.
var errSilent = errors.New("failed")

// usageError marks a bad command line (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	var ue usageError
	switch {
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "govfeed: %v\nRun 'govfeed help' for usage.\n", err)
		return 2
	case errors.Is(err, errSilent):
		return 1
	default:
		fmt.Fprintf(stderr, "govfeed: %v\n", err)
		return 1
	}
}

// env is what a command gets from the process, so tests can run commands
// in-process with their own arguments, environment and streams.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

type command struct {
	name    string
	summary string
	help    string // man-page style text printed by --help
	run     func(ctx context.Context, e env, args []string) error
}

func commands() []command {
	return []command{
		runCommand(),
		fetchCommand(),
		publishCommand(),
		indexCommand(),
		checkCommand(),
		tryCommand(),
		storiesCommand(),
		sourcesCommand(),
		demoCommand(),
		versionCommand(),
	}
}

// run is the whole program: it dispatches args to a command.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		printUsage(stdout)
		return usageError{"no command given"}
	}
	name := args[0]
	switch name {
	case "help", "-h", "--help", "-help":
		if len(args) > 1 {
			for _, c := range commands() {
				if c.name == args[1] {
					fmt.Fprint(stdout, c.help)
					return nil
				}
			}
			return usageError{fmt.Sprintf("unknown command %q", args[1])}
		}
		printUsage(stdout)
		return nil
	case "-version", "--version":
		name = "version"
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(ctx, e, args[1:])
		}
	}
	return usageError{fmt.Sprintf("unknown command %q", name)}
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, `govfeed turns government websites into feeds.

Usage:
  govfeed <command> [flags]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Every command takes --help. With no --config, the embedded default
configuration is used (real provincial government sources, data under
./govfeed-data, HTTP on 127.0.0.1:8080).
`)
}
