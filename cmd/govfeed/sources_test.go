package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govfeed/govfeed/config"
)

func TestSourcesExportImportRoundTrip(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "a.yaml")
	writeFile(t, cfg, `feed:
  base_url: https://feeds.example.org
sources:
  - {id: zj, name: 浙江省政府常务会议, url: "http://www.zj.gov.cn/module/rss/rssfeed.jsp?colid=1554467", tags: [zhejiang]}
  - {id: cq, name: 今日重庆, url: "https://www.cq.gov.cn/ywdt/jrcq/", kind: html, tags: [chongqing]}
`)
	var exported bytes.Buffer
	if err := run(context.Background(), []string{"sources", "export", "--config", cfg}, noenv, nil, &exported, io.Discard); err != nil {
		t.Fatalf("export: %v", err)
	}
	for _, want := range []string{`xmlUrl="http://www.zj.gov.cn/module/rss/rssfeed.jsp?colid=1554467"`,
		`xmlUrl="https://feeds.example.org/sources/cq.atom"`, `htmlUrl="https://www.cq.gov.cn/ywdt/jrcq/"`} {
		if !strings.Contains(exported.String(), want) {
			t.Errorf("export lacks %s:\n%s", want, &exported)
		}
	}
	opmlFile := filepath.Join(dir, "export.opml")
	writeFile(t, opmlFile, exported.String())

	// Importing into a config that already has zj adds only the other feed.
	other := filepath.Join(dir, "b.yaml")
	writeFile(t, other, `sources:
  - {id: zhejiang, url: "https://www.zj.gov.cn/module/rss/rssfeed.jsp?colid=1554467"}
`)
	var imported, skipped bytes.Buffer
	if err := run(context.Background(), []string{"sources", "import", "--config", other, opmlFile}, noenv, nil, &imported, &skipped); err != nil {
		t.Fatalf("import: %v", err)
	}
	if strings.Contains(imported.String(), "rssfeed.jsp") {
		t.Errorf("import re-added a configured feed (http vs https):\n%s", &imported)
	}
	if !strings.Contains(imported.String(), "https://feeds.example.org/sources/cq.atom") {
		t.Errorf("import lacks the cq feed:\n%s", &imported)
	}
	if !strings.Contains(skipped.String(), "skipped") {
		t.Errorf("no skipped line for the configured feed; stderr:\n%s", &skipped)
	}
	merged := mustRead(t, other) + imported.String()
	if _, err := config.Parse("merged.yaml", []byte(merged)); err != nil {
		t.Errorf("config with the imported entries does not parse: %v\n%s", err, merged)
	}

	// --published lists what /opml lists: combined, per tag, per source.
	var pub bytes.Buffer
	if err := run(context.Background(), []string{"sources", "export", "--published", "--config", cfg}, noenv, nil, &pub, io.Discard); err != nil {
		t.Fatalf("export --published: %v", err)
	}
	for _, path := range []string{"/feed.atom", "/tags/zhejiang.atom", "/tags/chongqing.atom", "/sources/zj.atom", "/sources/cq.atom"} {
		if !strings.Contains(pub.String(), fmt.Sprintf(`xmlUrl="https://feeds.example.org%s"`, path)) {
			t.Errorf("published OPML lacks %s:\n%s", path, &pub)
		}
	}
}
