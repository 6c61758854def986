package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/mmcdole/gofeed"
)

// The library limit: the least a feed poller can do with the same
// libraries. GET every URL with a pool of workers (conditional when a
// previous run left validators), parse 200s with gofeed, count the items,
// store nothing. It runs as its own process, like govfeed, so that its
// time and peak RSS are measured the same way.

// baselineResult is what `govbench baseline` prints as JSON.
type baselineResult struct {
	URLs        int    `json:"urls"`
	OK          int    `json:"ok"`
	NotModified int    `json:"not_modified"`
	Failed      int    `json:"failed"`
	Items       int    `json:"items"`
	Stored      int    `json:"stored,omitempty"` // items the floor store kept (-store)
	Bytes       int64  `json:"bytes"`
	PassNS      int64  `json:"pass_ns"` // the fetch+parse pass, without process start and state I/O
	FirstError  string `json:"first_error,omitempty"`
}

// validators are one URL's ETag and Last-Modified.
type validators struct {
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
}

func baselineMain(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("baseline", flag.ContinueOnError)
	urlsFile := fs.String("urls", "", "file with one feed URL per line (required)")
	stateFile := fs.String("state", "", "file of validators read before and written after the pass (conditional GET)")
	dial := fs.String("dial", "", "send every connection to this host:port")
	workers := fs.Int("workers", 16, "concurrent fetches")
	store := fs.String("store", "", "directory for the storage floor: also sanitize and store every item in a new SQLite database there")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *urlsFile == "" {
		return errors.New("baseline: -urls is required")
	}
	urls, err := readLines(*urlsFile)
	if err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	state := map[string]validators{}
	if *stateFile != "" {
		if b, err := os.ReadFile(*stateFile); err == nil {
			if err := json.Unmarshal(b, &state); err != nil {
				return fmt.Errorf("baseline: read %s: %w", *stateFile, err)
			}
		}
	}
	client := baselineClient(*dial, *workers)
	var floor *floorStore
	if *store != "" {
		if floor, err = openFloor(ctx, *store); err != nil {
			return fmt.Errorf("baseline: %w", err)
		}
	}
	res, next, err := baselinePass(ctx, client, urls, state, *workers, floor)
	if err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	if *stateFile != "" {
		b, err := json.Marshal(next)
		if err != nil {
			return fmt.Errorf("baseline: %w", err)
		}
		if err := os.WriteFile(*stateFile, b, 0o644); err != nil {
			return fmt.Errorf("baseline: %w", err)
		}
	}
	return json.NewEncoder(stdout).Encode(res)
}

// baselineClient is a plain keep-alive client; dial, when set, receives
// every connection.
func baselineClient(dial string, workers int) *http.Client {
	d := &net.Dialer{Timeout: 10 * time.Second}
	tr := &http.Transport{
		DialContext:         d.DialContext,
		MaxIdleConns:        workers * 2,
		MaxIdleConnsPerHost: 2,
		IdleConnTimeout:     90 * time.Second,
	}
	if dial != "" {
		tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
			return d.DialContext(ctx, network, dial)
		}
	}
	return &http.Client{Transport: tr, Timeout: time.Minute}
}

// baselinePass fetches and parses every URL once and returns the counts
// and the validators for the next pass. With a floor store, it also hands
// each parsed feed to it, and the pass ends when the store has written
// everything.
func baselinePass(ctx context.Context, client *http.Client, urls []string, state map[string]validators, workers int, floor *floorStore) (baselineResult, map[string]validators, error) {
	start := time.Now()
	jobs := make(chan string)
	var (
		mu   sync.Mutex
		res  = baselineResult{URLs: len(urls)}
		next = make(map[string]validators, len(urls))
		wg   sync.WaitGroup
	)
	for range max(workers, 1) {
		wg.Go(func() {
			parser := gofeed.NewParser()
			for u := range jobs {
				r := fetchOne(ctx, client, parser, u, state[u])
				if floor != nil && r.feed != nil {
					floor.add(u, r.feed)
				}
				mu.Lock()
				switch {
				case r.err != nil:
					res.Failed++
					if res.FirstError == "" {
						res.FirstError = r.err.Error()
					}
				case r.notModified:
					res.NotModified++
				default:
					res.OK++
					res.Items += r.items
					res.Bytes += r.bytes
				}
				if r.v != (validators{}) {
					next[u] = r.v
				}
				mu.Unlock()
			}
		})
	}
	for _, u := range urls {
		jobs <- u
	}
	close(jobs)
	wg.Wait()
	var err error
	if floor != nil {
		if res.Stored, err = floor.close(); err != nil {
			err = fmt.Errorf("floor store: %w", err)
		}
	}
	res.PassNS = int64(time.Since(start))
	return res, next, err
}

type fetched struct {
	feed        *gofeed.Feed // a 200's parsed feed
	items       int
	bytes       int64
	notModified bool
	v           validators
	err         error
}

func fetchOne(ctx context.Context, client *http.Client, parser *gofeed.Parser, u string, v validators) fetched {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fetched{err: err}
	}
	if v.ETag != "" {
		req.Header.Set("If-None-Match", v.ETag)
	}
	if v.LastModified != "" {
		req.Header.Set("If-Modified-Since", v.LastModified)
	}
	resp, err := client.Do(req)
	if err != nil {
		return fetched{err: err}
	}
	defer func() { _ = resp.Body.Close() }()
	out := fetched{v: validators{ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		out.notModified = true
		if out.v == (validators{}) {
			out.v = v
		}
		return out
	case resp.StatusCode != http.StatusOK:
		out.err = fmt.Errorf("GET %s: %s", u, resp.Status)
		return out
	}
	cr := &countingReader{r: resp.Body}
	f, err := parser.Parse(cr)
	if err != nil {
		out.err = fmt.Errorf("parse %s: %w", u, err)
		return out
	}
	out.feed, out.items, out.bytes = f, len(f.Items), cr.n
	return out
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func readLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			out = append(out, l)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return out, nil
}
