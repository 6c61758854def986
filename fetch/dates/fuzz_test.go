package dates

import (
	"testing"
	"time"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"2026-06-17 17:28:45", "发布日期：2026年06月17日", "(01-25)", "Wed, 17 Jun 2026 17:28:45 +0800",
		"２０２６－０６－１７", "2026-06-17-17:00:00", "Updated:2018.03.02", "1783353600",
	} {
		f.Add(s)
	}
	loc := time.FixedZone("CST", 8*3600)
	now := time.Date(2026, 6, 20, 12, 0, 0, 0, loc)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Parse(s, loc, now)
		if err != nil {
			return
		}
		if got.Location() != time.UTC {
			t.Errorf("Parse(%q) location = %s, want UTC", s, got.Location())
		}
		if got.Year() < minYear-1 || got.After(now.AddDate(1, 0, 0)) {
			t.Errorf("Parse(%q) = %s, outside the plausible range", s, got)
		}
		again, err := Parse(got.Format(time.RFC3339Nano), loc, now)
		if err != nil || !again.Equal(got) {
			t.Errorf("Parse(%q) = %s, but re-parsing its RFC 3339 form gave %s, %v", s, got, again, err)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	loc := time.FixedZone("CST", 8*3600)
	now := time.Date(2026, 6, 20, 12, 0, 0, 0, loc)
	inputs := []string{"发布时间：2026-01-22 11:40:11", "(01-25)", "Wed, 17 Jun 2026 17:28:45 +0800", "2026年06月17日"}
	for b.Loop() {
		for _, s := range inputs {
			if _, err := Parse(s, loc, now); err != nil {
				b.Fatal(err)
			}
		}
	}
}
