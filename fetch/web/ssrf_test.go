package web

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/govfeed/govfeed/data"
)

func TestDeniedWhat(t *testing.T) {
	tests := map[string]string{ // address -> fragment of the reason; "" = allowed
		// Public addresses, some next to denied blocks.
		"8.8.8.8":         "",
		"202.96.134.133":  "", // a Chinese public resolver
		"11.0.0.0":        "",
		"9.255.255.255":   "",
		"172.15.255.255":  "",
		"172.32.0.0":      "",
		"100.63.255.255":  "",
		"100.128.0.0":     "",
		"192.167.255.255": "",
		"192.169.0.0":     "",
		"169.253.255.255": "",
		"223.255.255.255": "",
		// IPv4 special blocks.
		"0.0.0.0":         "unspecified",
		"0.1.2.3":         "unspecified",
		"10.0.0.5":        "a private address",
		"10.255.255.255":  "a private address",
		"172.16.0.1":      "a private address",
		"172.31.255.255":  "a private address",
		"192.168.1.1":     "a private address",
		"100.64.0.1":      "carrier-grade NAT",
		"100.127.255.255": "carrier-grade NAT",
		"127.0.0.1":       "a loopback address",
		"127.255.255.254": "a loopback address",
		"169.254.169.254": "a link-local address", // cloud metadata
		"192.0.0.8":       "reserved",
		"192.0.2.1":       "documentation",
		"198.18.0.1":      "benchmarking",
		"198.19.255.255":  "benchmarking",
		"198.51.100.7":    "documentation",
		"203.0.113.9":     "documentation",
		"224.0.0.1":       "a multicast address",
		"239.255.255.250": "a multicast address",
		"240.0.0.1":       "reserved",
		"255.255.255.255": "reserved",
		// IPv6.
		"2001:4860:4860::8888": "",
		"2400:3200::1":         "", // a Chinese public resolver
		"240e::1":              "",
		"::":                   "an unspecified address",
		"::1":                  "a loopback address",
		"fc00::1":              "unique local",
		"fd12:3456::1":         "unique local",
		"fe80::1":              "a link-local address",
		"fe80::1%eth0":         "a link-local address",
		"fec0::1":              "site-local",
		"ff02::1":              "a multicast address",
		"2001:db8::1":          "documentation",
		"3fff::1":              "documentation",
		"2001::1":              "reserved", // Teredo, inside 2001::/23
		"100::1":               "reserved", // discard-only
		"::127.0.0.1":          "reserved", // deprecated IPv4-compatible
		"1000::1":              "reserved", // outside 2000::/3
		// IPv4 inside IPv6.
		"::ffff:127.0.0.1": "a loopback address",
		"::ffff:10.0.0.5":  "a private address",
		"::ffff:8.8.8.8":   "",
		"64:ff9b::a00:5":   "a private address (embedded in 64:ff9b::a00:5)",
		"64:ff9b::7f00:1":  "a loopback address",
		"64:ff9b::808:808": "",
		"2002:7f00:1::1":   "a loopback address", // 6to4 of 127.0.0.1
		"2002:a9fe:a9fe::": "a link-local address",
		"2002:808:808::1":  "",
		"64:ff9b:1::a00:5": "reserved", // local-use NAT64 is not 64:ff9b::/96
		"2001:1ff:ffff::1": "reserved", // the end of 2001::/23
		"2001:200::1":      "",         // just after it (APNIC)
	}
	for in, want := range tests {
		t.Run(in, func(t *testing.T) {
			got := deniedWhat(netip.MustParseAddr(in))
			if want == "" && got != "" {
				t.Fatalf("deniedWhat(%s) = %q, want allowed", in, got)
			}
			if want != "" && (got == "" || !strings.Contains(got, want)) {
				t.Fatalf("deniedWhat(%s) = %q, want it to contain %q", in, got, want)
			}
		})
	}
}

func TestAddressGuardAllow(t *testing.T) {
	g := addressGuard{allow: []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16"), netip.MustParsePrefix("fd00::/8")}}
	tests := map[string]bool{ // address -> allowed
		"10.1.2.3":         true,
		"::ffff:10.1.2.3":  true,
		"10.2.0.1":         false,
		"fd00::5":          true,
		"fc00::5":          false,
		"127.0.0.1":        false,
		"93.184.216.34":    true,
		"::ffff:127.0.0.1": false,
	}
	for in, want := range tests {
		t.Run(in, func(t *testing.T) {
			err := g.check(netip.MustParseAddr(in))
			if (err == nil) != want {
				t.Fatalf("check(%s) = %v, want allowed %v", in, err, want)
			}
			if err != nil && !errors.Is(err, ErrDeniedAddress) {
				t.Errorf("check(%s) = %v, does not wrap ErrDeniedAddress", in, err)
			}
		})
	}
	if err := g.control("tcp", "not an address", nil); !errors.Is(err, ErrDeniedAddress) {
		t.Errorf("control(unparsable) = %v, want a refusal", err)
	}
	if err := g.control("tcp6", "[fe80::1%eth0]:80", nil); !errors.Is(err, ErrDeniedAddress) {
		t.Errorf("control(zoned link-local) = %v, want a refusal", err)
	}
}

func TestDeniedAddressErrorMessage(t *testing.T) {
	err := addressGuard{}.check(netip.MustParseAddr("10.0.0.5"))
	want := "refused: 10.0.0.5 is a private address (set server.allow_private: true, or list it in server.allow_networks)"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant    %s", err, want)
	}
}

// countingServer is a loopback upstream that counts the requests it gets.
func countingServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestDenyPrivate(t *testing.T) {
	ok, okHits := countingServer(t, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") })
	_, port, _ := net.SplitHostPort(ok.Listener.Addr().String())
	redirector, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
	})
	loopback := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}

	tests := map[string]struct {
		opts     ClientOptions
		url      string
		wantErr  string // fragment of the refusal; "" = the GET succeeds
		wantHits int32  // requests the ok server gets
	}{
		"off: loopback is fetched": {
			url: ok.URL, wantHits: 1,
		},
		"loopback refused": {
			opts: ClientOptions{DenyPrivate: true}, url: ok.URL,
			wantErr: "refused: 127.0.0.1 is a loopback address (set server.allow_private",
		},
		"loopback in Allow": {
			opts: ClientOptions{DenyPrivate: true, Allow: loopback}, url: ok.URL, wantHits: 1,
		},
		"another Allow prefix does not help": {
			opts: ClientOptions{DenyPrivate: true, Allow: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}, url: ok.URL,
			wantErr: "127.0.0.1 is a loopback address",
		},
		"a host name resolving to loopback": {
			opts: ClientOptions{DenyPrivate: true}, url: "http://localhost:" + port + "/feed",
			wantErr: "is a loopback address",
		},
		"unspecified address": {
			opts: ClientOptions{DenyPrivate: true}, url: "http://0.0.0.0:" + port + "/feed",
			wantErr: "0.0.0.0 is an unspecified",
		},
		"redirect from an allowed host to a private IP": {
			opts: ClientOptions{DenyPrivate: true, Allow: loopback}, url: redirector.URL + "/?to=http://10.0.0.5/admin",
			wantErr: "refused: 10.0.0.5 is a private address",
		},
		"redirect from an allowed host to another loopback address": {
			opts: ClientOptions{DenyPrivate: true, Allow: loopback}, url: redirector.URL + "/?to=http://127.0.0.2:" + port + "/",
			wantErr: "127.0.0.2 is a loopback address",
		},
		"redirect to cloud metadata": {
			opts: ClientOptions{DenyPrivate: true, Allow: loopback}, url: redirector.URL + "/?to=http://169.254.169.254/latest/meta-data/",
			wantErr: "169.254.169.254 is a link-local address",
		},
		"redirect to IPv6 loopback": {
			opts: ClientOptions{DenyPrivate: true, Allow: loopback}, url: redirector.URL + "/?to=http://[::1]:" + port + "/",
			wantErr: "::1 is a loopback address",
		},
		"DialAddr is checked too": {
			opts: ClientOptions{DenyPrivate: true, DialAddr: ok.Listener.Addr().String()}, url: "http://www.sc.gov.cn/list.shtml",
			wantErr: "127.0.0.1 is a loopback address",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			before := okHits.Load()
			g := &Getter{Client: NewClient(tc.opts)}
			resp, err := g.Get(t.Context(), Request{URL: tc.url})
			if hits := okHits.Load() - before; hits != tc.wantHits {
				t.Errorf("the loopback upstream got %d requests, want %d", hits, tc.wantHits)
			}
			if tc.wantErr == "" {
				if err != nil || string(resp.Body) != "ok" {
					t.Fatalf("Get() = %v, want the body ok", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Get() succeeded, want a refusal containing %q", tc.wantErr)
			}
			if !errors.Is(err, ErrDeniedAddress) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Get() error = %v\nwant ErrDeniedAddress with %q", err, tc.wantErr)
			}
			if c := ClassOf(err); c != data.ErrNetwork {
				t.Errorf("ClassOf() = %q, want %q", c, data.ErrNetwork)
			}
			if !strings.HasPrefix(err.Error(), "GET "+tc.url+": ") {
				t.Errorf("Error() = %q, want it to name the URL", err)
			}
		})
	}
}

func TestDenyPrivateDropsEnvironmentProxy(t *testing.T) {
	tr := NewClient(ClientOptions{DenyPrivate: true}).Transport.(*http.Transport)
	if tr.Proxy != nil {
		t.Error("Proxy is set: a proxy would resolve names out of the guard's sight")
	}
}
