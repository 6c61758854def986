package article

import (
	"testing"
)

// TestExtractBodyNoise checks each noise rule on a small #zoom body; want is
// the exact sanitized content.
func TestExtractBodyNoise(t *testing.T) {
	tests := map[string]struct{ body, want string }{
		"font-size links inside a line": {
			body: `<p>正文第一段。【字体：<a href="javascript:;">大</a> <a href="javascript:;">中</a> <a href="javascript:;">小</a>】</p>`,
			want: `<p>正文第一段。</p>`,
		},
		"font-size widget in one text node": {
			body: `<p>正文。字体：大 中 小</p>`,
			want: `<p>正文。</p>`,
		},
		"print and close in brackets": {
			body: `<p>正文。</p><div>【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】</div>`,
			want: `<p>正文。</p>`,
		},
		"a real link named 打印 stays": {
			body: `<p>请<a href="/files/form.html">打印</a>申请表。</p>`,
			want: `<p>请<a href="https://www.x.gov.cn/files/form.html" rel="nofollow noopener">打印</a>申请表。</p>`,
		},
		"editor line as its own block": {
			body: `<p>正文。</p><div class="editor">责任编辑：<span>张三</span></div>`,
			want: `<p>正文。</p>`,
		},
		"终审 with a space before the colon": {
			body: `<p>正文。</p><p>终审 ：李四</p>`,
			want: `<p>正文。</p>`,
		},
		"editor credit in brackets ending a paragraph": {
			body: `<p>正文最后一段。（责任编辑：王五）</p>`,
			want: `<p>正文最后一段。</p>`,
		},
		"editor line after a br": {
			body: `<p>正文。<br>编辑：赵六</p>`,
			want: `<p>正文。<br/></p>`,
		},
		"footer lines inside the body": {
			body: `<p>Body text.</p><p>Hosted by: General Office</p><p>Technical Support: Sichuan Telecom.</p><p>版权所有：某某市人民政府</p><p>主办单位：某某市人民政府办公室</p>`,
			want: `<p>Body text.</p>`,
		},
		"版权所有者 in prose stays": {
			body: `<p>著作权人即版权所有者享有复制权。</p>`,
			want: `<p>著作权人即版权所有者享有复制权。</p>`,
		},
		"share and QR widgets by class": {
			body: `<p>正文。</p><div class="bdsharebuttonbox"><a>微信</a></div><div class="qrcode"><img src="/q.png"></div><div id="jiathis_style">分享</div><div class="wx-ewm"><img src="/e.png"></div><div class="article-share">转发到微博</div>`,
			want: `<p>正文。</p>`,
		},
		"site logos": {
			body: `<p>正文。</p><p><img src="../../images/head-logo-wap.png"></p><p><img src="/images/zcwjic.png"></p>`,
			want: `<p>正文。</p>`,
		},
		"empty paragraphs and spans": {
			body: `<p>正文。</p><p>&nbsp;</p><p>　　</p><p><br></p><p><span> </span></p><div><b></b></div>`,
			want: `<p>正文。</p>`,
		},
		"lazy image gets its src": {
			body: `<p><img data-src="/img/a.jpg" alt="图"></p>`,
			want: `<p><img alt="图" src="https://www.x.gov.cn/img/a.jpg"/></p>`,
		},
		"an editor cell is emptied, the row kept": {
			body: `<p>正文。</p><table><tr><td>审核：省财政厅</td><td>2026年</td></tr></table>`,
			want: `<p>正文。</p><table><tbody><tr><td></td><td>2026年</td></tr></tbody></table>`,
		},
		"tables survive": {
			body: `<table><tr><td>项目</td><td>金额</td></tr></table>`,
			want: `<table><tbody><tr><td>项目</td><td>金额</td></tr></tbody></table>`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			page := `<html><head><meta name="ArticleTitle" content="标题"></head><body><div id="zoom">` + tc.body + `</div></body></html>`
			a, err := Extract([]byte(page), Options{URL: "https://www.x.gov.cn/a/b.html"})
			if err != nil {
				t.Fatal(err)
			}
			if a.Content != tc.want {
				t.Errorf("Content =\n%s\nwant\n%s", a.Content, tc.want)
			}
		})
	}
}
