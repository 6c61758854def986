package config

import (
	"errors"
	"fmt"
)

// Error is one problem in a configuration file. Parse and Load return every
// problem they find, joined with errors.Join; use errors.As to reach them.
type Error struct {
	File string // the file name given to Parse or Load
	Line int    // 1-based line of the offending key or value; 0 if unknown
	Key  string // dotted key path such as "sources[2].schedule"; "" for the whole file
	Err  error
}

// Error formats the problem as "file:line: key: message".
func (e *Error) Error() string {
	where := e.File
	if e.Line > 0 {
		where = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	if e.Key == "" {
		return fmt.Sprintf("%s: %v", where, e.Err)
	}
	return fmt.Sprintf("%s: %s: %v", where, e.Key, e.Err)
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Sentinel errors wrapped by some *Error values, for errors.Is.
var (
	// ErrUnknownKey marks a key the schema does not have (often a typo).
	ErrUnknownKey = errors.New("unknown key")
	// ErrDuplicateKey marks a key given twice in one mapping.
	ErrDuplicateKey = errors.New("duplicate key")
	// ErrDuplicateID marks a source id used by two sources.
	ErrDuplicateID = errors.New("duplicate source id")
	// ErrRequired marks a required key that is missing or empty.
	ErrRequired = errors.New("required key is missing")
	// ErrSyntax marks a YAML syntax error.
	ErrSyntax = errors.New("yaml syntax error")
)
