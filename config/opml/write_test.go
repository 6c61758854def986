package opml

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestWriteAtFormat(t *testing.T) {
	created := time.Date(2026, 6, 17, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))
	feeds := []Outline{
		{Title: "今日重庆", XMLURL: "https://feeds.example.org/sources/cq-jrcq.atom", HTMLURL: "https://www.cq.gov.cn/ywdt/jrcq/", Category: "chongqing"},
		{Text: "R&D <news>", XMLURL: "https://feeds.example.org/a.atom?x=1&y=\"2\"", Type: "atom"},
		{XMLURL: "https://feeds.example.org/untitled.atom", Category: "china/sichuan"},
		{Title: "四川", XMLURL: "https://feeds.example.org/sc.atom", Category: "china/sichuan"},
	}
	var buf bytes.Buffer
	if err := WriteAt(&buf, "govfeed 政务", created, feeds); err != nil {
		t.Fatal(err)
	}
	want := `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head>
    <title>govfeed 政务</title>
    <dateCreated>Wed, 17 Jun 2026 01:30:00 GMT</dateCreated>
  </head>
  <body>
    <outline text="chongqing" title="chongqing">
      <outline text="今日重庆" title="今日重庆" type="rss" xmlUrl="https://feeds.example.org/sources/cq-jrcq.atom" htmlUrl="https://www.cq.gov.cn/ywdt/jrcq/"></outline>
    </outline>
    <outline text="R&amp;D &lt;news&gt;" title="R&amp;D &lt;news&gt;" type="atom" xmlUrl="https://feeds.example.org/a.atom?x=1&amp;y=&#34;2&#34;"></outline>
    <outline text="china" title="china">
      <outline text="sichuan" title="sichuan">
        <outline text="https://feeds.example.org/untitled.atom" title="https://feeds.example.org/untitled.atom" type="rss" xmlUrl="https://feeds.example.org/untitled.atom"></outline>
        <outline text="四川" title="四川" type="rss" xmlUrl="https://feeds.example.org/sc.atom"></outline>
      </outline>
    </outline>
  </body>
</opml>
`
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("WriteAt output mismatch (-want +got):\n%s", diff)
	}
}

func TestRoundTrip(t *testing.T) {
	feeds := []Outline{
		{Text: "今日四川", Title: "今日四川", Type: "rss", XMLURL: "https://www.sc.gov.cn/rss/jrsc.xml", HTMLURL: "https://www.sc.gov.cn/", Category: "sichuan"},
		{Text: "Top", Title: "Top level, \"quoted\" & <escaped>", Type: "rss", XMLURL: "https://example.org/feed?a=1&b=2"},
		{Text: "政策", Title: "政策", Type: "atom", XMLURL: "https://www.gov.cn/zhengce/feed.atom", Category: "中央/国务院"},
		{Text: "今日重庆", Title: "今日重庆", Type: "rss", XMLURL: "https://www.cq.gov.cn/rss.xml", Category: "chongqing"},
		{Text: "English", Title: "English", Type: "rss", XMLURL: "https://www.sc.gov.cn/en.xml", Category: "sichuan"},
	}
	var buf bytes.Buffer
	if err := Write(&buf, "round trip", feeds); err != nil {
		t.Fatal(err)
	}
	got, err := Read(&buf)
	if err != nil {
		t.Fatalf("Read(Write(...)): %v", err)
	}
	// Write groups feeds by folder, so the two Sichuan feeds come back
	// together, in the order their folders first appeared.
	want := []Outline{feeds[0], feeds[4], feeds[1], feeds[2], feeds[3]}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
}

func TestWriteChildren(t *testing.T) {
	tree := []Outline{{Text: "Folder", Children: []Outline{
		{Text: "Inner", XMLURL: "https://example.org/inner.xml"},
		{Text: "Sub", Children: []Outline{{Text: "Deep", XMLURL: "https://example.org/deep.xml"}}},
	}}}
	var buf bytes.Buffer
	if err := WriteAt(&buf, "tree", time.Unix(0, 0), tree); err != nil {
		t.Fatal(err)
	}
	got, err := Read(strings.NewReader(buf.String()))
	if err != nil {
		t.Fatal(err)
	}
	want := []Outline{
		{Text: "Inner", Title: "Inner", Type: "rss", XMLURL: "https://example.org/inner.xml", Category: "Folder"},
		{Text: "Deep", Title: "Deep", Type: "rss", XMLURL: "https://example.org/deep.xml", Category: "Folder/Sub"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s\n%s", diff, buf.String())
	}
}
