package dates

import (
	"errors"
	"testing"
	"time"
)

// bj is Beijing time for tests; a fixed UTC+8 zone when tzdata is missing.
func bj(t testing.TB) *time.Location {
	t.Helper()
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}

// utc builds an expected UTC instant.
func utc(y int, mo time.Month, d, h, mi, s int) time.Time {
	return time.Date(y, mo, d, h, mi, s, 0, time.UTC)
}

func TestParseFormats(t *testing.T) {
	loc := bj(t)
	now := time.Date(2026, 6, 20, 12, 0, 0, 0, loc)
	tests := map[string]struct {
		in       string
		want     time.Time
		dateOnly bool
	}{
		// GOVSITES §3.8, naive Beijing time: UTC is 8 hours earlier.
		"YYYY-MM-DD":                    {"2026-06-04", utc(2026, 6, 3, 16, 0, 0), true},
		"YYYY-MM-DD HH:mm:ss":           {"2026-06-17 17:28:45", utc(2026, 6, 17, 9, 28, 45), false},
		"YYYY-MM-DD HH:mm":              {"2026-06-16 18:07", utc(2026, 6, 16, 10, 7, 0), false},
		"YYYY-MM-DD-HH:mm:ss":           {"2026-06-17-17:00:00", utc(2026, 6, 17, 9, 0, 0), false},
		"Updated:YYYY.MM.DD":            {"Updated:2018.03.02", utc(2018, 3, 1, 16, 0, 0), true},
		"YYYY.MM.DD":                    {"2026.06.17", utc(2026, 6, 16, 16, 0, 0), true},
		"YYYY年MM月DD日":                   {"2026年06月17日", utc(2026, 6, 16, 16, 0, 0), true},
		"发布日期：YYYY年MM月DD日":              {"发布日期：2026年06月17日", utc(2026, 6, 16, 16, 0, 0), true},
		"YYYY 年 MM 月 DD 日":              {"2020 年 02 月 14 日", utc(2020, 2, 13, 16, 0, 0), true},
		"YYYY年M月D日 no padding":          {"2026年6月7日", utc(2026, 6, 6, 16, 0, 0), true},
		"YYYY年MM月DD日 HH时MM分":            {"2015年11月26日 10时30分 来源：四川日报 【字体：大 中 小】", utc(2015, 11, 26, 2, 30, 0), false},
		"YYYY年M月D日HH时 without minutes":  {"2026年6月17日17时", utc(2026, 6, 16, 16, 0, 0), true},
		"HH时MM分SS秒":                     {"2015年11月26日10时30分15秒", utc(2015, 11, 26, 2, 30, 15), false},
		"时间  :  YYYY-MM-DD HH:mm:ss":    {"时间  :  2026-06-04 10:13:50", utc(2026, 6, 4, 2, 13, 50), false},
		"发布时间：YYYY-MM-DD HH:mm:ss":      {"发布时间：2026-01-22 11:40:11", utc(2026, 1, 22, 3, 40, 11), false},
		"发布时间：YYYY-MM-DD HH:mm":         {"发布时间：2026-01-22 11:40", utc(2026, 1, 22, 3, 40, 0), false},
		"[YYYY-MM-DD]":                  {"[2026-06-04]", utc(2026, 6, 3, 16, 0, 0), true},
		"wuhu RSS .0 fraction":          {"2026-10-04 01:39:11.0", utc(2026, 10, 3, 17, 39, 11), false},
		"slashes with time":             {"2006/01/02 15:04", utc(2006, 1, 2, 7, 4, 0), false},
		"full-width digits":             {"２０２６－０６－１７", utc(2026, 6, 16, 16, 0, 0), true},
		"full-width colon":              {"发布时间：2026-06-17 09：30：00", utc(2026, 6, 17, 1, 30, 0), false},
		"full-width space and brackets": {"【２０２６－０６－０４】", utc(2026, 6, 3, 16, 0, 0), true},
		"surrounding text":              {"来源：重庆日报  2026-06-16 18:07  浏览次数", utc(2026, 6, 16, 10, 7, 0), false},
		"compact YYYYMMDD":              {"20260617", utc(2026, 6, 16, 16, 0, 0), true},
		"unix seconds":                  {"1783353600", utc(2026, 7, 6, 16, 0, 0), false},
		"unix milliseconds":             {"1783353600000", utc(2026, 7, 6, 16, 0, 0), false},

		// Values with a zone keep their instant.
		"RFC 3339 Z":                   {"2026-06-17T09:28:45Z", utc(2026, 6, 17, 9, 28, 45), false},
		"RFC 3339 offset":              {"2026-06-17T17:28:45+08:00", utc(2026, 6, 17, 9, 28, 45), false},
		"RFC 3339 negative offset":     {"2026-06-17T01:28:45-05:00", utc(2026, 6, 17, 6, 28, 45), false},
		"RFC 3339 nanoseconds":         {"2026-06-17T09:28:45.5Z", time.Date(2026, 6, 17, 9, 28, 45, 500_000_000, time.UTC), false},
		"RFC 1123 GMT":                 {"Wed, 17 Jun 2026 09:28:45 GMT", utc(2026, 6, 17, 9, 28, 45), false},
		"RFC 1123Z numeric":            {"Wed, 17 Jun 2026 17:28:45 +0800", utc(2026, 6, 17, 9, 28, 45), false},
		"RFC 822 no seconds":           {"17 Jun 26 17:28 +0800", utc(2026, 6, 17, 9, 28, 0), false},
		"RFC 822 no weekday EST":       {"17 Jun 2026 04:28:45 EST", utc(2026, 6, 17, 9, 28, 45), false},
		"RFC 1123 no zone is local":    {"Wed, 17 Jun 2026 17:28:45", utc(2026, 6, 17, 9, 28, 45), false},
		"RFC 1123 long month and day":  {"Wednesday, 17 June 2026 17:28:45 +0800", utc(2026, 6, 17, 9, 28, 45), false},
		"RFC 850":                      {"Wednesday, 17-Jun-26 09:28:45 UTC", utc(2026, 6, 17, 9, 28, 45), false},
		"CST in a Beijing source":      {"Wed, 17 Jun 2026 17:28:45 CST", utc(2026, 6, 17, 9, 28, 45), false},
		"Java Date.toString":           {"Wed Jun 17 17:28:45 CST 2026", utc(2026, 6, 17, 9, 28, 45), false},
		"English month day year":       {"June 17, 2026", utc(2026, 6, 16, 16, 0, 0), true},
		"English month day year pm":    {"Jun 17, 2026 5:28 PM", utc(2026, 6, 17, 9, 28, 0), false},
		"ISO naive with T":             {"2026-06-17T17:28:45", utc(2026, 6, 17, 9, 28, 45), false},
		"offset without colon in text": {"published 2026-06-17 17:28:45 +0800 by", utc(2026, 6, 17, 9, 28, 45), false},

		// Month-day without a year, now = 2026-06-20.
		"(MM-DD)":                  {"(01-25)", utc(2026, 1, 24, 16, 0, 0), true},
		"MM-DD":                    {"06-04", utc(2026, 6, 3, 16, 0, 0), true},
		"MM-DD tomorrow ok":        {"06-21", utc(2026, 6, 20, 16, 0, 0), true},
		"MM-DD later is last year": {"06-23", utc(2025, 6, 22, 16, 0, 0), true},
		"M月D日":                     {"6月17日", utc(2026, 6, 16, 16, 0, 0), true},
		"MM-DD HH:mm":              {"06-17 17:28", utc(2026, 6, 17, 9, 28, 0), false},
		"full-width (MM-DD)":       {"（０１－２５）", utc(2026, 1, 24, 16, 0, 0), true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f, err := Find(tc.in, loc, now)
			if err != nil {
				t.Fatalf("Find(%q) error: %v", tc.in, err)
			}
			if !f.Time.Equal(tc.want) || f.Time.Location() != time.UTC {
				t.Errorf("Find(%q).Time = %s, want %s (UTC)", tc.in, f.Time, tc.want)
			}
			if f.DateOnly != tc.dateOnly {
				t.Errorf("Find(%q).DateOnly = %v, want %v", tc.in, f.DateOnly, tc.dateOnly)
			}
			got, err := Parse(tc.in, loc, now)
			if err != nil || !got.Equal(f.Time) {
				t.Errorf("Parse(%q) = %s, %v; want the Find result %s", tc.in, got, err, f.Time)
			}
		})
	}
}

func TestParseNewYearInference(t *testing.T) {
	loc := bj(t)
	tests := map[string]struct {
		in   string
		now  time.Time
		want time.Time
	}{
		"December date read in January is last year": {"(12-30)", time.Date(2026, 1, 5, 9, 0, 0, 0, loc), utc(2025, 12, 29, 16, 0, 0)},
		"January date read in January is this year":  {"(01-02)", time.Date(2026, 1, 5, 9, 0, 0, 0, loc), utc(2026, 1, 1, 16, 0, 0)},
		"January date read on Dec 31 is next year":   {"(01-01)", time.Date(2025, 12, 31, 20, 0, 0, 0, loc), utc(2025, 12, 31, 16, 0, 0)},
		"February 29 goes back to a leap year":       {"02-29", time.Date(2027, 3, 1, 9, 0, 0, 0, loc), utc(2024, 2, 28, 16, 0, 0)},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := Parse(tc.in, loc, tc.now)
			if err != nil {
				t.Fatalf("Parse(%q) error: %v", tc.in, err)
			}
			if !got.Equal(tc.want) {
				t.Errorf("Parse(%q, now=%s) = %s, want %s", tc.in, tc.now, got, tc.want)
			}
		})
	}
}

func TestParseZones(t *testing.T) {
	now := time.Date(2026, 6, 20, 0, 0, 0, 0, time.UTC)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		ny = time.FixedZone("EDT", -4*3600)
	}
	tests := map[string]struct {
		in   string
		loc  *time.Location
		want time.Time
	}{
		"nil location is Beijing":         {"2026-06-17 08:00", nil, utc(2026, 6, 17, 0, 0, 0)},
		"naive in New York":               {"2026-06-17 08:00", ny, utc(2026, 6, 17, 12, 0, 0)},
		"naive in UTC":                    {"2026-06-17 08:00", time.UTC, utc(2026, 6, 17, 8, 0, 0)},
		"explicit zone beats loc":         {"2026-06-17T08:00:00+09:00", ny, utc(2026, 6, 16, 23, 0, 0)},
		"CST outside UTC+8 is US Central": {"Wed, 17 Jun 2026 08:00:00 CST", time.UTC, utc(2026, 6, 17, 14, 0, 0)},
		"date-only is midnight in loc":    {"2026-06-17", ny, utc(2026, 6, 17, 4, 0, 0)},
		"offset +08 without minutes":      {"2026-06-17 08:00:00+08", time.UTC, utc(2026, 6, 17, 0, 0, 0)},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := Parse(tc.in, tc.loc, now)
			if err != nil {
				t.Fatalf("Parse(%q) error: %v", tc.in, err)
			}
			if !got.Equal(tc.want) {
				t.Errorf("Parse(%q) = %s, want %s", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	loc := bj(t)
	now := time.Date(2026, 6, 20, 12, 0, 0, 0, loc)
	tests := map[string]struct {
		in   string
		now  time.Time
		want error
	}{
		"empty":                      {"", now, ErrNoDate},
		"no digits":                  {"发布时间：未知", now, ErrNoDate},
		"digits but no date":         {"川府发〔2026〕12号", now, ErrNoDate},
		"page counter":               {"共 12 页", now, ErrNoDate},
		"year before 1990":           {"1989-06-04", now, ErrImplausible},
		"year far in the future":     {"2099-01-01", now, ErrImplausible},
		"more than a year ahead":     {"2027-06-21", now, ErrImplausible},
		"month 13":                   {"2026-13-01", now, ErrImplausible},
		"February 30":                {"2026-02-30", now, ErrImplausible},
		"hour 25":                    {"2026-06-17 25:00", now, ErrImplausible},
		"month-day without now":      {"(01-25)", time.Time{}, ErrNoDate},
		"month-day impossible":       {"(02-30)", now, ErrImplausible},
		"unix seconds before 1990":   {"0000000001", now, ErrImplausible},
		"compact with bad month":     {"20261301", now, ErrImplausible},
		"year glued to other digits": {"120260617 2026年", now, ErrNoDate},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := Parse(tc.in, loc, tc.now)
			if !errors.Is(err, tc.want) {
				t.Errorf("Parse(%q) = %s, %v; want error %v", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestParseSkipsInvalidCandidate(t *testing.T) {
	loc := bj(t)
	now := time.Date(2026, 6, 20, 12, 0, 0, 0, loc)
	got, err := Parse("有效期 2026-13-45 发布 2026-06-01", loc, now)
	if err != nil {
		t.Fatalf("Parse error: %v", err)
	}
	if want := utc(2026, 5, 31, 16, 0, 0); !got.Equal(want) {
		t.Errorf("Parse = %s, want the second, valid date %s", got, want)
	}
	got, err = Parse("2026-06-01 至 2026-06-05", loc, now)
	if err != nil {
		t.Fatalf("Parse error: %v", err)
	}
	if want := utc(2026, 5, 31, 16, 0, 0); !got.Equal(want) {
		t.Errorf("Parse = %s, want the first date %s", got, want)
	}
	got, err = Parse("01-25 发布于 2025-12-30", loc, now)
	if err != nil {
		t.Fatalf("Parse error: %v", err)
	}
	if want := utc(2025, 12, 29, 16, 0, 0); !got.Equal(want) {
		t.Errorf("Parse = %s, want the full date %s over the month-day", got, want)
	}
}

func TestParseLayout(t *testing.T) {
	loc := bj(t)
	got, err := ParseLayout(" ２０２６/06/17 17点28分 ", "2006/01/02 15点04分", loc)
	if err != nil {
		t.Fatalf("ParseLayout error: %v", err)
	}
	if want := utc(2026, 6, 17, 9, 28, 0); !got.Equal(want) {
		t.Errorf("ParseLayout = %s, want %s", got, want)
	}
	if _, err := ParseLayout("June", "2006-01-02", loc); err == nil {
		t.Error("ParseLayout(\"June\") succeeded, want an error")
	}
}
