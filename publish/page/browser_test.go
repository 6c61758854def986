package page

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// browserTimeout bounds one run of chromium.
const browserTimeout = 90 * time.Second

// browser runs Debian's chromium headless, one process per command.
type browser struct {
	bin string
	t   *testing.T
}

// newBrowser finds chromium, or skips the test (fails it under CI, where
// .ci/run installs the browser).
func newBrowser(t *testing.T) *browser {
	t.Helper()
	bin, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("chromium is required under CI: %v", err)
		}
		t.Skipf("chromium not installed (apt-get install chromium): %v", err)
	}
	return &browser{bin: bin, t: t}
}

// run starts chromium with the common flags, extra and url, and returns
// its standard output.
func (b *browser) run(target string, extra ...string) []byte {
	b.t.Helper()
	profile := b.t.TempDir()
	args := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--hide-scrollbars", "--force-color-profile=srgb",
		"--force-device-scale-factor=1", "--user-data-dir=" + profile,
	}
	args = append(append(args, extra...), target)
	ctx, cancel := context.WithTimeout(context.Background(), browserTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, b.bin, args...)
	cmd.Env = append(os.Environ(), "HOME="+profile)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		b.t.Fatalf("chromium %s: %v\nstderr:\n%s", target, err, tail(stderr.String(), 2000))
	}
	return stdout.Bytes()
}

// dom loads target and returns the document as chromium serialises it
// after parsing and rendering.
func (b *browser) dom(target string) *goquery.Document {
	b.t.Helper()
	out := b.run(target, "--dump-dom")
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(out))
	if err != nil {
		b.t.Fatalf("parse chromium's DOM of %s: %v", target, err)
	}
	if doc.Find("#stories").Length() == 0 {
		b.t.Fatalf("chromium's DOM of %s has no #stories section:\n%s", target, tail(string(out), 2000))
	}
	return doc
}

// screenshot loads target in a window of the given size and returns the
// decoded PNG. With GOVFEED_SCREENSHOTS set to a directory, the file is
// kept there as name.png.
func (b *browser) screenshot(target, name, size string) image.Image {
	b.t.Helper()
	file := filepath.Join(b.t.TempDir(), name+".png")
	b.run(target, "--screenshot="+file, "--window-size="+size)
	raw, err := os.ReadFile(file)
	if err != nil {
		b.t.Fatalf("chromium wrote no screenshot of %s: %v", target, err)
	}
	if dir := os.Getenv("GOVFEED_SCREENSHOTS"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name+".png"), raw, 0o644); err != nil {
			b.t.Errorf("keep screenshot: %v", err)
		}
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		b.t.Fatalf("decode screenshot of %s: %v", target, err)
	}
	return img
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// TestBrowser loads the page in a real headless chromium: the stories, a
// search, a filter link followed from the rendered page, and screenshots
// checked for content.
func TestBrowser(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t, "items.json", "hostile.json")
	srv := httptest.NewServer(f.page.Handler())
	t.Cleanup(srv.Close)
	home := srv.URL + "/"
	start := time.Now()
	t.Cleanup(func() { t.Logf("browser test took %s", time.Since(start).Round(time.Millisecond)) })

	var first *goquery.Document
	t.Run("load", func(t *testing.T) {
		b := &browser{bin: b.bin, t: t}
		first = b.dom(home)
		got := titles(first)
		for _, want := range []string{tCQFlood, tSCSafe, tGDMake, tZJMeet, tCQRail} {
			if !slices.Contains(got, want) {
				t.Errorf("rendered page lacks the story %q; stories: %q", want, got)
			}
		}
		// The hostile story is text in chromium's DOM too: no element
		// was created from it and nothing ran.
		if !slices.Contains(got, `<script>alert("title")</script>Hostile <b>title</b>`) {
			t.Errorf("hostile title not shown as text; stories: %q", got)
		}
		for _, sel := range []string{"script", "img", "iframe", "svg"} {
			if n := first.Find(sel).Length(); n != 0 {
				t.Errorf("chromium's DOM has %d <%s>", n, sel)
			}
		}
		if n := first.Find("#health tbody tr").Length(); n != 5 {
			t.Errorf("health table has %d rows in chromium, want 5", n)
		}
	})

	t.Run("search", func(t *testing.T) {
		b := &browser{bin: b.bin, t: t}
		// What submitting the search form does: GET ./?q=…
		doc := b.dom(home + "?q=" + url.QueryEscape("防汛"))
		if got := titles(doc); len(got) != 1 || got[0] != tCQFlood {
			t.Errorf("search stories = %q, want only %q", got, tCQFlood)
		}
		if got := doc.Find(`input[name="q"]`).AttrOr("value", ""); got != "防汛" {
			t.Errorf("search box after search = %q, want 防汛", got)
		}
	})

	t.Run("follow filter", func(t *testing.T) {
		if first == nil {
			t.Skip("the page did not load")
		}
		b := &browser{bin: b.bin, t: t}
		link := first.Find(".filters a").FilterFunction(func(_ int, s *goquery.Selection) bool {
			return strings.TrimSpace(s.Text()) == "今日重庆"
		})
		href, ok := link.Attr("href")
		if !ok {
			t.Fatalf("no filter link for 今日重庆 in the rendered page")
		}
		base, _ := url.Parse(home)
		ref, err := url.Parse(href)
		if err != nil {
			t.Fatalf("filter link %q: %v", href, err)
		}
		target := base.ResolveReference(ref).String()
		if !strings.HasSuffix(target, "/?source=cq-jrcq") {
			t.Errorf("filter link resolves to %s, want …/?source=cq-jrcq", target)
		}
		doc := b.dom(target)
		want := []string{tCQFlood, tCQRail}
		if got := titles(doc); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("filtered stories = %q, want %q", got, want)
		}
	})

	t.Run("screenshot", func(t *testing.T) {
		b := &browser{bin: b.bin, t: t}
		img := b.screenshot(home, "page-desktop", "1200,900")
		checkScreenshot(t, img, 1200, 900)
	})

	t.Run("screenshot narrow", func(t *testing.T) {
		b := &browser{bin: b.bin, t: t}
		img := b.screenshot(home+"?tag=news", "page-mobile", "390,844")
		checkScreenshot(t, img, 390, 844)
	})
}

// checkScreenshot asserts that img is a rendered page, not a blank or
// unstyled one: the page background dominates, there is dark text, there
// are many distinct colours (anti-aliased glyphs), and the accent colour
// of the stylesheet's header and button is present (so the stylesheet
// loaded under the Content-Security-Policy).
func checkScreenshot(t *testing.T, img image.Image, w, h int) {
	t.Helper()
	r := img.Bounds()
	if r.Dx() != w || r.Dy() != h {
		t.Errorf("screenshot is %dx%d, want %dx%d", r.Dx(), r.Dy(), w, h)
	}
	colours := map[[3]uint8]int{}
	var dark, background, accent int
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := rgb(img, x, y)
			colours[c]++
			switch {
			case near(c, [3]uint8{0xfb, 0xfb, 0xf8}, 3): // --bg
				background++
			case near(c, [3]uint8{0x9b, 0x1c, 0x1c}, 6): // --accent
				accent++
			}
			if luma(c) < 90 {
				dark++
			}
		}
	}
	total := r.Dx() * r.Dy()
	t.Logf("screenshot %dx%d: %d colours, background %.0f%%, dark %d px, accent %d px",
		r.Dx(), r.Dy(), len(colours), 100*float64(background)/float64(total), dark, accent)
	if len(colours) < 50 {
		t.Errorf("screenshot has only %d distinct colours: blank or unstyled", len(colours))
	}
	if background < total/3 {
		t.Errorf("page background covers %d of %d pixels, want at least a third", background, total)
	}
	if dark < total/200 {
		t.Errorf("only %d dark (text) pixels", dark)
	}
	if accent < 200 {
		t.Errorf("only %d pixels of the accent colour: the stylesheet did not apply", accent)
	}
}

func rgb(img image.Image, x, y int) [3]uint8 {
	r, g, b, _ := img.At(x, y).RGBA()
	return [3]uint8{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8)}
}

func near(a, b [3]uint8, tol int) bool {
	for i := range a {
		d := int(a[i]) - int(b[i])
		if d < -tol || d > tol {
			return false
		}
	}
	return true
}

func luma(c [3]uint8) int {
	return (299*int(c[0]) + 587*int(c[1]) + 114*int(c[2])) / 1000
}
