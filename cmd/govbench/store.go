package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/data/cluster"
	"github.com/govfeed/govfeed/data/sqlite"
	"github.com/govfeed/govfeed/publish"
)

// The big-store stage runs in-process on the real packages: a store of
// -store-items items (1,000,000 by default) saved through Store.Save with
// clustering on, then the combined feed (500 entries) rendered from it,
// and single items that join an existing story saved into it.

// storeResult is what the big-store stage measured.
type storeResult struct {
	Items         int       `json:"items"`
	Sources       int       `json:"sources"`
	Saved         int       `json:"saved"`    // items saved through Store.Save; the rest are copies
	BuildMS       float64   `json:"build_ms"` // saving them; 0 when an existing store was reused
	CopyMS        float64   `json:"copy_ms"`  // copying them
	SaveUSPerItem float64   `json:"save_us_per_item,omitempty"`
	DBBytes       int64     `json:"db_bytes"`
	OpenMS        float64   `json:"open_ms"`
	Entries       int       `json:"entries"`
	FeedBytes     int       `json:"feed_bytes"`
	RenderMS      []float64 `json:"render_ms"` // each rebuild of /feed.atom
	RenderMedian  float64   `json:"render_median_ms"`
	MemberMS      []float64 `json:"-"`
	MemberMedian  float64   `json:"member_median_ms"`
	MemberP95     float64   `json:"member_p95_ms"`
	Joined        int       `json:"joined"` // of the member saves, how many joined the story
	MemberSaves   int       `json:"member_saves"`
	Load          string    `json:"load"`
}

const storeSources = 1000

// bigStore builds (or reuses) the store and measures it.
func (b *bench) bigStore(ctx context.Context) (*storeResult, error) {
	n := b.opts.StoreItems
	dir := b.opts.StoreDir
	if dir == "" {
		dir = filepath.Join(b.work, fmt.Sprintf("store-%d", n))
	}
	res := &storeResult{Items: n, Sources: storeSources, Entries: 500, Load: loadAvg()}
	now := time.Now().UTC().Truncate(time.Second)
	copts := cluster.DefaultOptions()
	open := func() (*sqlite.Store, error) {
		t0 := time.Now()
		st, err := sqlite.Open(ctx, dir, sqlite.Options{Cluster: copts})
		res.OpenMS = ms(time.Since(t0))
		return st, err
	}
	st, err := open()
	if err != nil {
		return nil, err
	}
	defer func() { _ = st.Close() }()
	stats, err := st.Stats(ctx)
	if err != nil {
		return nil, err
	}
	if stats.Items < n {
		if stats.Items > 0 {
			return nil, fmt.Errorf("store %s holds %d items, not %d: remove it", dir, stats.Items, n)
		}
		saved := min(n, b.opts.StoreSaved)
		b.logf("big store: saving %d items from %d sources (clustering on) into %s", saved, storeSources, dir)
		t0 := time.Now()
		if err := fillStore(ctx, st, saved, now, b.logf); err != nil {
			return nil, err
		}
		res.Saved = saved
		res.BuildMS = ms(time.Since(t0))
		res.SaveUSPerItem = res.BuildMS * 1000 / float64(saved)
		if err := st.Close(); err != nil {
			return nil, err
		}
		if n > saved {
			b.logf("big store: copying them into %d older items", n-saved)
			t0 := time.Now()
			if err := replicate(ctx, filepath.Join(dir, "govfeed.db"), saved, n); err != nil {
				return nil, err
			}
			res.CopyMS = ms(time.Since(t0))
		}
		// Reopen, as the daemon would be after a restart.
		if st, err = open(); err != nil {
			return nil, err
		}
	}
	if res.DBBytes, err = dbBytes(dir); err != nil {
		return nil, err
	}

	srcs := make([]data.Source, storeSources)
	for i := range srcs {
		srcs[i] = data.Source{ID: fmt.Sprintf("b%04d", i+1), Name: fmt.Sprintf("来源%d", i+1),
			URL: "http://" + feedHost(i) + "/rss.xml", Kind: data.KindFeed, Location: beijing}
	}
	p := publish.New(publish.Options{Title: "govbench", BaseURL: "http://127.0.0.1", Entries: res.Entries}, st)
	defer p.Close()
	p.SetSources(srcs)
	h := p.Handler()
	b.logf("big store: rendering the combined feed (%d entries)", res.Entries)
	for range 11 {
		p.Invalidate()
		rec := httptest.NewRecorder()
		t0 := time.Now()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/feed.atom", nil))
		d := time.Since(t0)
		if rec.Code != http.StatusOK {
			return nil, fmt.Errorf("big store: /feed.atom: status %d: %s", rec.Code, tail(rec.Body.String(), 200))
		}
		if got := bytes.Count(rec.Body.Bytes(), []byte("<entry>")); got != res.Entries {
			return nil, fmt.Errorf("big store: /feed.atom has %d entries, want %d", got, res.Entries)
		}
		res.FeedBytes = rec.Body.Len()
		res.RenderMS = append(res.RenderMS, ms(d))
	}
	res.RenderMedian = median(res.RenderMS[1:]) // the first also warms the page cache

	b.logf("big store: saving story members")
	if err := b.storyMembers(ctx, st, res, now); err != nil {
		return nil, err
	}
	return res, nil
}

// fillStore saves n items, one Save of n/storeSources items per source,
// oldest first, one item a minute up to an hour ago.
func fillStore(ctx context.Context, st *sqlite.Store, n int, now time.Time, logf func(string, ...any)) error {
	per := n / storeSources
	r := rand.New(rand.NewPCG(7, 7))
	start := now.Add(-time.Hour - time.Duration(n)*time.Minute)
	k := 0
	for s := range storeSources {
		src := fmt.Sprintf("b%04d", s+1)
		items := make([]data.Item, per)
		for j := range items {
			it := itemSpec{id: k, seed: r.Uint64(), size: itemSize(r), at: start.Add(time.Duration(k) * time.Minute), place: placeOf(s)}
			items[j] = storeItem(src, feedHost(s), it)
			k++
		}
		if _, err := st.Save(ctx, data.FetchResult{State: data.SourceState{SourceID: src, LastSuccess: now}, Items: items}); err != nil {
			return err
		}
		if (s+1)%100 == 0 {
			logf("  %d/%d items", k, n)
		}
	}
	return nil
}

// replicate grows the store at path from saved items (ids 1 to saved, one
// a minute) to n, copying them with SQL into older items: each copy has new
// keys and links and is dated before everything stored so far, so the
// newest stories are still the ones saved through Store.Save. Copies get no
// full-text index rows and no story sketches (they are older than the story
// window); the render benchmark reads neither.
func replicate(ctx context.Context, path string, saved, n int) error {
	db, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Path: path}).String()+"?_pragma=synchronous(NORMAL)&_pragma=journal_mode(WAL)")
	if err != nil {
		return err
	}
	defer func() { _ = db.Close() }()
	db.SetMaxOpenConns(1)
	shift := int64(time.Duration(saved)*time.Minute + time.Hour)
	for k, done := 1, saved; done < n; k++ {
		batch := min(saved, n-done)
		off := int64(k) * shift
		tag := fmt.Sprintf("#copy%d", k)
		_, err := db.ExecContext(ctx, `INSERT INTO items (source_id, key, guid, title, link, summary, content, content_z, author,
			categories, enclosures, lang, published, updated, first_seen, modified, sort_date, hash, story_score, story_reason, link_key)
		SELECT source_id, key || ?1, guid || ?1, title, link || ?1, summary, content, content_z, author,
			categories, enclosures, lang, published - ?2, updated - ?2, first_seen - ?2, modified - ?2, sort_date - ?2, hash, 1, 'first', ''
		FROM items WHERE id <= ?3 ORDER BY id LIMIT ?4`, tag, off, saved, batch)
		if err != nil {
			return fmt.Errorf("copy items into %s: %w", path, err)
		}
		done += batch
	}
	if _, err := db.ExecContext(ctx, `UPDATE items SET story_id = id WHERE story_id IS NULL`); err != nil {
		return fmt.Errorf("copy items into %s: %w", path, err)
	}
	_, err = db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return err
}

// storeItem is the item a feed of host would yield for it.
func storeItem(src, host string, it itemSpec) data.Item {
	title, sum, body := it.text()
	guid := fmt.Sprintf("%s-%d", host, it.id)
	return data.Item{
		SourceID: src, GUID: guid, Key: "g:" + guid, Title: title,
		Link:    "http://" + host + articlePath(it),
		Summary: "<p>" + sum + "</p>", Content: body,
		Categories: []string{columns[it.id%len(columns)]},
		Published:  it.at.UTC(), Updated: it.at.UTC(),
	}
}

// storyMembers saves, one Save each, re-posts of the newest stored items
// by another source, which clustering should put into their stories.
func (b *bench) storyMembers(ctx context.Context, st *sqlite.Store, res *storeResult, now time.Time) error {
	recent, err := st.Recent(ctx, data.Query{Limit: 100})
	if err != nil {
		return err
	}
	for i, orig := range recent {
		it := orig
		it.ID, it.FirstSeen, it.Modified = 0, time.Time{}, time.Time{}
		it.SourceID = "repost"
		it.GUID = fmt.Sprintf("repost-%d-%d", now.Unix(), i)
		it.Key = "g:" + it.GUID
		it.Link = fmt.Sprintf("http://repost.bench.test/xwdt/t%d_%d.html", now.Unix(), i)
		it.Title += "（转载）"
		it.Published = orig.Published.Add(20 * time.Minute)
		t0 := time.Now()
		if _, err := st.Save(ctx, data.FetchResult{State: data.SourceState{SourceID: "repost", LastSuccess: now}, Items: []data.Item{it}}); err != nil {
			return err
		}
		res.MemberMS = append(res.MemberMS, ms(time.Since(t0)))
	}
	res.MemberSaves = len(res.MemberMS)
	res.MemberMedian = median(res.MemberMS)
	res.MemberP95 = percentile(res.MemberMS, 0.95)
	stories, err := st.RecentStories(ctx, data.Query{Limit: 200})
	if err != nil {
		return err
	}
	prefix := fmt.Sprintf("g:repost-%d-", now.Unix())
	for _, s := range stories {
		for _, it := range s.Items[1:] {
			if strings.HasPrefix(it.Key, prefix) {
				res.Joined++
			}
		}
	}
	return nil
}

func median(xs []float64) float64 { return percentile(xs, 0.5) }

// percentile returns the p-quantile of xs (nearest rank).
func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(p*float64(len(s)-1) + 0.5)
	return s[min(i, len(s)-1)]
}

// removeAll removes dir unless it is empty or the filesystem root.
func removeAll(dir string) error {
	if dir == "" || dir == "/" {
		return nil
	}
	return os.RemoveAll(dir)
}
