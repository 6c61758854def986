package cluster

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// testTexts returns the files of testdata/<dir>, by base name, in the
// order of their names; a text file is a title line followed by the body.
func testTexts(tb testing.TB, dir string) (names, texts []string) {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", dir, "*"))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no files in testdata/%s: %v", dir, err)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		names, texts = append(names, filepath.Base(p)), append(texts, string(b))
	}
	return names, texts
}

// fuzzTexts returns the texts of testdata/fuzz/texts.
func fuzzTexts(tb testing.TB) []string {
	tb.Helper()
	_, texts := testTexts(tb, "fuzz/texts")
	return texts
}

// FuzzNewSketch checks that any title and body sketch without panicking,
// to a well-formed sketch that survives a binary round trip.
func FuzzNewSketch(f *testing.F) {
	for _, text := range fuzzTexts(f) {
		title, body, _ := strings.Cut(text, "\n")
		f.Add(title, body)
	}
	f.Fuzz(func(t *testing.T, title, body string) {
		s := NewSketch(Doc{ItemID: 1, Title: title, Body: body, Published: day})
		if s.Lang != "zh" && s.Lang != "en" && s.Lang != "" {
			t.Errorf("Lang = %q", s.Lang)
		}
		if len(s.MinHash) != 0 && len(s.MinHash) != SketchSize {
			t.Errorf("len(MinHash) = %d", len(s.MinHash))
		}
		if len(s.MinHash) > 0 && Similarity(s, s) != 1 {
			t.Error("Similarity(s, s) != 1")
		}
		if !slices.IsSorted(s.Entities) {
			t.Errorf("entities not sorted: %v", s.Entities)
		}
		for _, e := range s.Entities {
			if _, ok := entityValue(e); !ok || !utf8.ValidString(e) && utf8.ValidString(title+body) {
				t.Errorf("bad entity %q", e)
			}
		}
		b, err := s.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var got Sketch
		if err := got.UnmarshalBinary(b); err != nil {
			t.Fatalf("UnmarshalBinary(MarshalBinary(s)): %v", err)
		}
		if diff := cmp.Diff(s, got); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
		ix := NewIndex(DefaultOptions())
		ix.Add(2, s)
		ix.Best(s)
	})
}

// FuzzUnmarshalSketch checks that arbitrary bytes never panic and that
// whatever decodes encodes back to something that decodes the same.
func FuzzUnmarshalSketch(f *testing.F) {
	for _, text := range fuzzTexts(f) {
		title, body, _ := strings.Cut(text, "\n")
		bin, _ := NewSketch(Doc{ItemID: 9, Title: title, Body: body, Published: day}).MarshalBinary()
		f.Add(bin)
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		var s Sketch
		if s.UnmarshalBinary(b) != nil {
			return
		}
		again, _ := s.MarshalBinary()
		var s2 Sketch
		if err := s2.UnmarshalBinary(again); err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		if diff := cmp.Diff(s, s2); diff != "" {
			t.Errorf("re-decode (-want +got):\n%s", diff)
		}
		NewIndex(DefaultOptions()).Best(s)
	})
}
