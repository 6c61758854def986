package data

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// FuzzCanonicalURL checks the dedup rule's URL canonicalization on any
// string: it never panics, a canonical form is an absolute http(s) URL
// without fragment, user info or doubled slashes that parses back to the
// same host, and canonicalizing it again changes nothing, so a link and its
// canonical form give one key and one article id.
func FuzzCanonicalURL(f *testing.F) {
	for _, s := range []string{
		"HTTPS://WWW.SC.GOV.CN/a/B.shtml",
		"http://a.gov.cn:80/x?b=2&utm_source=wx&a=1&fbclid=z#top",
		"https://u:p@a.gov.cn//x//y.html?a=1&a=0&b",
		"https://www.cq.gov.cn/ywdt/jrcq/202606/t20260616_15758457.html?spm=1",
		"http://[::1]:8080/x",
		"javascript:alert(1)",
		"/relative/path.html",
		"https://a.gov.cn/%E6%96%B0%E9%97%BB/x.html?q=%E6%94%BF%E5%8A%A1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		c := CanonicalURL(raw)
		id := ArticleID(raw)
		if c == "" {
			if id != "" {
				t.Errorf("ArticleID(%q) = %q for a link without a canonical form", raw, id)
			}
			return
		}
		u, err := url.Parse(c)
		if err != nil {
			t.Fatalf("CanonicalURL(%q) = %q, which does not parse: %v", raw, c, err)
		}
		if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			t.Errorf("CanonicalURL(%q) = %q is not an absolute http(s) URL", raw, c)
		}
		if u.User != nil || u.Fragment != "" || strings.Contains(u.EscapedPath(), "//") {
			t.Errorf("CanonicalURL(%q) = %q keeps user info, a fragment or a doubled slash", raw, c)
		}
		if u.Hostname() != strings.ToLower(u.Hostname()) {
			t.Errorf("CanonicalURL(%q) = %q has an upper-case host", raw, c)
		}
		if orig, err := url.Parse(strings.TrimSpace(raw)); err == nil && !strings.EqualFold(orig.Hostname(), u.Hostname()) {
			t.Errorf("CanonicalURL(%q) = %q changes the host from %q to %q", raw, c, orig.Hostname(), u.Hostname())
		}
		if again := CanonicalURL(c); again != c {
			t.Errorf("CanonicalURL is not idempotent: %q -> %q -> %q", raw, c, again)
		}
		if again := ArticleID(c); again != id {
			t.Errorf("ArticleID(%q) = %q but ArticleID of its canonical form %q = %q", raw, id, c, again)
		}
		if a, b := Key("", raw, "", time.Time{}, false), Key("", c, "", time.Time{}, false); a != b {
			t.Errorf("Key of link %q = %q but of its canonical form %q = %q", raw, a, c, b)
		}
	})
}

// FuzzAssignKeys checks the dedup keys of a fetch of three items built
// from fuzzed fields (the third repeats the first's GUID): every key is set,
// bounded, carries one of the three rule prefixes, and is the same when the
// fetch is keyed again; a repeated GUID is never used; two items never
// share a GUID key.
func FuzzAssignKeys(f *testing.F) {
	f.Add("urn:a", "https://a.gov.cn/1", "标题", "dup", "http://A.gov.cn/2#x", "", int64(1781600400))
	f.Add("", "", "no link", "", "javascript:alert(1)", "no link", int64(0))
	f.Add(strings.Repeat("g", 300), "https://a.gov.cn/"+strings.Repeat("p", 300), "t", " ", "https://a.gov.cn/x?utm_source=1", "t", int64(-62135596800))
	f.Fuzz(func(t *testing.T, guid1, link1, title1, guid2, link2, title2 string, unix int64) {
		pub := time.Unix(unix, 0)
		third := guid1
		if strings.TrimSpace(third) == "" {
			third = "third"
		}
		items := []Item{
			{GUID: guid1, Link: link1, Title: title1, Published: pub},
			{GUID: guid2, Link: link2, Title: title2, Published: pub},
			{GUID: third, Link: link2, Title: title1},
		}
		AssignKeys(items)
		again := []Item{items[0], items[1], items[2]}
		for i := range again {
			again[i].Key = ""
		}
		AssignKeys(again)
		guidKeys := map[string]int{}
		for i, it := range items {
			k := it.Key
			switch {
			case k == "":
				t.Fatalf("items[%d] got no key", i)
			case len(k) > maxKeyLen:
				t.Errorf("items[%d].Key has %d bytes, more than %d", i, len(k), maxKeyLen)
			case !strings.HasPrefix(k, "g:") && !strings.HasPrefix(k, "u:") && !strings.HasPrefix(k, "h:"):
				t.Errorf("items[%d].Key = %q has no rule prefix", i, k)
			}
			if again[i].Key != k {
				t.Errorf("items[%d]: keys differ between two runs: %q, %q", i, k, again[i].Key)
			}
			if strings.HasPrefix(k, "g:") {
				if j, dup := guidKeys[k]; dup {
					t.Errorf("items[%d] and items[%d] share the GUID key %q", j, i, k)
				}
				guidKeys[k] = i
			}
		}
		// With a GUID, the first and third items share it, so neither may
		// use it.
		for _, i := range []int{0, 2} {
			if strings.TrimSpace(guid1) == "" {
				break
			}
			if strings.HasPrefix(items[i].Key, "g:") {
				t.Errorf("items[%d] used the repeated GUID %q: key %q", i, items[i].GUID, items[i].Key)
			}
		}
	})
}
