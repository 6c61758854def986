package config

import (
	"fmt"
	"strings"
	"testing"
)

// FuzzParse feeds any bytes to Parse as a configuration file. Parse must
// not panic and must answer the same way twice. A failure must consist of
// *Error values only (one, or several joined), each naming the file and a
// line of it, so that an operator can find every problem. A success must
// hold sources that the fetcher can use: each with a distinct non-empty id,
// a URL, a time zone and the line of its entry.
func FuzzParse(f *testing.F) {
	// The seeds are small documents under testdata/fuzz/FuzzParse (the
	// embedded default and testdata/full.yaml are tested on their own:
	// large seeds slow the fuzzer down).
	f.Add([]byte(""))
	const name = "fuzz.yaml"
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Parse(name, b)
		c2, err2 := Parse(name, b)
		if fmt.Sprint(err) != fmt.Sprint(err2) {
			t.Fatalf("Parse is not deterministic:\n%v\nthen\n%v", err, err2)
		}
		if err != nil {
			if c != nil || c2 != nil {
				t.Errorf("Parse returned a config and an error")
			}
			checkErrors(t, name, b, err)
			return
		}
		if c == nil {
			t.Fatal("Parse returned nil, nil")
		}
		if c.File != name {
			t.Errorf("File = %q, want %q", c.File, name)
		}
		seen := map[string]bool{}
		for i, s := range c.Sources {
			switch {
			case strings.TrimSpace(s.ID) == "":
				t.Errorf("sources[%d] has an empty id", i)
			case seen[s.ID]:
				t.Errorf("sources[%d]: id %q is used twice", i, s.ID)
			case s.URL == "":
				t.Errorf("sources[%d] (%s) has no URL", i, s.ID)
			case s.Location == nil:
				t.Errorf("sources[%d] (%s) has no time zone", i, s.ID)
			case c.Lines[s.ID] < 1:
				t.Errorf("sources[%d] (%s) has no line", i, s.ID)
			}
			seen[s.ID] = true
		}
	})
}

// checkErrors fails t unless err is one *Error or several joined, each
// naming file and a line within b.
func checkErrors(t *testing.T, file string, b []byte, err error) {
	t.Helper()
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	if len(errs) == 0 {
		t.Fatalf("error %v joins nothing", err)
	}
	// YAML breaks lines at CR, LF, CR LF, NEL, LS and PS (this counts CR
	// LF twice, which only loosens the bound); a last line without a break
	// still counts, and yaml may point one past the end at an unexpected
	// end of input.
	lines := 2
	for _, r := range string(b) {
		switch r {
		case '\n', '\r', '\u0085', '\u2028', '\u2029':
			lines++
		}
	}
	for _, e := range errs {
		ce, ok := e.(*Error)
		if !ok {
			t.Errorf("error %q (%T) is not a *config.Error", e, e)
			continue
		}
		if ce.File != file {
			t.Errorf("error %q names file %q, want %q", ce, ce.File, file)
		}
		if ce.Line < 1 || ce.Line > lines {
			t.Errorf("error %q has line %d, want 1 to %d", ce, ce.Line, lines)
		}
		if ce.Err == nil {
			t.Errorf("error %q wraps nothing", ce)
		}
		if want := fmt.Sprintf("%s:%d: ", file, ce.Line); !strings.HasPrefix(ce.Error(), want) {
			t.Errorf("error %q does not start with %q", ce, want)
		}
	}
}
