package govsim

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

const (
	govList    = "http://www.gov.cn/zhengce/zuixin/"
	govArticle = "http://www.gov.cn/zhengce/zuixin/202606/content_7012345.htm"
)

func TestChallenge412(t *testing.T) {
	s := newSimServer(t, Options{})
	s.sim.SetScenario("WWW.GOV.CN", Challenge412)
	resp, body := s.get(t, govList)
	mustStatus(t, govList, resp, http.StatusPreconditionFailed)
	cookies := resp.Cookies()
	if len(cookies) != 1 || cookies[0].Name != "wzws_sessionid" || cookies[0].Value == "" {
		t.Fatalf("412 cookies %v, want one wzws_sessionid", cookies)
	}
	if !strings.Contains(string(body), "<script") {
		t.Errorf("412 body is not a script stub:\n%s", body)
	}
	cookie := cookies[0].Name + "=" + cookies[0].Value
	tests := map[string]struct {
		header []string
		status int
	}{
		"cookie and Referer": {[]string{"Cookie", cookie, "Referer", govList}, 200},
		"cookie only":        {[]string{"Cookie", cookie}, 412},
		"Referer only":       {[]string{"Referer", govList}, 412},
		"wrong cookie":       {[]string{"Cookie", "wzws_sessionid=forged", "Referer", govList}, 412},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			for _, u := range []string{govList, govArticle} {
				resp, _ := s.get(t, u, tc.header...)
				mustStatus(t, u, resp, tc.status)
			}
		})
	}
	other := "http://www.gd.gov.cn/gdywdt/bmdt/index.html"
	if resp, _ := s.get(t, other); resp.StatusCode != 200 {
		t.Errorf("another host answers %d under www.gov.cn's challenge", resp.StatusCode)
	}
	s.sim.SetScenario("www.gov.cn", ScenarioNone)
	if resp, _ := s.get(t, govList); resp.StatusCode != 200 {
		t.Errorf("after ScenarioNone: status %d, want 200", resp.StatusCode)
	}
}

func TestLyingHeader(t *testing.T) {
	s := newSimServer(t, Options{})
	s.sim.SetScenario("www.gov.cn", LyingHeader)
	s.sim.SetScenario("www.sc.gov.cn", LyingHeader)
	for _, u := range []string{govList, govArticle} {
		resp, body := s.get(t, u)
		if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=ISO-8859-1" {
			t.Errorf("GET %s: Content-Type %q, want the ISO-8859-1 lie", u, ct)
		}
		if !utf8.Valid(body) || !bytes.Contains(body, []byte(`<meta charset="utf-8">`)) || !strings.Contains(string(body), "国务院") {
			t.Errorf("GET %s: body is not UTF-8 with a utf-8 meta", u)
		}
	}
	legacy := "http://www.sc.gov.cn/10462/10464/10797/2015/11/26/10360279.shtml"
	if resp, _ := s.get(t, legacy); resp.Header.Get("Content-Type") != "text/html" {
		t.Errorf("the GB2312 page's header changed to %q; the lie is for UTF-8 pages", resp.Header.Get("Content-Type"))
	}
}

func TestBlocked403(t *testing.T) {
	s := newSimServer(t, Options{})
	s.sim.SetScenario("www.gov.cn", Blocked403)
	for _, u := range []string{govList, govArticle, "http://www.gov.cn/", "http://www.gov.cn/nope"} {
		resp, body := s.get(t, u)
		mustStatus(t, u, resp, http.StatusForbidden)
		if len(resp.Cookies()) != 0 || !strings.Contains(string(body), "403 Forbidden") {
			t.Errorf("GET %s: cookies %v, body %q", u, resp.Cookies(), body)
		}
	}
}

func TestRedesign(t *testing.T) {
	s := newSimServer(t, Options{})
	articleRe := regexp.MustCompile(`content_\d+\.htm`)
	if _, body := s.get(t, govList); !articleRe.Match(body) {
		t.Fatal("the normal list has no article links")
	}
	s.sim.SetScenario("www.gov.cn", Redesign)
	s.sim.SetScenario("www.gd.gov.cn", Redesign)
	for _, u := range []string{govList, "http://www.gov.cn/zhengce/zuixin/index.htm"} {
		resp, body := s.get(t, u)
		mustStatus(t, u, resp, 200)
		if articleRe.Match(body) || !strings.Contains(string(body), `href="/zhengce/zuixin/v2/"`) {
			t.Errorf("GET %s: the old address must hold no article link and point to the new one:\n%s", u, body)
		}
	}
	const moved = "http://www.gov.cn/zhengce/zuixin/v2/"
	resp, body := s.get(t, moved)
	mustStatus(t, moved, resp, 200)
	links := regexp.MustCompile(`<a class="pchide" href="(http://www\.gov\.cn/zhengce/[^"]+)">`).FindAllSubmatch(body, -1)
	if len(links) != 4 || string(links[0][1]) != govArticle {
		t.Errorf("the moved list has %d pchide links (first %q), want 4 starting with %s", len(links), links, govArticle)
	}
	if resp, _ := s.get(t, govArticle); resp.StatusCode != 200 {
		t.Errorf("articles must stay where they were: %d", resp.StatusCode)
	}
	api := "http://www.gd.gov.cn/gkmlpt/api/all/5?page=1&sid=2"
	if resp, _ := s.get(t, api); resp.StatusCode != 404 {
		t.Errorf("the JSON API answers %d under Redesign, want 404", resp.StatusCode)
	}
	s.sim.SetScenario("www.gov.cn", ScenarioNone)
	if resp, _ := s.get(t, moved); resp.StatusCode != 404 {
		t.Errorf("the new address answers %d without the scenario, want 404", resp.StatusCode)
	}
}

func TestEditedTitle(t *testing.T) {
	s := newSimServer(t, Options{})
	_, before := s.get(t, govList)
	s.sim.SetScenario("www.gov.cn", EditedTitle)
	s.sim.SetScenario("www.zj.gov.cn", EditedTitle)
	s.sim.SetScenario("english.cq.gov.cn", EditedTitle)
	tests := map[string]struct{ url, holds, lacks string }{
		"article":           {govArticle, "国务院办公厅关于进一步扩大内需促进消费的若干意见（修订）", ""},
		"list":              {govList, ">国务院办公厅关于进一步扩大内需促进消费的若干意见（修订）<", ""},
		"English title":     {"http://english.cq.gov.cn/latestnews/", ">Chongqing Hosts Smart China Expo 2026 (Updated)<", ""},
		"truncated stays":   {"http://www.zj.gov.cn/col/col1554467/index.html", ">省政府第126次常务会议研究部署秋冬季安全生产和...<", "（修订）..."},
		"full title in RSS": {"http://www.zj.gov.cn/module/rss/rssfeed.jsp?colid=1554467", "秋冬季安全生产和森林防火工作（修订）", ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, body := s.get(t, tc.url)
			if !strings.Contains(string(body), tc.holds) || (tc.lacks != "" && strings.Contains(string(body), tc.lacks)) {
				t.Errorf("GET %s: want %q, not %q:\n%s", tc.url, tc.holds, tc.lacks, body)
			}
		})
	}
	resp, after := s.get(t, govList)
	if bytes.Equal(before, after) || resp.Header.Get("ETag") == "" {
		t.Error("the list did not change with the titles")
	}
	// URLs and dates stay.
	re := regexp.MustCompile(`href="([^"]+)"[^>]*>[^<]*</a><span class="date">([^<]+)<`)
	if a, b := re.FindAllSubmatch(before, -1), re.FindAllSubmatch(after, -1); len(a) != 4 || !equalSubmatches(a, b) {
		t.Errorf("links or dates changed: %q -> %q", a, b)
	}
}

func equalSubmatches(a, b [][][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i][1], b[i][1]) || !bytes.Equal(a[i][2], b[i][2]) {
			return false
		}
	}
	return true
}

func TestSlowDripsTheWholeBody(t *testing.T) {
	s := newSimServer(t, Options{Slow: 100 * time.Millisecond})
	_, want := s.get(t, govArticle)
	s.sim.SetScenario("www.gov.cn", Slow)
	resp, got := s.get(t, govArticle, "Accept-Encoding", "gzip")
	mustStatus(t, govArticle, resp, 200)
	if !bytes.Equal(got, want) || resp.Header.Get("Content-Encoding") != "" {
		t.Errorf("the slow body (%d bytes, encoding %q) differs from the normal one (%d bytes)",
			len(got), resp.Header.Get("Content-Encoding"), len(want))
	}
}

// TestSlowHonoursCancellation: with an hour-long drip, a client that gives
// up ends the handler; if it did not, closing the server would hang and
// the test would time out.
func TestSlowHonoursCancellation(t *testing.T) {
	s := newSimServer(t, Options{Slow: time.Hour})
	s.sim.SetScenario("www.gov.cn", Slow)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, govArticle, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("headers should come at once: %v", err)
	}
	mustStatus(t, govArticle, resp, 200)
	buf := make([]byte, 64<<10)
	_, err = resp.Body.Read(buf)
	for err == nil {
		_, err = resp.Body.Read(buf)
	}
	resp.Body.Close()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("reading the slow body ended with %v, want the client's deadline", err)
	}
	s.srv.Close() // returns only once the handler has stopped dripping
}
