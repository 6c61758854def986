package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEveryCommandHasAManual(t *testing.T) {
	for _, c := range commands() {
		var out bytes.Buffer
		if err := run(context.Background(), []string{c.name, "--help"}, func(string) string { return "" }, nil, &out, io.Discard); err != nil {
			t.Errorf("%s --help: %v", c.name, err)
		}
		for _, section := range []string{"NAME", "SYNOPSIS", "govfeed " + c.name} {
			if !strings.Contains(out.String(), section) {
				t.Errorf("%s --help lacks %q:\n%s", c.name, section, &out)
			}
		}
	}
}

func TestCheckEmbeddedDefault(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"check"}, func(string) string { return "" }, nil, &out, io.Discard); err != nil {
		t.Fatalf("check on the embedded default: %v", err)
	}
	for _, want := range []string{"(valid)", "127.0.0.1:8080", "www.sc.gov.cn", "www.cq.gov.cn", "www.gd.gov.cn", "www.zj.gov.cn", "www.gov.cn", "html", "json"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("check output lacks %q:\n%s", want, &out)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{}, {"bogus"}, {"fetch", "--nope"}, {"publish"}, {"fetch", "--config", "testdata/none.yaml", "x"}} {
		err := run(context.Background(), args, func(string) string { return "" }, nil, io.Discard, io.Discard)
		var ue usageError
		if args2 := strings.Join(args, " "); args2 == "fetch --config testdata/none.yaml x" {
			if err == nil {
				t.Errorf("%q: no error for a missing config file", args2)
			}
			continue
		}
		if !errors.As(err, &ue) {
			t.Errorf("run %q = %v, want a usage error", args, err)
		}
		if code := exitCode(err, io.Discard); code != 2 {
			t.Errorf("run %q exit code %d, want 2", args, code)
		}
	}
}

// Progress lines and the text log format are for terminals: not for
// /dev/null (a character device), files or pipes.
func TestIsTerminalOnlyForTerminals(t *testing.T) {
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = null.Close() }()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = r.Close(); _ = w.Close() }()
	file, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = file.Close() }()
	for name, out := range map[string]io.Writer{"/dev/null": null, "a pipe": w, "a file": file, "a buffer": &bytes.Buffer{}} {
		if isTerminal(out) {
			t.Errorf("%s is taken for a terminal", name)
		}
	}
	var drawn bytes.Buffer
	p := newProgress(&drawn, 2)
	p.done("a")
	p.finish()
	if drawn.Len() != 0 {
		t.Errorf("progress drew %q off a terminal", drawn.String())
	}
}
