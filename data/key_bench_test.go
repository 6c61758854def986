package data

import (
	"fmt"
	"testing"
	"time"
)

// benchLinks are government article URLs as feeds give them: mixed case
// hosts, default ports, tracking parameters and fragments.
func benchLinks(n int) []string {
	out := make([]string, n)
	for i := range out {
		switch i % 4 {
		case 0:
			out[i] = fmt.Sprintf("https://WWW.CQ.GOV.CN/ywdt/jrcq/202606/t20260616_%d.html", 15758457+i)
		case 1:
			out[i] = fmt.Sprintf("http://www.gd.gov.cn:80/gdywdt/bmdt/content/post_%d.html?utm_source=wechat&from=timeline#top", 4906500+i)
		case 2:
			out[i] = fmt.Sprintf("https://www.sc.gov.cn/10462/10464//10797/2026/6/17/%032x.shtml?spm=a1.b2&b=2&a=1", i)
		default:
			out[i] = fmt.Sprintf("https://www.gov.cn/zhengce/202606/content_%d.htm", 7012345+i)
		}
	}
	return out
}

// benchItems are the 50 items of one fetch; with guids, each has a usable
// GUID, else keys fall back to the canonical link.
func benchItems(guids bool) []Item {
	links := benchLinks(50)
	items := make([]Item, len(links))
	day := time.Date(2026, 6, 17, 9, 0, 0, 0, time.UTC)
	for i, l := range links {
		items[i] = Item{Link: l, Title: fmt.Sprintf("市政府召开第%d次常务会议", i), Published: day.Add(-time.Duration(i) * time.Hour)}
		if guids {
			items[i].GUID = fmt.Sprintf("cq-%d", 15758457+i)
		}
	}
	return items
}

// BenchmarkCanonicalURL canonicalizes one link (the key of an item
// without a usable GUID).
func BenchmarkCanonicalURL(b *testing.B) {
	links := benchLinks(64)
	if got := CanonicalURL(links[1]); got != "http://www.gd.gov.cn/gdywdt/bmdt/content/post_4906501.html?from=timeline" {
		b.Fatalf("CanonicalURL = %q", got)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		CanonicalURL(links[i%len(links)])
		i++
	}
}

// BenchmarkArticleID finds the CMS article id of one link (the GUID of an
// HTML source's item).
func BenchmarkArticleID(b *testing.B) {
	links := benchLinks(64)
	if got := ArticleID(links[0]); got != "www.cq.gov.cn/t20260616_15758457" {
		b.Fatalf("ArticleID = %q", got)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		ArticleID(links[i%len(links)])
		i++
	}
}

// BenchmarkAssignKeys keys the 50 items of one fetch, by GUID or, without
// GUIDs, by canonical link.
func BenchmarkAssignKeys(b *testing.B) {
	for _, guids := range []bool{true, false} {
		name := "guid"
		if !guids {
			name = "link"
		}
		b.Run(name, func(b *testing.B) {
			items := benchItems(guids)
			AssignKeys(items)
			want := "g:cq-15758457"
			if !guids {
				want = "u:www.cq.gov.cn/ywdt/jrcq/202606/t20260616_15758457.html"
			}
			if items[0].Key != want {
				b.Fatalf("items[0].Key = %q, want %q", items[0].Key, want)
			}
			b.ReportAllocs()
			for b.Loop() {
				AssignKeys(items)
			}
		})
	}
}
