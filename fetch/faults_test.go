package fetch_test

import (
	"context"
	"crypto/tls"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/data/sqlite"
	"github.com/govfeed/govfeed/fetch"
	"github.com/govfeed/govfeed/fetch/faultsrv"
	"github.com/govfeed/govfeed/fetch/web"
)

// The upstream fault suite: every fault of package faultsrv through a real
// Runner, a real web.Getter and a real on-disk store. Each source is first
// fetched from a good feed, then its path is switched to the fault; the
// Runner must record the right class, a message naming the URL, one more
// failure and a backoff, send no request while backing off, lose none of
// the stored items, and recover when the upstream does.

// faultStart is the rigs' clock at the first fetch.
var faultStart = time.Date(2026, 7, 10, 4, 0, 0, 0, time.UTC)

// faultTimeout bounds one fetch of a source whose upstream blocks (Hang,
// Stall, Drip): such a fetch takes all of it. Every other source has
// faultSlack, which a fetch never nears (its fault ends it in
// milliseconds) but which keeps a loaded CI machine from turning, say, a
// 16 MiB gzip bomb read to the cap into a timeout.
const (
	faultTimeout = 2 * time.Second
	faultSlack   = 30 * time.Second
)

// faultBodyCap is the body cap of the sources: the config default.
const faultBodyCap = 16 << 20

// The Runner's backoff after the first and second failure: BackoffBase
// (the default, 1m) doubled per failure, ±20% jitter.
const (
	faultBackoff1Lo, faultBackoff1Hi = 48 * time.Second, 72 * time.Second
	faultBackoff2Lo, faultBackoff2Hi = 96 * time.Second, 144 * time.Second
)

// faultClock is a settable clock shared by a rig's Runner and store.
type faultClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *faultClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *faultClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// faultRig is a Runner with the default options over a store in a
// temporary directory and a client from web.NewClient.
type faultRig struct {
	clock  *faultClock
	store  *sqlite.Store
	runner *fetch.Runner
}

// newFaultRig builds a rig; a non-nil trust makes its client trust that
// certificate pool only (else the system roots).
func newFaultRig(t *testing.T, trust *faultsrv.TLSUpstream, cert faultsrv.Cert) *faultRig {
	t.Helper()
	clock := &faultClock{t: faultStart}
	st, err := sqlite.Open(context.Background(), t.TempDir(), sqlite.Options{Now: clock.Now})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	client := web.NewClient(web.ClientOptions{})
	if trust != nil {
		client.Transport.(*http.Transport).TLSClientConfig = &tls.Config{RootCAs: trust.CertPool(cert)}
	}
	t.Cleanup(client.CloseIdleConnections)
	g := &web.Getter{Client: client, UserAgent: "govfeed-faults-test"}
	return &faultRig{clock: clock, store: st, runner: fetch.NewRunner(fetch.Options{Now: clock.Now}, g, st)}
}

func (r *faultRig) run(src data.Source) fetch.Report {
	return r.runner.Run(context.Background(), src, false)
}

func (r *faultRig) state(t *testing.T, id string) data.SourceState {
	t.Helper()
	st, err := r.store.State(context.Background(), id)
	if err != nil {
		t.Fatalf("state of %s: %v", id, err)
	}
	return st
}

func (r *faultRig) items(t *testing.T, id string) []data.Item {
	t.Helper()
	its, err := r.store.Recent(context.Background(), data.Query{Limit: 1000, SourceIDs: []string{id}})
	if err != nil {
		t.Fatalf("items of %s: %v", id, err)
	}
	return its
}

// seed fetches src from its good feed and returns the stored items.
func (r *faultRig) seed(t *testing.T, src data.Source) []data.Item {
	t.Helper()
	if rep := r.run(src); rep.Outcome != fetch.OutcomeNew || rep.Stats.New != 3 {
		t.Fatalf("seeding fetch: outcome %s, stats %+v, err %v; want 3 new items", rep.Outcome, rep.Stats, rep.Err)
	}
	return r.items(t, src.ID)
}

// faultSource is a feed source at u with a fetch timeout.
func faultSource(id, u string, timeout time.Duration) data.Source {
	return data.Source{
		ID: id, Name: id, URL: u, Kind: data.KindFeed, Schedule: "@every 1h",
		Location: time.FixedZone("CST", 8*3600), Timeout: timeout, MaxBodyBytes: faultBodyCap,
	}
}

// faultUpstreams starts one fault server behind plain HTTP and HTTPS.
func faultUpstreams(t *testing.T) (*faultsrv.Server, *faultsrv.Upstream, *faultsrv.TLSUpstream) {
	t.Helper()
	srv := faultsrv.New(faultsrv.Options{})
	plain := srv.Start()
	secure, err := srv.StartTLS()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { secure.Close(); plain.Close() })
	return srv, plain, secure
}

func TestUpstreamFaults(t *testing.T) {
	srv, plain, secure := faultUpstreams(t)
	tests := []struct {
		fault faultsrv.Fault
		tls   bool // served over HTTPS, the rig trusting its certificate
		class data.ErrorClass
		msg   string // in LastError, besides the URL
		// retry is the wait the upstream asked for; zero means the
		// Runner's own backoff.
		retry time.Duration
	}{
		{fault: faultsrv.Hang, class: data.ErrTimeout, msg: "context deadline exceeded"},
		{fault: faultsrv.Stall, class: data.ErrTimeout, msg: "context deadline exceeded"},
		{fault: faultsrv.Drip, class: data.ErrTimeout, msg: "context deadline exceeded"},
		{fault: faultsrv.Reset, class: data.ErrNetwork, msg: "connection reset by peer"},
		{fault: faultsrv.Status500, class: data.ErrHTTP, msg: "HTTP 500 Internal Server Error"},
		{fault: faultsrv.Status502, class: data.ErrHTTP, msg: "HTTP 502 Bad Gateway"},
		{fault: faultsrv.Status503, class: data.ErrHTTP, msg: "HTTP 503 Service Unavailable"},
		{fault: faultsrv.Status429, class: data.ErrHTTP, msg: "HTTP 429 Too Many Requests"},
		{fault: faultsrv.Status503RetryAfter, class: data.ErrHTTP, msg: "HTTP 503 Service Unavailable (retry after 1h0m0s)", retry: time.Hour},
		{fault: faultsrv.Status429RetryAfter, class: data.ErrHTTP, msg: "HTTP 429 Too Many Requests (retry after 1h0m0s)", retry: time.Hour},
		{fault: faultsrv.Status429RetryDate, class: data.ErrHTTP, msg: "HTTP 429 Too Many Requests (retry after", retry: 2 * time.Hour},
		{fault: faultsrv.RedirectLoop, class: data.ErrNetwork, msg: "redirect loop"},
		{fault: faultsrv.RedirectToHTTP, tls: true, class: data.ErrNetwork, msg: "redirect from https to http refused"},
		{fault: faultsrv.RedirectToFTP, class: data.ErrNetwork, msg: `unsupported protocol scheme "ftp"`},
		{fault: faultsrv.Huge, class: data.ErrTooLarge, msg: "body exceeds 16777216 bytes"},
		{fault: faultsrv.GzipBomb, class: data.ErrTooLarge, msg: "body exceeds 16777216 bytes"},
		{fault: faultsrv.Endless, class: data.ErrTooLarge, msg: "body exceeds 16777216 bytes"},
		{fault: faultsrv.HTMLPage, class: data.ErrParse, msg: "not a feed: looks like HTML"},
		{fault: faultsrv.Image, class: data.ErrParse, msg: "not a feed: looks like image/png"},
		{fault: faultsrv.Empty, class: data.ErrParse, msg: "not a feed: empty body"},
	}
	for _, tt := range tests {
		t.Run(string(tt.fault), func(t *testing.T) {
			t.Parallel()
			path := "/src/" + string(tt.fault)
			u, rig := plain.URLOf(path), newFaultRig(t, nil, 0)
			if tt.tls {
				u, rig = secure.URLOf(path), newFaultRig(t, secure, faultsrv.CertA)
			}
			timeout := faultSlack
			if tt.class == data.ErrTimeout {
				timeout = faultTimeout
			}
			src := faultSource("f-"+string(tt.fault), u, timeout)
			srv.Set(path, faultsrv.OK)
			stored := rig.seed(t, src)

			wantNext := func(st data.SourceState, lo, hi time.Duration) {
				t.Helper()
				if tt.retry > 0 {
					// A Retry-After date has whole seconds: up to 1s less.
					lo, hi = tt.retry-2*time.Second, tt.retry
				}
				if d := st.NextAttempt.Sub(st.LastAttempt); d < lo || d > hi {
					t.Errorf("next attempt %v after the last; want %v to %v", d, lo, hi)
				}
			}
			srv.Set(path, tt.fault)
			failAt := faultStart.Add(time.Hour)
			rig.clock.Set(failAt)
			rep := rig.run(src)
			if rep.Outcome != fetch.OutcomeFailed || rep.Class != tt.class {
				t.Fatalf("fetch: outcome %s, class %q, err %v; want failed, %q", rep.Outcome, rep.Class, rep.Err, tt.class)
			}
			st := rig.state(t, src.ID)
			if st.Failures != 1 || st.ErrorClass != tt.class || !st.LastAttempt.Equal(failAt) || !st.LastSuccess.Equal(faultStart) {
				t.Errorf("state: failures %d, class %q, last attempt %v, last success %v; want 1, %q, %v, %v",
					st.Failures, st.ErrorClass, st.LastAttempt, st.LastSuccess, tt.class, failAt, faultStart)
			}
			if !strings.Contains(st.LastError, u) || !strings.Contains(st.LastError, tt.msg) {
				t.Errorf("last error %q; want it to name %s and say %q", st.LastError, u, tt.msg)
			}
			wantNext(st, faultBackoff1Lo, faultBackoff1Hi)
			if d := cmp.Diff(stored, rig.items(t, src.ID)); d != "" {
				t.Errorf("stored items changed by a failed fetch (-before +after):\n%s", d)
			}

			// Backing off: no request reaches the upstream.
			hits := srv.Hits(path)
			if rep := rig.run(src); rep.Outcome != fetch.OutcomeBackoff {
				t.Errorf("fetch during backoff: outcome %s; want backoff", rep.Outcome)
			}
			if srv.Hits(path) != hits {
				t.Errorf("a fetch during backoff sent %d requests; want none", srv.Hits(path)-hits)
			}

			// Due again and still failing: a second failure, a longer wait.
			rig.clock.Set(st.NextAttempt)
			if rep := rig.run(src); rep.Outcome != fetch.OutcomeFailed || rep.Class != tt.class {
				t.Fatalf("second fetch: outcome %s, class %q; want failed, %q", rep.Outcome, rep.Class, tt.class)
			}
			st = rig.state(t, src.ID)
			if st.Failures != 2 {
				t.Errorf("failures after the second fault %d; want 2", st.Failures)
			}
			wantNext(st, faultBackoff2Lo, faultBackoff2Hi)
			if srv.Hits(path) <= hits {
				t.Error("the second fetch sent no request")
			}

			// The upstream recovers: so does the source, with its items.
			srv.Set(path, faultsrv.OK)
			rig.clock.Set(st.NextAttempt)
			if rep := rig.run(src); rep.Outcome != fetch.OutcomeUnchanged || rep.Err != nil {
				t.Fatalf("fetch after recovery: outcome %s, err %v; want unchanged", rep.Outcome, rep.Err)
			}
			st = rig.state(t, src.ID)
			if st.Failures != 0 || st.ErrorClass != data.ErrNone || st.LastError != "" || !st.NextAttempt.IsZero() {
				t.Errorf("state after recovery: failures %d, class %q, error %q, next %v; want all cleared",
					st.Failures, st.ErrorClass, st.LastError, st.NextAttempt)
			}
			if d := cmp.Diff(stored, rig.items(t, src.ID)); d != "" {
				t.Errorf("stored items after recovery (-before +after):\n%s", d)
			}
		})
	}
}

// TestUpstreamCharsetLies: a charset declaration that differs from the
// bytes is no failure: the items decode to the same text as before.
func TestUpstreamCharsetLies(t *testing.T) {
	srv, plain, _ := faultUpstreams(t)
	for _, f := range []faultsrv.Fault{faultsrv.CharsetClaimsGBK, faultsrv.CharsetClaimsUTF8} {
		t.Run(string(f), func(t *testing.T) {
			t.Parallel()
			path := "/src/" + string(f)
			rig := newFaultRig(t, nil, 0)
			src := faultSource("f-"+string(f), plain.URLOf(path), faultSlack)
			srv.Set(path, faultsrv.OK)
			stored := rig.seed(t, src)
			srv.Set(path, f)
			rig.clock.Set(faultStart.Add(time.Hour))
			// Garbled titles would make the items "updated".
			if rep := rig.run(src); rep.Outcome != fetch.OutcomeUnchanged || rep.Items != 3 {
				t.Fatalf("fetch: outcome %s, %d items, err %v; want unchanged, 3", rep.Outcome, rep.Items, rep.Err)
			}
			if d := cmp.Diff(stored, rig.items(t, src.ID)); d != "" {
				t.Errorf("items read through a lying charset differ (-utf8 +lie):\n%s", d)
			}
		})
	}
}

// TestUpstreamUntrustedCertificate: the default client refuses a
// self-signed certificate, as a network failure naming the URL.
func TestUpstreamUntrustedCertificate(t *testing.T) {
	_, _, secure := faultUpstreams(t)
	rig := newFaultRig(t, nil, 0)
	u := secure.URLOf(faultsrv.Path(faultsrv.OK))
	src := faultSource("self-signed", u, faultSlack)
	if rep := rig.run(src); rep.Outcome != fetch.OutcomeFailed || rep.Class != data.ErrNetwork {
		t.Fatalf("fetch: outcome %s, class %q, err %v; want failed, network", rep.Outcome, rep.Class, rep.Err)
	}
	st := rig.state(t, src.ID)
	if !strings.Contains(st.LastError, u) || !strings.Contains(st.LastError, "certificate signed by unknown authority") || st.Failures != 1 {
		t.Errorf("state: failures %d, error %q; want 1 and an unknown-authority error naming %s", st.Failures, st.LastError, u)
	}
	if d := st.NextAttempt.Sub(st.LastAttempt); d < faultBackoff1Lo || d > faultBackoff1Hi {
		t.Errorf("next attempt %v after the last; want %v to %v", d, faultBackoff1Lo, faultBackoff1Hi)
	}
}

// TestUpstreamCertificateChange: the site switches from the certificate
// govfeed trusts to another mid-run, then back.
func TestUpstreamCertificateChange(t *testing.T) {
	srv, _, secure := faultUpstreams(t)
	rig := newFaultRig(t, secure, faultsrv.CertA)
	const path = "/src/tls"
	srv.Set(path, faultsrv.OK)
	src := faultSource("tls", secure.URLOf(path), faultSlack)
	stored := rig.seed(t, src)

	secure.UseCert(faultsrv.CertB)
	rig.clock.Set(faultStart.Add(time.Hour))
	if rep := rig.run(src); rep.Outcome != fetch.OutcomeFailed || rep.Class != data.ErrNetwork {
		t.Fatalf("fetch with the other certificate: outcome %s, class %q, err %v; want failed, network", rep.Outcome, rep.Class, rep.Err)
	}
	st := rig.state(t, src.ID)
	if !strings.Contains(st.LastError, "certificate signed by unknown authority") || st.Failures != 1 {
		t.Errorf("state: failures %d, error %q; want 1 and an unknown-authority error", st.Failures, st.LastError)
	}
	if d := cmp.Diff(stored, rig.items(t, src.ID)); d != "" {
		t.Errorf("stored items changed (-before +after):\n%s", d)
	}

	secure.UseCert(faultsrv.CertA)
	rig.clock.Set(st.NextAttempt)
	if rep := rig.run(src); rep.Outcome != fetch.OutcomeUnchanged {
		t.Fatalf("fetch with the trusted certificate back: outcome %s, err %v; want unchanged", rep.Outcome, rep.Err)
	}
	if st := rig.state(t, src.ID); st.Failures != 0 || st.ErrorClass != data.ErrNone {
		t.Errorf("state after recovery: failures %d, class %q; want 0, none", st.Failures, st.ErrorClass)
	}
}

// TestUpstreamFaultSharedHost: two sources hang on a host and hold both of
// its slots (PerHost 2, the default). A third source on that host never
// reaches the upstream before its deadline; that is no failure of its
// own: it is skipped as busy, its state untouched, and it is fetched as
// soon as the host is free.
func TestUpstreamFaultSharedHost(t *testing.T) {
	srv, plain, _ := faultUpstreams(t)
	rig := newFaultRig(t, nil, 0)
	hangCtx, release := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer wg.Wait()
	defer release()
	for _, path := range []string{"/shared/hang-1", "/shared/hang-2"} {
		srv.Set(path, faultsrv.Hang)
		wg.Add(1)
		go func() {
			defer wg.Done()
			rig.runner.Run(hangCtx, faultSource(strings.TrimPrefix(path, "/shared/"), plain.URLOf(path), faultSlack), false)
		}()
	}
	for deadline := time.Now().Add(faultSlack); srv.Hits("/shared/hang-1")+srv.Hits("/shared/hang-2") < 2; {
		if time.Now().After(deadline) {
			t.Fatal("the hanging sources never reached the upstream")
		}
		time.Sleep(10 * time.Millisecond)
	}

	const path = "/shared/ok"
	srv.Set(path, faultsrv.OK)
	src := faultSource("ok", plain.URLOf(path), time.Second)
	rep := rig.run(src)
	if rep.Outcome != fetch.OutcomeBusy || rep.Err == nil || !strings.Contains(rep.Err.Error(), "host busy") {
		t.Errorf("fetch behind two hanging requests: outcome %s, err %v; want busy, host busy", rep.Outcome, rep.Err)
	}
	if n := srv.Hits(path); n != 0 {
		t.Errorf("the busy fetch sent %d requests; want none", n)
	}
	if st := rig.state(t, src.ID); st.Failures != 0 || st.ErrorClass != data.ErrNone || !st.NextAttempt.IsZero() || !st.LastAttempt.IsZero() {
		t.Errorf("state after a busy host: failures %d, class %q, last attempt %v, next %v; want untouched",
			st.Failures, st.ErrorClass, st.LastAttempt, st.NextAttempt)
	}

	release()
	wg.Wait()
	if rep := rig.run(src); rep.Outcome != fetch.OutcomeNew {
		t.Errorf("fetch once the host is free: outcome %s, err %v; want new", rep.Outcome, rep.Err)
	}
}
