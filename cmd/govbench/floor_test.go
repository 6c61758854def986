package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The storage floor stores each item once, sanitized, and its pass ends
// with the items on disk.
func TestFloorStoresSanitizedItemsOnce(t *testing.T) {
	const feed = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>t</title><link>http://example.test/</link>
<item><title>一</title><guid>g1</guid><link>http://example.test/1</link><pubDate>Tue, 24 Nov 2026 08:00:00 +0800</pubDate>
<description><![CDATA[<p>保留</p><script>alert(1)</script><a href="javascript:x()">链接</a>]]></description></item>
<item><title>二</title><guid>g2</guid><link>http://example.test/2</link><description>two</description></item>
<item><title>一 again</title><guid>g1</guid><link>http://example.test/1</link><description>again</description></item>
</channel></rss>`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, feed)
	}))
	defer srv.Close()
	dir := t.TempDir()
	ctx := context.Background()
	floor, err := openFloor(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	urls := []string{srv.URL + "/a.xml", srv.URL + "/b.xml"}
	res, _, err := baselinePass(ctx, srv.Client(), urls, map[string]validators{}, 2, floor)
	if err != nil {
		t.Fatal(err)
	}
	if res.Items != 6 || res.Stored != 4 || res.Failed != 0 {
		t.Fatalf("parsed %d, stored %d, failed %d; want 6 parsed and 4 stored (g1 twice in each feed)", res.Items, res.Stored, res.Failed)
	}

	db, err := sql.Open("sqlite", "file:"+dir+"/floor.db")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	var (
		n         int
		content   string
		published int64
	)
	if err := db.QueryRow(`SELECT count(*) FROM items`).Scan(&n); err != nil || n != 4 {
		t.Fatalf("%d rows on disk (%v), want 4", n, err)
	}
	if err := db.QueryRow(`SELECT content, published FROM items WHERE source = ? AND key = 'g1'`, urls[0]).Scan(&content, &published); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(content, "<p>保留</p>") || strings.Contains(content, "script") || strings.Contains(content, "javascript:") {
		t.Errorf("stored content %q: want the paragraph kept and the script and javascript: link gone", content)
	}
	if published != 1795478400 { // 2026-11-24T00:00:00Z
		t.Errorf("published %d, want 1795478400", published)
	}
}
