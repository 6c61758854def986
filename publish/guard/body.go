package guard

import "net/http"

// DefaultMaxBodyBytes is MaxBody's limit when given none.
const DefaultMaxBodyBytes = 64 << 10

// MaxBody returns next behind a cap of limit bytes on the request body
// (<= 0 means DefaultMaxBodyBytes). A request that announces a larger
// Content-Length is answered 413 Request Entity Too Large without calling
// next; for one that does not (chunked), next reads through
// http.MaxBytesReader and gets an *http.MaxBytesError past the limit, and
// the connection is closed after the answer.
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
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}
