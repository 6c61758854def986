// Package atomtest validates Atom documents in tests with xmllint against
// the RELAX NG schema of RFC 4287 (atom.rng, copied from
// /work/shared/schemas) and its three Schematron rules (atom-rules.sch),
// which RELAX NG validators ignore.
package atomtest

import (
	_ "embed" // the schemas
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

var (
	//go:embed atom.rng
	rng []byte
	//go:embed atom-rules.sch
	sch []byte
)

// Validate fails tb unless doc is valid Atom. Without xmllint it skips the
// test, or fails it when the CI environment variable is set.
func Validate(tb testing.TB, doc []byte) {
	tb.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("xmllint is needed to validate Atom: %v", err)
		}
		tb.Skipf("xmllint not found (install libxml2-utils): %v", err)
	}
	dir := tb.TempDir()
	files := map[string][]byte{"atom.rng": rng, "atom-rules.sch": sch, "feed.atom": doc}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			tb.Fatal(err)
		}
	}
	feed := filepath.Join(dir, "feed.atom")
	for _, v := range []struct{ flag, schema string }{
		{"--relaxng", "atom.rng"},
		{"--schematron", "atom-rules.sch"},
	} {
		schema := filepath.Join(dir, v.schema)
		out, err := exec.Command(xmllint, "--noout", v.flag, schema, feed).CombinedOutput()
		if err != nil {
			tb.Errorf("xmllint %s rejects the feed: %v\n%s\nfeed:\n%s", v.flag, err, out, doc)
		}
	}
}
