package cluster

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// addSeeds adds the files of testdata/fuzz/<dir> as seeds: each file is a
// title line followed by the body.
func addSeeds(f *testing.F, dir string) [][]byte {
	f.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "fuzz", dir, "*"))
	if err != nil || len(paths) == 0 {
		f.Fatalf("no seeds in testdata/fuzz/%s: %v", dir, err)
	}
	var out [][]byte
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// FuzzNewSketch checks that any title and body sketch without panicking,
// to a well-formed sketch that survives a binary round trip.
func FuzzNewSketch(f *testing.F) {
	for _, b := range addSeeds(f, "texts") {
		title, body, _ := cutLine(string(b))
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
	for _, b := range addSeeds(f, "texts") {
		title, body, _ := cutLine(string(b))
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

func cutLine(s string) (first, rest string, ok bool) {
	for i := range len(s) {
		if s[i] == '\n' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}
