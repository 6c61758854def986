package govsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// funcs are the template functions of the fixtures. text/template's own
// html, js and urlquery escape; these format dates and JSON.
var funcs = template.FuncMap{
	"date":  func(layout string, t time.Time) string { return t.In(beijing).Format(layout) },
	"unix":  func(t time.Time) int64 { return t.Unix() },
	"json":  jsonString,
	"cdata": func(s string) string { return strings.ReplaceAll(s, "]]>", "]]]]><![CDATA[>") },
	"add":   func(a, b int) int { return a + b },
}

// jsonString is v as JSON, for JSON APIs and inline scripts written by
// templates; CJK text and "<" stay as they are, as on the real sites.
func jsonString(v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// pageData is what a list template sees.
type pageData struct {
	Host, Path, URL string
	Column          string
	Entries         []entryData
	Total           int // entries in the column, on all pages
	Page, Pages     int // 0-based page index and page count
	Declared        int // page count a TRS pager claims
	// PageHrefs are the file names of every page (for pagers); Next is the
	// next page's, empty on the last page.
	PageHrefs []string
	Next      string
	// NewPath is where a redesigned list moved.
	NewPath string
}

// entryData is one list row as a template sees it.
type entryData struct {
	Href, URL, Title string
	Time             time.Time
	Article          *articleData // nil for a foreign link
}

// articleData is what an article template sees.
type articleData struct {
	Host, Path, URL, Title   string
	Time                     time.Time
	Source, Author, Keywords string
	DocNo, Column, ID        string
	Summary                  string
	Paras                    []string // HTML
	Attachments              []attachmentFile
}

// articleView returns a's template data as the scenario shows it.
func (s *site) articleView(a *article, sc Scenario) *articleData {
	title := a.title
	if sc == EditedTitle {
		title = edited(title)
	}
	return &articleData{
		Host: s.host, Path: a.path, URL: "http://" + s.host + a.path, Title: title, Time: a.time,
		Source: a.source, Author: a.author, Keywords: a.keywords, DocNo: a.docNo, Column: a.column, ID: a.id,
		Summary: a.summary, Paras: a.paras, Attachments: a.attachments,
	}
}

// renderArticle renders an article page in its encoding.
func (s *site) renderArticle(a *article, sc Scenario) (*response, error) {
	body, err := s.exec(a.template, s.articleView(a, sc))
	if err != nil {
		return nil, err
	}
	typ := a.contentType
	if a.charset == "gb2312" {
		if body, err = simplifiedchinese.GBK.NewEncoder().Bytes(body); err != nil {
			return nil, fmt.Errorf("encode %s as gb2312: %w", a.path, err)
		}
		if typ == "" {
			typ = "text/html; charset=GB2312"
		}
	}
	if typ == "" {
		typ = "text/html; charset=UTF-8"
	}
	return &response{status: 200, contentType: typ, body: body, utf8: a.charset == ""}, nil
}

// pageOf returns which page of v the request asks for, or false when the
// request is not for v.
func (v *view) pageOf(p string, q url.Values, pages int) (int, bool) {
	for k, want := range v.query {
		if q.Get(k) != want[0] {
			return 0, false
		}
	}
	if p == v.path || slices.Contains(v.Aliases, p) {
		if v.PageParam == "" || q.Get(v.PageParam) == "" {
			return 0, true
		}
		n, err := strconv.Atoi(q.Get(v.PageParam))
		if err != nil {
			return -1, true
		}
		return n - v.PageBase, true
	}
	if v.PagePath != "" {
		for i := 1; i < max(pages, v.Declared); i++ {
			if p == fmt.Sprintf(v.PagePath, i+v.PageOffset) {
				return i, true
			}
		}
	}
	return 0, false
}

// pages is the number of pages v has over entries.
func (v *view) pages(entries int) int {
	n := 1
	if v.PageSize > 0 && entries > v.PageSize {
		n = (entries + v.PageSize - 1) / v.PageSize
	}
	if v.MaxPages > 0 && n > v.MaxPages {
		n = v.MaxPages
	}
	return n
}

// pageHref is the file name of page i of v.
func (v *view) pageHref(i int) string {
	if i == 0 || v.PagePath == "" {
		return path.Base(v.path)
	}
	return path.Base(fmt.Sprintf(v.PagePath, i+v.PageOffset))
}

// renderList renders page i of v. It returns nil for a page v does not
// have.
func (s *site) renderList(v *view, reqPath string, i int, sc Scenario) (*response, error) {
	c := s.columns[v.Column]
	pages := v.pages(len(c.entries))
	if i < 0 || i >= pages {
		return nil, nil
	}
	lo, hi := 0, len(c.entries)
	if v.PageSize > 0 {
		lo, hi = i*v.PageSize, min((i+1)*v.PageSize, len(c.entries))
	}
	d := s.pageData(c, reqPath, v.path, c.entries[lo:hi], sc)
	d.Page, d.Pages, d.Declared = i, pages, max(v.Declared, pages)
	for k := range pages {
		d.PageHrefs = append(d.PageHrefs, v.pageHref(k))
	}
	if i+1 < pages {
		d.Next = v.pageHref(i + 1)
	}
	return s.listResponse(v.Template, v.Type, d, c)
}

// renderRedesign renders the Redesign scenario's pages: the old list
// address as a script shell without article links, and the new address
// with the list in new markup.
func (s *site) renderRedesign(v *view, reqPath string, moved bool) (*response, error) {
	c := s.columns[v.Column]
	d := s.pageData(c, reqPath, v.path, c.entries, ScenarioNone)
	d.NewPath, d.Pages = v.Redesign, 1
	name := "redesign-shell.html.tmpl"
	if moved {
		name = "redesign-list.html.tmpl"
	}
	return s.listResponse(name, "text/html; charset=UTF-8", d, c)
}

// pageData is the template data of a list at reqPath showing entries,
// whose links are written relative to the view's own path base.
func (s *site) pageData(c *column, reqPath, base string, entries []*entry, sc Scenario) pageData {
	d := pageData{Host: s.host, Path: reqPath, URL: "http://" + s.host + reqPath, Column: c.name, Total: len(c.entries)}
	for _, e := range entries {
		ed := entryData{Href: e.href, Title: e.title, Time: e.when()}
		if e.article != nil {
			ed.Article = s.articleView(e.article, sc)
			if ed.Title == "" {
				ed.Title = ed.Article.Title
			}
		}
		ed.URL = e.href
		if u, err := url.Parse(e.href); err == nil {
			ed.URL = (&url.URL{Scheme: "http", Host: s.host, Path: base}).ResolveReference(u).String()
		}
		d.Entries = append(d.Entries, ed)
	}
	return d
}

func (s *site) listResponse(name, typ string, d pageData, c *column) (*response, error) {
	body, err := s.exec(name, d)
	if err != nil {
		return nil, err
	}
	return &response{status: 200, contentType: typ, body: body, list: true,
		lastModified: c.newest(), utf8: true}, nil
}

// exec runs the template name with data.
func (s *site) exec(name string, data any) ([]byte, error) {
	var b bytes.Buffer
	if err := s.tmpl.ExecuteTemplate(&b, name, data); err != nil {
		return nil, fmt.Errorf("render %s of %s: %w", name, s.host, err)
	}
	return b.Bytes(), nil
}
