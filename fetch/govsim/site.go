package govsim

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"mime"
	"net/url"
	"path"
	"strings"
	"text/template"
	"time"
)

//go:embed sites
var sitesFS embed.FS

// beijing is China Standard Time. China has kept UTC+8 without daylight
// saving since 1991, so a fixed zone is exact for every fixture date and
// needs no tzdata.
var beijing = time.FixedZone("CST", 8*3600)

// siteFile is sites/<host>/site.json: one imitated host.
type siteFile struct {
	Host      string         `json:"host"`
	Family    string         `json:"family"` // F1…F6 of GOVSITES §6, for ordering
	Redirects []redirectFile `json:"redirects"`
	Columns   []columnFile   `json:"columns"`
	Views     []viewFile     `json:"views"`
	Articles  []articleFile  `json:"articles"`
	New       *newFile       `json:"new"`
	Sources   []SourceSpec   `json:"sources"`
}

// redirectFile sends every path under Prefix to the same path on To (a
// scheme and host) with 301.
type redirectFile struct {
	Prefix string `json:"prefix"`
	To     string `json:"to"`
}

// columnFile is a CMS column: the ordered entries its list views show.
type columnFile struct {
	ID      string      `json:"id"`
	Name    string      `json:"name"`
	Entries []entryFile `json:"entries"`
}

// entryFile is one row of a column.
type entryFile struct {
	Article string `json:"article"` // path of an article of this host; empty for a foreign link
	Href    string `json:"href"`    // the link as the list writes it; default: the article's path
	Title   string `json:"title"`   // list title; default: the article's title
	Date    string `json:"date"`    // list date; default: the article's date
	Pinned  bool   `json:"pinned"`  // stays on top when articles are added
}

// viewFile is one URL that renders a column: an HTML list, a dataproxy.jsp
// batch, an RSS feed or a JSON API.
type viewFile struct {
	// Path selects the view: a path, and optionally query parameters the
	// request must carry with the same values.
	Path     string   `json:"path"`
	Aliases  []string `json:"aliases"` // more paths serving page 0
	Column   string   `json:"column"`
	Template string   `json:"template"`
	Type     string   `json:"type"` // Content-Type; default text/html; charset=UTF-8
	PageSize int      `json:"pageSize"`
	// Later pages live at fmt.Sprintf(PagePath, index+PageOffset), or
	// are selected by the query parameter PageParam (index = value -
	// PageBase; absent = index 0).
	PagePath   string `json:"pagePath"`
	PageOffset int    `json:"pageOffset"`
	PageParam  string `json:"pageParam"`
	PageBase   int    `json:"pageBase"`
	// MaxPages caps the pages served (0: as many as the entries fill);
	// Declared is the page count a TRS pager claims.
	MaxPages int `json:"maxPages"`
	Declared int `json:"declared"`
	// Feed marks a non-HTML view (JSON, RSS, dataproxy), which answers
	// 404 under Redesign instead of moving.
	Feed bool `json:"feed"`
	// Redesign is where an HTML list moves under the Redesign scenario;
	// default <dir>/v2/.
	Redesign string `json:"redesign"`
}

// articleFile is one article page.
type articleFile struct {
	Path        string           `json:"path"`
	Aliases     []string         `json:"aliases"`
	Template    string           `json:"template"`
	Title       string           `json:"title"`
	Date        string           `json:"date"` // Beijing time: 2006-01-02[ 15:04[:05]]; empty: none shown
	Source      string           `json:"source"`
	Author      string           `json:"author"`
	Keywords    string           `json:"keywords"`
	DocNo       string           `json:"docNo"`  // document or index number
	Column      string           `json:"column"` // the column the page names (gov.cn lanmu)
	ID          string           `json:"id"`     // CMS id (gov.cn manuscriptId, gkmlpt id)
	Summary     string           `json:"summary"`
	Paras       []string         `json:"paras"` // body paragraphs, HTML
	Attachments []attachmentFile `json:"attachments"`
	Charset     string           `json:"charset"` // "gb2312"; empty = UTF-8
	Type        string           `json:"type"`    // Content-Type override
}

// attachmentFile is a document linked from an article body.
type attachmentFile struct {
	Href string `json:"href"`
	Name string `json:"name"`
}

// newFile says how AddArticle makes an article for this host. In Path,
// Title and Paras, {N} is the article's number on this host (1, 2, …),
// {ID} is FirstID+N, {HEX} a 32-hex id, {YYYY} {MM} {DD} {M} {D} the date.
type newFile struct {
	Column   string `json:"column"`
	Template string `json:"template"`
	Path     string `json:"path"`
	Href     string `json:"href"` // as the list writes it; default Path
	Title    string `json:"title"`
	Source   string `json:"source"`
	Author   string `json:"author"`
	// PageColumn is the column name the article page shows (articleFile.Column).
	PageColumn string   `json:"pageColumn"`
	Paras      []string `json:"paras"`
	FirstID    int      `json:"firstId"`
}

// loadSites reads every sites/<host>/site.json with its templates and
// static files. The fixtures are part of the package, so an error here is
// a bug in them.
func loadSites() (map[string]*site, error) {
	dirs, err := fs.ReadDir(sitesFS, "sites")
	if err != nil {
		return nil, fmt.Errorf("read embedded sites: %w", err)
	}
	sites := map[string]*site{}
	for _, d := range dirs {
		if !d.IsDir() || d.Name() == "common" {
			continue
		}
		s, err := loadSite(d.Name())
		if err != nil {
			return nil, err
		}
		sites[s.host] = s
	}
	return sites, nil
}

func loadSite(dir string) (*site, error) {
	name := path.Join("sites", dir, "site.json")
	raw, err := sitesFS.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	var f siteFile
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if f.Host != dir {
		return nil, fmt.Errorf("%s: host %q does not match its directory", name, f.Host)
	}
	tmpl, err := template.New(dir).Funcs(funcs).ParseFS(sitesFS, "sites/common/*.tmpl")
	if err != nil {
		return nil, fmt.Errorf("parse common templates: %w", err)
	}
	if ms, _ := fs.Glob(sitesFS, path.Join("sites", dir, "*.tmpl")); len(ms) > 0 {
		if tmpl, err = tmpl.ParseFS(sitesFS, ms...); err != nil {
			return nil, fmt.Errorf("parse templates of %s: %w", dir, err)
		}
	}
	s := &site{
		host:      f.Host,
		family:    f.Family,
		tmpl:      tmpl,
		redirects: f.Redirects,
		columns:   map[string]*column{},
		articles:  map[string]*article{},
		files:     map[string]staticFile{},
		newSpec:   f.New,
		sources:   f.Sources,
	}
	if err := s.load(f); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := s.loadFiles(path.Join("sites", dir, "files")); err != nil {
		return nil, err
	}
	return s, nil
}

// load builds the site's articles, columns and views from its file.
func (s *site) load(f siteFile) error {
	for _, af := range f.Articles {
		a, err := s.newArticle(af)
		if err != nil {
			return err
		}
		for _, p := range append([]string{af.Path}, af.Aliases...) {
			if _, dup := s.articles[p]; dup {
				return fmt.Errorf("article path %s listed twice", p)
			}
			s.articles[p] = a
		}
	}
	for _, cf := range f.Columns {
		c := &column{id: cf.ID, name: cf.Name}
		for _, ef := range cf.Entries {
			e, err := s.newEntry(ef)
			if err != nil {
				return fmt.Errorf("column %s: %w", cf.ID, err)
			}
			c.entries = append(c.entries, e)
		}
		s.columns[cf.ID] = c
		s.columnOrder = append(s.columnOrder, cf.ID)
	}
	for _, vf := range f.Views {
		v, err := s.newView(vf)
		if err != nil {
			return err
		}
		s.views = append(s.views, v)
	}
	if n := f.New; n != nil {
		if s.columns[n.Column] == nil || s.tmpl.Lookup(n.Template) == nil {
			return fmt.Errorf("new: unknown column %q or template %q", n.Column, n.Template)
		}
	}
	return nil
}

func (s *site) newArticle(af articleFile) (*article, error) {
	var t time.Time // an article may show no date at all
	if af.Date != "" {
		var err error
		if t, err = parseDate(af.Date); err != nil {
			return nil, fmt.Errorf("article %s: %w", af.Path, err)
		}
	}
	if s.tmpl.Lookup(af.Template) == nil {
		return nil, fmt.Errorf("article %s: no template %q", af.Path, af.Template)
	}
	if af.Charset != "" && af.Charset != "gb2312" {
		return nil, fmt.Errorf("article %s: charset %q is not gb2312", af.Path, af.Charset)
	}
	return &article{
		path: af.Path, template: af.Template, title: af.Title, time: t,
		source: af.Source, author: af.Author, keywords: af.Keywords, docNo: af.DocNo, column: af.Column,
		id: af.ID, summary: af.Summary, paras: af.Paras, attachments: af.Attachments,
		charset: af.Charset, contentType: af.Type,
	}, nil
}

func (s *site) newEntry(ef entryFile) (*entry, error) {
	e := &entry{href: ef.Href, title: ef.Title, pinned: ef.Pinned}
	if ef.Article != "" {
		e.article = s.articles[ef.Article]
		if e.article == nil {
			return nil, fmt.Errorf("entry names unknown article %s", ef.Article)
		}
		if e.href == "" {
			e.href = ef.Article
		}
	}
	if e.article == nil && (e.href == "" || e.title == "") {
		return nil, fmt.Errorf("foreign entry %q needs href and title", ef.Href)
	}
	if ef.Date == "" && (e.article == nil || e.article.time.IsZero()) {
		return nil, fmt.Errorf("entry %s needs a date: its article shows none", e.href)
	}
	if ef.Date != "" {
		t, err := parseDate(ef.Date)
		if err != nil {
			return nil, fmt.Errorf("entry %s: %w", e.href, err)
		}
		e.date = t
	}
	return e, nil
}

func (s *site) newView(vf viewFile) (*view, error) {
	u, err := url.Parse(vf.Path)
	if err != nil {
		return nil, fmt.Errorf("view %s: %w", vf.Path, err)
	}
	if s.columns[vf.Column] == nil {
		return nil, fmt.Errorf("view %s: unknown column %q", vf.Path, vf.Column)
	}
	if s.tmpl.Lookup(vf.Template) == nil {
		return nil, fmt.Errorf("view %s: no template %q", vf.Path, vf.Template)
	}
	v := &view{viewFile: vf, path: u.Path, query: u.Query()}
	if v.Type == "" {
		v.Type = "text/html; charset=UTF-8"
	}
	if v.Redesign == "" && !v.Feed {
		dir := v.path
		if !strings.HasSuffix(dir, "/") {
			dir = path.Dir(dir) + "/"
		}
		v.Redesign = dir + "v2/"
	}
	return v, nil
}

// loadFiles registers the static files under dir (attachments) by their
// path below it.
func (s *site) loadFiles(dir string) error {
	if _, err := fs.Stat(sitesFS, dir); err != nil {
		return nil // no static files
	}
	return fs.WalkDir(sitesFS, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := sitesFS.ReadFile(p)
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		typ := mime.TypeByExtension(path.Ext(p))
		if typ == "" {
			typ = "application/octet-stream"
		}
		s.files[strings.TrimPrefix(p, dir)] = staticFile{body: body, contentType: typ}
		return nil
	})
}

// dateLayouts are the forms of fixture dates, all Beijing time.
var dateLayouts = []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"}

func parseDate(s string) (time.Time, error) {
	for _, l := range dateLayouts {
		if t, err := time.ParseInLocation(l, s, beijing); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("date %q is not one of %v", s, dateLayouts)
}
