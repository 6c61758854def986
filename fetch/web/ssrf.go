package web

import (
	"errors"
	"fmt"
	"net/netip"
	"syscall"
)

// ErrDeniedAddress marks a connection the address guard refused (see
// ClientOptions.DenyPrivate); the *DeniedAddressError that carries it is
// wrapped in the *Error Get returns, of class data.ErrNetwork.
var ErrDeniedAddress = errors.New("address refused")

// DeniedAddressError is a connection refused because its address, after
// DNS resolution, is not a public unicast address.
type DeniedAddressError struct {
	Addr netip.Addr // the address the dialer was about to connect to
	What string     // what the address is, e.g. "a private address"
}

// Error returns e.g. "refused: 10.0.0.5 is a private address (set
// server.allow_private: true, or list it in server.allow_networks)".
func (e *DeniedAddressError) Error() string {
	return fmt.Sprintf("refused: %s is %s (set server.allow_private: true, or list it in server.allow_networks)", e.Addr, e.What)
}

// Is makes errors.Is(err, ErrDeniedAddress) true.
func (e *DeniedAddressError) Is(target error) bool { return target == ErrDeniedAddress }

// specialRange is a block of addresses that is no place for a fetch.
type specialRange struct {
	prefix netip.Prefix
	what   string
}

// deniedV4 are the IPv4 blocks of the IANA special-purpose registry that
// are not globally reachable, plus multicast (RFC 6890, RFC 5771).
var deniedV4 = []specialRange{
	{netip.MustParsePrefix("0.0.0.0/8"), "an unspecified (this-network) address"},
	{netip.MustParsePrefix("10.0.0.0/8"), "a private address"},
	{netip.MustParsePrefix("100.64.0.0/10"), "a carrier-grade NAT (shared) address"},
	{netip.MustParsePrefix("127.0.0.0/8"), "a loopback address"},
	{netip.MustParsePrefix("169.254.0.0/16"), "a link-local address"},
	{netip.MustParsePrefix("172.16.0.0/12"), "a private address"},
	{netip.MustParsePrefix("192.0.0.0/24"), "a reserved (IETF protocol) address"},
	{netip.MustParsePrefix("192.0.2.0/24"), "a documentation address"},
	{netip.MustParsePrefix("192.88.99.0/24"), "a reserved (6to4 relay) address"},
	{netip.MustParsePrefix("192.168.0.0/16"), "a private address"},
	{netip.MustParsePrefix("198.18.0.0/15"), "a benchmarking address"},
	{netip.MustParsePrefix("198.51.100.0/24"), "a documentation address"},
	{netip.MustParsePrefix("203.0.113.0/24"), "a documentation address"},
	{netip.MustParsePrefix("224.0.0.0/4"), "a multicast address"},
	{netip.MustParsePrefix("240.0.0.0/4"), "a reserved address"}, // with 255.255.255.255
}

// IPv6 blocks. Only 2000::/3 holds global unicast addresses; inside it
// some blocks are special, and two embed an IPv4 address that is checked
// in turn.
var (
	globalV6 = netip.MustParsePrefix("2000::/3")
	nat64V6  = netip.MustParsePrefix("64:ff9b::/96") // RFC 6052, embeds IPv4
	sixTo4V6 = netip.MustParsePrefix("2002::/16")    // RFC 3056, embeds IPv4
	deniedV6 = []specialRange{
		{netip.MustParsePrefix("2001::/23"), "a reserved (IETF protocol) address"},
		{netip.MustParsePrefix("2001:db8::/32"), "a documentation address"},
		{netip.MustParsePrefix("3fff::/20"), "a documentation address"},
	}
	// namedV6 names the common blocks outside 2000::/3.
	namedV6 = []specialRange{
		{netip.MustParsePrefix("::/128"), "an unspecified address"},
		{netip.MustParsePrefix("::1/128"), "a loopback address"},
		{netip.MustParsePrefix("fc00::/7"), "a private (unique local) address"},
		{netip.MustParsePrefix("fe80::/10"), "a link-local address"},
		{netip.MustParsePrefix("fec0::/10"), "a site-local address"},
		{netip.MustParsePrefix("ff00::/8"), "a multicast address"},
	}
)

// deniedWhat says why a is not a public unicast address, or "" when it is
// one. An IPv4-mapped IPv6 address counts as its IPv4 address, and NAT64
// and 6to4 addresses as the IPv4 address they embed.
func deniedWhat(a netip.Addr) string {
	a = a.WithZone("").Unmap()
	if !a.IsValid() {
		return "an invalid address"
	}
	if a.Is4() {
		for _, r := range deniedV4 {
			if r.prefix.Contains(a) {
				return r.what
			}
		}
		return ""
	}
	if v4, ok := embeddedV4(a); ok {
		if what := deniedWhat(v4); what != "" {
			return what + " (embedded in " + a.String() + ")"
		}
		return ""
	}
	if !globalV6.Contains(a) {
		for _, r := range namedV6 {
			if r.prefix.Contains(a) {
				return r.what
			}
		}
		return "a reserved address"
	}
	for _, r := range deniedV6 {
		if r.prefix.Contains(a) {
			return r.what
		}
	}
	return ""
}

// embeddedV4 returns the IPv4 address inside a NAT64 (64:ff9b::/96) or a
// 6to4 (2002::/16) address.
func embeddedV4(a netip.Addr) (netip.Addr, bool) {
	b := a.As16()
	switch {
	case nat64V6.Contains(a):
		return netip.AddrFrom4([4]byte(b[12:16])), true
	case sixTo4V6.Contains(a):
		return netip.AddrFrom4([4]byte(b[2:6])), true
	}
	return netip.Addr{}, false
}

// addressGuard refuses connections to addresses that are not public
// unicast, except those in allow.
type addressGuard struct {
	allow []netip.Prefix
}

// check returns a *DeniedAddressError when a may not be dialled.
func (g addressGuard) check(a netip.Addr) error {
	a = a.WithZone("")
	for _, p := range g.allow {
		if p.Contains(a) || p.Contains(a.Unmap()) {
			return nil
		}
	}
	if what := deniedWhat(a); what != "" {
		return &DeniedAddressError{Addr: a, What: what}
	}
	return nil
}

// control is a net.Dialer Control hook. The dialer calls it for every
// address it is about to connect to, after DNS resolution, so a host name
// that resolves (or is rebound) to a private address is refused too. An
// address that does not parse is refused.
func (g addressGuard) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: cannot check address %q of %s: %w", ErrDeniedAddress, address, network, err)
	}
	return g.check(ap.Addr())
}
