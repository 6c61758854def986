package page

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/data/sqlite"
)

// now is the tests' clock: 2026-06-17 12:00 in Beijing.
var now = time.Date(2026, 6, 17, 4, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return now }

// testSources is the configuration the tests run with, in its order.
func testSources() []data.Source {
	return []data.Source{
		{ID: "cq-jrcq", Name: "今日重庆", URL: "https://www.cq.gov.cn/ywdt/jrcq/", Kind: data.KindHTML, Tags: []string{"chongqing", "news"}},
		{ID: "sc-news", Name: "四川要闻", URL: "https://www.sc.gov.cn/10462/10464/10797/", Kind: data.KindHTML, Tags: []string{"sichuan", "news"}},
		{ID: "gd-bmdt", Name: "广东部门动态", URL: "http://www.gd.gov.cn/gdywdt/bmdt/", Kind: data.KindHTML, Tags: []string{"guangdong"}},
		{ID: "zj-cwhy", Name: "浙江省政府常务会议", URL: "http://www.zj.gov.cn/module/rss/rssfeed.jsp?colid=1554467", Kind: data.KindFeed, Tags: []string{"zhejiang"}},
		{ID: "js-new", Name: "江苏新闻", URL: "https://www.jiangsu.gov.cn/col/col76841/", Kind: data.KindHTML, Tags: []string{"jiangsu", "news"}},
	}
}

// fixture is a real store filled from testdata files, with the states the
// health table tests expect.
type fixture struct {
	store *sqlite.Store
	page  *Page
}

// loadItems reads a JSON list of data.Item from testdata.
func loadItems(t *testing.T, name string) []data.Item {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	var items []data.Item
	if err := json.Unmarshal(b, &items); err != nil {
		t.Fatalf("decode testdata/%s: %v", name, err)
	}
	return items
}

// newFixture opens a store under t.TempDir, saves the items of the given
// testdata files through data.FetchResult, then the source states, and
// returns a Page over it.
func newFixture(t *testing.T, files ...string) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir(), sqlite.Options{Now: fixedNow})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	bySource := map[string][]data.Item{}
	for _, f := range files {
		for _, it := range loadItems(t, f) {
			bySource[it.SourceID] = append(bySource[it.SourceID], it)
		}
	}
	ok := func(id string, ago time.Duration) data.SourceState {
		at := now.Add(-ago)
		return data.SourceState{SourceID: id, LastAttempt: at, LastSuccess: at, LastYield: 20}
	}
	// First a successful fetch with the items, then (for some) a failure.
	for _, id := range []string{"cq-jrcq", "sc-news", "gd-bmdt", "zj-cwhy"} {
		items := bySource[id]
		data.AssignKeys(items)
		state := ok(id, 10*time.Minute)
		switch id {
		case "sc-news":
			state = ok(id, 2*time.Hour)
		case "gd-bmdt":
			state = ok(id, 3*24*time.Hour)
		case "zj-cwhy":
			state = ok(id, 26*time.Hour)
		}
		save(t, st, data.FetchResult{State: state, Items: items})
	}
	failures := []data.SourceState{
		{
			SourceID: "sc-news", LastAttempt: now.Add(-5 * time.Minute), LastSuccess: now.Add(-2 * time.Hour),
			Failures: 2, ErrorClass: data.ErrTimeout, NextAttempt: now.Add(20 * time.Minute),
			LastError: "fetch https://www.sc.gov.cn/10462/10464/10797/: context deadline exceeded",
		},
		{
			SourceID: "gd-bmdt", LastAttempt: now.Add(-30 * time.Minute), LastSuccess: now.Add(-3 * 24 * time.Hour),
			Failures: 3, ErrorClass: data.ErrBroken, Broken: true, LastYield: 20,
			LastError: "source gd-bmdt: the list page yielded no items (20 before)",
		},
		{
			SourceID: "zj-cwhy", LastAttempt: now.Add(-15 * time.Minute), LastSuccess: now.Add(-26 * time.Hour),
			Failures: 5, ErrorClass: data.ErrBlocked,
			LastError: "GET http://www.zj.gov.cn/module/rss/rssfeed.jsp?colid=1554467: 412 Precondition Failed (anti-bot challenge)",
		},
	}
	for _, s := range failures {
		save(t, st, data.FetchResult{State: s})
	}
	p := New(Options{
		Title:   "川渝粤浙 政务",
		BaseURL: "https://feeds.example.org/",
		Sources: testSources,
		NextRun: func(id string) time.Time {
			if id == "js-new" {
				return time.Time{}
			}
			return now.Add(15 * time.Minute)
		},
		ItemCounts: func(ctx context.Context) (map[string]int, error) {
			s, err := st.Stats(ctx)
			return s.PerSource, err
		},
		Logger: slog.New(slog.DiscardHandler),
		Now:    fixedNow,
	}, st)
	return &fixture{store: st, page: p}
}

func save(t *testing.T, st *sqlite.Store, res data.FetchResult) {
	t.Helper()
	if _, err := st.Save(context.Background(), res); err != nil {
		t.Fatalf("save %s: %v", res.State.SourceID, err)
	}
}

// get serves target through h and returns the response and its parsed
// HTML.
func get(t *testing.T, h http.Handler, target string) (*http.Response, *goquery.Document, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	res := rec.Result()
	body := rec.Body.String()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parse page %s: %v", target, err)
	}
	return res, doc, body
}

// titles returns the story titles on the page, in order.
func titles(doc *goquery.Document) []string {
	var out []string
	doc.Find("#stories .item h3").Each(func(_ int, s *goquery.Selection) {
		out = append(out, strings.TrimSpace(s.Text()))
	})
	return out
}

// Titles of the items in testdata/items.json, newest first.
const (
	tCQFlood = "重庆市政府常务会议研究部署防汛工作"
	tSCSafe  = "四川省召开全省安全生产电视电话会议"
	tGDMake  = "广东省推进制造业高质量发展"
	tZJMeet  = "浙江省政府常务会议召开"
	tCQRail  = "Chongqing expands cross-border rail freight"
)
