package cluster

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"
)

// TestSketchGolden pins the persisted form of sketches: the store keeps
// them and compares them with the sketches of new items, so a change to
// cleaning, shingling, hashing or extraction that alters any of them needs
// a new sketchVersion (and stored sketches re-made), not a new golden
// file. testdata/sketches.golden holds the SHA-256 of MarshalBinary of
// each labelled document and each text of testdata/bench and
// testdata/fuzz/texts (first line the title, the rest the body, published
// goldenDay); it was written by the sketcher as it stood before the
// one-pass rewrite (commit eefc5eb), which the current one reproduces.
func TestSketchGolden(t *testing.T) {
	want := readGolden(t, "testdata/sketches.golden")
	got := map[string]string{}
	set, _ := labelledSet(t)
	for _, d := range set.Docs {
		got[d.ID] = sketchDigest(t, Doc{Title: d.Title, Body: d.Body, Link: d.Link, Published: d.Published})
	}
	for _, dir := range []string{"bench", "fuzz/texts"} {
		names, texts := testTexts(t, dir)
		for i, text := range texts {
			title, body, _ := strings.Cut(text, "\n")
			got[dir+"/"+names[i]] = sketchDigest(t, Doc{Title: title, Body: body, Published: goldenDay})
		}
	}
	for name, w := range want {
		switch g, ok := got[name]; {
		case !ok:
			t.Errorf("%s: in the golden file, not sketched", name)
		case g != w:
			t.Errorf("%s: sketch digest %s, golden %s", name, g, w)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: sketched, not in the golden file", name)
		}
	}
}

// goldenDay is the publication time of the testdata texts in the golden
// file.
var goldenDay = time.Date(2026, 5, 27, 0, 0, 0, 0, time.UTC)

func sketchDigest(t *testing.T, d Doc) string {
	t.Helper()
	b, err := NewSketch(d).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// readGolden reads "name digest" lines.
func readGolden(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, digest, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			t.Fatalf("%s: bad line %q", path, sc.Text())
		}
		out[name] = digest
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
