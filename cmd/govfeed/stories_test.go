package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type pairDoc struct {
	ID, Title, Body, Link string
	Published             time.Time
}

// storyFeed serves one RSS feed per labelled document.
func storyFeeds(t *testing.T, ids ...string) *httptest.Server {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "data", "cluster", "testdata", "pairs.json"))
	if err != nil {
		t.Fatal(err)
	}
	var set struct{ Docs []pairDoc }
	if err := json.Unmarshal(raw, &set); err != nil {
		t.Fatal(err)
	}
	docs := map[string]pairDoc{}
	for _, d := range set.Docs {
		docs[d.ID] = d
	}
	mux := http.NewServeMux()
	for _, id := range ids {
		d, ok := docs[id]
		if !ok {
			t.Fatalf("no labelled document %s", id)
		}
		mux.HandleFunc("/"+id+".xml", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
			fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>%s</title><link>https://example.gov.cn/</link><description>d</description>
<item><title>%s</title><link>%s</link><guid>%s</guid><pubDate>%s</pubDate><description>%s</description></item></channel></rss>`,
				id, html.EscapeString(d.Title), d.Link, id, d.Published.Format(time.RFC1123Z), html.EscapeString(d.Body))
		})
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// fetchStoryFeeds serves the Sichuan and Chongqing reports of one meeting
// as two sources, writes their configuration (with extra, e.g. a stories:
// block, before sources:) under a new directory and fetches them once.
func fetchStoryFeeds(t *testing.T, extra string) (cfg, dir string) {
	t.Helper()
	srv := storyFeeds(t, "sc-jm-zh", "cq-jm-zh")
	dir = t.TempDir()
	cfg = filepath.Join(dir, "govfeed.yaml")
	// The labelled reports are from 2021: keep them despite retention.
	writeFile(t, cfg, fmt.Sprintf(`data_dir: %s/data
defaults:
  retention: {max_age: 0}
%ssources:
  - {id: sc, name: 四川省人民政府, url: "%s/sc-jm-zh.xml"}
  - {id: cq, name: 重庆市人民政府, url: "%[3]s/cq-jm-zh.xml"}
`, dir, extra, srv.URL))
	if err := run(context.Background(), []string{"fetch", "--config", cfg}, noenv, nil, io.Discard, io.Discard); err != nil {
		t.Fatalf("fetch: %v", err)
	}
	return cfg, dir
}

// noenv is an empty environment.
func noenv(string) string { return "" }

func TestStoriesCommand(t *testing.T) {
	cfg, dir := fetchStoryFeeds(t, "stories:\n  window: 72h\n")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"stories", "--config", cfg, "--since", "100000d"}, noenv, nil, &out, io.Discard); err != nil {
		t.Fatalf("stories: %v", err)
	}
	got := out.String()
	for _, want := range []string{"(2 reports,", "四川省人民政府", "重庆市人民政府", "1 stories, 2 reports",
		"https://www.cq.gov.cn/ywdt/jrcq/202105/t20210527_9331205.html"} {
		if !strings.Contains(got, want) {
			t.Errorf("stories output lacks %q:\n%s", want, got)
		}
	}
	// The primary (first member listed) is the earlier published report: Chongqing's.
	lines := strings.Split(got, "\n")
	if len(lines) < 2 || !strings.Contains(lines[1], "重庆市人民政府") {
		t.Errorf("first member is not the Chongqing report:\n%s", got)
	}

	// With clustering off, nothing is grouped.
	writeFile(t, cfg, strings.Replace(mustRead(t, cfg), "  window: 72h", "  enabled: false", 1))
	dir2 := t.TempDir()
	writeFile(t, cfg, strings.Replace(mustRead(t, cfg), dir+"/data", dir2+"/data", 1))
	if err := run(context.Background(), []string{"fetch", "--config", cfg}, noenv, nil, io.Discard, io.Discard); err != nil {
		t.Fatalf("fetch: %v", err)
	}
	out.Reset()
	if err := run(context.Background(), []string{"stories", "--config", cfg, "--since", "100000d"}, noenv, nil, &out, io.Discard); err != nil {
		t.Fatalf("stories: %v", err)
	}
	if !strings.Contains(out.String(), "0 stories, 0 reports") {
		t.Errorf("clustering off still grouped:\n%s", &out)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
