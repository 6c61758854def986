package dates

import (
	"testing"
	"time"
)

func TestInURL(t *testing.T) {
	loc := bj(t)
	tests := map[string]struct {
		in   string
		want time.Time // zero means no date
	}{
		"TRS t-stamp":              {"https://www.cq.gov.cn/ywdt/jrcq/202606/t20260616_15758457.html", utc(2026, 6, 15, 16, 0, 0)},
		"TRS relative":             {"./202606/t20260616_15758457.html", utc(2026, 6, 15, 16, 0, 0)},
		"Sichuan Y/M/D":            {"https://www.sc.gov.cn/10462/10758/10760/10765/2024/2/7/af03c6a54b374b77a9f47960d6c85922.shtml", utc(2024, 2, 6, 16, 0, 0)},
		"Sichuan double slash":     {"https://www.sc.gov.cn/10462/c103046//2026/1/2/0123456789abcdef0123456789abcdef.shtml", utc(2026, 1, 1, 16, 0, 0)},
		"Hanweb old art":           {"http://www.zj.gov.cn/art/2016/10/19/art_5527_2187651.html", utc(2016, 10, 18, 16, 0, 0)},
		"YYYY-MM/DD":               {"http://www.example.gov.cn/xw/2026-06/17/c_1128.htm", utc(2026, 6, 16, 16, 0, 0)},
		"YYYY/MMDD":                {"http://politics.people.com.cn/n1/2026/0617/c1001-4012.html", utc(2026, 6, 16, 16, 0, 0)},
		"month folder only":        {"https://www.gov.cn/zhengce/202606/content_7012345.htm", utc(2026, 5, 31, 16, 0, 0)},
		"t-stamp beats folder":     {"https://www.cq.gov.cn/a/202605/t20260616_1.html", utc(2026, 6, 15, 16, 0, 0)},
		"query is ignored":         {"https://a.gov.cn/list.html?d=/2026/1/2/", time.Time{}},
		"Hanweb new has year only": {"https://www.zj.gov.cn/col/col1554467/art/2026/art_a5c0ac3429044dffb39c2d848f985520.html", time.Time{}},
		"column numbers":           {"https://www.sc.gov.cn/10462/10464/10797/jrsc_list.shtml", time.Time{}},
		"impossible day skipped":   {"https://a.gov.cn/2026/2/30/x.html", time.Time{}},
		"year out of range":        {"https://a.gov.cn/1066/10/14/x.html", time.Time{}},
		"empty":                    {"", time.Time{}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, ok := InURL(tc.in, loc)
			if ok != !tc.want.IsZero() || !got.Equal(tc.want) {
				t.Errorf("InURL(%q) = %s, %v; want %s", tc.in, got, ok, tc.want)
			}
			if ok && got.Location() != time.UTC {
				t.Errorf("InURL(%q) location = %s, want UTC", tc.in, got.Location())
			}
		})
	}
}
