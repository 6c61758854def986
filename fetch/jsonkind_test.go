package fetch

import (
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govfeed/govfeed/data"
)

// gkmlptRules map Guangdong's gkmlpt list API.
func gkmlptRules() *data.JSONRules {
	return &data.JSONRules{
		Items: "articles", Title: "title", Link: "url", Date: "date", DateUnit: "s",
		ID: "id", Author: "publisher",
	}
}

// jsonSource is a kind: json source at u with mapping rules.
func jsonSource(tb testing.TB, id, u string, rules *data.JSONRules) data.Source {
	src := feedSource(tb, id, u)
	src.Kind = data.KindJSON
	src.JSON = rules
	return src
}

// serveJSON answers every request with body as JSON.
func serveJSON(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write([]byte(body))
	}
}

// hostname is the host of URL u, without the port.
func hostname(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return p.Hostname()
}

func readFixture(tb testing.TB, name string) string {
	tb.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// jsonItem is the part of a stored item a JSON mapping sets.
type jsonItem struct {
	GUID, Title, Link, Author, Summary string
	Published                          time.Time
}

func TestRunJSONMapping(t *testing.T) {
	const api = "/gkmlpt/api/all/5"
	tests := []struct {
		name  string
		body  string
		rules *data.JSONRules
		want  func(base string) []jsonItem // newest first; base is the API's scheme and host
	}{
		{
			name:  "gkmlpt: Unix seconds, host-qualified ids, relative links",
			body:  readFixture(t, "gkmlpt.json"),
			rules: gkmlptRules(),
			want: func(base string) []jsonItem {
				return []jsonItem{{
					GUID:      "www.gd.gov.cn/3255421",
					Title:     "广东省人民政府关于印发广东省推动低空经济高质量发展行动方案的通知",
					Link:      "http://www.gd.gov.cn/gkmlpt/content/3/3255/post_3255421.html",
					Author:    "广东省人民政府办公厅",
					Published: time.Date(2026, 7, 6, 16, 0, 0, 0, time.UTC), // midnight, 7 July, Beijing time
				}, {
					GUID:      hostname(base) + "/3255422", // ids are qualified by host, without the port
					Title:     "广东省发展改革委关于做好2026年夏季电力保供工作的通知",
					Link:      base + "/gkmlpt/content/3/3255/post_3255422.html",
					Author:    "广东省发展改革委",
					Published: time.Date(2026, 7, 5, 16, 0, 0, 0, time.UTC),
				}, {
					GUID:      "www.gd.gov.cn/3255423",
					Title:     "广东省人民政府办公厅关于公布省级行政许可事项清单的通知",
					Link:      "http://www.gd.gov.cn/gkmlpt/content/3/3255/post_3255423.html",
					Published: time.Date(2026, 7, 4, 16, 0, 0, 0, time.UTC),
				}}
			},
		},
		{
			name: "text dates in Beijing time, nested path, summary, id from the URL",
			body: `{"code":0,"data":{"list":[
				{"t":"省政府常务会议研究部署防汛工作","href":"/zwgk/202607/t20260706_1001.html","time":"2026-07-06 09:30:00","desc":"会议要求 A&B 两级联动"},
				{"t":"2026年上半年经济运行情况","href":"/zwgk/202607/t20260705_1000.html","time":"2026年7月5日"}]}}`,
			rules: &data.JSONRules{Items: "data.list", Title: "t", Link: "href", Date: "time", Summary: "desc"},
			want: func(base string) []jsonItem {
				return []jsonItem{{
					GUID:      hostname(base) + "/t20260706_1001",
					Title:     "省政府常务会议研究部署防汛工作",
					Link:      base + "/zwgk/202607/t20260706_1001.html",
					Summary:   "<p>会议要求 A&amp;B 两级联动</p>",
					Published: time.Date(2026, 7, 6, 1, 30, 0, 0, time.UTC),
				}, {
					GUID:      hostname(base) + "/t20260705_1000",
					Title:     "2026年上半年经济运行情况",
					Link:      base + "/zwgk/202607/t20260705_1000.html",
					Published: time.Date(2026, 7, 4, 16, 0, 0, 0, time.UTC),
				}}
			},
		},
		{
			name:  "Unix milliseconds in a top-level array",
			body:  `[{"title":"四川省政府新闻","link":"http://www.sc.gov.cn/10462/c1/2026/7/6/0123456789abcdef0123456789abcdef.shtml","ts":1783303200000}]`,
			rules: &data.JSONRules{Title: "title", Link: "link", Date: "ts", DateUnit: "ms"},
			want: func(string) []jsonItem {
				return []jsonItem{{
					GUID:      "www.sc.gov.cn/0123456789abcdef0123456789abcdef",
					Title:     "四川省政府新闻",
					Link:      "http://www.sc.gov.cn/10462/c1/2026/7/6/0123456789abcdef0123456789abcdef.shtml",
					Published: time.Date(2026, 7, 6, 2, 0, 0, 0, time.UTC),
				}}
			},
		},
	}
	rig := newTestRig(t, Options{Delay: time.Millisecond})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			up := newUpstream(t, serveJSON(tt.body))
			id := strings.ReplaceAll(t.Name(), "/", "-")
			rep := rig.run(jsonSource(t, id, up.URL+api+"?page=1", tt.rules))
			if rep.Outcome != OutcomeNew {
				t.Fatalf("outcome %s (err %v); want new", rep.Outcome, rep.Err)
			}
			var got []jsonItem
			for _, it := range rig.items(t, id) {
				if it.Key != "g:"+it.GUID {
					t.Errorf("item %s: key %q; want its GUID as key", it.Link, it.Key)
				}
				got = append(got, jsonItem{it.GUID, it.Title, it.Link, it.Author, it.Summary, it.Published})
			}
			if d := cmp.Diff(tt.want(up.URL), got); d != "" {
				t.Errorf("stored items (-want +got):\n%s", d)
			}
		})
	}
}

func TestRunJSONErrors(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		rules   *data.JSONRules
		inError []string
	}{
		{"no array at the items path", `{"code":0,"data":{"total":0}}`,
			&data.JSONRules{Items: "data.list", Title: "title", Link: "url"}, []string{`"data.list"`}},
		{"not JSON", `<!DOCTYPE html><html><body>系统维护中</body></html>`,
			gkmlptRules(), []string{"not JSON"}},
		{"an item without a link", `{"articles":[{"id":1,"title":"a","url":"/a.html"},{"id":2,"title":"b"}]}`,
			gkmlptRules(), []string{"item 1", `"url"`}},
		{"a date that is not a Unix time", `{"articles":[{"id":1,"title":"a","url":"/a.html","date":"昨天"}]}`,
			gkmlptRules(), []string{"item 0", `"date"`}},
	}
	rig := newTestRig(t, Options{Delay: time.Millisecond})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			up := newUpstream(t, serveJSON(tt.body))
			id := strings.ReplaceAll(t.Name(), "/", "-")
			u := up.URL + "/api/list"
			rep := rig.run(jsonSource(t, id, u, tt.rules))
			if rep.Outcome != OutcomeFailed || rep.Class != data.ErrParse {
				t.Fatalf("outcome %s, class %q (err %v); want failed, parse", rep.Outcome, rep.Class, rep.Err)
			}
			st := rig.state(t, id)
			for _, s := range append(tt.inError, u) {
				if !strings.Contains(st.LastError, s) {
					t.Errorf("last error %q; want it to contain %q", st.LastError, s)
				}
			}
			if n := len(rig.items(t, id)); n != 0 {
				t.Errorf("%d items stored from a failed fetch", n)
			}
		})
	}
}

func TestRunJSONFetchBody(t *testing.T) {
	const page = "/gkmlpt/content/3/3255/post_3255421.html"
	tests := []struct {
		fetchBody     bool
		articleHits   int
		wantContent   string
		wantPublished time.Time
	}{
		// The list's date stands when no page is read.
		{false, 0, "", time.Date(2026, 7, 6, 16, 0, 0, 0, time.UTC)},
		// The page's time of day on the list's day wins.
		{true, 1, "请认真组织实施", time.Date(2026, 7, 7, 2, 30, 0, 0, time.UTC)},
	}
	rig := newTestRig(t, Options{Delay: time.Millisecond})
	article := readFixture(t, "gd_article.html")
	for _, tt := range tests {
		name := map[bool]string{false: "list only", true: "with article pages"}[tt.fetchBody]
		t.Run(name, func(t *testing.T) {
			up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == page {
					w.Header().Set("Content-Type", "text/html; charset=utf-8")
					_, _ = w.Write([]byte(article))
					return
				}
				serveJSON(`{"articles":[{"id":3255421,"title":"广东省人民政府关于印发广东省推动低空经济高质量发展行动方案的通知","date":1783353600,"url":"`+page+`"}]}`)(w, r)
			})
			rules := gkmlptRules()
			rules.FetchBody = tt.fetchBody
			id := "body-" + map[bool]string{false: "off", true: "on"}[tt.fetchBody]
			rep := rig.run(jsonSource(t, id, up.URL+"/gkmlpt/api/all/5", rules))
			if rep.Outcome != OutcomeNew {
				t.Fatalf("outcome %s (err %v); want new", rep.Outcome, rep.Err)
			}
			if got := up.hits(page); got != tt.articleHits {
				t.Errorf("article page requested %d times; want %d", got, tt.articleHits)
			}
			its := rig.items(t, id)
			if len(its) != 1 {
				t.Fatalf("%d items stored; want 1", len(its))
			}
			it := its[0]
			if (tt.wantContent == "" && it.Content != "") || !strings.Contains(it.Content, tt.wantContent) {
				t.Errorf("content %q; want it to contain %q", it.Content, tt.wantContent)
			}
			if !it.Published.Equal(tt.wantPublished) || it.Link != up.URL+page {
				t.Errorf("published %v, link %s; want %v, %s", it.Published, it.Link, tt.wantPublished, up.URL+page)
			}
		})
	}
}
