package govsim

import (
	"cmp"
	"slices"
	"time"

	"github.com/govfeed/govfeed/data"
)

// SourceSpec is one list a demo configuration should poll: the fields of a
// govfeed source that differ from the defaults.
type SourceSpec struct {
	ID   string          `json:"id"`
	Name string          `json:"name"`
	URL  string          `json:"url"`
	Kind data.SourceKind `json:"kind"`
	Tags []string        `json:"tags"`
	// Pages is how many more list pages to follow (kind html).
	Pages int `json:"pages"`
	// Selectors are set for the lists a real configuration would give
	// selectors; nil means zero-config extraction (kind html).
	Selectors *data.Selectors `json:"selectors"`
	// JSON is the field mapping of a kind json source.
	JSON *data.JSONRules `json:"json"`
}

// Sources returns the lists a demo configuration should poll, by family
// (F1…F6 of GOVSITES §6) and host.
func (s *Sim) Sources() []SourceSpec {
	sites := make([]*site, 0, len(s.sites))
	for _, st := range s.sites {
		sites = append(sites, st)
	}
	slices.SortFunc(sites, func(a, b *site) int {
		return cmp.Or(cmp.Compare(a.family, b.family), cmp.Compare(a.host, b.host))
	})
	var out []SourceSpec
	for _, st := range sites {
		for _, sp := range st.sources {
			out = append(out, sp.clone())
		}
	}
	return out
}

// clone returns a copy sharing no memory with sp.
func (sp SourceSpec) clone() SourceSpec {
	sp.Tags = slices.Clone(sp.Tags)
	if sp.Selectors != nil {
		sel := *sp.Selectors
		sp.Selectors = &sel
	}
	if sp.JSON != nil {
		j := *sp.JSON
		sp.JSON = &j
	}
	return sp
}

// Source returns the spec as a data.Source with the defaults the config
// package would apply: Beijing time, a 60 s timeout and a 30-minute
// schedule.
func (sp SourceSpec) Source() data.Source {
	sp = sp.clone()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		loc = beijing // no tzdata: UTC+8 is exact for China since 1991
	}
	src := data.Source{
		ID: sp.ID, Name: sp.Name, URL: sp.URL, Kind: sp.Kind, Tags: sp.Tags,
		Schedule: "@every 30m", Location: loc, Timeout: time.Minute,
		JSON: sp.JSON,
	}
	if sp.Kind == data.KindHTML {
		src.HTML = &data.HTMLRules{Pages: sp.Pages}
		if sp.Selectors != nil {
			src.HTML.Selectors = *sp.Selectors
		}
	}
	return src
}
