package guard

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"
)

// Errors a trigger given to Admin may return (wrapped) to choose the
// answer: 404 and 409. Any other error is a 500.
var (
	ErrUnknownSource = errors.New("unknown source")
	ErrBusy          = errors.New("a fetch of the source is already running")
)

// realm is the protection space named in WWW-Authenticate.
const realm = `Bearer realm="govfeed"`

// bearer is a configured token, hashed, so that comparing a guess with it
// takes the same time whatever the guess and its length.
type bearer [sha256.Size]byte

// newBearer hashes token.
func newBearer(token string) bearer { return sha256.Sum256([]byte(token)) }

// matches reports whether an Authorization header value carries the token
// (RFC 6750 section 2.1: "Bearer" in any case, one space, the token).
func (b *bearer) matches(header string) bool {
	scheme, tok, _ := strings.Cut(header, " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(tok)))
	return subtle.ConstantTimeCompare(got[:], b[:]) == 1
}

// RequireToken passes to next only the requests that carry token as a
// bearer token; the others get 401 with a WWW-Authenticate challenge.
// With an empty token every request gets 404: the endpoints are off.
func RequireToken(token string, next http.Handler) http.Handler {
	if token == "" {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "no-store")
			http.NotFound(w, r)
		})
	}
	b := newBearer(token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		h := r.Header.Get("Authorization")
		if h == "" {
			w.Header().Set("WWW-Authenticate", realm)
			http.Error(w, "this endpoint needs a bearer token (Authorization: Bearer <server.token>)", http.StatusUnauthorized)
			return
		}
		if !b.matches(h) {
			w.Header().Set("WWW-Authenticate", realm+`, error="invalid_token"`)
			http.Error(w, "wrong bearer token", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Admin returns the handler of the admin endpoints, to be mounted at
// "/admin/":
//
//	POST /admin/fetch/{id}   fetch source id now: 202 Accepted
//
// Every request under /admin/ needs token as a bearer token (401 without
// it or with a wrong one); with an empty token the endpoints are off and
// answer 404. trigger is called with the request's context, which ends
// when the answer is written: it should start the fetch, not wait for it.
// A trigger error wrapping ErrUnknownSource answers 404, ErrBusy 409, any
// other 500.
func Admin(token string, trigger func(ctx context.Context, sourceID string) error) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /admin/fetch/{id}", func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		err := trigger(r.Context(), id)
		switch {
		case errors.Is(err, ErrUnknownSource):
			http.Error(w, "no source "+id, http.StatusNotFound)
		case errors.Is(err, ErrBusy):
			http.Error(w, "a fetch of "+id+" is already running", http.StatusConflict)
		case err != nil:
			http.Error(w, "fetch of "+id+" not started: "+err.Error(), http.StatusInternalServerError)
		default:
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusAccepted)
			_, _ = w.Write([]byte("fetch of " + id + " started\n"))
		}
	})
	return RequireToken(token, mux)
}
