package websub_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/govfeed/govfeed/publish/websub"
)

// externalHub records publish notifications.
type externalHub struct {
	srv    *httptest.Server
	status int

	mu    sync.Mutex
	forms []url.Values
	types []string
}

func newExternalHub(t *testing.T, status int) *externalHub {
	t.Helper()
	x := &externalHub{status: status}
	x.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		x.mu.Lock()
		x.forms = append(x.forms, r.PostForm)
		x.types = append(x.types, r.Header.Get("Content-Type"))
		x.mu.Unlock()
		if x.status != http.StatusNoContent {
			http.Error(w, "hub says no", x.status)
			return
		}
		w.WriteHeader(x.status)
	}))
	t.Cleanup(x.srv.Close)
	return x
}

// received returns the forms and content types received so far.
func (x *externalHub) received() ([]url.Values, []string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	return append([]url.Values(nil), x.forms...), append([]string(nil), x.types...)
}

func TestPing(t *testing.T) {
	x := newExternalHub(t, http.StatusNoContent)
	if err := websub.Ping(t.Context(), x.srv.Client(), x.srv.URL, topicA, topicB); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	want := []url.Values{
		{"hub.mode": {"publish"}, "hub.url": {topicA}},
		{"hub.mode": {"publish"}, "hub.url": {topicB}},
	}
	forms, types := x.received()
	if d := cmp.Diff(want, forms); d != "" {
		t.Errorf("forms received (-want +got):\n%s", d)
	}
	for i, ct := range types {
		if ct != "application/x-www-form-urlencoded" {
			t.Errorf("request %d: Content-Type %q, want application/x-www-form-urlencoded", i, ct)
		}
	}
}

func TestPingErrors(t *testing.T) {
	refusing := newExternalHub(t, http.StatusBadRequest)
	ok := newExternalHub(t, http.StatusNoContent)
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := map[string]struct {
		ctx      context.Context
		hub      string
		wantText []string // substrings of the error
		wantSent int      // requests the hub received
		x        *externalHub
	}{
		"hub refuses": {context.Background(), refusing.srv.URL, []string{refusing.srv.URL, "400", "hub says no", topicA, topicB}, 2, refusing},
		"not a URL":   {context.Background(), "ftp://hub.example/", []string{"ftp://hub.example/"}, 0, ok},
		"canceled":    {canceled, ok.srv.URL, []string{"context canceled", topicA}, 0, ok},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			forms, _ := tc.x.received()
			before := len(forms)
			err := websub.Ping(tc.ctx, tc.x.srv.Client(), tc.hub, topicA, topicB)
			if err == nil {
				t.Fatal("Ping succeeded, want an error")
			}
			for _, s := range tc.wantText {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not mention %q", err, s)
				}
			}
			forms, _ = tc.x.received()
			sent := len(forms) - before
			if sent != tc.wantSent {
				t.Errorf("hub received %d requests, want %d", sent, tc.wantSent)
			}
		})
	}
}

func TestPingNoTopics(t *testing.T) {
	x := newExternalHub(t, http.StatusNoContent)
	if err := websub.Ping(t.Context(), x.srv.Client(), x.srv.URL); err != nil {
		t.Errorf("Ping without topics: %v", err)
	}
	if forms, _ := x.received(); len(forms) != 0 {
		t.Errorf("hub received %d requests, want none", len(forms))
	}
}
