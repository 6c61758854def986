package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// TestIndexCommand: fetch queues its items for the search index, index
// indexes them all once, and a second run finds nothing left.
func TestIndexCommand(t *testing.T) {
	srv := storyFeeds(t, "sc-jm-zh", "cq-jm-zh")
	dir := t.TempDir()
	cfg := filepath.Join(dir, "govfeed.yaml")
	writeFile(t, cfg, fmt.Sprintf(`data_dir: %s/data
defaults:
  retention: {max_age: 0}
sources:
  - {id: sc, name: 四川省人民政府, url: "%[2]s/sc-jm-zh.xml"}
  - {id: cq, name: 重庆市人民政府, url: "%[2]s/cq-jm-zh.xml"}
`, dir, srv.URL))
	noenv := func(string) string { return "" }
	if err := run(context.Background(), []string{"fetch", "--config", cfg}, noenv, nil, io.Discard, io.Discard); err != nil {
		t.Fatalf("fetch: %v", err)
	}
	for _, want := range []string{"indexed 2 items", "indexed 0 items"} {
		var out bytes.Buffer
		if err := run(context.Background(), []string{"index", "--config", cfg}, noenv, nil, &out, io.Discard); err != nil {
			t.Fatalf("index: %v", err)
		}
		if !strings.HasPrefix(out.String(), want+" in ") {
			t.Errorf("index printed %q, want %q", out.String(), want)
		}
	}
}
