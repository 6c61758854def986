package clean

import "testing"

func TestText(t *testing.T) {
	tests := map[string]struct{ in, want string }{
		"paragraphs become spaces": {`<p>第一段</p><p>第二段</p>`, "第一段 第二段"},
		"br separates":             {`a<br>b`, "a b"},
		"inline tags join":         {`a<b>b</b>c`, "abc"},
		"entities decoded":         {`A &amp; B &lt;C&gt; &quot;D&quot;`, `A & B <C> "D"`},
		"numeric entities":         {`&#20844;&#x544A;`, "公告"},
		"nbsp trimmed":             {`&nbsp;标题&nbsp;&nbsp;`, "标题"},
		"script dropped":           {`<script>var a = "<p>x</p>";</script>标题`, "标题"},
		"style and title dropped":  {`<style>p{color:red}</style><title>t</title>正文`, "正文"},
		"whitespace collapsed":     {"  多个\n\t空白　　全角\u00a0空格 ", "多个 空白 全角 空格"},
		"zero width removed":       {"a\u200bb\ufeff", "ab"},
		"plain text kept":          {"1 < 2 and 3 > 2", "1 < 2 and 3 > 2"},
		"title with tags":          {`<font color="red">【通知】</font>关于<span>印发</span>...的通知`, "【通知】关于印发...的通知"},
		"list items":               {`<ul><li>甲</li><li>乙</li></ul>`, "甲 乙"},
		"table cells":              {`<tr><td>1</td><td>2</td></tr>`, "1 2"},
		"comment dropped":          {`a<!-- x -->b`, "ab"},
		"empty":                    {"", ""},
		"unclosed script hides":    {`a<script>b`, "a"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := Text(tc.in); got != tc.want {
				t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
