package fetch_test

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/data/sqlite"
	"github.com/govfeed/govfeed/fetch"
	"github.com/govfeed/govfeed/fetch/web"
)

// The malformed-feed corpus: hundreds of broken, lying and hostile feed
// documents (corpus_gen_test.go and testdata/malformed), each served by a
// loopback server and fetched by the daemon's own pipeline: a real Runner,
// a real web.Getter and a real on-disk store. Every case must end in items
// stored or in a failure with a class and an error naming the source; the
// fetches run on goroutines without recover, so a panic anywhere kills the
// test binary. No document may make govfeed fetch a URL it names (external
// entities, DTDs, stylesheets, XInclude).

// corpusBodyCap is the sources' body cap: the configuration default.
const corpusBodyCap = 16 << 20

// corpusNow is the rig's clock: 2026-07-10 12:00 Beijing time.
var corpusNow = time.Date(2026, 7, 10, 4, 0, 0, 0, time.UTC)

// corpusHeapBound bounds the live heap while one 100,000-item feed
// under the body cap (15 MB) is fetched, parsed, sanitized and stored:
// measured at 310 to 360 MiB, so the bound leaves a margin of about 3x.
const corpusHeapBound = 1 << 30

// corpusMaxList bounds the categories and the enclosures of one stored
// item, whatever the upstream lists.
const corpusMaxList = 1000

// corpusWorkers is how many sources are fetched at once.
const corpusWorkers = 4

// corpusFiles says what each hand-written file of testdata/malformed must
// yield; the test fails if a file and this table disagree on the names.
// The name and the body come from the file.
var corpusFiles = map[string]corpusCase{
	"base-rss.xml":                    {want: wantItems, minItems: 3, titles: []string{"省政府常务会议研究部署防汛减灾工作"}},
	"base-atom.xml":                   {want: wantItems, minItems: 2, titles: []string{"广东省促进消费若干措施"}},
	"base-jsonfeed.json":              {want: wantItems, minItems: 2, titles: []string{"市政府召开第100次常务会议"}},
	"billion-laughs.xml":              {want: wantEither},
	"quadratic-blowup.xml":            {want: wantEither},
	"xxe-external-entity.xml":         {want: wantEither},
	"xxe-parameter-entity.xml":        {want: wantEither},
	"xxe-external-dtd.xml":            {want: wantItems, titles: []string{"外部 DTD"}},
	"xinclude-and-stylesheet.xml":     {want: wantItems, titles: []string{"XInclude 条目"}},
	"html-at-feed-url.html":           {want: wantFail, class: data.ErrParse},
	"xhtml-at-feed-url.xml":           {want: wantFail, class: data.ErrParse},
	"image-at-feed-url.gif":           {want: wantFail, class: data.ErrParse, contentType: "application/rss+xml"},
	"empty-200.xml":                   {want: wantFail, class: data.ErrParse},
	"whitespace-only.xml":             {want: wantFail, class: data.ErrParse},
	"json-array.json":                 {want: wantFail, class: data.ErrParse},
	"json-api-not-feed.json":          {want: wantFail, class: data.ErrParse},
	"jsonfeed-null-item.json":         {want: wantFail, class: data.ErrParse},
	"jsonfeed-wrong-types.json":       {want: wantEither},
	"atom-entry-as-root.xml":          {want: wantFail, class: data.ErrParse},
	"sitemap-at-feed-url.xml":         {want: wantFail, class: data.ErrParse},
	"opml-at-feed-url.xml":            {want: wantFail, class: data.ErrParse},
	"rss-no-channel.xml":              {want: wantEither},
	"rss-item-in-item.xml":            {want: wantEither},
	"rss-undeclared-prefixes.xml":     {want: wantItems, titles: []string{"未声明 dc 和 content"}},
	"atom03.xml":                      {want: wantItems, titles: []string{"浙江省人民政府"}},
	"atom-wrong-namespace.xml":        {want: wantEither},
	"rdf-without-rdf-namespace.xml":   {want: wantEither},
	"rss-cdata-tricks.xml":            {want: wantEither},
	"rss-nul-bytes.xml":               {want: wantEither},
	"rss-absurd-dates.xml":            {want: wantItems, minItems: 10},
	"rss-gbk-bytes-utf8-declared.xml": {want: wantItems, minItems: 2, titles: []string{"省政府常务会议研究部署防汛工作"}, contentType: "text/xml; charset=utf-8"},
	"rss-utf8-bytes-gbk-declared.xml": {want: wantItems, minItems: 2, titles: []string{"省政府常务会议研究部署防汛工作"}, contentType: "text/xml; charset=gbk"},
	"rss-utf16le-bom.xml":             {want: wantItems, minItems: 2, titles: []string{"省政府常务会议研究部署防汛工作"}},
	"rss-utf8-bom-gbk-prolog.xml":     {want: wantItems, minItems: 2, titles: []string{"省政府常务会议研究部署防汛工作"}},
	"rss-half-utf8-half-gbk.xml":      {want: wantEither},
	"rss-big5-declared-gbk.xml":       {want: wantEither},
}

// corpusCases returns the hand-written and the generated cases.
func corpusCases(tb testing.TB) []corpusCase {
	tb.Helper()
	dir := filepath.Join("testdata", "malformed")
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	var cases []corpusCase
	files := map[string]bool{}
	for _, e := range entries {
		if e.IsDir() || e.Name() == "README.md" {
			continue
		}
		files[e.Name()] = true
		c, ok := corpusFiles[e.Name()]
		if !ok {
			tb.Errorf("testdata/malformed/%s has no entry in corpusFiles", e.Name())
			continue
		}
		if c.body, err = os.ReadFile(filepath.Join(dir, e.Name())); err != nil {
			tb.Fatal(err)
		}
		c.name = "file/" + e.Name()
		if c.contentType == "" {
			c.contentType = contentTypeOf(e.Name())
		}
		cases = append(cases, c)
	}
	for name := range corpusFiles {
		if !files[name] {
			tb.Errorf("corpusFiles names %s, which is not in testdata/malformed", name)
		}
	}
	base := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			tb.Fatal(err)
		}
		return b
	}
	rss, atom, js := base("base-rss.xml"), base("base-atom.xml"), base("base-jsonfeed.json")
	cases = slices.Concat(cases,
		truncations("truncated/rss", rss, "</rss>", 23),
		truncations("truncated/atom", atom, "</feed>", 29),
		truncations("truncated/json", js, "\n}", 31),
		badEntities(), namespaces(), charsets(), missingFields(), dates(),
		huge(), cdata(), nuls(), boms(), jsonFeeds(), notFeeds(), typeLies(rss, js),
	)
	seen := map[string]bool{}
	for _, c := range cases {
		if seen[c.name] {
			tb.Fatalf("two cases are named %s", c.name)
		}
		seen[c.name] = true
	}
	return cases
}

func contentTypeOf(name string) string {
	switch filepath.Ext(name) {
	case ".json":
		return "application/feed+json"
	case ".html":
		return "text/html; charset=utf-8"
	case ".gif":
		return "image/gif"
	}
	return "application/xml"
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// corpusServer serves case i at /case/i and counts every request for a
// URL under /evil/, which only a document's external references name.
type corpusServer struct {
	*httptest.Server
	cases []corpusCase
	evil  atomic.Int64

	mu        sync.Mutex
	evilPaths []string
}

// evilPlaceholder in a hand-written file stands for the server's /evil
// URL.
const evilPlaceholder = "{{EVIL}}"

func newCorpusServer(tb testing.TB, cases []corpusCase) *corpusServer {
	tb.Helper()
	s := &corpusServer{cases: cases}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(s.Close)
	for i := range s.cases {
		s.cases[i].body = bytes.ReplaceAll(s.cases[i].body, []byte(evilPlaceholder), []byte(s.URL+"/evil"))
	}
	return s
}

func (s *corpusServer) serve(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/evil/") {
		s.evil.Add(1)
		s.mu.Lock()
		s.evilPaths = append(s.evilPaths, r.URL.Path)
		s.mu.Unlock()
		_, _ = w.Write([]byte("EVIL-EXTERNAL-CONTENT"))
		return
	}
	i, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/case/"))
	if err != nil || i < 0 || i >= len(s.cases) {
		http.NotFound(w, r)
		return
	}
	c := s.cases[i]
	if c.contentType != "" {
		w.Header().Set("Content-Type", c.contentType)
	}
	for k, v := range c.header {
		w.Header().Set(k, v)
	}
	_, _ = w.Write(c.body)
}

// corpusRig is a Runner over a real store and a real Getter.
type corpusRig struct {
	store  *sqlite.Store
	runner *fetch.Runner
	loc    *time.Location
}

func newCorpusRig(tb testing.TB) *corpusRig {
	tb.Helper()
	now := func() time.Time { return corpusNow }
	st, err := sqlite.Open(context.Background(), tb.TempDir(), sqlite.Options{Now: now})
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() {
		if err := st.Close(); err != nil {
			tb.Errorf("close store: %v", err)
		}
	})
	client := web.NewClient(web.ClientOptions{})
	tb.Cleanup(client.CloseIdleConnections)
	g := &web.Getter{Client: client, UserAgent: "govfeed-corpus", Now: now}
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	r := fetch.NewRunner(fetch.Options{Concurrency: corpusWorkers, PerHost: corpusWorkers, Now: now}, g, st)
	return &corpusRig{store: st, runner: r, loc: loc}
}

// source is the feed source of case i on srv.
func (r *corpusRig) source(srv *corpusServer, i int) data.Source {
	id := fmt.Sprintf("m%03d", i)
	return data.Source{
		ID: id, Name: id, URL: fmt.Sprintf("%s/case/%d", srv.URL, i), Kind: data.KindFeed,
		Schedule: "@every 1h", Location: r.loc, Timeout: time.Minute, MaxBodyBytes: corpusBodyCap,
	}
}

// runAll fetches every source on corpusWorkers goroutines. A panic in the
// Runner is not recovered: it ends the test binary.
func (r *corpusRig) runAll(srcs []data.Source) []fetch.Report {
	reports := make([]fetch.Report, len(srcs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range corpusWorkers {
		wg.Go(func() {
			for i := range next {
				reports[i] = r.runner.Run(context.Background(), srcs[i], false)
			}
		})
	}
	for i := range srcs {
		next <- i
	}
	close(next)
	wg.Wait()
	return reports
}

func TestMalformedCorpus(t *testing.T) {
	cases := corpusCases(t)
	if len(cases) < 300 {
		t.Fatalf("the corpus has %d cases, want at least 300", len(cases))
	}
	srv := newCorpusServer(t, cases)
	rig := newCorpusRig(t)
	srcs := make([]data.Source, len(cases))
	for i := range cases {
		srcs[i] = rig.source(srv, i)
	}
	reports := rig.runAll(srcs)

	if n := srv.evil.Load(); n != 0 {
		srv.mu.Lock()
		t.Errorf("govfeed fetched %d URLs that documents named (external entities, DTDs, stylesheets): %q", n, srv.evilPaths)
		srv.mu.Unlock()
	}
	outcomes := map[string]int{}
	for i, c := range cases {
		var got string
		t.Run(c.name, func(t *testing.T) {
			got = checkCorpusCase(t, rig, srcs[i], c, reports[i])
		})
		outcomes[got]++
	}
	t.Logf("corpus: %d cases fetched: %v; external fetches: %d", len(cases), outcomes, srv.evil.Load())
	order := make([]int, len(cases))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(reports[b].Duration, reports[a].Duration) })
	for _, i := range order[:5] {
		t.Logf("corpus: slow case %s: %v, %s", cases[i].name, reports[i].Duration.Round(time.Millisecond), reports[i].Outcome)
	}
}

// checkCorpusCase checks what one fetch did and returns its outcome:
// "items", "empty" or "failed:<class>".
func checkCorpusCase(t *testing.T, rig *corpusRig, src data.Source, c corpusCase, rep fetch.Report) string {
	ctx := context.Background()
	st, err := rig.store.State(ctx, src.ID)
	if err != nil {
		t.Fatalf("state of %s: %v", src.ID, err)
	}
	items, err := rig.store.Recent(ctx, data.Query{Limit: 1000, SourceIDs: []string{src.ID}})
	if err != nil {
		t.Fatalf("items of %s: %v", src.ID, err)
	}
	var got string
	switch rep.Outcome {
	case fetch.OutcomeNew, fetch.OutcomeUpdated, fetch.OutcomeUnchanged:
		if rep.Err != nil {
			t.Errorf("outcome %s came with error %v", rep.Outcome, rep.Err)
		}
		got = "items"
		if len(items) == 0 {
			got = "empty"
		}
	case fetch.OutcomeFailed:
		got = "failed:" + string(rep.Class)
		checkCorpusFailure(t, src, rep, st)
		if len(items) != 0 {
			t.Errorf("a failed fetch stored %d items", len(items))
		}
	default:
		t.Fatalf("outcome %s (error %v); want items stored or a failure", rep.Outcome, rep.Err)
	}
	switch c.want {
	case wantEither:
		if got == "empty" {
			t.Errorf("no item and no error: want items or a failure naming the source")
		}
	case wantItems:
		if got != "items" || len(items) < max(c.minItems, 1) {
			t.Errorf("outcome %s with %d items (error %v); want at least %d items", got, len(items), rep.Err, max(c.minItems, 1))
		}
	case wantEmpty:
		if got != "empty" {
			t.Errorf("outcome %s with %d items (error %v); want a clean fetch of no item", got, len(items), rep.Err)
		}
	case wantFail:
		if want := "failed:" + string(c.class); got != want {
			t.Errorf("outcome %s (error %v); want %s", got, rep.Err, want)
		}
	}
	titles := make([]string, len(items))
	for i, it := range items {
		titles[i] = it.Title
		checkCorpusItem(t, src.ID, it)
	}
	for _, want := range c.titles {
		if !slices.Contains(titles, want) {
			t.Errorf("stored titles %q; want %q among them", titles, want)
		}
	}
	return got
}

// checkCorpusFailure checks that a failure is classified, names the
// source, and is recorded in the source's state with a backoff.
func checkCorpusFailure(t *testing.T, src data.Source, rep fetch.Report, st data.SourceState) {
	t.Helper()
	if rep.Class == data.ErrNone || rep.Err == nil {
		t.Fatalf("failure without a class or an error: class %q, error %v", rep.Class, rep.Err)
	}
	if msg := rep.Err.Error(); !strings.Contains(msg, "source "+src.ID+":") || !utf8.ValidString(msg) {
		t.Errorf("error %q does not name source %s", msg, src.ID)
	}
	if st.ErrorClass != rep.Class || st.LastError == "" || st.Failures != 1 || !st.NextAttempt.After(corpusNow) {
		t.Errorf("stored state: class %q, error %q, failures %d, next attempt %v; want class %q, the error, 1 failure, a backoff",
			st.ErrorClass, st.LastError, st.Failures, st.NextAttempt, rep.Class)
	}
	if len(st.LastError) > 64<<10 {
		t.Errorf("stored error has %d bytes: an upstream can fill the state with its body", len(st.LastError))
	}
}

// checkCorpusItem checks the promises a stored item keeps whatever the
// upstream sent.
func checkCorpusItem(t *testing.T, sourceID string, it data.Item) {
	t.Helper()
	if it.SourceID != sourceID || it.Key == "" {
		t.Errorf("item %q: source %q, key %q", it.Title, it.SourceID, it.Key)
	}
	if it.Title != strings.TrimSpace(it.Title) || strings.ContainsAny(it.Title, "\n\r\t") {
		t.Errorf("title %q is not one trimmed line", it.Title)
	}
	for _, s := range append([]string{it.Title, it.Link, it.Summary, it.Content, it.Author, it.GUID}, it.Categories...) {
		if !utf8.ValidString(s) {
			t.Errorf("item %q holds text that is not UTF-8: %q", it.Title, s)
		}
		if strings.Contains(s, "EVIL-EXTERNAL") || strings.Contains(s, "root:x:0:0") {
			t.Errorf("item %q holds content of an external entity: %q", it.Title, s)
		}
	}
	// An upstream must not be able to blow one item up with its lists.
	if len(it.Categories) > corpusMaxList || len(it.Enclosures) > corpusMaxList {
		t.Errorf("item %q keeps %d categories and %d enclosures, want at most %d each", it.Title, len(it.Categories), len(it.Enclosures), corpusMaxList)
	}
	links := []string{it.Link}
	for _, e := range it.Enclosures {
		links = append(links, e.URL)
	}
	for _, l := range links {
		if l == "" {
			continue
		}
		if u, err := url.Parse(l); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			t.Errorf("link %q is not an absolute http(s) URL", l)
		}
	}
	for _, d := range []time.Time{it.Published, it.Updated} {
		if d.IsZero() {
			continue
		}
		if d.Location() != time.UTC || d.Year() < 1990 || d.After(corpusNow.AddDate(1, 0, 0)) {
			t.Errorf("item %q has date %v: want UTC, from 1990 to a year ahead, or none", it.Title, d)
		}
	}
}

// corpusHeap samples the live heap while it runs, for a bound on the
// memory one fetch takes.
type corpusHeap struct {
	stop chan struct{}
	done chan uint64
}

func sampleHeap() *corpusHeap {
	h := &corpusHeap{stop: make(chan struct{}), done: make(chan uint64)}
	go func() {
		var peak uint64
		var ms runtime.MemStats
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-h.stop:
				h.done <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return h
}

// peak stops sampling and returns the largest heap seen.
func (h *corpusHeap) peak() uint64 {
	close(h.stop)
	return <-h.done
}

// TestMalformedCorpusHundredThousandItems fetches one feed of 100,000
// items: under the body cap every item is stored, within a bounded heap;
// padded over the cap, the fetch fails as too_large and stores nothing.
func TestMalformedCorpusHundredThousandItems(t *testing.T) {
	const n = 100_000
	doc := func(pad string) []byte {
		var b bytes.Buffer
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<rss version=\"2.0\"><channel><title>十万条</title><link>https://www.example.gov.cn/</link><description>x</description>\n")
		for i := range n {
			fmt.Fprintf(&b, "<item><guid isPermaLink=\"false\">g%d</guid><title>要闻 %d</title><link>%s</link>%s</item>\n", i, i, articleURL(i), pad)
		}
		b.WriteString("</channel></rss>\n")
		return b.Bytes()
	}
	cases := []corpusCase{
		{name: "under-cap", body: doc(""), contentType: "application/rss+xml"},
		{name: "over-cap", body: doc("<description>" + strings.Repeat("摘要", 20) + "</description>"), contentType: "application/rss+xml"},
	}
	if len(cases[0].body) > corpusBodyCap || len(cases[1].body) <= corpusBodyCap {
		t.Fatalf("bodies of %d and %d bytes do not straddle the cap of %d", len(cases[0].body), len(cases[1].body), corpusBodyCap)
	}
	srv := newCorpusServer(t, cases)
	rig := newCorpusRig(t)

	t.Run("under the cap: all stored", func(t *testing.T) {
		src := rig.source(srv, 0)
		runtime.GC()
		heap := sampleHeap()
		rep := rig.runner.Run(context.Background(), src, false)
		peak := heap.peak()
		if rep.Outcome != fetch.OutcomeNew || rep.Stats.New != n || rep.Items != n {
			t.Fatalf("outcome %s, stats %+v, items %d, error %v; want %d new items", rep.Outcome, rep.Stats, rep.Items, rep.Err, n)
		}
		stats, err := rig.store.Stats(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if got := stats.PerSource[src.ID]; got != n {
			t.Errorf("store holds %d items of %s, want %d", got, src.ID, n)
		}
		t.Logf("corpus: %d-item feed of %d bytes stored; peak heap %d MiB (bound %d MiB)", n, len(cases[0].body), peak>>20, corpusHeapBound>>20)
		if peak > corpusHeapBound {
			t.Errorf("peak heap %d MiB while fetching a %d-byte feed, want at most %d MiB", peak>>20, len(cases[0].body), corpusHeapBound>>20)
		}
	})
	t.Run("over the cap: too_large", func(t *testing.T) {
		src := rig.source(srv, 1)
		rep := rig.runner.Run(context.Background(), src, false)
		if rep.Outcome != fetch.OutcomeFailed || rep.Class != data.ErrTooLarge {
			t.Fatalf("outcome %s, class %q, error %v; want a too_large failure", rep.Outcome, rep.Class, rep.Err)
		}
		st, err := rig.store.State(context.Background(), src.ID)
		if err != nil {
			t.Fatal(err)
		}
		checkCorpusFailure(t, src, rep, st)
		if !strings.Contains(rep.Err.Error(), strconv.Itoa(corpusBodyCap)) {
			t.Errorf("error %q does not state the cap", rep.Err)
		}
	})
}
