package publish

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/data/cluster"
	"github.com/govfeed/govfeed/data/sqlite"
)

// BenchmarkRenderFromStore rebuilds the combined feed of 500 entries, plain
// and gzip-compressed, from a real on-disk store of 6,000 items from 60
// sources with clustering on: store reads, entry building, encoding and
// compression, what each change of the store costs the daemon. (govbench
// runs the same on a store of a million items.)
func BenchmarkRenderFromStore(b *testing.B) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, b.TempDir(), sqlite.Options{Cluster: cluster.DefaultOptions()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close() })
	const sources, per = 60, 100
	srcs := make([]data.Source, sources)
	body := ""
	for range 20 {
		body += "<p>各地级以上市人民政府，省政府各部门、各直属机构：现将有关事项通知如下，请认真贯彻执行。</p>"
	}
	for i := range srcs {
		srcs[i] = data.Source{ID: fmt.Sprintf("s%03d", i), Name: fmt.Sprintf("来源%d", i), URL: fmt.Sprintf("https://www.s%d.gov.cn/", i), Kind: data.KindFeed}
		items := make([]data.Item, per)
		for j := range items {
			key := fmt.Sprintf("s%d-%d", i, j)
			items[j] = data.Item{Key: "g:" + key, GUID: key,
				Title:   fmt.Sprintf("广东省人民政府关于第%d项工作的通知（%d）", j, i),
				Link:    fmt.Sprintf("https://www.s%d.gov.cn/content/post_%d.html", i, j),
				Content: fmt.Sprintf("<p>第%d号。</p>", i*per+j) + body, Summary: "<p>摘要</p>", Categories: []string{"要闻"},
				Published: testStart.Add(-time.Duration(j*sources+i) * time.Minute)}
		}
		if _, err := st.Save(ctx, data.FetchResult{State: data.SourceState{SourceID: srcs[i].ID, LastSuccess: testStart}, Items: items}); err != nil {
			b.Fatal(err)
		}
	}
	p := New(Options{Title: "bench", BaseURL: "http://127.0.0.1", Entries: 500}, st)
	b.Cleanup(p.Close)
	p.SetSources(srcs)
	h := p.Handler()
	req := httptest.NewRequest(http.MethodGet, "/feed.atom", nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 || bytes.Count(rec.Body.Bytes(), []byte("<entry>")) != 500 {
		b.Fatalf("/feed.atom: status %d, %d entries; want 200, 500", rec.Code, bytes.Count(rec.Body.Bytes(), []byte("<entry>")))
	}
	b.SetBytes(int64(rec.Body.Len()))
	for b.Loop() {
		p.Invalidate()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
