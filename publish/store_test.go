package publish

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govfeed/govfeed/data"
)

// fakeStore is a Store over slices, written from the Store contract
// rather than from the SQL store: Recent orders by Item.SortDate then ID,
// newest first, and applies SourceIDs, Since, Text (a case-insensitive
// substring of title, summary or content) and the Before cursor;
// RecentStories does the same on each story's first item.
type fakeStore struct {
	mu      sync.Mutex
	items   []data.Item
	states  []data.SourceState
	story   map[int64]int64 // item id -> story id (its first item's id); absent: a story of its own
	maxID   int64           // MaxItemID when larger than every item id (retention removed the newest)
	err     error           // returned by every read but Ping
	pingErr error
	reads   int           // Recent, RecentStories and ItemsBetween calls
	queries []data.Query  // every Query passed to Recent and RecentStories
	entered chan struct{} // if set, Recent and RecentStories send on it when called
	gate    chan struct{} // if set, Recent and RecentStories wait until it is closed
}

// begin counts a read and returns a snapshot of the items, after the test
// hooks.
func (s *fakeStore) begin(q *data.Query) ([]data.Item, error) {
	s.mu.Lock()
	s.reads++
	if q != nil {
		s.queries = append(s.queries, *q)
	}
	items, err, entered, gate := slices.Clone(s.items), s.err, s.entered, s.gate
	s.mu.Unlock()
	if entered != nil {
		entered <- struct{}{}
	}
	if gate != nil {
		<-gate
	}
	return items, err
}

// matches applies every condition of q but Limit to it.
func matches(q data.Query, it data.Item) bool {
	if len(q.SourceIDs) > 0 && !slices.Contains(q.SourceIDs, it.SourceID) {
		return false
	}
	if !q.Since.IsZero() && it.SortDate().Before(q.Since) {
		return false
	}
	if q.Before != nil && !older(it, *q.Before) {
		return false
	}
	if q.Text != "" {
		text := strings.ToLower(it.Title + " " + it.Summary + " " + it.Content)
		for _, w := range strings.Fields(strings.ToLower(q.Text)) {
			if !strings.Contains(text, w) {
				return false
			}
		}
	}
	return true
}

// older reports whether it lies strictly after c in newest-first order.
func older(it data.Item, c data.Cursor) bool {
	d := it.SortDate()
	return d.Before(c.Date) || (d.Equal(c.Date) && it.ID < c.ID)
}

func newestFirst(a, b data.Item) int {
	return cmp.Or(b.SortDate().Compare(a.SortDate()), cmp.Compare(b.ID, a.ID))
}

func limit[T any](rows []T, n int) []T {
	if n <= 0 {
		n = 100
	}
	return rows[:min(n, len(rows))]
}

func (s *fakeStore) Recent(ctx context.Context, q data.Query) ([]data.Item, error) {
	items, err := s.begin(&q)
	if err != nil {
		return nil, err
	}
	items = slices.DeleteFunc(items, func(it data.Item) bool { return !matches(q, it) })
	slices.SortFunc(items, newestFirst)
	return limit(items, q.Limit), nil
}

func (s *fakeStore) RecentStories(ctx context.Context, q data.Query) ([]data.Story, error) {
	items, err := s.begin(&q)
	if err != nil {
		return nil, err
	}
	if q.Text != "" {
		return nil, errors.New("fake store: RecentStories takes no text")
	}
	s.mu.Lock()
	members := map[int64][]data.Item{}
	for _, it := range items {
		id := it.ID
		if sid, ok := s.story[it.ID]; ok {
			id = sid
		}
		members[id] = append(members[id], it)
	}
	s.mu.Unlock()
	var heads []data.Item
	for _, it := range items {
		if _, ok := members[it.ID]; ok && matches(q, it) {
			heads = append(heads, it)
		}
	}
	slices.SortFunc(heads, newestFirst)
	heads = limit(heads, q.Limit)
	stories := make([]data.Story, len(heads))
	for i, h := range heads {
		its := slices.Clone(members[h.ID])
		slices.SortFunc(its, func(a, b data.Item) int {
			return cmp.Or(a.Date().Compare(b.Date()), cmp.Compare(a.ID, b.ID))
		})
		st := data.Story{ID: h.ID, Items: its}
		shown := false // as Store documents: only the first report of q's sources has content
		for j, it := range its {
			st.Members = append(st.Members, data.Member{Score: 1, Reason: "test", Joined: it.FirstSeen})
			if shown || (len(q.SourceIDs) > 0 && !slices.Contains(q.SourceIDs, it.SourceID)) {
				its[j].Content = ""
				continue
			}
			shown = true
		}
		stories[i] = st
	}
	return stories, nil
}

func (s *fakeStore) ItemsBetween(ctx context.Context, fromID, toID int64) ([]data.Item, error) {
	items, err := s.begin(nil)
	if err != nil {
		return nil, err
	}
	items = slices.DeleteFunc(items, func(it data.Item) bool { return it.ID < fromID || it.ID > toID })
	slices.SortFunc(items, func(a, b data.Item) int { return cmp.Compare(a.ID, b.ID) })
	return items, nil
}

func (s *fakeStore) MaxItemID(ctx context.Context) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.maxID
	for _, it := range s.items {
		m = max(m, it.ID)
	}
	return m, s.err
}

func (s *fakeStore) States(ctx context.Context) ([]data.SourceState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.states), s.err
}

func (s *fakeStore) Ping(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pingErr
}

func (s *fakeStore) set(f func(s *fakeStore)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}

func (s *fakeStore) readCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reads
}

// add stores items as a fetch would: the next ids, FirstSeen and Modified
// now.
func (s *fakeStore) add(now time.Time, items ...data.Item) {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := s.maxID
	for _, it := range s.items {
		next = max(next, it.ID)
	}
	for _, it := range items {
		next++
		it.ID, it.FirstSeen, it.Modified = next, now, now
		s.items = append(s.items, it)
	}
	s.maxID = next
}

// clock is an adjustable injected clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var (
	beijing   = time.FixedZone("CST", 8*3600)
	testStart = time.Date(2026, 6, 16, 12, 0, 0, 0, time.UTC)
)

func testSources() []data.Source {
	return []data.Source{
		{ID: "cq", Name: "重庆市人民政府", URL: "https://www.cq.gov.cn/ywdt/jrcq/", Kind: data.KindHTML, Tags: []string{"chongqing"}},
		{ID: "gd", Name: "广东省人民政府", URL: "http://www.gd.gov.cn/gdywdt/", Kind: data.KindHTML, Tags: []string{"guangdong", "省政府"}},
	}
}

// testItems are three items of configured sources and one of a source that
// is no longer configured. By Date, newest first: 1, 2, 3 (4 is dropped).
func testItems() []data.Item {
	return []data.Item{
		{
			ID: 1, SourceID: "cq", Key: "g:https://www.cq.gov.cn/t1",
			Title:      "重庆市政府常务会议",
			Link:       "https://www.cq.gov.cn/ywdt/jrcq/202606/t20260616_15758457.html",
			Content:    "<p>正文</p>",
			Summary:    "<p>摘要</p>",
			Categories: []string{"要闻", "chongqing"},
			Published:  time.Date(2026, 6, 16, 18, 7, 0, 0, beijing).UTC(),
			FirstSeen:  time.Date(2026, 6, 16, 10, 30, 0, 0, time.UTC),
			Modified:   time.Date(2026, 6, 16, 10, 30, 0, 0, time.UTC),
		},
		{
			ID: 2, SourceID: "gd", Key: "u:www.gd.gov.cn/gdywdt/bmdt/content/post_4906500.html",
			Title:      "广东省人民政府关于印发《广东省促进消费若干措施》的通知",
			Link:       "http://www.gd.gov.cn/gdywdt/bmdt/content/post_4906500.html",
			Summary:    "<p>各地级以上市人民政府：</p>",
			Author:     "广东省人民政府办公厅",
			Enclosures: []data.Enclosure{{URL: "http://www.gd.gov.cn/attachment/1.pdf", Type: "application/pdf", Length: 2048, Title: "附件1"}},
			FirstSeen:  time.Date(2026, 6, 16, 9, 0, 0, 0, time.UTC),
			Modified:   time.Date(2026, 6, 16, 9, 0, 0, 0, time.UTC),
		},
		{
			ID: 3, SourceID: "cq", Key: "g:https://www.cq.gov.cn/t0",
			Title:     "older",
			Link:      "https://www.cq.gov.cn/ywdt/jrcq/202606/t20260615_15750000.html",
			Content:   "<p>x\x01y</p>",
			Published: time.Date(2026, 6, 15, 2, 0, 0, 0, time.UTC),
			Updated:   time.Date(2026, 6, 15, 1, 0, 0, 0, time.UTC), // before Published
			FirstSeen: time.Date(2026, 6, 15, 3, 0, 0, 0, time.UTC),
			Modified:  time.Date(2026, 6, 16, 11, 0, 0, 0, time.UTC),
		},
		{
			ID: 4, SourceID: "gone", Key: "g:x", Title: "from a removed source", Link: "https://gone.gov.cn/1.html",
			Published: time.Date(2026, 6, 16, 11, 30, 0, 0, time.UTC),
			FirstSeen: time.Date(2026, 6, 16, 11, 30, 0, 0, time.UTC),
			Modified:  time.Date(2026, 6, 16, 11, 30, 0, 0, time.UTC),
		},
	}
}

func testStates() []data.SourceState {
	return []data.SourceState{
		{SourceID: "cq", Title: "重庆市人民政府门户网站", Link: "https://www.cq.gov.cn/",
			LastAttempt: testStart, LastSuccess: testStart},
		{SourceID: "gd", LastAttempt: testStart, LastSuccess: testStart},
	}
}

// newTest returns a Publisher over a fakeStore of the test fixtures.
func newTest(t testing.TB, o Options) (*Publisher, *fakeStore, *clock) {
	t.Helper()
	st := &fakeStore{items: testItems(), states: testStates()}
	clk := &clock{t: testStart}
	if o.Title == "" {
		o.Title = "govfeed test"
	}
	if o.BaseURL == "" {
		o.BaseURL = "https://feeds.example.org/"
	}
	o.Now = clk.Now
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	p := New(o, st)
	p.SetSources(testSources())
	return p, st, clk
}

// fetch does one request against a real server for h.
func fetch(t testing.TB, srv *httptest.Server, method, path string, header http.Header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if req.Header.Get("Accept-Encoding") == "" {
		req.Header.Set("Accept-Encoding", "identity") // keep the transport from asking for gzip
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// serve starts a real HTTP server for p.
func serve(t testing.TB, p *Publisher) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(p.Handler())
	t.Cleanup(srv.Close)
	return srv
}

// get fetches path and fails unless the answer is 200.
func get(t testing.TB, srv *httptest.Server, path string) []byte {
	t.Helper()
	resp, body := fetch(t, srv, http.MethodGet, path, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s: %s", path, resp.Status, body)
	}
	return bytes.Clone(body)
}
