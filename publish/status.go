package publish

import (
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/govfeed/govfeed/data"
	"github.com/govfeed/govfeed/publish/atom"
)

// blockedAfter is the number of consecutive blocked fetches after which a
// source is reported in its feeds.
const blockedAfter = 3

// statusEntry returns the entry that tells readers src is broken or blocked,
// and false when it is neither. Its id depends only on the source and its
// last success, so a reader shows it once per outage.
func (p *Publisher) statusEntry(src data.Source, st data.SourceState, changed time.Time) (atom.Entry, bool) {
	broken := st.Broken
	blocked := st.ErrorClass == data.ErrBlocked && st.Failures > blockedAfter
	if !broken && !blocked {
		return atom.Entry{}, false
	}
	name := sourceName(src)
	seed := src.ID + "\x00" + st.LastSuccess.UTC().Format(time.RFC3339Nano)
	e := atom.Entry{
		ID:         "urn:uuid:" + uuid.NewSHA1(statusNamespace, []byte(seed)).String(),
		Title:      "govfeed: source " + name + " is broken",
		Links:      []atom.Link{{Rel: atom.RelAlternate, Href: siteURL(src, st)}},
		Updated:    firstSet(st.LastAttempt, changed),
		Authors:    []atom.Person{{Name: generatorName}},
		Categories: []atom.Category{{Term: "govfeed-status"}},
	}
	var b strings.Builder
	esc := html.EscapeString
	fmt.Fprintf(&b, "<p>govfeed cannot read the source <a href=\"%s\">%s</a> (id <code>%s</code>).</p>\n",
		esc(src.URL), esc(name), esc(src.ID))
	if blocked && !broken {
		e.Title = "govfeed: source " + name + " is blocked"
		fmt.Fprintf(&b, "<p>The site has refused its last %d requests with an anti-bot answer.</p>\n", st.Failures)
	} else {
		fmt.Fprintf(&b, "<p>The source yielded items before and yields none now: the site has probably changed its pages or moved its list.</p>\n")
	}
	fmt.Fprintf(&b, "<p>Last error: %s</p>\n", esc(firstText(st.LastError, "none recorded")))
	fmt.Fprintf(&b, "<p>Last success: %s. Last attempt: %s. Consecutive failures: %d.</p>\n",
		when(st.LastSuccess), when(st.LastAttempt), st.Failures)
	if blocked && !broken {
		b.WriteString("<p>What you can do: open the URL in a browser from the govfeed host; " +
			"lower how often the source is fetched (its schedule); send the headers or cookies a browser sends " +
			"(the source's headers and cookies options); or fetch it from another network.</p>")
	} else {
		b.WriteString("<p>What you can do: open the URL in a browser and compare it with what govfeed expects; " +
			"if the list moved, update the source's url; if the page layout changed, set the source's html selectors " +
			"in the configuration; then reload govfeed.</p>")
	}
	e.Content = b.String()
	return e, true
}

// when renders t for an operator, or "never".
func when(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}
