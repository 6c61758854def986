package page

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/govfeed/govfeed/data"
)

// Headers of every page response.
const (
	// csp allows nothing but the page's own stylesheet (and images, should
	// one be added): no script, no inline style, no frames, no foreign
	// form targets.
	csp = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; " +
		"base-uri 'none'; frame-ancestors 'none'"
	// staticCache lets browsers keep the stylesheet; its URL carries a hash
	// of its content, so a new version is a new URL.
	staticCache = "public, max-age=31536000, immutable"
	// readTimeout bounds the store queries of one page view.
	readTimeout = 10 * time.Second
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Store is what the page reads from the item store.
type Store interface {
	// Recent returns stored items newest first: q.Text is the search,
	// q.SourceIDs the filter, q.Limit the number.
	Recent(ctx context.Context, q data.Query) ([]data.Item, error)
	// States returns the fetch state of every source the store knows.
	States(ctx context.Context) ([]data.SourceState, error)
}

// Options configure a Page.
type Options struct {
	// Title heads the page; empty means "govfeed".
	Title string
	// BaseURL is the public URL of the server (https://feeds.example.org),
	// shown so readers can copy absolute feed URLs. Links themselves are
	// relative to the page. Optional.
	BaseURL string
	// Sources returns the configured sources, in configuration order. It is
	// called on every request, so a reloaded configuration shows at once.
	// Nil means none.
	Sources func() []data.Source
	// NextRun returns when the scheduler will next fetch a source (zero if
	// unknown). Nil hides the column's times.
	NextRun func(sourceID string) time.Time
	// ItemCounts returns the number of stored items per source id. Nil
	// hides the counts.
	ItemCounts func(ctx context.Context) (map[string]int, error)
	// Logger receives read and render failures; nil discards them.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Page serves the web page. It is safe for concurrent use.
type Page struct {
	opts   Options
	store  Store
	log    *slog.Logger
	now    func() time.Time
	loc    *time.Location
	tmpl   *template.Template
	static map[string]asset // by path under /static/
	cssURL string           // the stylesheet's URL relative to the page
}

// asset is one embedded static file.
type asset struct {
	body        []byte
	etag        string
	contentType string
}

// New returns the page of st configured by o.
func New(o Options, st Store) *Page {
	p := &Page{opts: o, store: st, log: o.Logger, now: o.Now, loc: beijing()}
	if p.opts.Title == "" {
		p.opts.Title = "govfeed"
	}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	if p.now == nil {
		p.now = time.Now
	}
	// The templates and stylesheet are compiled into the binary: a failure
	// here is a programming error that every test catches.
	p.tmpl = template.Must(template.ParseFS(templateFS, "templates/*.html"))
	css, err := fs.ReadFile(staticFS, "static/style.css")
	if err != nil {
		panic("page: embedded stylesheet missing: " + err.Error())
	}
	sum := sha256.Sum256(css)
	tag := hex.EncodeToString(sum[:8])
	p.static = map[string]asset{
		"style.css": {body: css, etag: strconv.Quote(tag), contentType: "text/css; charset=utf-8"},
	}
	p.cssURL = "static/style.css?v=" + tag
	return p
}

// Handler returns the routes of the page: GET (and HEAD) / and
// /static/style.css.
func (p *Page) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", p.serveIndex)
	mux.HandleFunc("GET /static/", p.serveStatic)
	return mux
}

// serveIndex renders the page for the request's q, source and tag.
func (p *Page) serveIndex(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), readTimeout)
	defer cancel()
	v, status := p.build(ctx, parseFilter(r.URL.Query()))
	var buf bytes.Buffer
	if err := p.tmpl.ExecuteTemplate(&buf, "page.html", v); err != nil {
		p.log.Error("render page", "url", r.URL.String(), "err", err)
		setSecurityHeaders(w.Header())
		http.Error(w, "page unavailable", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	setSecurityHeaders(h)
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes()) // a write error means the client has gone
	}
}

// serveStatic serves an embedded file under /static/.
func (p *Page) serveStatic(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/static/")
	a, ok := p.static[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("Cache-Control", staticCache)
	h.Set("ETag", a.etag)
	h.Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(a.body))
}

// setSecurityHeaders sets the headers that keep the page inert in a
// browser whatever it contains.
func setSecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
}
