package publish

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/govfeed/govfeed/data"
)

// benchItems returns n items spread over the test sources, each with a
// few hundred bytes of Chinese content, as government articles have.
func benchItems(n int) []data.Item {
	srcs := testSources()
	items := make([]data.Item, n)
	body := ""
	for range 20 {
		body += "<p>各地级以上市人民政府，省政府各部门、各直属机构：现将有关事项通知如下。</p>"
	}
	for i := range items {
		t := testStart.Add(-time.Duration(i) * time.Minute)
		items[i] = data.Item{
			ID: int64(i + 1), SourceID: srcs[i%len(srcs)].ID, Key: fmt.Sprintf("g:item-%d", i),
			Title:   fmt.Sprintf("广东省人民政府关于第%d项工作的通知", i),
			Link:    fmt.Sprintf("https://www.gd.gov.cn/gdywdt/content/post_%d.html", 4906500+i),
			Content: body, Summary: "<p>摘要</p>", Categories: []string{"要闻"},
			Published: t, FirstSeen: t, Modified: t,
		}
	}
	return items
}

func BenchmarkServeCached(b *testing.B) {
	p, st, _ := newTest(b, Options{Entries: 100})
	st.set(func(s *fakeStore) { s.items = benchItems(100) })
	p.Invalidate()
	h := p.Handler()
	for _, ae := range []string{"identity", "gzip"} {
		b.Run(ae, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, "/feed.atom", nil)
			req.Header.Set("Accept-Encoding", ae)
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("status %d", rec.Code)
				}
			}
		})
	}
}

func BenchmarkBuild(b *testing.B) {
	p, st, _ := newTest(b, Options{Entries: 500})
	st.set(func(s *fakeStore) { s.items = benchItems(500) })
	for _, f := range formats {
		b.Run(f.ext(), func(b *testing.B) {
			p.mu.Lock()
			v, err := p.viewLocked(spec{kind: kindCombined}, f)
			p.mu.Unlock()
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := p.render(b.Context(), v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
