package dates

import (
	"net/url"
	"regexp"
	"strconv"
	"time"
)

// urlPatterns find the publication date government CMSs put in article
// URLs, most precise first. Each has year, month and optionally day groups.
var urlPatterns = []*regexp.Regexp{
	regexp.MustCompile(`/t(\d{4})(\d{2})(\d{2})_\d+`),   // TRS: /202606/t20260616_15758457.html
	regexp.MustCompile(`/(\d{4})/(\d{1,2})/(\d{1,2})/`), // Sichuan /2026/1/2/, Hanweb /art/2016/10/19/
	regexp.MustCompile(`/(\d{4})-(\d{2})/(\d{2})/`),     // /2026-06/17/
	regexp.MustCompile(`/(\d{4})/(\d{2})(\d{2})/`),      // people.com.cn /2026/0617/
	regexp.MustCompile(`/(\d{4})(\d{2})(\d{2})/`),       // /20260617/
	regexp.MustCompile(`/(\d{4})-(\d{2})-(\d{2})/`),     // /2026-06-17/
	regexp.MustCompile(`/(\d{4})(\d{2})(?:/|$)()`),      // TRS and gov.cn month folder /202606/
}

// InURL returns the date in a government article URL as midnight in loc
// (Beijing time when nil), in UTC. It recognises /tYYYYMMDD_ID (TRS),
// /YYYY/M/D/ (Sichuan, old Hanweb /art/YYYY/M/D/), /YYYY-MM/DD/,
// /YYYY/MMDD/ and, least precise, a /YYYYMM/ month folder, which gives the
// first of the month. Only the path is read; years outside 1990–2100 and
// impossible days are ignored.
func InURL(link string, loc *time.Location) (time.Time, bool) {
	if loc == nil {
		loc = DefaultLocation()
	}
	path := link
	if u, err := url.Parse(link); err == nil {
		path = u.EscapedPath()
	}
	for _, re := range urlPatterns {
		for _, m := range re.FindAllStringSubmatch(path, -1) {
			y, _ := strconv.Atoi(m[1])
			mo, _ := strconv.Atoi(m[2])
			d := 1
			if m[3] != "" {
				d, _ = strconv.Atoi(m[3])
			}
			if y < minYear || y > 2100 || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, time.Month(mo)) {
				continue
			}
			return time.Date(y, time.Month(mo), d, 0, 0, 0, 0, loc).UTC(), true
		}
	}
	return time.Time{}, false
}
