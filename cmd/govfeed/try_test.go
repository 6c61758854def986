package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/govfeed/govfeed/fetch/govsim"
)

func TestTry(t *testing.T) {
	addr := newLoopback(t, govsim.New(govsim.Options{}))
	getenv := func(k string) string {
		if k == "GOVFEED_DIAL" {
			return addr
		}
		return ""
	}
	try := func(args ...string) string {
		t.Helper()
		var out bytes.Buffer
		if err := run(context.Background(), append([]string{"try"}, args...), getenv, nil, &out, io.Discard); err != nil {
			t.Fatalf("try %v: %v\n%s", args, err, &out)
		}
		return out.String()
	}

	// A TRS list page with no selectors: links found by URL shape, the first
	// articles read through their metadata tags.
	out := try("http://www.cq.gov.cn/ywdt/jrcq/", "--articles", "2")
	for _, want := range []string{"kind:     html", "article links", "[auto:trs]", "[meta ArticleTitle]", "[meta PubDate]", "key:", "content:"} {
		if !strings.Contains(out, want) {
			t.Errorf("try on the TRS list lacks %q:\n%s", want, out)
		}
	}

	// Selectors given on the command line are used and named.
	out = try("http://www.cq.gov.cn/ywdt/jrcq/", "--selector", "item=ul.tab-item li", "--selector", "link=a", "--selector", "date=span", "--articles", "0")
	if !strings.Contains(out, "[selector]") {
		t.Errorf("try with selectors does not say it used them:\n%s", out)
	}

	// --json prints machine-readable items.
	var items []struct {
		Link, Title, Published, Key string
		Rules                       map[string]string
	}
	if err := json.Unmarshal([]byte(try("http://www.cq.gov.cn/ywdt/jrcq/", "--json", "--articles", "1")), &items); err != nil {
		t.Fatalf("--json output is not JSON: %v", err)
	}
	if len(items) == 0 || items[0].Title == "" || items[0].Key == "" || !strings.HasSuffix(items[0].Published, "Z") {
		t.Errorf("--json items = %+v, want titled, keyed items with UTC dates", items)
	}

	// A JSON API through a field mapping.
	out = try("http://www.gd.gov.cn/gkmlpt/api/all/5?page=1&sid=2", "--kind", "json", "--map", "items=articles", "--map", "link=url", "--map", "title=title", "--map", "date=date", "--map", "date_unit=s")
	if !strings.Contains(out, "kind:     json") || !strings.Contains(out, "T16:00:00Z") {
		t.Errorf("try on the gkmlpt API:\n%s", out)
	}

	// A bad selector name is a usage error.
	if err := run(context.Background(), []string{"try", "http://www.cq.gov.cn/", "--selector", "bogus=div"}, getenv, nil, io.Discard, io.Discard); err == nil {
		t.Error("a bad --selector name was accepted")
	}
}
