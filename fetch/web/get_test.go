package web

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/govfeed/govfeed/data"
)

// recorder is a test upstream that keeps the requests it received.
type recorder struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (rec *recorder) add(r *http.Request) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.reqs = append(rec.reqs, r.Clone(context.Background()))
}

func (rec *recorder) all() []*http.Request {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]*http.Request(nil), rec.reqs...)
}

// serve starts an upstream running h after recording each request.
func serve(t *testing.T, h http.HandlerFunc) (*httptest.Server, *recorder) {
	t.Helper()
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, rec
}

func newGetter() *Getter {
	return &Getter{Client: NewClient(ClientOptions{}), UserAgent: "govfeed-test/1 (+https://govfeed.example/bot)"}
}

func TestGetSendsHeaders(t *testing.T) {
	srv, rec := serve(t, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") })
	_, err := newGetter().Get(t.Context(), Request{
		URL:          srv.URL + "/rss.xml",
		ETag:         `"abc"`,
		LastModified: "Sat, 03 Oct 2026 17:39:11 GMT",
		Referer:      "https://www.wuhu.gov.cn/",
		Headers:      map[string]string{"Accept-Language": "zh-CN,zh;q=0.9", "accept-encoding": "br"},
		Cookies:      map[string]string{"b": "2", "a": "1"},
	})
	if err != nil {
		t.Fatalf("Get() error = %v", err)
	}
	reqs := rec.all()
	if len(reqs) != 1 {
		t.Fatalf("upstream got %d requests, want 1", len(reqs))
	}
	h := reqs[0].Header
	want := map[string]string{
		"User-Agent":        "govfeed-test/1 (+https://govfeed.example/bot)",
		"Accept":            "application/atom+xml, application/rss+xml, application/feed+json, application/xml;q=0.9, text/html;q=0.8, */*;q=0.5",
		"Accept-Encoding":   "gzip, deflate",
		"Accept-Language":   "zh-CN,zh;q=0.9",
		"If-None-Match":     `"abc"`,
		"If-Modified-Since": "Sat, 03 Oct 2026 17:39:11 GMT",
		"Referer":           "https://www.wuhu.gov.cn/",
		"Cookie":            "a=1; b=2",
	}
	got := map[string]string{}
	for k := range want {
		got[k] = h.Get(k)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("request headers (-want +got):\n%s", diff)
	}
}

func TestGetOK(t *testing.T) {
	srv, rec := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/old" {
			http.Redirect(w, r, "/rss.xml", http.StatusMovedPermanently)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		w.Header().Set("ETag", `"v2"`)
		w.Header().Set("Last-Modified", "Sun, 04 Oct 2026 01:00:00 GMT")
		fmt.Fprint(w, "<rss>芜湖</rss>")
	})
	resp, err := newGetter().Get(t.Context(), Request{URL: srv.URL + "/old", Accept: "application/rss+xml"})
	if err != nil {
		t.Fatalf("Get() error = %v", err)
	}
	got := *resp
	got.Header = nil
	want := Response{URL: srv.URL + "/rss.xml", Status: 200, Body: []byte("<rss>芜湖</rss>"), ETag: `"v2"`, LastModified: "Sun, 04 Oct 2026 01:00:00 GMT"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Get() (-want +got):\n%s", diff)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/rss+xml; charset=utf-8" {
		t.Errorf("Header Content-Type = %q", ct)
	}
	if a := rec.all()[0].Header.Get("Accept"); a != "application/rss+xml" {
		t.Errorf("Accept sent = %q, want the request's", a)
	}
}

func TestGetNotModified(t *testing.T) {
	tests := map[string]struct {
		serverETag       string
		wantETag, wantLM string
	}{
		"server repeats the validators": {serverETag: `"v3"`, wantETag: `"v3"`, wantLM: "Sat, 03 Oct 2026 17:39:11 GMT"},
		"server omits them":             {wantETag: `"v2"`, wantLM: "Sat, 03 Oct 2026 17:39:11 GMT"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("If-None-Match") != `"v2"` {
					t.Errorf("If-None-Match = %q, want %q", r.Header.Get("If-None-Match"), `"v2"`)
				}
				if tc.serverETag != "" {
					w.Header().Set("ETag", tc.serverETag)
				}
				w.WriteHeader(http.StatusNotModified)
			})
			resp, err := newGetter().Get(t.Context(), Request{URL: srv.URL, ETag: `"v2"`, LastModified: "Sat, 03 Oct 2026 17:39:11 GMT"})
			if err != nil {
				t.Fatalf("Get() error = %v", err)
			}
			if !resp.NotModified || resp.Status != 304 || resp.Body != nil {
				t.Errorf("Get() = NotModified %v, Status %d, Body %q; want true, 304, nil", resp.NotModified, resp.Status, resp.Body)
			}
			if resp.ETag != tc.wantETag || resp.LastModified != tc.wantLM {
				t.Errorf("validators = (%q, %q), want (%q, %q)", resp.ETag, resp.LastModified, tc.wantETag, tc.wantLM)
			}
		})
	}
}

func compress(t *testing.T, enc string, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	var w io.WriteCloser
	switch enc {
	case "gzip":
		w = gzip.NewWriter(&buf)
	case "zlib":
		w = zlib.NewWriter(&buf)
	case "flate":
		var err error
		if w, err = flate.NewWriter(&buf, flate.DefaultCompression); err != nil {
			t.Fatal(err)
		}
	default:
		t.Fatalf("unknown encoding %q", enc)
	}
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestGetDecodesContentEncoding(t *testing.T) {
	body := []byte(`<?xml version="1.0"?><rss><channel><title>芜湖市人民政府</title></channel></rss>`)
	tests := map[string]struct {
		header string
		wire   []byte
	}{
		"gzip":             {"gzip", compress(t, "gzip", body)},
		"x-gzip":           {"x-gzip", compress(t, "gzip", body)},
		"deflate (zlib)":   {"deflate", compress(t, "zlib", body)},
		"deflate (raw)":    {"deflate", compress(t, "flate", body)},
		"identity":         {"identity", body},
		"none":             {"", body},
		"empty gzip label": {"gzip", nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
				if tc.header != "" {
					w.Header().Set("Content-Encoding", tc.header)
				}
				_, _ = w.Write(tc.wire)
			})
			resp, err := newGetter().Get(t.Context(), Request{URL: srv.URL})
			if err != nil {
				t.Fatalf("Get() error = %v", err)
			}
			want := body
			if tc.wire == nil {
				want = []byte{}
			}
			if !bytes.Equal(resp.Body, want) {
				t.Errorf("Body = %q, want %q", resp.Body, want)
			}
		})
	}
}

func TestGetUnsupportedEncoding(t *testing.T) {
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "br")
		fmt.Fprint(w, "\x1b\x00")
	})
	_, err := newGetter().Get(t.Context(), Request{URL: srv.URL})
	if c := ClassOf(err); c != data.ErrHTTP {
		t.Errorf("ClassOf(%v) = %q, want %q", err, c, data.ErrHTTP)
	}
}

func TestGetTooLarge(t *testing.T) {
	zeros := make([]byte, 1<<20)
	tests := map[string]struct {
		max     int64
		handler http.HandlerFunc
		wantErr bool
		wantMsg string
	}{
		"plain body over the cap": {
			max:     1024,
			handler: func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(zeros[:1025]) },
			wantErr: true,
		},
		"chunked body over the cap": {
			max: 1024,
			handler: func(w http.ResponseWriter, r *http.Request) {
				for range 4 {
					_, _ = w.Write(zeros[:512])
					w.(http.Flusher).Flush()
				}
			},
			wantErr: true,
		},
		"body exactly at the cap": {
			max:     1024,
			handler: func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(zeros[:1024]) },
		},
		"gzip bomb": {
			max: 64 << 10,
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Encoding", "gzip")
				_, _ = w.Write(compress(t, "gzip", zeros))
			},
			wantErr: true,
		},
		"gzip within the cap": {
			max: 2 << 20,
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Encoding", "gzip")
				_, _ = w.Write(compress(t, "gzip", zeros))
			},
		},
		"announced length over the default cap fails before reading": {
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", strconv.Itoa(16<<20+1))
				_, _ = w.Write(zeros[:10])
				w.(http.Flusher).Flush()
				<-r.Context().Done() // the rest never comes: reading it would hang
			},
			wantErr: true,
			wantMsg: "body exceeds 16777216 bytes",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			srv, _ := serve(t, tc.handler)
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			resp, err := newGetter().Get(ctx, Request{URL: srv.URL, MaxBodyBytes: tc.max})
			if !tc.wantErr {
				if err != nil {
					t.Fatalf("Get() error = %v", err)
				}
				if int64(len(resp.Body)) > max(tc.max, DefaultMaxBodyBytes) {
					t.Errorf("len(Body) = %d over the cap", len(resp.Body))
				}
				return
			}
			if c := ClassOf(err); c != data.ErrTooLarge {
				t.Fatalf("ClassOf(%v) = %q, want %q", err, c, data.ErrTooLarge)
			}
			if resp != nil {
				t.Errorf("Get() returned a truncated body of %d bytes", len(resp.Body))
			}
			if tc.wantMsg != "" && err.Error() != "GET "+srv.URL+": "+tc.wantMsg {
				t.Errorf("Error() = %q, want %q", err, "GET "+srv.URL+": "+tc.wantMsg)
			}
		})
	}
}

func TestGetStatuses(t *testing.T) {
	now := time.Date(2026, 10, 4, 1, 0, 0, 0, time.UTC)
	tests := map[string]struct {
		status     int
		retryAfter string
		cookie     bool
		wantClass  data.ErrorClass
		wantRetry  time.Duration
	}{
		"429 with seconds":           {status: 429, retryAfter: "120", wantClass: data.ErrHTTP, wantRetry: 2 * time.Minute},
		"503 with an HTTP date":      {status: 503, retryAfter: now.Add(90 * time.Second).Format(http.TimeFormat), wantClass: data.ErrHTTP, wantRetry: 90 * time.Second},
		"503 asking for a week":      {status: 503, retryAfter: "604800", wantClass: data.ErrHTTP, wantRetry: 24 * time.Hour},
		"429 with a past date":       {status: 429, retryAfter: now.Add(-time.Hour).Format(http.TimeFormat), wantClass: data.ErrHTTP},
		"503 with garbage":           {status: 503, retryAfter: "soon", wantClass: data.ErrHTTP},
		"404":                        {status: 404, wantClass: data.ErrHTTP},
		"500":                        {status: 500, wantClass: data.ErrHTTP},
		"410":                        {status: 410, wantClass: data.ErrHTTP},
		"403":                        {status: 403, wantClass: data.ErrBlocked},
		"405 overseas block":         {status: 405, wantClass: data.ErrBlocked},
		"412 without a jar":          {status: 412, cookie: true, wantClass: data.ErrBlocked},
		"521":                        {status: 521, wantClass: data.ErrBlocked},
		"Retry-After ignored on 500": {status: 500, retryAfter: "60", wantClass: data.ErrHTTP},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			srv, rec := serve(t, func(w http.ResponseWriter, r *http.Request) {
				if tc.retryAfter != "" {
					w.Header().Set("Retry-After", tc.retryAfter)
				}
				if tc.cookie {
					http.SetCookie(w, &http.Cookie{Name: "wzws_sid", Value: "x"})
				}
				w.WriteHeader(tc.status)
			})
			g := newGetter()
			g.Now = func() time.Time { return now }
			resp, err := g.Get(t.Context(), Request{URL: srv.URL + "/feed"})
			e, ok := errors.AsType[*Error](err)
			if !ok {
				t.Fatalf("Get() = (%v, %v), want an *Error", resp, err)
			}
			want := &Error{Class: tc.wantClass, Status: tc.status, RetryAfter: tc.wantRetry, URL: srv.URL + "/feed"}
			if diff := cmp.Diff(want, e); diff != "" {
				t.Errorf("Get() error (-want +got):\n%s", diff)
			}
			if n := len(rec.all()); n != 1 {
				t.Errorf("upstream got %d requests, want 1", n)
			}
		})
	}
}

// challengeServer answers 412 (or status) with a cookie until a request
// carries that cookie, unless always is set.
func challengeServer(t *testing.T, status int, always bool) (*httptest.Server, *recorder) {
	return serve(t, func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie("wzws_sid"); err == nil && c.Value == "abc" && !always {
			fmt.Fprint(w, "<rss/>")
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "wzws_sid", Value: "abc", Path: "/"})
		w.WriteHeader(status)
		fmt.Fprint(w, "<script>location.reload()</script>")
	})
}

func TestGetAntiBotRetry(t *testing.T) {
	tests := map[string]struct {
		status      int
		always      bool
		referer     string
		wantErr     bool
		wantHits    int
		wantReferer string // on the second request; "" means the URL itself
	}{
		"412 then the page":               {status: 412, wantHits: 2},
		"521 then the page":               {status: 521, wantHits: 2},
		"403 then the page":               {status: 403, wantHits: 2},
		"configured Referer is kept":      {status: 412, referer: "https://www.stats.gov.cn/", wantHits: 2, wantReferer: "https://www.stats.gov.cn/"},
		"retried once only":               {status: 412, always: true, wantErr: true, wantHits: 2},
		"202 JS page is not a challenge":  {status: 202, wantHits: 1},
		"404 with a cookie is not either": {status: 404, wantErr: true, wantHits: 1},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			srv, rec := challengeServer(t, tc.status, tc.always)
			jar, _ := cookiejar.New(nil)
			u := srv.URL + "/sj/zxfb/"
			resp, err := newGetter().Get(t.Context(), Request{URL: u, Jar: jar, Referer: tc.referer})
			reqs := rec.all()
			if len(reqs) != tc.wantHits {
				t.Fatalf("upstream got %d requests, want %d", len(reqs), tc.wantHits)
			}
			if tc.wantErr {
				if err == nil {
					t.Fatalf("Get() = %q, want an error", resp.Body)
				}
				return
			}
			if err != nil {
				t.Fatalf("Get() error = %v", err)
			}
			if tc.wantHits == 1 {
				return
			}
			second := reqs[1]
			if c, err := second.Cookie("wzws_sid"); err != nil || c.Value != "abc" {
				t.Errorf("retry carried cookie %v (%v), want wzws_sid=abc", c, err)
			}
			wantRef := tc.wantReferer
			if wantRef == "" {
				wantRef = u
			}
			if got := second.Header.Get("Referer"); got != wantRef {
				t.Errorf("retry Referer = %q, want %q", got, wantRef)
			}
			if string(resp.Body) != "<rss/>" {
				t.Errorf("Body = %q, want the page", resp.Body)
			}
		})
	}
}

func TestGetJarRemembersChallengeCookie(t *testing.T) {
	srv, rec := challengeServer(t, 412, false)
	jar, _ := cookiejar.New(nil)
	g := newGetter()
	for i := range 2 {
		if _, err := g.Get(t.Context(), Request{URL: srv.URL + "/feed", Jar: jar}); err != nil {
			t.Fatalf("Get() #%d error = %v", i+1, err)
		}
	}
	if n := len(rec.all()); n != 3 {
		t.Errorf("upstream got %d requests, want 3 (challenge, retry, direct)", n)
	}
}

func TestGetTimeouts(t *testing.T) {
	tests := map[string]http.HandlerFunc{
		"no answer": func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() },
		"body stalls half-way": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "2048")
			_, _ = w.Write(make([]byte, 1024))
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		},
		"gzip body stalls half-way": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			gz := compress(t, "gzip", make([]byte, 4096))
			_, _ = w.Write(gz[:len(gz)/2])
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		},
	}
	for name, h := range tests {
		t.Run(name, func(t *testing.T) {
			srv, _ := serve(t, h)
			ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
			defer cancel()
			_, err := newGetter().Get(ctx, Request{URL: srv.URL})
			if c := ClassOf(err); c != data.ErrTimeout {
				t.Errorf("ClassOf(%v) = %q, want %q", err, c, data.ErrTimeout)
			}
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("error %v does not wrap context.DeadlineExceeded", err)
			}
		})
	}
}

func TestGetWithoutClient(t *testing.T) {
	_, err := (&Getter{}).Get(t.Context(), Request{URL: "http://127.0.0.1/"})
	if err == nil {
		t.Fatal("Get() without a client succeeded")
	}
}
