package faultsrv

import (
	"bytes"
	"compress/gzip"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"image/png"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// testNow is the clock of Status429RetryDate in these tests.
var testNow = time.Date(2026, 7, 10, 4, 0, 0, 0, time.UTC)

// newTestUpstream starts a Server with quick faults on loopback.
func newTestUpstream(t *testing.T, o Options) (*Server, *Upstream) {
	t.Helper()
	s := New(o)
	u := s.Start()
	t.Cleanup(u.Close)
	return s, u
}

// rawClient sees exactly what the server sends: no redirects followed, no
// gzip asked for or decoded, and a deadline on every request.
func rawClient(t *testing.T, timeout time.Duration) *http.Client {
	t.Helper()
	tr := &http.Transport{DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{
		Transport:     tr,
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

func get(t *testing.T, c *http.Client, url string) *http.Response {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	t.Cleanup(func() { _ = resp.Body.Close() })
	return resp
}

func isTimeout(err error) bool {
	var ne interface{ Timeout() bool }
	return errors.As(err, &ne) && ne.Timeout()
}

func TestStatusesAndRedirects(t *testing.T) {
	_, u := newTestUpstream(t, Options{RetryAfter: 90 * time.Second, Now: func() time.Time { return testNow }})
	c := rawClient(t, 5*time.Second)
	tests := []struct {
		fault      Fault
		status     int
		retryAfter string
		location   string
	}{
		{Status500, 500, "", ""},
		{Status502, 502, "", ""},
		{Status503, 503, "", ""},
		{Status429, 429, "", ""},
		{Status503RetryAfter, 503, "90", ""},
		{Status429RetryAfter, 429, "90", ""},
		{Status429RetryDate, 429, "Fri, 10 Jul 2026 04:03:00 GMT", ""},
		{RedirectLoop, 302, "", "/fault/redirect-loop?hop=1"},
		{RedirectToHTTP, 302, "", u.URL + "/fault/ok"},
		{RedirectToFTP, 302, "", "ftp://" + u.Listener.Addr().String() + "/feed.xml"},
	}
	for _, tt := range tests {
		t.Run(string(tt.fault), func(t *testing.T) {
			resp := get(t, c, u.URLOf(Path(tt.fault)))
			if resp.StatusCode != tt.status {
				t.Errorf("status %d; want %d", resp.StatusCode, tt.status)
			}
			if got := resp.Header.Get("Retry-After"); got != tt.retryAfter {
				t.Errorf("Retry-After %q; want %q", got, tt.retryAfter)
			}
			if got := resp.Header.Get("Location"); got != tt.location {
				t.Errorf("Location %q; want %q", got, tt.location)
			}
		})
	}
	t.Run("redirect loop comes back", func(t *testing.T) {
		resp := get(t, c, u.URLOf(Path(RedirectLoop)+"?hop=1"))
		if got := resp.Header.Get("Location"); got != Path(RedirectLoop) {
			t.Errorf("second hop Location %q; want %q", got, Path(RedirectLoop))
		}
	})
}

func TestBodies(t *testing.T) {
	_, u := newTestUpstream(t, Options{})
	c := rawClient(t, 5*time.Second)
	path := Path(OK)
	want := rss(path, "UTF-8", DefaultItems(path))

	t.Run("ok", func(t *testing.T) {
		resp := get(t, c, u.URLOf(path))
		body, _ := io.ReadAll(resp.Body)
		if string(body) != want || resp.Header.Get("Content-Type") != rssType {
			t.Errorf("got %s %q:\n%s\nwant the default feed:\n%s", resp.Status, resp.Header.Get("Content-Type"), body, want)
		}
		for _, title := range []string{"省政府常务会议 第1期", "省政府常务会议 第3期"} {
			if !strings.Contains(string(body), title) {
				t.Errorf("feed lacks %q", title)
			}
		}
	})
	t.Run("charset claims GBK over UTF-8", func(t *testing.T) {
		resp := get(t, c, u.URLOf(Path(CharsetClaimsGBK)))
		body, _ := io.ReadAll(resp.Body)
		if ct := resp.Header.Get("Content-Type"); !strings.Contains(ct, "charset=gbk") {
			t.Errorf("Content-Type %q; want it to claim gbk", ct)
		}
		if !utf8.Valid(body) || !strings.Contains(string(body), `encoding="GBK"`) || !strings.Contains(string(body), "省政府常务会议") {
			t.Errorf("body is not a UTF-8 feed whose prolog claims GBK:\n%s", body)
		}
	})
	t.Run("charset claims UTF-8 over GBK", func(t *testing.T) {
		resp := get(t, c, u.URLOf(Path(CharsetClaimsUTF8)))
		body, _ := io.ReadAll(resp.Body)
		if utf8.Valid(body) {
			t.Fatal("body is valid UTF-8; want GBK bytes")
		}
		dec, err := simplifiedchinese.GBK.NewDecoder().Bytes(body)
		if err != nil {
			t.Fatal(err)
		}
		if want := rss(Path(CharsetClaimsUTF8), "UTF-8", DefaultItems(Path(CharsetClaimsUTF8))); string(dec) != want {
			t.Errorf("decoded as GBK:\n%s\nwant:\n%s", dec, want)
		}
		if ct := resp.Header.Get("Content-Type"); ct != rssType {
			t.Errorf("Content-Type %q; want %q", ct, rssType)
		}
	})
	t.Run("html", func(t *testing.T) {
		resp := get(t, c, u.URLOf(Path(HTMLPage)))
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !bytes.HasPrefix(body, []byte("<!DOCTYPE html>")) {
			t.Errorf("got %s %q %.40q; want 200 text/html with an HTML page", resp.Status, resp.Header.Get("Content-Type"), body)
		}
	})
	t.Run("image", func(t *testing.T) {
		resp := get(t, c, u.URLOf(Path(Image)))
		img, err := png.Decode(resp.Body)
		if err != nil || resp.Header.Get("Content-Type") != "image/png" || img.Bounds().Dx() != 1 {
			t.Errorf("got %q, PNG decode error %v; want a 1x1 image/png", resp.Header.Get("Content-Type"), err)
		}
	})
	t.Run("empty", func(t *testing.T) {
		resp := get(t, c, u.URLOf(Path(Empty)))
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || len(body) != 0 || resp.ContentLength != 0 {
			t.Errorf("got %s, %d bytes, Content-Length %d; want 200 with nothing", resp.Status, len(body), resp.ContentLength)
		}
	})
}

func TestBlockingFaults(t *testing.T) {
	s, u := newTestUpstream(t, Options{DripEvery: 10 * time.Millisecond})
	c := rawClient(t, 300*time.Millisecond)

	t.Run("hang", func(t *testing.T) {
		_, err := c.Get(u.URLOf(Path(Hang)))
		if !isTimeout(err) {
			t.Errorf("GET: %v; want a timeout", err)
		}
		if s.Hits(Path(Hang)) != 1 {
			t.Errorf("hits %d; want 1", s.Hits(Path(Hang)))
		}
	})
	t.Run("stall", func(t *testing.T) {
		resp := get(t, c, u.URLOf(Path(Stall)))
		body, err := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || !isTimeout(err) || string(body) != feedHead {
			t.Errorf("got %s, %q, %v; want 200, the feed head, then a timeout", resp.Status, body, err)
		}
	})
	t.Run("drip", func(t *testing.T) {
		resp := get(t, c, u.URLOf(Path(Drip)))
		head := make([]byte, 5)
		if _, err := io.ReadFull(resp.Body, head); err != nil || string(head) != "<?xml" {
			t.Fatalf("first bytes %q, %v; want <?xml", head, err)
		}
		_, err := io.ReadAll(resp.Body)
		if !isTimeout(err) || resp.ContentLength != -1 {
			t.Errorf("rest of the body: %v, Content-Length %d; want a timeout long before the end, no length", err, resp.ContentLength)
		}
		if n := s.Sent(Path(Drip)); n >= int64(len(rss(Path(Drip), "UTF-8", DefaultItems(Path(Drip))))) {
			t.Errorf("sent %d bytes in 300ms at one per 10ms; want fewer than the whole feed", n)
		}
	})
	t.Run("endless", func(t *testing.T) {
		resp := get(t, rawClient(t, 10*time.Second), u.URLOf(Path(Endless)))
		n, err := io.CopyN(io.Discard, resp.Body, 8<<20)
		if n != 8<<20 || err != nil || resp.ContentLength != -1 {
			t.Errorf("read %d bytes, %v, Content-Length %d; want 8 MiB and more to come, no length", n, err, resp.ContentLength)
		}
	})
	t.Run("huge", func(t *testing.T) {
		resp := get(t, rawClient(t, 10*time.Second), u.URLOf(Path(Huge)))
		head := make([]byte, len(feedHead))
		_, err := io.ReadFull(resp.Body, head)
		if resp.ContentLength != 2<<30 || err != nil || string(head) != feedHead {
			t.Errorf("Content-Length %d, head %q, %v; want 2 GiB announced and a feed head", resp.ContentLength, head, err)
		}
	})
	t.Run("reset", func(t *testing.T) {
		resp := get(t, c, u.URLOf(Path(Reset)))
		body, err := io.ReadAll(resp.Body)
		if !errors.Is(err, syscall.ECONNRESET) || int64(len(body)) >= resp.ContentLength || len(body) == 0 {
			t.Errorf("read %d of %d bytes, %v; want part of the body, then a connection reset", len(body), resp.ContentLength, err)
		}
	})
	u.Close() // returns only once every handler has
	if n := s.Sent(Path(Huge)); n >= 1<<30 {
		t.Errorf("huge sent %d bytes to a client that read a few; want it to stop when the client left", n)
	}
}

func TestGzipBomb(t *testing.T) {
	const size = 8 << 20
	_, u := newTestUpstream(t, Options{BombBytes: size})
	resp := get(t, rawClient(t, 10*time.Second), u.URLOf(Path(GzipBomb)))
	wire, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Header.Get("Content-Encoding") != "gzip" || int64(len(wire)) != resp.ContentLength {
		t.Errorf("Content-Encoding %q, %d bytes of %d announced; want gzip, all of them", resp.Header.Get("Content-Encoding"), len(wire), resp.ContentLength)
	}
	if len(wire) > size/500 {
		t.Errorf("bomb weighs %d bytes on the wire for %d decoded; want at most 1/500", len(wire), size)
	}
	zr, err := gzip.NewReader(bytes.NewReader(wire))
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, zr) // checks the CRC-32 and the size at the end
	if n != size || err != nil {
		t.Errorf("decoded %d bytes, %v; want %d and a valid trailer", n, err, size)
	}
}

func TestRoutes(t *testing.T) {
	s, u := newTestUpstream(t, Options{})
	c := rawClient(t, 5*time.Second)
	const path = "/sources/gd.xml"

	if resp := get(t, c, u.URLOf(path)); resp.StatusCode != 404 {
		t.Errorf("unset path: %s; want 404", resp.Status)
	}
	one := Item{GUID: "g-1", Title: "广东要闻", Link: "https://www.gd.gov.cn/1.html", Published: testNow}
	two := Item{GUID: "g-2", Title: "广东新闻", Link: "https://www.gd.gov.cn/2.html", Published: testNow.Add(time.Hour)}
	s.SetItems(path, []Item{one})
	s.AddItem(path, two)
	body, _ := io.ReadAll(get(t, c, u.URLOf(path)).Body)
	if want := rss(path, "UTF-8", []Item{two, one}); string(body) != want {
		t.Errorf("feed after SetItems and AddItem:\n%s\nwant:\n%s", body, want)
	}
	s.Set(path, Status502)
	if resp := get(t, c, u.URLOf(path)); resp.StatusCode != 502 {
		t.Errorf("after Set 502: %s", resp.Status)
	}
	s.Set(path, OK)
	body, _ = io.ReadAll(get(t, c, u.URLOf(path)).Body)
	if !strings.Contains(string(body), "广东新闻") || !strings.Contains(string(body), "广东要闻") {
		t.Errorf("after Set OK the items are gone:\n%s", body)
	}
	if s.Hits(path) != 4 || s.Hits("/other") != 0 {
		t.Errorf("hits %d, %d; want 4, 0", s.Hits(path), s.Hits("/other"))
	}
	if resp := get(t, c, u.URLOf("/fault/no-such-fault")); resp.StatusCode != 404 {
		t.Errorf("unknown fault path: %s; want 404", resp.Status)
	}
	defer func() {
		if recover() == nil {
			t.Error("Set with an unknown fault did not panic")
		}
	}()
	s.Set(path, "no-such-fault")
}

func TestFaultsAllServed(t *testing.T) {
	// Every listed fault has a path that answers something other than 404
	// (the blocking ones are cut short by the client's deadline).
	_, u := newTestUpstream(t, Options{DripEvery: time.Millisecond, BombBytes: 1 << 20})
	c := rawClient(t, 200*time.Millisecond)
	for _, f := range Faults() {
		resp, err := c.Get(u.URLOf(Path(f)))
		if err != nil {
			continue // Hang
		}
		if resp.StatusCode == 404 {
			t.Errorf("%s: 404", f)
		}
		_ = resp.Body.Close()
	}
	if len(Faults()) != 22 {
		t.Errorf("%d faults; want 22 (update this test with the list)", len(Faults()))
	}
}

func TestStartOn(t *testing.T) {
	s := New(Options{})
	u, err := s.StartOn("127.0.0.2:0")
	if err != nil {
		t.Skipf("no second loopback address here: %v", err)
	}
	defer u.Close()
	if !strings.HasPrefix(u.URL, "http://127.0.0.2:") {
		t.Errorf("URL %s; want it on 127.0.0.2", u.URL)
	}
	if resp := get(t, rawClient(t, 5*time.Second), u.URLOf(Path(OK))); resp.StatusCode != 200 {
		t.Errorf("GET: %s", resp.Status)
	}
}

func TestTLSCertificateSwitch(t *testing.T) {
	s := New(Options{})
	u, err := s.StartTLS()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(u.Close)
	trusting := func(c Cert) *http.Client {
		tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: u.CertPool(c)}}
		t.Cleanup(tr.CloseIdleConnections)
		return &http.Client{Transport: tr, Timeout: 5 * time.Second}
	}
	fetch := func(c *http.Client) error {
		resp, err := c.Get(u.URLOf(Path(OK)))
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		_, err = io.Copy(io.Discard, resp.Body)
		return err
	}
	var unknown x509.UnknownAuthorityError
	if err := fetch(&http.Client{Timeout: 5 * time.Second}); !errors.As(err, &unknown) {
		t.Errorf("system roots: %v; want an unknown-authority error", err)
	}
	a := trusting(CertA)
	if err := fetch(a); err != nil {
		t.Fatalf("trusting A, serving A: %v", err)
	}
	u.UseCert(CertB)
	if err := fetch(a); !errors.As(err, &unknown) {
		t.Errorf("trusting A, serving B: %v; want an unknown-authority error", err)
	}
	if err := fetch(trusting(CertB)); err != nil {
		t.Errorf("trusting B, serving B: %v", err)
	}
	u.UseCert(CertA)
	if err := fetch(a); err != nil {
		t.Errorf("trusting A, serving A again: %v", err)
	}
}
