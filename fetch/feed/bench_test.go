package feed

import (
	"fmt"
	"strings"
	"testing"
)

// rss50 is an RSS 2.0 feed of 50 items shaped like a government column.
func rss50() []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>重庆市人民政府 - 今日重庆</title><link>https://www.cq.gov.cn/ywdt/jrcq/</link><language>zh-CN</language>
`)
	for i := range 50 {
		fmt.Fprintf(&b, `<item><title><![CDATA[  市政府召开第%d次常务会议，研究部署重点工作  ]]></title>
<link>./202606/t202606%02d_157584%02d.html</link>
<guid isPermaLink="false">cq-157584%02d</guid>
<pubDate>2026-06-%02d 18:07:00.0</pubDate>
<category>政务要闻</category>
<description><![CDATA[<p>会议研究了政务公开工作，强调要抓好落实。</p>]]></description>
<content:encoded><![CDATA[<p>会议研究了政务公开工作，强调要抓好落实。</p><p>%s</p>]]></content:encoded>
</item>
`, i+1, i%28+1, i, i, i%28+1, strings.Repeat("全文内容。", 40))
	}
	b.WriteString("</channel></rss>\n")
	return []byte(b.String())
}

func BenchmarkParse(b *testing.B) {
	body := rss50()
	o := options(b, "https://www.cq.gov.cn/rss/jrcq.xml")
	f, err := Parse(body, "application/rss+xml", o)
	if err != nil || len(f.Items) != 50 {
		b.Fatalf("Parse() = %d items, %v; want 50", len(f.Items), err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(body, "application/rss+xml", o); err != nil {
			b.Fatal(err)
		}
	}
}
