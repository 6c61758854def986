package govsim

import (
	"net/url"
	"strings"
	"text/template"
	"time"
)

// site is one imitated host. Its fields are fixed once loaded, except
// articles, the columns' entries and added, which AddArticle changes under
// Sim.mu.
type site struct {
	host        string
	family      string
	tmpl        *template.Template
	redirects   []redirectFile
	columns     map[string]*column
	columnOrder []string
	views       []*view
	articles    map[string]*article // by cleanPath, aliases included
	files       map[string]staticFile
	newSpec     *newFile
	sources     []SourceSpec
	added       int // articles AddArticle made
}

// column is a CMS column: the entries of its lists, newest first, pinned
// entries on top.
type column struct {
	id, name string
	entries  []*entry
}

// insert adds e below the pinned entries.
func (c *column) insert(e *entry) {
	i := 0
	for i < len(c.entries) && c.entries[i].pinned {
		i++
	}
	c.entries = append(c.entries[:i], append([]*entry{e}, c.entries[i:]...)...)
}

// newest is the latest date among the column's entries: the
// Last-Modified of its views.
func (c *column) newest() time.Time {
	var t time.Time
	for _, e := range c.entries {
		if d := e.when(); d.After(t) {
			t = d
		}
	}
	return t
}

// entry is one row of a column: an article of the site, or a link
// elsewhere (another host, mp.weixin.qq.com).
type entry struct {
	article *article // nil for a foreign link
	href    string
	title   string    // list title; empty = the article's
	date    time.Time // list date; zero = the article's
	pinned  bool
}

func (e *entry) when() time.Time {
	if !e.date.IsZero() || e.article == nil {
		return e.date
	}
	return e.article.time
}

// view is one URL rendering a column.
type view struct {
	viewFile
	path  string
	query url.Values
}

// article is one article page. It never changes once made.
type article struct {
	path, template, title string
	time                  time.Time
	source, author        string
	keywords, docNo, id   string
	column                string
	summary               string
	paras                 []string
	attachments           []attachmentFile
	charset, contentType  string
}

// staticFile is an attachment served as is.
type staticFile struct {
	body        []byte
	contentType string
}

// cleanPath folds repeated slashes, as government servers do for links
// such as /10462/c103046//2026/1/2/x.shtml, and keeps a trailing slash.
func cleanPath(p string) string {
	for strings.Contains(p, "//") {
		p = strings.ReplaceAll(p, "//", "/")
	}
	if p == "" {
		return "/"
	}
	return p
}

// edited is a title as the EditedTitle scenario shows it.
func edited(title string) string {
	for _, r := range title {
		if r >= 0x2E80 {
			return title + "（修订）"
		}
	}
	return title + " (Updated)"
}
