package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
)

// TestIndexCommand: fetch queues its items for the search index, index
// indexes them all once, and a second run finds nothing left.
func TestIndexCommand(t *testing.T) {
	cfg, _ := fetchStoryFeeds(t, "")
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
