package guard

import "net/http"

// DefaultMaxBodyBytes is MaxBody's limit when given none.
const DefaultMaxBodyBytes = 64 << 10

// MaxBody returns next behind a cap of limit bytes on the request body
// (<= 0 means DefaultMaxBodyBytes). A request that announces a larger
// Content-Length is answered 413 Request Entity Too Large without calling
// next; for one that does not (chunked), next reads through
// http.MaxBytesReader and gets an *http.MaxBytesError past the limit, and
// the connection is closed after the answer. A request without a body
// (net/http's NoBody, as for every GET) passes untouched.
func MaxBody(limit int64, next http.Handler) http.Handler {
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > limit {
			w.Header().Set("Connection", "close")
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		if r.Body != nil && r.Body != http.NoBody { // a GET has none: nothing to cap
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		next.ServeHTTP(w, r)
	})
}
