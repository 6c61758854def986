package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// target is one goal of issue 7, checked against this run.
type target struct {
	Name     string `json:"name"`
	Goal     string `json:"goal"`
	Measured string `json:"measured"`
	OK       bool   `json:"ok"`
}

// mainScenario is the first scenario: N feeds with the baseline, the
// changed pass and serving.
func mainScenario(rep *report) *scenarioResult {
	if len(rep.Scenarios) == 0 || rep.Scenarios[0].Sites > 0 {
		return nil
	}
	return rep.Scenarios[0]
}

// checkTargets compares the run with the targets of issue 7.
func checkTargets(rep *report) []target {
	var ts []target
	add := func(name, goal, measured string, ok bool) {
		ts = append(ts, target{Name: name, Goal: goal, Measured: measured, OK: ok})
	}
	if m := mainScenario(rep); m != nil && m.Ingest != nil {
		n := fmt.Sprintf(" (%d sources)", m.Feeds)
		if m.BaseIngest != nil && m.BaseIngest.WallMS > 0 {
			r := m.Ingest.WallMS / m.BaseIngest.WallMS
			measured := fmt.Sprintf("%.2f s vs %.2f s = %.2f×", m.Ingest.WallMS/1e3, m.BaseIngest.WallMS/1e3, r)
			if f := m.FloorIngest; f != nil {
				// Not a target: how much of the 1.5× sanitizing and
				// storing alone take, whatever the design.
				measured += fmt.Sprintf(" (storage floor %.2f s = %.2f×)", f.WallMS/1e3, f.WallMS/m.BaseIngest.WallMS)
			}
			add("ingest from empty"+n, "≤ 1.5× the library limit", measured, r <= 1.5)
			if m.Index != nil {
				// The same with the search index built (govfeed index),
				// which fetch leaves to the daemon.
				w := m.Ingest.WallMS + m.Index.WallMS
				r := w / m.BaseIngest.WallMS
				add("ingest and search index"+n, "≤ 1.5× the library limit", fmt.Sprintf("%.2f s + %.2f s vs %.2f s = %.2f×", m.Ingest.WallMS/1e3, m.Index.WallMS/1e3, m.BaseIngest.WallMS/1e3, r), r <= 1.5)
			}
		}
		add("every item stored"+n, fmt.Sprintf("%d items", m.ListedItems), fmt.Sprintf("%d new, %d failed sources", m.Ingest.New, m.Ingest.Failed),
			m.Ingest.New == m.ListedItems && m.Ingest.Failed == 0)
		if p := m.NotModified; p != nil {
			if m.Base304 != nil && m.Base304.WallMS > 0 {
				r := p.WallMS / m.Base304.WallMS
				add("all-304 pass"+n, "≤ 2× the library limit", fmt.Sprintf("%.0f ms vs %.0f ms = %.2f×", p.WallMS, m.Base304.WallMS, r), r <= 2)
			}
			add("all-304 govfeed fetch process"+n, "< 0.5 s", fmt.Sprintf("%.0f ms", p.WallMS), p.WallMS < 500)
			add("all-304 downloads nothing"+n, "0 bodies", fmt.Sprintf("%d requests: %d 304, %d 200", p.Requests.Total, p.Requests.NotModified, p.Requests.OK),
				p.Requests.OK == 0 && p.Requests.NotModified == int64(m.Feeds))
		}
		if p := m.Changed; p != nil {
			add(fmt.Sprintf("pass with %d sources changed", m.ChangedSrcs), fmt.Sprintf("%d bodies, %d new items", m.ChangedSrcs, m.ChangedSrcs),
				fmt.Sprintf("%d bodies, %d new items, %.0f ms", p.Requests.OK, p.New, p.WallMS),
				p.Requests.OK == int64(m.ChangedSrcs) && p.New == m.ChangedSrcs)
		}
		peak := 0.0
		for _, p := range []*pass{m.Ingest, m.Index, m.NotModified, m.Changed} {
			if p != nil {
				peak = max(peak, p.MaxRSSMiB)
			}
		}
		what := "govfeed fetch"
		if m.Serve != nil && m.Serve.DaemonRSSMiB > 0 {
			peak = max(peak, m.Serve.DaemonRSSMiB)
			what = "govfeed fetch and run"
		}
		add("peak RSS"+n, "< 64 MiB", fmt.Sprintf("%.1f MiB (%s)", peak, what), peak < 64)
		if m.RawBytes > 0 {
			add("database size"+n, "< 1.5× the raw XML", fmt.Sprintf("%.1f MB for %.1f MB = %.2f×", float64(m.DBBytes)/1e6, float64(m.RawBytes)/1e6, m.DBPerRaw), m.DBPerRaw < 1.5)
		}
		if s := m.Serve; s != nil {
			add("serving /feed.atom plain", "≥ 80% of nginx (sendfile)", fmt.Sprintf("%.0f vs %.0f req/s = %.0f%%", s.Best["govfeed plain"], s.Best["nginx plain"], 100*s.PlainRatio), s.PlainRatio >= 0.8)
			add("serving /feed.atom gzip", "≥ 80% of nginx (gzip_static)", fmt.Sprintf("%.0f vs %.0f req/s = %.0f%%", s.Best["govfeed gzip"], s.Best["nginx gzip"], 100*s.GzipRatio), s.GzipRatio >= 0.8)
		}
	}
	if s := rep.Store; s != nil && len(s.RenderMS) > 0 {
		add(fmt.Sprintf("render combined feed (%d entries) from %d items", s.Entries, s.Items), "< 50 ms", fmt.Sprintf("median %.1f ms", s.RenderMedian), s.RenderMedian < 50)
		if s.MemberSaves > 0 {
			add("save a story member, clustering on", "< 1 ms", fmt.Sprintf("median %.2f ms, p95 %.2f ms, %d/%d joined", s.MemberMedian, s.MemberP95, s.Joined, s.MemberSaves),
				s.MemberMedian < 1 && s.Joined > s.MemberSaves*9/10)
		}
	}
	// Linear growth: per item (ingest) and per source (all-304 pass), the
	// largest point of the curve must cost no more than the one before it.
	var curve []*scenarioResult
	for _, s := range rep.Scenarios {
		if s.Curve && s.Ingest != nil && s.Ingest.Failed == 0 && s.NotModified != nil {
			curve = append(curve, s)
		}
	}
	slices.SortFunc(curve, func(a, b *scenarioResult) int { return a.Feeds - b.Feeds })
	if len(curve) >= 2 {
		a, z := curve[len(curve)-2], curve[len(curve)-1]
		per := func(s *scenarioResult) float64 { return s.Ingest.WallMS / float64(s.ListedItems) }
		r := per(z) / per(a)
		add("ingest grows linearly with sources", fmt.Sprintf("per item at %d sources ≤ 1.2× at %d", z.Feeds, a.Feeds),
			fmt.Sprintf("%.0f µs vs %.0f µs per item = %.2f×", 1000*per(z), 1000*per(a), r), r <= 1.2)
		per304 := func(s *scenarioResult) float64 { return s.NotModified.WallMS / float64(s.Feeds) }
		r = per304(z) / per304(a)
		add("all-304 pass grows linearly with sources", fmt.Sprintf("per source at %d sources ≤ 1.2× at %d", z.Feeds, a.Feeds),
			fmt.Sprintf("%.0f µs vs %.0f µs per source = %.2f×", 1000*per304(z), 1000*per304(a), r), r <= 1.2)
	}
	if m := mainScenario(rep); m != nil && m.Ingest != nil {
		for _, s := range curve {
			if s.Feeds != m.Feeds || s.ListedItems >= m.ListedItems {
				continue
			}
			per := func(s *scenarioResult) float64 { return s.Ingest.WallMS / float64(s.ListedItems) }
			r := per(m) / per(s)
			add("ingest grows linearly with items", fmt.Sprintf("per item with %d items ≤ 1.2× with %d", m.ListedItems, s.ListedItems),
				fmt.Sprintf("%.0f µs vs %.0f µs per item = %.2f×", 1000*per(m), 1000*per(s), r), r <= 1.2)
		}
	}
	for _, s := range rep.Scenarios {
		if s.Sites == 0 || s.NotModified == nil {
			continue
		}
		p := s.NotModified
		add(fmt.Sprintf("html all-304 pass (%d sites)", s.Sites), "no list or article re-downloaded",
			fmt.Sprintf("%d 304, %d lists, %d articles", p.Requests.NotModified, p.Requests.Lists, p.Requests.Articles),
			p.Requests.OK == 0)
		if c := s.Changed; c != nil {
			add(fmt.Sprintf("html pass with %d sites changed", s.ChangedSrcs), fmt.Sprintf("%d articles fetched", s.ChangedSrcs),
				fmt.Sprintf("%d lists, %d articles, %d new", c.Requests.Lists, c.Requests.Articles, c.New),
				c.Requests.Articles == int64(s.ChangedSrcs) && c.New == s.ChangedSrcs)
		}
	}
	return ts
}

// printReport writes the run as Markdown.
func printReport(w io.Writer, rep *report) {
	m := rep.Machine
	fmt.Fprintf(w, "## govbench %s\n\n", m.Date)
	fmt.Fprintf(w, "Machine: %s, %d CPUs (nproc), %s RAM, %s, %s. Load average at start %s, at end %s. Total %.0f s.\n\n",
		m.CPU, m.CPUs, m.Memory, m.Kernel, m.Go, m.LoadStart, m.LoadEnd, rep.TotalS)
	o := rep.Options
	fmt.Fprintf(w, "govfeed: defaults.concurrency %d, per_host %d, delay 1ms, stories on, retention default. Library limit: gofeed + %d workers, no storage. "+
		"Storage floor: the library limit that also sanitizes each item with bluemonday's UGC policy and stores it in SQLite, nothing else. "+
		"Wall = whole process (start to exit); each pass is a new process.\n\n", o.Concurrency, o.PerHost, o.Workers)

	fmt.Fprintln(w, "### End to end")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| scenario | program | pass | wall | CPU user+sys | peak RSS | upstream 200 / 304 | MB fetched | items new | load |")
	fmt.Fprintln(w, "|---|---|---|---:|---:|---:|---:|---:|---:|---|")
	for _, s := range rep.Scenarios {
		name := s.Name
		row := func(prog, what string, p *pass) {
			if p == nil {
				return
			}
			wall := fmt.Sprintf("%.2f s", p.WallMS/1e3)
			if p.InnerMS > 0 {
				wall += fmt.Sprintf(" (pass %.2f s)", p.InnerMS/1e3)
			}
			fail := ""
			if p.Failed > 0 {
				fail = fmt.Sprintf(" (%d failed)", p.Failed)
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %.2f s | %.1f MiB | %d / %d | %.1f | %d%s | %s |\n",
				name, prog, what, wall, (p.UserMS+p.SysMS)/1e3, p.MaxRSSMiB, p.Requests.OK, p.Requests.NotModified,
				float64(p.Requests.Bytes)/1e6, p.New, fail, p.Load)
		}
		row("library limit", "ingest", s.BaseIngest)
		row("library limit", "all 304", s.Base304)
		row("storage floor", "ingest", s.FloorIngest)
		row("govfeed fetch", "ingest", s.Ingest)
		row("govfeed fetch", "ingest, stories off", s.IngestNoStories)
		row("govfeed index", "search index", s.Index)
		row("govfeed fetch", "all 304", s.NotModified)
		if s.Changed != nil {
			row("govfeed fetch", fmt.Sprintf("%d changed", s.ChangedSrcs), s.Changed)
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "### Storage")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| scenario | items stored | database | raw fetched | database / raw | bytes per item |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|")
	for _, s := range rep.Scenarios {
		fmt.Fprintf(w, "| %s | %d | %.1f MB | %.1f MB | %.2f× | %.0f |\n", s.Name, s.StoredItems,
			float64(s.DBBytes)/1e6, float64(s.RawBytes)/1e6, s.DBPerRaw, s.DBPerItem)
	}
	for _, s := range rep.Scenarios {
		sv := s.Serve
		if sv == nil {
			continue
		}
		fmt.Fprintln(w)
		fmt.Fprintf(w, "### Serving /feed.atom (%s: %d entries, %d bytes plain, %d gzip; %s, best of %d, %d connections)\n\n",
			s.Name, sv.Entries, sv.PlainBytes, sv.GzipBytes, sv.Wrk, rep.Options.ServeRounds, rep.Options.WrkConns)
		fmt.Fprintln(w, "| server | plain req/s | gzip req/s |")
		fmt.Fprintln(w, "|---|---:|---:|")
		fmt.Fprintf(w, "| govfeed run | %.0f | %.0f |\n", sv.Best["govfeed plain"], sv.Best["govfeed gzip"])
		fmt.Fprintf(w, "| nginx (sendfile, gzip_static) | %.0f | %.0f |\n", sv.Best["nginx plain"], sv.Best["nginx gzip"])
		fmt.Fprintf(w, "| minimal Go server (one Write) | %.0f | %.0f |\n", sv.Best["minimal Go plain"], sv.Best["minimal Go gzip"])
		fmt.Fprintf(w, "| govfeed / nginx | %.0f%% | %.0f%% |\n", 100*sv.PlainRatio, 100*sv.GzipRatio)
		var loads []string
		for _, r := range sv.Runs {
			loads = append(loads, fmt.Sprintf("%s %s %.0f (load %s)", r.Server, r.Encoding, r.RPS, r.Load))
		}
		fmt.Fprintf(w, "\nDaemon start (`govfeed run` on this data): idle after %.1f s, %.1f s of CPU, peak RSS %.1f MiB by then, %.1f MiB at the end. "+
			"Load tests start once it is idle. Runs: %s.\n", sv.StartupS, sv.StartupCPUS, sv.StartupRSSMiB, sv.DaemonRSSMiB, strings.Join(loads, "; "))
	}
	if s := rep.Store; s != nil {
		fmt.Fprintln(w)
		fmt.Fprintf(w, "### Big store (%d items from %d sources, clustering on; load %s)\n\n", s.Items, s.Sources, s.Load)
		fmt.Fprintln(w, "| what | measured |")
		fmt.Fprintln(w, "|---|---:|")
		if s.BuildMS > 0 {
			fmt.Fprintf(w, "| save the newest %d items through Store.Save, one Save of %d items per source | %.1f s (%.0f µs per item) |\n",
				s.Saved, s.Saved/s.Sources, s.BuildMS/1e3, s.SaveUSPerItem)
		}
		if s.CopyMS > 0 {
			fmt.Fprintf(w, "| copy them by SQL into %d older items | %.0f s |\n", s.Items-s.Saved, s.CopyMS/1e3)
		}
		fmt.Fprintf(w, "| database | %.0f MB |\n", float64(s.DBBytes)/1e6)
		fmt.Fprintf(w, "| open | %.0f ms |\n", s.OpenMS)
		fmt.Fprintf(w, "| render /feed.atom, %d entries, %d bytes | median %.1f ms (min %.1f, max %.1f) |\n",
			s.Entries, s.FeedBytes, s.RenderMedian, slices.Min(s.RenderMS), slices.Max(s.RenderMS))
		fmt.Fprintf(w, "| save one story member | median %.2f ms, p95 %.2f ms (%d/%d joined) |\n", s.MemberMedian, s.MemberP95, s.Joined, s.MemberSaves)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "### Targets")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| target | goal | measured | met |")
	fmt.Fprintln(w, "|---|---|---|---|")
	for _, t := range rep.Targets {
		ok := "yes"
		if !t.OK {
			ok = "**no**"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", t.Name, t.Goal, t.Measured, ok)
	}
	for _, e := range rep.Errors {
		fmt.Fprintf(w, "\nERROR: %s\n", e)
	}
}
