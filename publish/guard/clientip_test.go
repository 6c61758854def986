package guard

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestClientIP(t *testing.T) {
	trusted := []netip.Prefix{
		netip.MustParsePrefix("127.0.0.1/32"),
		netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("::1/128"),
	}
	tests := map[string]struct {
		remote  string
		xff     []string // X-Forwarded-For headers, in order
		trusted []netip.Prefix
		want    string // "" = the zero Addr
	}{
		"direct client":                       {remote: "203.0.113.7:5000", want: "203.0.113.7"},
		"direct IPv6 client":                  {remote: "[2001:db8::7]:5000", want: "2001:db8::7"},
		"zone dropped":                        {remote: "[fe80::1%eth0]:5000", want: "fe80::1"},
		"IPv4-mapped peer unmapped":           {remote: "[::ffff:203.0.113.7]:5000", want: "203.0.113.7"},
		"XFF from an untrusted peer ignored":  {remote: "203.0.113.7:5000", xff: []string{"198.51.100.1"}, trusted: trusted, want: "203.0.113.7"},
		"XFF ignored when nothing is trusted": {remote: "127.0.0.1:5000", xff: []string{"198.51.100.1"}, want: "127.0.0.1"},
		"XFF from a trusted proxy":            {remote: "127.0.0.1:5000", xff: []string{"198.51.100.1"}, trusted: trusted, want: "198.51.100.1"},
		"spoofed left entries ignored":        {remote: "127.0.0.1:5000", xff: []string{"1.2.3.4, 5.6.7.8, 198.51.100.1"}, trusted: trusted, want: "198.51.100.1"},
		"chain of trusted proxies":            {remote: "127.0.0.1:5000", xff: []string{"198.51.100.1, 10.1.1.1", "10.2.2.2"}, trusted: trusted, want: "198.51.100.1"},
		"spoofed entry beyond the chain":      {remote: "127.0.0.1:5000", xff: []string{"6.6.6.6, 198.51.100.1, 10.1.1.1"}, trusted: trusted, want: "198.51.100.1"},
		"every hop trusted":                   {remote: "127.0.0.1:5000", xff: []string{"10.1.1.1, 10.2.2.2"}, trusted: trusted, want: "10.1.1.1"},
		"trusted proxy without XFF":           {remote: "127.0.0.1:5000", trusted: trusted, want: "127.0.0.1"},
		"hop with a port":                     {remote: "127.0.0.1:5000", xff: []string{"198.51.100.1:4711"}, trusted: trusted, want: "198.51.100.1"},
		"bracketed IPv6 hop":                  {remote: "[::1]:5000", xff: []string{"[2001:db8::9]"}, trusted: trusted, want: "2001:db8::9"},
		"bracketed IPv6 hop with port":        {remote: "[::1]:5000", xff: []string{"[2001:db8::9]:80"}, trusted: trusted, want: "2001:db8::9"},
		"garbage hop stops belief":            {remote: "127.0.0.1:5000", xff: []string{"198.51.100.1, unknown, 10.1.1.1"}, trusted: trusted, want: "10.1.1.1"},
		"garbage right after the peer":        {remote: "127.0.0.1:5000", xff: []string{"198.51.100.1, unknown"}, trusted: trusted, want: "127.0.0.1"},
		"mapped trusted prefix":               {remote: "10.9.9.9:1", xff: []string{"198.51.100.1"}, trusted: []netip.Prefix{netip.MustParsePrefix("::ffff:10.0.0.0/104")}, want: "198.51.100.1"},
		"unparsable peer":                     {remote: "@", xff: []string{"198.51.100.1"}, trusted: trusted, want: ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/feed.atom?q=x", nil)
			r.RemoteAddr = tc.remote
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			got := ClientIP(r, tc.trusted)
			var want netip.Addr
			if tc.want != "" {
				want = netip.MustParseAddr(tc.want)
			}
			if got != want {
				t.Errorf("ClientIP = %v, want %v", got, want)
			}
		})
	}
}
