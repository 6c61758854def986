package govsim

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"path"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/govfeed/govfeed/data"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestHostsRouteByHostHeader(t *testing.T) {
	s := newSimServer(t, Options{})
	want := []string{"english.cq.gov.cn", "english.sc.gov.cn", "jtysw.cq.gov.cn", "mp.weixin.qq.com",
		"www.cq.gov.cn", "www.gd.gov.cn", "www.gov.cn", "www.sc.gov.cn", "www.zj.gov.cn"}
	if got := s.sim.Hosts(); !slices.Equal(got, want) {
		t.Fatalf("Hosts() = %q, want %q", got, want)
	}
	tests := map[string]struct {
		url    string
		status int
		holds  string
	}{
		"Sichuan English list":     {"http://english.sc.gov.cn/10462/10758/10760/10765/list.shtml", 200, "Hosted by: General Office"},
		"Sichuan Chinese list":     {"http://www.sc.gov.cn/10462/10464/10797/jrsc_list.shtml", 200, `id="dash-table"`},
		"English tree redirects":   {"http://www.sc.gov.cn/10462/10758/10760/10765/list.shtml?a=1", 301, ""},
		"Chongqing TRS list":       {"http://www.cq.gov.cn/ywdt/jrcq/", 200, `createPageHTML(5, 0, "index", "html")`},
		"Chongqing English list":   {"http://english.cq.gov.cn/latestnews/", 200, "Latest News"},
		"Chongqing subdomain":      {"http://jtysw.cq.gov.cn/sy_240/bmdt/202602/t20260224_15449936.html", 200, "市交通运输委"},
		"Guangdong list":           {"http://www.gd.gov.cn/gdywdt/bmdt/index.html", 200, `<span class="til">`},
		"Guangdong gkmlpt":         {"http://www.gd.gov.cn/gkmlpt/api/all/5?page=1&sid=2", 200, `"date":1783353600`},
		"Zhejiang datastore":       {"http://www.zj.gov.cn/col/col1554467/index.html", 200, `<script type="text/xml"><datastore>`},
		"Zhejiang RSS":             {"http://www.zj.gov.cn/module/rss/rssfeed.jsp?colid=1554467", 200, "<pubDate>2026-10-01 19:30:00.0</pubDate>"},
		"gov.cn list":              {"http://www.gov.cn/zhengce/zuixin/", 200, `<div class="news_box">`},
		"WeChat repost":            {"http://mp.weixin.qq.com/s/Xy7AbCdEf123", 200, "rich_media_content"},
		"host with port":           {"http://www.gov.cn:80/zhengce/zuixin/index.htm", 200, `<div class="news_box">`},
		"home page":                {"http://www.gd.gov.cn/", 200, `href="/gdywdt/bmdt/index.html"`},
		"unknown path":             {"http://www.gov.cn/no/such/page.htm", 404, "页面不存在"},
		"unknown host":             {"http://www.example.gov.cn/", 421, "does not serve host www.example.gov.cn"},
		"gkmlpt without its sid":   {"http://www.gd.gov.cn/gkmlpt/api/all/5?page=1", 404, ""},
		"RSS of an unknown column": {"http://www.zj.gov.cn/module/rss/rssfeed.jsp?colid=1", 404, ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			resp, body := s.get(t, tc.url)
			mustStatus(t, tc.url, resp, tc.status)
			if !strings.Contains(string(body), tc.holds) {
				t.Errorf("GET %s: body lacks %q:\n%s", tc.url, tc.holds, body)
			}
		})
	}
	resp, _ := s.get(t, "http://www.sc.gov.cn/10462/10758/10760/10765/list.shtml?a=1")
	if loc := resp.Header.Get("Location"); loc != "http://english.sc.gov.cn/10462/10758/10760/10765/list.shtml?a=1" {
		t.Errorf("redirect Location = %q", loc)
	}
}

// TestEveryEntryServed renders every page of every list view and requests
// every link the view's column lists: each must be served (200) and show
// its title, foreign hosts included.
func TestEveryEntryServed(t *testing.T) {
	s := newSimServer(t, Options{})
	entries := 0
	for _, host := range s.sim.Hosts() {
		st := s.sim.sites[host]
		for _, v := range st.views {
			c := st.columns[v.Column]
			pages := v.pages(len(c.entries))
			for i := range pages + 1 {
				resp, err := st.renderList(v, v.path, i, ScenarioNone)
				if err != nil || (resp == nil) != (i == pages) {
					t.Fatalf("%s%s page %d of %d: %v, %v", host, v.path, i, pages, resp, err)
				}
			}
			for _, e := range st.pageData(c, v.path, v.path, c.entries, ScenarioNone).Entries {
				entries++
				r, body := s.get(t, e.URL)
				mustStatus(t, e.URL, r, 200)
				title := e.Title
				if e.Article != nil {
					title = e.Article.Title
				}
				if !strings.Contains(string(decodeBody(t, r, body)), title) {
					t.Errorf("%s (listed on %s%s) does not show its title %q", e.URL, host, v.path, title)
				}
			}
		}
	}
	if entries < 30 {
		t.Errorf("only %d list entries across the sites, want 30 or more", entries)
	}
}

// decodeBody returns body as UTF-8 (the legacy page is GB2312).
func decodeBody(t *testing.T, resp *http.Response, body []byte) []byte {
	t.Helper()
	if utf8.Valid(body) {
		return body
	}
	out, err := simplifiedchinese.GBK.NewDecoder().Bytes(body)
	if err != nil {
		t.Fatalf("decode %s: %v", resp.Request.URL, err)
	}
	return out
}

func TestLegacyPageIsGB2312(t *testing.T) {
	s := newSimServer(t, Options{})
	const u = "http://www.sc.gov.cn/10462/10464/10797/2015/11/26/10360279.shtml"
	resp, body := s.get(t, u)
	mustStatus(t, u, resp, 200)
	if ct := resp.Header.Get("Content-Type"); ct != "text/html" {
		t.Errorf("Content-Type %q, want text/html without a charset", ct)
	}
	if utf8.Valid(body) {
		t.Fatal("the legacy page is valid UTF-8, want GB2312 bytes")
	}
	title, _ := simplifiedchinese.GBK.NewEncoder().String("四川省召开全省脱贫攻坚工作推进会")
	if !bytes.Contains(body, []byte(title)) {
		t.Error("the GB2312 bytes of the title are not in the page")
	}
	meta := bytes.Index(body, []byte(`charset=gb2312`))
	if meta < 1200 {
		t.Errorf("the meta charset is at byte %d, want after 1.2 KB", meta)
	}
	utf, err := simplifiedchinese.GBK.NewDecoder().Bytes(body)
	if err != nil || !strings.Contains(string(utf), "2015年11月26日 10时30分 来源：四川日报") {
		t.Errorf("GBK-decoded page lacks its byline (err %v)", err)
	}
}

func TestConditionalGet(t *testing.T) {
	s := newSimServer(t, Options{Now: func() time.Time { return fixedNow }})
	const list = "http://www.cq.gov.cn/ywdt/jrcq/"
	resp, body := s.get(t, list)
	mustStatus(t, list, resp, 200)
	etag, lm := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	if etag == "" || lm != "Wed, 17 Jun 2026 01:15:00 GMT" {
		t.Fatalf("ETag %q, Last-Modified %q; want an ETag and the newest entry's date", etag, lm)
	}
	again, body2 := s.get(t, list)
	if again.Header.Get("ETag") != etag || !bytes.Equal(body, body2) {
		t.Errorf("a second GET changed the list: ETag %q -> %q", etag, again.Header.Get("ETag"))
	}
	tests := map[string]struct {
		header []string
		status int
	}{
		"matching If-None-Match":        {[]string{"If-None-Match", etag}, 304},
		"weak match":                    {[]string{"If-None-Match", `"x", W/` + etag}, 304},
		"other ETag":                    {[]string{"If-None-Match", `"0000"`}, 200},
		"If-Modified-Since the date":    {[]string{"If-Modified-Since", lm}, 304},
		"If-Modified-Since before":      {[]string{"If-Modified-Since", "Tue, 16 Jun 2026 00:00:00 GMT"}, 200},
		"If-None-Match wins over dates": {[]string{"If-None-Match", `"0000"`, "If-Modified-Since", lm}, 200},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			resp, body := s.get(t, list, tc.header...)
			mustStatus(t, list, resp, tc.status)
			if tc.status == 304 && len(body) != 0 {
				t.Errorf("304 with a %d-byte body", len(body))
			}
		})
	}
	link := s.sim.AddArticle("www.cq.gov.cn")
	resp, body = s.get(t, list, "If-None-Match", etag)
	mustStatus(t, list, resp, 200)
	if resp.Header.Get("ETag") == etag || resp.Header.Get("Last-Modified") != "Sat, 10 Oct 2026 08:00:00 GMT" {
		t.Errorf("after AddArticle: ETag %q (was %q), Last-Modified %q", resp.Header.Get("ETag"), etag, resp.Header.Get("Last-Modified"))
	}
	if !strings.Contains(string(body), "./202610/t20261010_15900001.html") || link != "http://www.cq.gov.cn/ywdt/jrcq/202610/t20261010_15900001.html" {
		t.Errorf("the list does not link the new article %s:\n%s", link, body)
	}
	art, _ := s.get(t, "http://www.cq.gov.cn/ywdt/jrcq/202606/t20260616_15758457.html")
	if art.Header.Get("ETag") != "" {
		t.Errorf("an article page has an ETag; only list pages do")
	}
}

func TestAddArticle(t *testing.T) {
	s := newSimServer(t, Options{Now: func() time.Time { return fixedNow }})
	tests := map[string]struct {
		host, list, want string
		// The new entry is listed after pinned (if any) and before next,
		// both file names of fixture articles.
		pinned, next string
	}{
		"Sichuan English": {"english.sc.gov.cn", "http://english.sc.gov.cn/10462/10758/10760/10765/list.shtml",
			"http://english.sc.gov.cn/10462/10758/10760/10765/2026/10/10/", "10445992.shtml", "af03c6a54b374b77a9f47960d6c85922.shtml"},
		"Sichuan": {"www.sc.gov.cn", "http://www.sc.gov.cn/10462/10464/10797/jrsc_list.shtml",
			"http://www.sc.gov.cn/10462/10464/10797/2026/10/10/", "", "5d8f3c2a9b7e4f6a8c1d0e2f3a4b5c6d.shtml"},
		"Chongqing": {"www.cq.gov.cn", "http://www.cq.gov.cn/ywdt/jrcq/",
			"http://www.cq.gov.cn/ywdt/jrcq/202610/t20261010_15900001.html", "", "t20260617_15760012.html"},
		"Chongqing English": {"english.cq.gov.cn", "http://english.cq.gov.cn/latestnews/",
			"http://english.cq.gov.cn/latestnews/Editor/202610/t20261010_15950001.html", "", "t20260714_15821893.html"},
		"Guangdong": {"www.gd.gov.cn", "http://www.gd.gov.cn/gdywdt/bmdt/",
			"http://www.gd.gov.cn/gdywdt/bmdt/content/post_4907001.html", "", "post_4906500.html"},
		"Zhejiang": {"www.zj.gov.cn", "http://www.zj.gov.cn/col/col1554467/index.html",
			"http://www.zj.gov.cn/col/col1554467/art/2026/art_", "", "art_a5c0ac3429044dffb39c2d848f985520.html"},
		"gov.cn": {"www.gov.cn", "http://www.gov.cn/zhengce/zuixin/",
			"http://www.gov.cn/zhengce/zuixin/202610/content_7013001.htm", "", "content_7012345.htm"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			link := s.sim.AddArticle(tc.host)
			if !strings.HasPrefix(link, tc.want) {
				t.Fatalf("AddArticle = %q, want %s…", link, tc.want)
			}
			resp, body := s.get(t, link)
			mustStatus(t, link, resp, 200)
			if !strings.Contains(string(body), "2026-10-10 16:00") && !strings.Contains(string(body), "2026-10-10-16:00") {
				t.Errorf("the new article is not dated Options.Now in Beijing time:\n%s", body)
			}
			_, list := s.get(t, tc.list)
			at := strings.Index(string(list), path.Base(link))
			if at < 0 || at > strings.Index(string(list), tc.next) || at < strings.Index(string(list), tc.pinned) {
				t.Errorf("the list does not show %s after %q and before %q:\n%s", link, tc.pinned, tc.next, list)
			}
		})
	}
	if got := s.sim.AddArticle("jtysw.cq.gov.cn"); got != "" {
		t.Errorf("AddArticle on a host without a column = %q, want empty", got)
	}
	if a, b := s.sim.AddArticle("www.zj.gov.cn"), s.sim.AddArticle("www.zj.gov.cn"); a == b {
		t.Errorf("two AddArticle calls gave the same URL %s", a)
	}
}

func TestPaging(t *testing.T) {
	s := newSimServer(t, Options{})
	tests := map[string]struct {
		url    string
		status int
	}{
		"TRS index_1":                {"http://www.cq.gov.cn/ywdt/jrcq/index_1.html", 200},
		"TRS index_4 is promised":    {"http://www.cq.gov.cn/ywdt/jrcq/index_4.html", 404},
		"Sichuan gfxwj_2":            {"http://www.sc.gov.cn/10462/c102914/gfxwj_2.shtml", 200},
		"Sichuan gfxwj_3":            {"http://www.sc.gov.cn/10462/c102914/gfxwj_3.shtml", 404},
		"gkmlpt page 2":              {"http://www.gd.gov.cn/gkmlpt/api/all/5?page=2&sid=2", 404},
		"dataproxy page 1":           {"http://www.zj.gov.cn/module/web/jpage/dataproxy.jsp?page=1&columnid=1554467&webname=%E6%B5%99%E6%B1%9F", 200},
		"dataproxy past the end":     {"http://www.zj.gov.cn/module/web/jpage/dataproxy.jsp?page=2&columnid=1554467", 404},
		"dataproxy of another colum": {"http://www.zj.gov.cn/module/web/jpage/dataproxy.jsp?page=1&columnid=1", 404},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			resp, _ := s.get(t, tc.url)
			mustStatus(t, tc.url, resp, tc.status)
		})
	}
	_, body := s.get(t, "http://www.zj.gov.cn/module/web/jpage/dataproxy.jsp?page=1&columnid=1554467")
	if !strings.Contains(string(body), "art_10bd1f168d8de0a14c7573025acbfbc1") || !strings.Contains(string(body), "&lt;li&gt;") ||
		strings.Contains(string(body), "<nextgroup>") {
		t.Errorf("dataproxy page 1 is not the last batch of two records, one entity-escaped:\n%s", body)
	}
}

func TestGzip(t *testing.T) {
	s := newSimServer(t, Options{})
	const u = "http://www.gov.cn/zhengce/zuixin/202606/content_7012345.htm"
	_, plain := s.get(t, u)
	resp, zipped := s.get(t, u, "Accept-Encoding", "gzip, deflate")
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q, want gzip", resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(zipped))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(unzipped, plain) {
		t.Errorf("gzip body differs from the plain one (err %v)", err)
	}
}

func TestRequests(t *testing.T) {
	s := newSimServer(t, Options{})
	for range 3 {
		s.get(t, "http://www.gov.cn/zhengce/zuixin/?x=1")
	}
	s.get(t, "http://www.sc.gov.cn/10462/10464/10797//2026/6/16/7c3e9a1f5b2d4e8a9f0c1b2d3e4f5a6b.shtml")
	tests := map[string]int{
		"www.gov.cn/zhengce/zuixin/": 3,
		"www.gov.cn/zhengce/zuixin":  0,
		"www.sc.gov.cn/10462/10464/10797//2026/6/16/7c3e9a1f5b2d4e8a9f0c1b2d3e4f5a6b.shtml": 1,
		"www.sc.gov.cn/10462/10464/10797/2026/6/16/7c3e9a1f5b2d4e8a9f0c1b2d3e4f5a6b.shtml":  0,
	}
	for key, want := range tests {
		if got := s.sim.Requests(key); got != want {
			t.Errorf("Requests(%q) = %d, want %d", key, got, want)
		}
	}
}

func TestSources(t *testing.T) {
	s := newSimServer(t, Options{})
	specs := s.sim.Sources()
	var ids []string
	for _, sp := range specs {
		ids = append(ids, sp.ID)
	}
	want := []string{"sc-en-news", "sc-jrsc", "sc-gfxwj", "cq-en-news", "cq-jrcq", "gd-bmdt", "gd-gkmlpt", "zj-cwhy", "zj-cwhy-rss", "govcn-zuixin"}
	if !slices.Equal(ids, want) {
		t.Fatalf("Sources() ids = %q, want %q", ids, want)
	}
	for _, sp := range specs {
		u := sp.URL
		resp, _ := s.get(t, u)
		if resp.StatusCode == http.StatusMovedPermanently {
			u = resp.Header.Get("Location")
			resp, _ = s.get(t, u)
		}
		mustStatus(t, u, resp, 200)
		src := sp.Source()
		if src.ID != sp.ID || src.Kind != sp.Kind || src.Location == nil || src.Timeout <= 0 {
			t.Errorf("%s: Source() = %+v", sp.ID, src)
		}
		if (src.HTML != nil) != (sp.Kind == data.KindHTML) || (src.JSON != nil) != (sp.Kind == data.KindJSON) {
			t.Errorf("%s: Source() HTML %v, JSON %v for kind %s", sp.ID, src.HTML, src.JSON, sp.Kind)
		}
	}
	specs[4].Selectors.Item = "changed"
	specs[4].Tags[0] = "changed"
	again := s.sim.Sources()
	if again[4].Selectors.Item != "ul.tab-item li" || again[4].Tags[0] != "chongqing" {
		t.Errorf("changing a returned spec changed the Sim's: %+v", again[4])
	}
	if src := again[4].Source(); src.HTML.Pages != 1 || src.HTML.Selectors.Content != "div.trs_editor_view, div.TRS_UEDITOR" {
		t.Errorf("cq-jrcq Source().HTML = %+v", src.HTML)
	}
	if src := again[6].Source(); src.JSON == nil || src.JSON.DateUnit != "s" || !src.JSON.FetchBody || src.JSON.Items != "articles" {
		t.Errorf("gd-gkmlpt Source().JSON = %+v", src.JSON)
	}
}

func TestParseScenario(t *testing.T) {
	for sc := ScenarioNone; sc <= Blocked403; sc++ {
		got, err := ParseScenario(sc.String())
		if err != nil || got != sc {
			t.Errorf("ParseScenario(%q) = %v, %v; want %v", sc.String(), got, err, sc)
		}
	}
	if _, err := ParseScenario("flaky"); err == nil || !strings.Contains(err.Error(), "flaky") {
		t.Errorf("ParseScenario(flaky) error = %v, want one naming it", err)
	}
	if s := Scenario(42).String(); s != "Scenario(42)" {
		t.Errorf("Scenario(42).String() = %q", s)
	}
}

// TestConcurrentUse reads lists and articles while articles are added and
// scenarios switched; run it with -race.
func TestConcurrentUse(t *testing.T) {
	s := newSimServer(t, Options{})
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for range 10 {
				resp, _ := s.get(t, "http://www.gd.gov.cn/gdywdt/bmdt/index.html")
				if resp.StatusCode != 200 && resp.StatusCode != 403 {
					t.Errorf("status %d", resp.StatusCode)
				}
				s.sim.Requests("www.gd.gov.cn/gdywdt/bmdt/index.html")
			}
		})
		wg.Go(func() {
			for range 10 {
				s.sim.AddArticle("www.gd.gov.cn")
				s.sim.SetScenario("www.gd.gov.cn", Scenario(i%2)*Blocked403)
			}
		})
	}
	wg.Wait()
	if n := s.sim.Requests("www.gd.gov.cn/gdywdt/bmdt/index.html"); n != 40 {
		t.Errorf("Requests = %d, want 40", n)
	}
}

func BenchmarkServeList(b *testing.B) {
	s := New(Options{})
	req := httptest.NewRequest(http.MethodGet, "http://www.cq.gov.cn/ywdt/jrcq/", nil)
	for b.Loop() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatalf("status %d", w.Code)
		}
	}
}

func BenchmarkServeArticle(b *testing.B) {
	s := New(Options{})
	req := httptest.NewRequest(http.MethodGet, govArticle, nil)
	for b.Loop() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatalf("status %d", w.Code)
		}
	}
}
