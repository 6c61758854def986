package guard

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
)

const testToken = "0123456789abcdef0123456789abcdef"

// triggers records the calls of an Admin trigger and answers with err.
type triggers struct {
	mu  sync.Mutex
	ids []string
	err error
}

func (tr *triggers) trigger(_ context.Context, id string) error {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.ids = append(tr.ids, id)
	return tr.err
}

func (tr *triggers) calls() []string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return append([]string(nil), tr.ids...)
}

// adminServer mounts Admin as cmd/govfeed does, beside a public route.
func adminServer(t *testing.T, token string, tr *triggers) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/admin/", Admin(token, tr.trigger))
	mux.HandleFunc("GET /feed.atom", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "feed") })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// send makes one request and returns the response with its body read.
func send(t *testing.T, method, url, auth string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestAdminToken(t *testing.T) {
	tests := map[string]struct {
		method, path, auth string
		triggerErr         error
		want               int
		wantChallenge      string // WWW-Authenticate
		wantCalls          []string
	}{
		"no token":              {"POST", "/admin/fetch/sc-jrsc", "", nil, 401, `Bearer realm="govfeed"`, nil},
		"wrong token":           {"POST", "/admin/fetch/sc-jrsc", "Bearer 0123456789abcdef0123456789abcdeX", nil, 401, `Bearer realm="govfeed", error="invalid_token"`, nil},
		"token prefix":          {"POST", "/admin/fetch/sc-jrsc", "Bearer " + testToken[:16], nil, 401, `error="invalid_token"`, nil},
		"token plus more":       {"POST", "/admin/fetch/sc-jrsc", "Bearer " + testToken + "0", nil, 401, `error="invalid_token"`, nil},
		"empty bearer":          {"POST", "/admin/fetch/sc-jrsc", "Bearer ", nil, 401, `error="invalid_token"`, nil},
		"basic scheme":          {"POST", "/admin/fetch/sc-jrsc", "Basic " + testToken, nil, 401, `error="invalid_token"`, nil},
		"token alone":           {"POST", "/admin/fetch/sc-jrsc", testToken, nil, 401, `error="invalid_token"`, nil},
		"right token":           {"POST", "/admin/fetch/sc-jrsc", "Bearer " + testToken, nil, 202, "", []string{"sc-jrsc"}},
		"scheme in any case":    {"POST", "/admin/fetch/cq-jrcq", "bEaReR " + testToken, nil, 202, "", []string{"cq-jrcq"}},
		"GET is not allowed":    {"GET", "/admin/fetch/sc-jrsc", "Bearer " + testToken, nil, 405, "", nil},
		"unknown admin path":    {"POST", "/admin/purge", "Bearer " + testToken, nil, 404, "", nil},
		"unknown path, no auth": {"POST", "/admin/purge", "", nil, 401, `Bearer realm="govfeed"`, nil},
		"unknown source":        {"POST", "/admin/fetch/nope", "Bearer " + testToken, fmt.Errorf("trigger: %w", ErrUnknownSource), 404, "", []string{"nope"}},
		"busy source":           {"POST", "/admin/fetch/sc-jrsc", "Bearer " + testToken, fmt.Errorf("trigger: %w", ErrBusy), 409, "", []string{"sc-jrsc"}},
		"trigger fails":         {"POST", "/admin/fetch/sc-jrsc", "Bearer " + testToken, errors.New("scheduler stopped"), 500, "", []string{"sc-jrsc"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			tr := &triggers{err: tc.triggerErr}
			srv := adminServer(t, testToken, tr)
			resp, body := send(t, tc.method, srv.URL+tc.path, tc.auth)
			if resp.StatusCode != tc.want {
				t.Errorf("status = %d (%q), want %d", resp.StatusCode, body, tc.want)
			}
			if got := resp.Header.Get("WWW-Authenticate"); !strings.Contains(got, tc.wantChallenge) || (tc.wantChallenge == "") != (got == "") {
				t.Errorf("WWW-Authenticate = %q, want %q", got, tc.wantChallenge)
			}
			if got := resp.Header.Get("Cache-Control"); got != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store", got)
			}
			if got := tr.calls(); !slices.Equal(got, tc.wantCalls) {
				t.Errorf("trigger calls = %q, want %q", got, tc.wantCalls)
			}
		})
	}
}

func TestAdminOffWithoutToken(t *testing.T) {
	tr := &triggers{}
	srv := adminServer(t, "", tr)
	for _, auth := range []string{"", "Bearer ", "Bearer " + testToken, "Bearer  "} {
		for _, path := range []string{"/admin/fetch/sc-jrsc", "/admin/"} {
			resp, body := send(t, http.MethodPost, srv.URL+path, auth)
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("POST %s with %q = %d (%q), want 404", path, auth, resp.StatusCode, body)
			}
		}
	}
	if resp, _ := send(t, http.MethodGet, srv.URL+"/feed.atom", ""); resp.StatusCode != http.StatusOK {
		t.Errorf("GET /feed.atom = %d, want 200: the public routes stay", resp.StatusCode)
	}
	if c := tr.calls(); len(c) != 0 {
		t.Errorf("trigger called %q with the admin endpoints off", c)
	}
}

func TestRequireTokenPassesThrough(t *testing.T) {
	h := RequireToken(testToken, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	}))
	for auth, want := range map[string]int{"": 401, "Bearer nope": 401, "Bearer " + testToken: 418} {
		req := httptest.NewRequest(http.MethodPost, "/anything", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("Authorization %q: status %d, want %d", auth, rec.Code, want)
		}
	}
}

// TestTokenComparisonIsConstantTime reads auth.go: bearer.matches must
// compare with crypto/subtle.ConstantTimeCompare, and may use == or != only
// on that call's result; no other comparison function may touch the token.
func TestTokenComparisonIsConstantTime(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "auth.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var fn *ast.FuncDecl
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == "matches" {
			fn = fd
		}
	}
	if fn == nil {
		t.Fatal("auth.go has no func matches")
	}
	isCTC := func(e ast.Expr) bool {
		call, ok := e.(*ast.CallExpr)
		if !ok {
			return false
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		return ok && sel.Sel.Name == "ConstantTimeCompare" && fmt.Sprint(sel.X) == "subtle"
	}
	found := false
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if isCTC(n) {
				found = true
			}
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok {
				switch sel.Sel.Name {
				case "Equal", "Compare", "DeepEqual", "HasPrefix", "Contains":
					t.Errorf("matches calls %s.%s, which is not constant-time", sel.X, sel.Sel.Name)
				case "EqualFold": // allowed for the scheme against a literal only
					if len(n.Args) != 2 || !isLit(n.Args[0]) && !isLit(n.Args[1]) {
						t.Errorf("matches calls EqualFold on two variables")
					}
				}
			}
		case *ast.BinaryExpr:
			if (n.Op == token.EQL || n.Op == token.NEQ) && !isCTC(n.X) && !isCTC(n.Y) {
				t.Errorf("matches compares with %s outside ConstantTimeCompare", n.Op)
			}
		}
		return true
	})
	if !found {
		t.Error("matches does not call subtle.ConstantTimeCompare")
	}
}

func isLit(e ast.Expr) bool { _, ok := e.(*ast.BasicLit); return ok }
