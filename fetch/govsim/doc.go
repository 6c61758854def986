// Package govsim imitates the Chinese provincial government portals that
// govfeed reads (GOVSITES §6, families F1–F6), for tests, demos and
// benchmarks that must not touch the real sites.
//
// A Sim is one http.Handler that serves every imitated host, chosen by the
// request's Host header: the caller maps each host of Hosts to the Sim's
// loopback address (web.ClientOptions.DialAddr does that), so pages keep
// their real host names, URL shapes and absolute links. All URLs are plain
// http. The sites are embedded fixtures (sites/<host>/site.json plus
// text/template pages): list pages in each CMS's markup (TRS, UCAP,
// Hanweb datastore and dataproxy.jsp paging, NFCMS, the gkmlpt JSON API, a
// Hanweb RSS column), article pages with navigation, scripts and footers,
// attachments, and the traps of the real sites: a legacy GB2312 page whose
// charset meta sits after 1.2 KB and whose Content-Type names no charset,
// relative and double-slash links, an article listed twice, truncated list
// titles, links to other hosts and to mp.weixin.qq.com, and a redirect from
// www.sc.gov.cn's English tree to english.sc.gov.cn.
//
// List pages (and the JSON, RSS and dataproxy views) carry an ETag that
// stays the same until their content changes, and answer If-None-Match and
// If-Modified-Since with 304. SetScenario switches a host into one of the
// failure modes the real sites show (an anti-bot 412 challenge, a lying
// Content-Type, a slow body, a redesign, edited titles, a 403 block), and
// AddArticle publishes a new article. Fixture dates are fixed 2026 (and
// older) dates; only AddArticle uses Options.Now.
package govsim
