package faultsrv

import (
	"fmt"
	"html"
	"strings"
	"time"
)

// Item is one entry of a path's feed.
type Item struct {
	GUID      string
	Title     string
	Link      string
	Published time.Time
}

// DefaultItems are the three items a path serves until SetItems gives it
// others: Chinese titles (so a charset fault garbles something), GUIDs and
// links unique to the path, dated 2026-07-01 to 07-03 08:00 UTC.
func DefaultItems(path string) []Item {
	out := make([]Item, 3)
	for i := range out {
		n := i + 1
		out[i] = Item{
			GUID:      fmt.Sprintf("%s#%d", path, n),
			Title:     fmt.Sprintf("省政府常务会议 第%d期", n),
			Link:      fmt.Sprintf("https://www.example.gov.cn%s/%d.html", path, n),
			Published: time.Date(2026, 7, n, 8, 0, 0, 0, time.UTC),
		}
	}
	return out
}

// rss renders items as an RSS 2.0 document whose prolog declares encoding
// (e.g. "UTF-8", "GBK").
func rss(path, encoding string, items []Item) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="%s"?>
<rss version="2.0"><channel><title>故障测试 %s</title><link>https://www.example.gov.cn/</link><description>faultsrv</description>
`, encoding, html.EscapeString(path))
	for _, it := range items {
		fmt.Fprintf(&b, "<item><guid isPermaLink=\"false\">%s</guid><title>%s</title><link>%s</link><pubDate>%s</pubDate><description>%s</description></item>\n",
			html.EscapeString(it.GUID), html.EscapeString(it.Title), html.EscapeString(it.Link),
			it.Published.UTC().Format(time.RFC1123Z), html.EscapeString("<p>"+it.Title+"</p>"))
	}
	b.WriteString("</channel></rss>\n")
	return b.String()
}

// feedHead is the start of a feed that Stall, Huge and Endless send
// before their filler.
const feedHead = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>故障测试</title><link>https://www.example.gov.cn/</link><description>`

// errorPage is what HTMLPage serves: a portal's "page not found" page.
const errorPage = `<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>页面不存在</title></head>
<body><div class="error"><h1>您访问的页面不存在或已被删除</h1><p><a href="/">返回首页</a></p></div></body></html>
`
