// Package faultsrv is an upstream that fails on purpose, for tests and
// benchmarks: one URL path per fault a government site can show a feed
// reader, and paths that serve a good RSS feed and can be switched to any
// fault and back.
//
// The faults (see Fault) are: never answering; answering headers and then
// stalling; dripping one byte a second; resetting the connection mid-body;
// 500, 502, 503 and 429, with and without Retry-After; a redirect loop and
// redirects to another scheme (https to http, http to ftp); a 2 GiB body
// generated lazily; a gzip bomb; an endless chunked stream; a declared
// charset that differs from the bytes; an HTML page, an image or an empty
// 200 at a feed URL. StartTLS adds a self-signed HTTPS server whose
// certificate can be switched mid-run.
//
// Every request is counted per path (Hits), and so are the body bytes sent
// (Sent), so a test can show that a client backing off sent no request and
// that a client reading a 2 GiB body stopped early.
//
// Handlers that block (Hang, Stall, Drip, Huge, Endless) end when the
// client goes away or when the Server is closed; Upstream.Close does both
// in the right order.
package faultsrv
