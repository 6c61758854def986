package guard

import (
	"net/http"
	"net/netip"
	"strings"
)

// ClientIP returns the address of the client that made r. It is the
// direct peer (r.RemoteAddr) unless the peer is in trusted: then the
// X-Forwarded-For chain is walked from the right (the hop the peer itself
// added) past every trusted proxy, and the first address that is not a
// trusted proxy is the client. Entries to its left are ignored: anyone
// can write them. IPv4-mapped IPv6 addresses are returned as IPv4. The
// zero Addr means the peer address did not parse (a Unix socket, say).
func ClientIP(r *http.Request, trusted []netip.Prefix) netip.Addr {
	client := parseHop(r.RemoteAddr)
	if !client.IsValid() || !contains(trusted, client) {
		return client
	}
	hops := forwardedFor(r.Header)
	for i := len(hops) - 1; i >= 0; i-- {
		a := parseHop(hops[i])
		if !a.IsValid() {
			// A trusted proxy never writes garbage, so the hop that sent
			// it is where belief ends.
			return client
		}
		client = a
		if !contains(trusted, a) {
			return a
		}
	}
	return client
}

// forwardedFor returns the entries of every X-Forwarded-For header, in
// order.
func forwardedFor(h http.Header) []string {
	var out []string
	for _, v := range h.Values("X-Forwarded-For") {
		for part := range strings.SplitSeq(v, ",") {
			out = append(out, strings.TrimSpace(part))
		}
	}
	return out
}

// parseHop parses an address as peers and proxies write it: "192.0.2.1",
// "192.0.2.1:4711", "2001:db8::1", "[2001:db8::1]" or "[2001:db8::1]:4711".
// The zone is dropped and an IPv4-mapped address is unmapped.
func parseHop(s string) netip.Addr {
	a, err := netip.ParseAddr(s)
	if err != nil {
		if ap, perr := netip.ParseAddrPort(s); perr == nil {
			a, err = ap.Addr(), nil
		} else if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
			a, err = netip.ParseAddr(s[1 : len(s)-1])
		}
	}
	if err != nil {
		return netip.Addr{}
	}
	return a.WithZone("").Unmap()
}

// contains reports whether a is in one of the prefixes; an IPv4 address
// also matches an IPv4-mapped IPv6 prefix (::ffff:10.0.0.0/104).
func contains(prefixes []netip.Prefix, a netip.Addr) bool {
	mapped := netip.AddrFrom16(a.As16())
	for _, p := range prefixes {
		if p.Contains(a) || (a.Is4() && p.Contains(mapped)) {
			return true
		}
	}
	return false
}
