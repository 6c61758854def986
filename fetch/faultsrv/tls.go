package faultsrv

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http/httptest"
	"sync/atomic"
	"time"
)

// Cert names one of the two certificates of a TLSUpstream.
type Cert int

// The certificates of a TLSUpstream: it starts with CertA.
const (
	CertA Cert = iota
	CertB
)

// TLSUpstream is a Server behind HTTPS with a self-signed certificate that
// no system trusts, and a second one to switch to mid-run, as a site does
// when it renews or replaces its certificate.
type TLSUpstream struct {
	*Upstream
	certs [2]tls.Certificate
	pools [2]*x509.CertPool
	cur   atomic.Int32 // the Cert new handshakes present
}

// StartTLS serves s over HTTPS (HTTP/1.1) at 127.0.0.1 on a free port,
// presenting CertA. Both certificates are made afresh for this server:
// self-signed, for 127.0.0.1, ::1 and localhost, valid for a day.
func (s *Server) StartTLS() (*TLSUpstream, error) {
	u := &TLSUpstream{}
	for i, name := range []string{"faultsrv A", "faultsrv B"} {
		cert, leaf, err := selfSigned(name)
		if err != nil {
			return nil, err
		}
		u.certs[i] = cert
		u.pools[i] = x509.NewCertPool()
		u.pools[i].AddCert(leaf)
	}
	ts := httptest.NewUnstartedServer(s)
	ts.TLS = &tls.Config{
		Certificates: []tls.Certificate{u.certs[CertA]},
		// Called on every handshake, with or without SNI (a client
		// dialling an IP sends none): it presents the current certificate.
		GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
			return &tls.Config{
				Certificates: []tls.Certificate{u.certs[u.cur.Load()]},
				NextProtos:   []string{"http/1.1"},
			}, nil
		},
	}
	// Refused handshakes are what this server is for: do not log them.
	ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	ts.StartTLS()
	u.Upstream = &Upstream{Server: ts, srv: s}
	return u, nil
}

// UseCert makes new handshakes present c and drops the open connections,
// so that the next request of every client handshakes again, as after a
// server restart.
func (u *TLSUpstream) UseCert(c Cert) {
	u.cur.Store(int32(c))
	u.CloseClientConnections()
}

// CertPool returns a pool that trusts c only, for a client's
// tls.Config.RootCAs.
func (u *TLSUpstream) CertPool(c Cert) *x509.CertPool { return u.pools[c] }

// selfSigned makes a self-signed ECDSA P-256 certificate for loopback.
func selfSigned(name string) (tls.Certificate, *x509.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("faultsrv: key for %s: %w", name, err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("faultsrv: serial for %s: %w", name, err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: name, Organization: []string{"govfeed faultsrv"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("faultsrv: certificate %s: %w", name, err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("faultsrv: parse certificate %s: %w", name, err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, leaf, nil
}
