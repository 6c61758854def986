package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// serveResult compares govfeed serving its combined feed with nginx
// serving the same bytes from files (sendfile, gzip_static).
type serveResult struct {
	PlainBytes   int                `json:"plain_bytes"`
	GzipBytes    int                `json:"gzip_bytes"`
	Entries      int                `json:"entries"`
	Runs         []wrkResult        `json:"runs"`
	Best         map[string]float64 `json:"best_rps"`    // "govfeed plain" etc.
	PlainRatio   float64            `json:"plain_ratio"` // govfeed / nginx
	GzipRatio    float64            `json:"gzip_ratio"`
	DaemonRSSMiB float64            `json:"daemon_max_rss_mib"`
	// StartupS is how long the daemon took from start until it was idle
	// (serving, not building), StartupCPUS the CPU it used meanwhile and
	// StartupRSSMiB its peak RSS then.
	StartupS      float64 `json:"startup_s"`
	StartupCPUS   float64 `json:"startup_cpu_s"`
	StartupRSSMiB float64 `json:"startup_max_rss_mib"`
	Wrk           string  `json:"wrk"`
}

// wrkResult is one wrk run.
type wrkResult struct {
	Server   string  `json:"server"`   // govfeed or nginx
	Encoding string  `json:"encoding"` // plain or gzip
	RPS      float64 `json:"rps"`
	Errors   int     `json:"errors"` // non-2xx answers and socket errors
	Load     string  `json:"load"`
}

// serve runs the daemon on the scenario's data and measures requests per
// second on /feed.atom, side by side with nginx on the same bytes.
func (b *bench) serve(ctx context.Context, dir, cfg string, port int, env []string) (*serveResult, error) {
	if _, err := exec.LookPath("wrk"); err != nil {
		return nil, errors.New("serve: wrk not found (apt-get install -y wrk), or run with -serve=false")
	}
	nginxBin, err := exec.LookPath("nginx")
	if err != nil {
		return nil, errors.New("serve: nginx not found (apt-get install -y nginx-light), or run with -serve=false")
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	daemon := exec.CommandContext(sctx, b.govfeed, "run", "--config", cfg)
	daemon.Env = append(os.Environ(), env...)
	dlog, err := os.Create(filepath.Join(dir, "daemon.log"))
	if err != nil {
		return nil, err
	}
	defer func() { _ = dlog.Close() }()
	daemon.Stdout, daemon.Stderr = dlog, dlog
	daemon.Cancel = func() error { return daemon.Process.Signal(syscall.SIGTERM) }
	daemon.WaitDelay = 30 * time.Second
	if err := daemon.Start(); err != nil {
		return nil, fmt.Errorf("serve: start govfeed run: %w", err)
	}
	hwm := watchHWM(daemon.Process.Pid)
	res := &serveResult{Entries: b.opts.Entries, Best: map[string]float64{}}
	defer func() {
		cancel()
		_ = daemon.Wait()
		if daemon.ProcessState != nil {
			res.DaemonRSSMiB = float64(hwm.peak(daemon.ProcessState)) / 1024
		}
	}()
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	start := time.Now()
	if err := waitHTTP(ctx, base+"/healthz", 60*time.Second); err != nil {
		return nil, fmt.Errorf("serve: govfeed run: %w (see %s)", err, dlog.Name())
	}
	// The daemon may build feeds in the background after it starts; the
	// load test measures the steady state, once it is idle.
	cpu, err := waitIdle(ctx, daemon.Process.Pid, 5*time.Minute)
	if err != nil {
		return nil, fmt.Errorf("serve: govfeed run: %w", err)
	}
	res.StartupS, res.StartupCPUS = time.Since(start).Seconds(), cpu.Seconds()
	if kb, ok := readHWM(fmt.Sprintf("/proc/%d/status", daemon.Process.Pid)); ok {
		res.StartupRSSMiB = float64(kb) / 1024
	}
	b.logf("  daemon idle after %.1f s (%.1f s CPU, peak RSS %.0f MiB)", res.StartupS, res.StartupCPUS, res.StartupRSSMiB)
	plain, err := getBody(ctx, base+"/feed.atom", false)
	if err != nil {
		return nil, err
	}
	gz, err := getBody(ctx, base+"/feed.atom", true)
	if err != nil {
		return nil, err
	}
	res.PlainBytes, res.GzipBytes = len(plain), len(gz)

	ngx, stopNginx, err := startNginx(ctx, nginxBin, filepath.Join(dir, "nginx"), plain, gz)
	if err != nil {
		return nil, err
	}
	defer stopNginx()
	for _, gzip := range []bool{false, true} {
		want := plain
		if gzip {
			want = gz
		}
		got, err := getBody(ctx, ngx+"/feed.atom", gzip)
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(got, want) {
			return nil, fmt.Errorf("serve: nginx sends %d bytes for gzip=%v, govfeed %d", len(got), gzip, len(want))
		}
	}
	minURL, stopMin, err := b.startServeMin(ctx, filepath.Join(dir, "nginx", "root"))
	if err != nil {
		return nil, err
	}
	defer stopMin()
	out, _ := exec.CommandContext(ctx, "wrk", "-v").CombinedOutput()
	res.Wrk = strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
	targets := []struct{ server, url string }{{"govfeed", base + "/feed.atom"}, {"nginx", ngx + "/feed.atom"}, {"minimal Go", minURL + "/feed.atom"}}
	for round := 0; round < b.opts.ServeRounds; round++ {
		for _, enc := range []string{"plain", "gzip"} {
			for _, t := range targets {
				r, err := b.wrk(ctx, t.url, enc == "gzip")
				if err != nil {
					return res, err
				}
				r.Server, r.Encoding = t.server, enc
				b.logf("  wrk %s %s: %.0f req/s (load %s)", t.server, enc, r.RPS, r.Load)
				res.Runs = append(res.Runs, r)
				if k := t.server + " " + enc; r.Errors == 0 && r.RPS > res.Best[k] {
					res.Best[k] = r.RPS
				}
			}
		}
	}
	if n := res.Best["nginx plain"]; n > 0 {
		res.PlainRatio = res.Best["govfeed plain"] / n
	}
	if n := res.Best["nginx gzip"]; n > 0 {
		res.GzipRatio = res.Best["govfeed gzip"] / n
	}
	return res, nil
}

var (
	rpsRe    = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	non2xxRe = regexp.MustCompile(`Non-2xx or 3xx responses:\s+(\d+)`)
	sockRe   = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
)

// wrk runs one load test against u.
func (b *bench) wrk(ctx context.Context, u string, gzip bool) (wrkResult, error) {
	args := []string{"-t", strconv.Itoa(b.opts.WrkThreads), "-c", strconv.Itoa(b.opts.WrkConns),
		"-d", fmt.Sprintf("%ds", max(1, int(b.opts.WrkDuration/time.Second)))}
	if gzip {
		args = append(args, "-H", "Accept-Encoding: gzip")
	}
	args = append(args, u)
	r := wrkResult{Load: loadAvg()}
	out, err := exec.CommandContext(ctx, "wrk", args...).CombinedOutput()
	if err != nil {
		return r, fmt.Errorf("wrk %s: %w: %s", strings.Join(args, " "), err, tail(string(out), 400))
	}
	return parseWrk(r, string(out))
}

// parseWrk reads wrk's summary into r.
func parseWrk(r wrkResult, out string) (wrkResult, error) {
	m := rpsRe.FindStringSubmatch(out)
	if m == nil {
		return r, fmt.Errorf("wrk printed no Requests/sec: %s", tail(out, 400))
	}
	r.RPS, _ = strconv.ParseFloat(m[1], 64)
	if m := non2xxRe.FindStringSubmatch(out); m != nil {
		n, _ := strconv.Atoi(m[1])
		r.Errors += n
	}
	if m := sockRe.FindStringSubmatch(out); m != nil {
		for _, s := range m[1:] {
			n, _ := strconv.Atoi(s)
			r.Errors += n
		}
	}
	return r, nil
}

// startServeMin starts `govbench serve-min` on the files nginx serves and
// returns its base URL and a function that stops it.
func (b *bench) startServeMin(ctx context.Context, root string) (string, func(), error) {
	cmd := exec.CommandContext(ctx, b.self, "serve-min", "-plain", filepath.Join(root, "feed.atom"), "-gzip", filepath.Join(root, "feed.atom.gz"))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("start serve-min: %w", err)
	}
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}
	line := make([]byte, 64)
	n, err := stdout.Read(line)
	if err != nil {
		stop()
		return "", nil, fmt.Errorf("serve-min: %w", err)
	}
	base := strings.TrimSpace(string(line[:n]))
	if err := waitHTTP(ctx, base+"/feed.atom", 10*time.Second); err != nil {
		stop()
		return "", nil, err
	}
	return base, stop, nil
}

// startNginx serves plain and gz as feed.atom and feed.atom.gz from a
// loopback port with sendfile and gzip_static, and returns its base URL
// and a function that stops it.
func startNginx(ctx context.Context, bin, dir string, plain, gz []byte) (string, func(), error) {
	root := filepath.Join(dir, "root")
	for _, d := range []string{root, filepath.Join(dir, "tmp")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return "", nil, err
		}
	}
	mtime := time.Now().Add(-time.Minute)
	for name, body := range map[string][]byte{"feed.atom": plain, "feed.atom.gz": gz} {
		p := filepath.Join(root, name)
		if err := os.WriteFile(p, body, 0o644); err != nil {
			return "", nil, err
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil { // gzip_static wants equal-or-newer .gz; same is fine
			return "", nil, err
		}
	}
	// Worker processes run as nobody unless told otherwise; the files are
	// under a private temporary directory.
	if err := openUp(dir); err != nil {
		return "", nil, err
	}
	port, err := freePort()
	if err != nil {
		return "", nil, err
	}
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;"
	}
	tmp := filepath.Join(dir, "tmp")
	conf := fmt.Sprintf(`# Written by govbench: the same bytes as govfeed's /feed.atom, from files.
%s
worker_processes 2;
daemon off;
pid %s/nginx.pid;
error_log %s/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000000;
  gzip_static on;
  types { application/atom+xml atom; }
  default_type application/octet-stream;
  client_body_temp_path %s/body;
  proxy_temp_path %s/proxy;
  fastcgi_temp_path %s/fastcgi;
  uwsgi_temp_path %s/uwsgi;
  scgi_temp_path %s/scgi;
  server {
    listen 127.0.0.1:%d;
    root %s;
    location / { add_header Cache-Control "public, max-age=300"; }
  }
}
`, user, dir, dir, tmp, tmp, tmp, tmp, tmp, port, root)
	confPath := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		return "", nil, err
	}
	cmd := exec.Command(bin, "-p", dir, "-c", confPath, "-e", filepath.Join(dir, "error.log"))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("start nginx: %w", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGQUIT)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	if err := waitHTTP(ctx, base+"/feed.atom", 10*time.Second); err != nil {
		stop()
		errLog, _ := os.ReadFile(filepath.Join(dir, "error.log"))
		return "", nil, fmt.Errorf("nginx did not start: %w: %s %s", err, tail(out.String(), 300), tail(string(errLog), 300))
	}
	return base, stop, nil
}

// openUp makes dir and its parents up to the work directory traversable.
func openUp(dir string) error {
	for d := dir; d != "/" && d != "."; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return err
		}
		if fi.Mode().Perm()&0o005 != 0o005 {
			if err := os.Chmod(d, fi.Mode().Perm()|0o005); err != nil {
				return err
			}
		}
		if strings.HasPrefix(filepath.Base(d), "govbench-") {
			break
		}
	}
	return nil
}

// waitIdle waits until process pid used less than 2% of a CPU over one
// second, and returns the CPU time it had used by then.
func waitIdle(ctx context.Context, pid int, timeout time.Duration) (time.Duration, error) {
	deadline := time.Now().Add(timeout)
	prev, err := cpuTime(pid)
	if err != nil {
		return 0, err
	}
	for time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(time.Second):
		}
		cur, err := cpuTime(pid)
		if err != nil {
			return 0, err
		}
		if cur-prev < 20*time.Millisecond {
			return cur, nil
		}
		prev = cur
	}
	return prev, fmt.Errorf("still busy after %s", timeout)
}

// cpuTime reads the user+system CPU time of pid from /proc (clock ticks of
// 10 ms, as on every Linux that govbench targets).
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// Fields after the command name, which is in parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("unreadable /proc/%d/stat", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("unreadable /proc/%d/stat", pid)
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("unreadable /proc/%d/stat", pid)
	}
	return time.Duration(ut+st) * 10 * time.Millisecond, nil
}

// waitHTTP polls u until it answers 200 or timeout passes.
func waitHTTP(ctx context.Context, u string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("GET %s: %s", u, resp.Status)
		}
		last = err
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return fmt.Errorf("not ready after %s: %w", timeout, last)
}

// getBody GETs u and returns the body as sent (gzip-compressed when asked).
func getBody(ctx context.Context, u string, gzip bool) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	if gzip {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	c := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	if gzip != (resp.Header.Get("Content-Encoding") == "gzip") {
		return nil, fmt.Errorf("GET %s (gzip %v): Content-Encoding %q", u, gzip, resp.Header.Get("Content-Encoding"))
	}
	return b, nil
}
