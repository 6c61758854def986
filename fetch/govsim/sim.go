package govsim

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options configure a Sim. The zero value is ready to use.
type Options struct {
	// Now stamps the articles AddArticle makes; nil means time.Now.
	Now func() time.Time
	// Slow is how long the Slow scenario takes to send one body; default
	// 10s.
	Slow time.Duration
}

// Sim serves the imitated sites. It is safe for concurrent use.
type Sim struct {
	now   func() time.Time
	slow  time.Duration
	sites map[string]*site

	mu        sync.Mutex // guards the fields below and the sites' added articles
	scenarios map[string]Scenario
	requests  map[string]int
}

// New returns a Sim serving every embedded site. It panics if the
// embedded fixtures are malformed, which the package's tests rule out.
func New(o Options) *Sim {
	sites, err := loadSites()
	if err != nil {
		panic("govsim: " + err.Error())
	}
	s := &Sim{
		now: o.Now, slow: o.Slow, sites: sites,
		scenarios: map[string]Scenario{}, requests: map[string]int{},
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.slow <= 0 {
		s.slow = 10 * time.Second
	}
	return s
}

// Hosts returns every host the Sim serves, sorted.
func (s *Sim) Hosts() []string {
	return slices.Sorted(maps.Keys(s.sites))
}

// SetScenario switches host into sc; ScenarioNone restores normal service.
func (s *Sim) SetScenario(host string, sc Scenario) {
	s.mu.Lock()
	defer s.mu.Unlock()
	host = strings.ToLower(host)
	if sc == ScenarioNone {
		delete(s.scenarios, host)
		return
	}
	s.scenarios[host] = sc
}

// Requests returns how many requests reached host+path, path as the
// client sent it without the query: Requests("www.gov.cn/zhengce/zuixin/").
// Every request counts, whatever it was answered with.
func (s *Sim) Requests(hostPath string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[hostPath]
}

// AddArticle publishes a new article at the top of host's main column,
// below pinned entries, dated Options.Now, and returns its URL. Every view
// of the column lists it, so their ETags change. It returns "" for a host
// without a column.
func (s *Sim) AddArticle(host string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.sites[strings.ToLower(host)]
	if st == nil || st.newSpec == nil {
		return ""
	}
	spec := st.newSpec
	st.added++
	n := st.added
	t := s.now().In(beijing).Truncate(time.Second)
	sum := sha256.Sum256([]byte(st.host + "/" + strconv.Itoa(n)))
	r := strings.NewReplacer(
		"{N}", strconv.Itoa(n), "{ID}", strconv.Itoa(spec.FirstID+n), "{HEX}", hex.EncodeToString(sum[:16]),
		"{YYYY}", t.Format("2006"), "{MM}", t.Format("01"), "{DD}", t.Format("02"),
		"{M}", strconv.Itoa(int(t.Month())), "{D}", strconv.Itoa(t.Day()),
	)
	a := &article{
		path: r.Replace(spec.Path), template: spec.Template, title: r.Replace(spec.Title),
		time: t, source: spec.Source, author: spec.Author, column: spec.PageColumn, id: strconv.Itoa(spec.FirstID + n),
	}
	for _, p := range spec.Paras {
		a.paras = append(a.paras, r.Replace(p))
	}
	st.articles[cleanPath(a.path)] = a
	href := a.path
	if spec.Href != "" {
		href = r.Replace(spec.Href)
	}
	st.columns[spec.Column].insert(&entry{article: a, href: href})
	return "http://" + st.host + a.path
}

// response is an answer before it is written.
type response struct {
	status       int
	contentType  string
	header       http.Header // extra headers
	body         []byte
	list         bool // a list view: ETag and conditional GET
	lastModified time.Time
	utf8         bool // an HTML body in UTF-8 (LyingHeader applies)
}

// ServeHTTP answers r as the site named by its Host header would.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	host := strings.ToLower(r.Host)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	s.mu.Lock()
	s.requests[host+r.URL.Path]++
	sc := s.scenarios[host]
	resp, err := s.respond(host, sc, r)
	s.mu.Unlock()
	if err != nil {
		http.Error(w, "govsim: "+err.Error(), http.StatusInternalServerError)
		return
	}
	s.write(w, r, sc, resp)
}

// respond builds the answer to r; s.mu is held.
func (s *Sim) respond(host string, sc Scenario, r *http.Request) (*response, error) {
	st := s.sites[host]
	if st == nil {
		return &response{status: http.StatusMisdirectedRequest, contentType: "text/plain; charset=utf-8",
			body: []byte("govsim does not serve host " + host + "\n")}, nil
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return &response{status: http.StatusMethodNotAllowed, contentType: "text/plain; charset=utf-8",
			header: http.Header{"Allow": {"GET, HEAD"}}, body: []byte("method not allowed\n")}, nil
	}
	switch {
	case sc == Blocked403:
		return st.page(http.StatusForbidden, "blocked403.html.tmpl", r)
	case sc == Challenge412 && !passes(r, host):
		resp, err := st.page(http.StatusPreconditionFailed, "challenge412.html.tmpl", r)
		if err == nil {
			c := &http.Cookie{Name: challengeCookie, Value: challengeValue(host), Path: "/", HttpOnly: true}
			resp.header = http.Header{"Set-Cookie": {c.String()}}
		}
		return resp, err
	}
	for _, rd := range st.redirects {
		if strings.HasPrefix(r.URL.Path, rd.Prefix) {
			return &response{status: http.StatusMovedPermanently, contentType: "text/html; charset=UTF-8",
				header: http.Header{"Location": {rd.To + r.URL.RequestURI()}},
				body:   []byte("<html><body>301 Moved Permanently</body></html>\n")}, nil
		}
	}
	resp, err := st.route(cleanPath(r.URL.Path), r, sc)
	if err != nil || resp != nil {
		return resp, err
	}
	return st.page(http.StatusNotFound, "notfound.html.tmpl", r)
}

// route finds what serves p: a list view, an article, a static file or
// the home page; nil when nothing does.
func (st *site) route(p string, r *http.Request, sc Scenario) (*response, error) {
	q := r.URL.Query()
	for _, v := range st.views {
		if sc == Redesign && !v.Feed && p == v.Redesign {
			return st.renderRedesign(v, p, true)
		}
		i, ok := v.pageOf(p, q, v.pages(len(st.columns[v.Column].entries)))
		if !ok {
			continue
		}
		switch {
		case sc == Redesign && v.Feed:
			return nil, nil
		case sc == Redesign:
			return st.renderRedesign(v, p, false)
		}
		return st.renderList(v, p, i, sc)
	}
	if a := st.articles[p]; a != nil {
		return st.renderArticle(a, sc)
	}
	if f, ok := st.files[p]; ok {
		return &response{status: 200, contentType: f.contentType, body: f.body}, nil
	}
	if p == "/" || p == "/index.html" || p == "/index.shtml" || p == "/index.htm" {
		return st.page(http.StatusOK, "home.html.tmpl", r)
	}
	return nil, nil
}

// page renders one of the common pages (home, 404, 403, 412).
func (st *site) page(status int, name string, r *http.Request) (*response, error) {
	type viewLink struct{ Name, Path string }
	d := struct {
		Host, Path string
		Views      []viewLink
	}{Host: st.host, Path: r.URL.Path}
	for _, v := range st.views {
		if !v.Feed {
			d.Views = append(d.Views, viewLink{st.columns[v.Column].name, v.path})
		}
	}
	body, err := st.exec(name, d)
	if err != nil {
		return nil, err
	}
	return &response{status: status, contentType: "text/html; charset=UTF-8", body: body, utf8: true}, nil
}

// gzipMin is the least body size worth compressing.
const gzipMin = 1024

// write sends resp: the scenario's header lie, validators and conditional
// answers for lists, gzip when asked for, and the Slow drip.
func (s *Sim) write(w http.ResponseWriter, r *http.Request, sc Scenario, resp *response) {
	h := w.Header()
	for k, vs := range resp.header {
		h[k] = vs
	}
	typ := resp.contentType
	if sc == LyingHeader && resp.utf8 && strings.HasPrefix(typ, "text/html") {
		typ = "text/html; charset=ISO-8859-1"
	}
	h.Set("Content-Type", typ)
	h.Set("Server", "govsim")
	body, status := resp.body, resp.status
	if resp.list && status == http.StatusOK {
		sum := sha256.Sum256(body)
		etag := `"` + hex.EncodeToString(sum[:8]) + `"`
		h.Set("ETag", etag)
		if !resp.lastModified.IsZero() {
			h.Set("Last-Modified", resp.lastModified.UTC().Format(http.TimeFormat))
		}
		if notModified(r, etag, resp.lastModified) {
			h.Del("Content-Type")
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	if sc != Slow && len(body) >= gzipMin && acceptsGzip(r) {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		_, _ = zw.Write(body)
		_ = zw.Close()
		body = b.Bytes()
		h.Set("Content-Encoding", "gzip")
		h.Add("Vary", "Accept-Encoding")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	switch {
	case r.Method == http.MethodHead:
	case sc == Slow:
		drip(r.Context(), w, body, s.slow)
	default:
		_, _ = w.Write(body)
	}
}

// notModified applies If-None-Match, else If-Modified-Since.
func notModified(r *http.Request, etag string, modified time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for t := range strings.SplitSeq(inm, ",") {
			t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
			if t == etag || t == "*" {
				return true
			}
		}
		return false
	}
	ims, err := http.ParseTime(r.Header.Get("If-Modified-Since"))
	return err == nil && !modified.IsZero() && !modified.Truncate(time.Second).After(ims)
}

func acceptsGzip(r *http.Request) bool {
	for t := range strings.SplitSeq(r.Header.Get("Accept-Encoding"), ",") {
		name, q, _ := strings.Cut(strings.TrimSpace(t), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}
