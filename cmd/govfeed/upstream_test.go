package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// upstream is a set of real HTTP feed servers for end-to-end tests. Each
// path imitates one kind of upstream behaviour.
type upstream struct {
	srv *httptest.Server

	mu       sync.Mutex
	title    string // the changing item's current title
	requests map[string]int
	cond     map[string]int // conditional requests answered 304
}

func newUpstream(t *testing.T) *upstream {
	t.Helper()
	u := &upstream{title: "原标题", requests: map[string]int{}, cond: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/rss.xml", u.count(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		fmt.Fprint(w, rssFeed)
	}))
	mux.HandleFunc("/atom.xml", u.count(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/atom+xml")
		fmt.Fprint(w, atomFeed)
	}))
	mux.HandleFunc("/feed.json", u.count(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/feed+json")
		fmt.Fprint(w, jsonFeed)
	}))
	mux.HandleFunc("/gbk.xml", u.count(func(w http.ResponseWriter, r *http.Request) {
		b, err := simplifiedchinese.GBK.NewEncoder().String(gbkFeed)
		if err != nil {
			t.Errorf("encode GBK fixture: %v", err)
		}
		w.Header().Set("Content-Type", "text/xml") // charset only in the prolog
		fmt.Fprint(w, b)
	}))
	mux.HandleFunc("/cond.xml", u.count(func(w http.ResponseWriter, r *http.Request) {
		const etag = `"v1"`
		if r.Header.Get("If-None-Match") == etag {
			u.mu.Lock()
			u.cond["/cond.xml"]++
			u.mu.Unlock()
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, condFeed)
	}))
	mux.HandleFunc("/error.xml", u.count(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	}))
	mux.HandleFunc("/slow.xml", u.count(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(10 * time.Second):
		case <-r.Context().Done():
		}
	}))
	mux.HandleFunc("/big.xml", u.count(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>big</title><!--`)
		fmt.Fprint(w, strings.Repeat("x", 64<<10))
		fmt.Fprint(w, `--></channel></rss>`)
	}))
	mux.HandleFunc("/changing.xml", u.count(func(w http.ResponseWriter, r *http.Request) {
		u.mu.Lock()
		title := u.title
		u.mu.Unlock()
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		fmt.Fprintf(w, changingFeed, title)
	}))
	mux.HandleFunc("/guids.xml", u.count(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		fmt.Fprint(w, guidFeed)
	}))
	u.srv = httptest.NewServer(mux)
	t.Cleanup(u.srv.Close)
	return u
}

func (u *upstream) count(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u.mu.Lock()
		u.requests[r.URL.Path]++
		u.mu.Unlock()
		h(w, r)
	}
}

func (u *upstream) setTitle(s string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.title = s
}

func (u *upstream) stats(path string) (requests, notModified int) {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.requests[path], u.cond[path]
}

// config writes a govfeed config pointing at the upstream into dir.
func (u *upstream) config(t *testing.T, dir string) string {
	t.Helper()
	cfg := fmt.Sprintf(`listen: 127.0.0.1:0
data_dir: %[2]s/data
feed:
  title: Test feeds
  base_url: http://feeds.example.test
  entries: 50
defaults:
  schedule: "@every 1h"
  jitter: 0s
  timeout: 2s
  grace: 2s
  user_agent: "govfeed-test (+https://example.test/contact)"
log:
  level: warn
sources:
  - id: rss
    name: RSS 2.0 source
    url: %[1]s/rss.xml
    tags: [sichuan]
  - id: atom
    name: Atom source
    url: %[1]s/atom.xml
  - id: jsonfeed
    name: JSON Feed source
    url: %[1]s/feed.json
  - id: gbk
    name: GBK source
    url: %[1]s/gbk.xml
  - id: cond
    name: Conditional source
    url: %[1]s/cond.xml
  - id: broken
    name: Failing source
    url: %[1]s/error.xml
  - id: slow
    name: Slow source
    url: %[1]s/slow.xml
    timeout: 1s
  - id: big
    name: Oversized source
    url: %[1]s/big.xml
    max_body_bytes: 16KiB
  - id: changing
    name: Changing source
    url: %[1]s/changing.xml
  - id: guids
    name: Bad GUIDs source
    url: %[1]s/guids.xml
`, u.srv.URL, dir)
	path := dir + "/govfeed.yaml"
	writeFile(t, path, cfg)
	return path
}

const rssFeed = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>四川省人民政府</title><link>https://www.sc.gov.cn/</link><description>d</description>
<item><title>四川省召开全省经济工作会议</title><link>https://www.sc.gov.cn/10462/a/2026/6/17/aaaa.shtml</link>
<guid isPermaLink="false">sc-1</guid><pubDate>Wed, 17 Jun 2026 09:28:45 +0000</pubDate>
<description><![CDATA[<p>会议强调<script>alert(1)</script></p>]]></description></item>
<item><title>成都发布新政策</title><link>https://www.sc.gov.cn/10462/a/2026/6/16/bbbb.shtml</link>
<guid isPermaLink="false">sc-2</guid><pubDate>Tue, 16 Jun 2026 08:00:00 +0000</pubDate><description>第二条</description></item>
</channel></rss>`

const atomFeed = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Chongqing English</title><id>urn:cq</id>
<updated>2026-06-16T10:07:00Z</updated><link href="https://english.cq.gov.cn/"/>
<entry><title>Chongqing opens new port</title><id>urn:cq:1</id><link href="https://english.cq.gov.cn/a/202606/t20260616_1.html"/>
<updated>2026-06-16T10:07:00Z</updated><published>2026-06-16T10:07:00Z</published><summary>Port news</summary></entry>
</feed>`

const jsonFeed = `{"version":"https://jsonfeed.org/version/1.1","title":"Guangdong JSON","home_page_url":"https://www.gd.gov.cn/",
"items":[{"id":"gd-1","url":"https://www.gd.gov.cn/gdywdt/bmdt/content/post_4906500.html","title":"广东部门动态",
"content_html":"<p>广东</p>","date_published":"2026-06-04T10:13:50+08:00"}]}`

const gbkFeed = `<?xml version="1.0" encoding="GBK"?>
<rss version="2.0"><channel><title>浙江省人民政府</title><link>http://www.zj.gov.cn/</link><description>d</description>
<item><title>省政府常务会议召开</title><link>http://www.zj.gov.cn/art/2026/10/1/art_1554467_1.html</link>
<guid>zj-1</guid><pubDate>Thu, 01 Oct 2026 02:00:00 GMT</pubDate><description>浙江</description></item>
</channel></rss>`

const condFeed = `<?xml version="1.0"?><rss version="2.0"><channel><title>Cond</title><link>https://c.gov.cn/</link><description>d</description>
<item><title>Conditional item</title><link>https://c.gov.cn/1.html</link><guid>c-1</guid><pubDate>Mon, 15 Jun 2026 00:00:00 GMT</pubDate></item>
</channel></rss>`

const changingFeed = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Changing</title><link>https://ch.gov.cn/</link><description>d</description>
<item><title>%s</title><link>https://ch.gov.cn/1.html</link><guid>ch-1</guid><pubDate>Mon, 15 Jun 2026 00:00:00 GMT</pubDate><description>正文</description></item>
</channel></rss>`

// guidFeed: two items share a GUID (so both fall back to their links), one
// has none, and one appears twice in the same fetch. The texts differ, so
// story clustering keeps the two shared-GUID items apart.
const guidFeed = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>GUIDs</title><link>https://g.gov.cn/</link><description>d</description>
<item><title>Provincial budget report released</title><link>https://g.gov.cn/a.html</link><guid>same</guid><pubDate>Mon, 15 Jun 2026 01:00:00 GMT</pubDate></item>
<item><title>Flood prevention drill held in Yibin</title><link>https://g.gov.cn/b.html</link><guid>same</guid><pubDate>Mon, 15 Jun 2026 02:00:00 GMT</pubDate></item>
<item><title>No GUID</title><link>https://g.gov.cn/c.html?utm_source=rss</link><pubDate>Mon, 15 Jun 2026 03:00:00 GMT</pubDate></item>
<item><title>No GUID</title><link>https://g.gov.cn/c.html</link><pubDate>Mon, 15 Jun 2026 03:00:00 GMT</pubDate></item>
</channel></rss>`
