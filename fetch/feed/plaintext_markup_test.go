package feed

import "testing"

// TestPlainTextHoldsNoMarkup checks that markup which only decoding
// reveals is stripped too, while a "<" that starts no tag stays text.
func TestPlainTextHoldsNoMarkup(t *testing.T) {
	tests := map[string]string{
		"&lt;script&gt;alert(1)&lt;/script&gt;要闻":                       "要闻",
		"<p>&lt;b&gt;加粗&lt;/b&gt;</p>":                                  "加粗",
		"&amp;lt;img src=x onerror=alert(1)&amp;gt;标题":                  "标题",
		`<noscript><p title="</noscript><img src=x onerror=alert(1)>">`: "",
		"<noscript>&lt;img src=x onerror=alert(1)&gt;</noscript>通知":     "通知",
		"a &lt; b":  "a < b",
		"1&lt;2":    "1<2",
		"&lt;&lt;x": "<",
	}
	for in, want := range tests {
		t.Run(in, func(t *testing.T) {
			if got := plainText(in); got != want {
				t.Errorf("plainText(%q) = %q, want %q", in, got, want)
			}
		})
	}
}
