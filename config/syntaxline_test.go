package config

import (
	"errors"
	"testing"
)

// TestSyntaxErrorsHaveLines checks the errors yaml.v3 reports without a
// line: each is placed at the line of the problem.
func TestSyntaxErrorsHaveLines(t *testing.T) {
	tests := map[string]struct {
		doc  string
		line int
	}{
		"unterminated quote on line 1": {"\"govfeed", 1},
		"tab on line 1":                {"\tlisten: :1\n", 1},
		"bad UTF-8 on line 3":          {"feed:\n  title: x\n  id: \xff\n", 3},
		"control character on line 2":  {"feed:\n  title: a\x01b\n", 2},
		"unknown anchor on line 3":     {"feed:\n  title: x\ndefaults: {schedule: *nowhere}\n", 3},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("f.yaml", []byte(tc.doc))
			var ce *Error
			if !errors.As(err, &ce) || !errors.Is(err, ErrSyntax) {
				t.Fatalf("Parse error = %v, want a syntax *Error", err)
			}
			if ce.Line != tc.line {
				t.Errorf("error %q is on line %d, want %d", ce, ce.Line, tc.line)
			}
		})
	}
}
