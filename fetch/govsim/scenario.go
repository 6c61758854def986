package govsim

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"time"
)

// Scenario is a failure mode of the real sites that a host can be switched
// into with SetScenario (GOVSITES §5 and §6 F6).
type Scenario int

// The scenarios.
const (
	// ScenarioNone serves the host normally.
	ScenarioNone Scenario = iota
	// Challenge412 answers a request that lacks the wzws_sessionid cookie
	// the challenge sets, or a Referer, with 412, that Set-Cookie and a
	// JavaScript stub; a request carrying both is served normally.
	Challenge412
	// LyingHeader sends Content-Type "text/html; charset=ISO-8859-1" over
	// the UTF-8 HTML pages, which say utf-8 in their meta.
	LyingHeader
	// Slow drips every response body over Options.Slow, stopping when the
	// request is cancelled.
	Slow
	// Redesign moves every HTML list to <dir>/v2/ (or the view's
	// configured path) in new markup (div.list-content a.pchide), and
	// serves the old address as a script shell with no article links;
	// JSON, RSS and dataproxy views answer 404.
	Redesign
	// EditedTitle changes every article's title, on its page and in the
	// lists (an explicit, truncated list title stays as it was). URLs and
	// dates do not change.
	EditedTitle
	// Blocked403 answers every request with 403 and no cookie, as an
	// IP-level WAF does.
	Blocked403
)

var scenarioNames = [...]string{"none", "challenge412", "lying-header", "slow", "redesign", "edited-title", "blocked403"}

// String returns the scenario's name as ParseScenario reads it.
func (sc Scenario) String() string {
	if sc < 0 || int(sc) >= len(scenarioNames) {
		return fmt.Sprintf("Scenario(%d)", int(sc))
	}
	return scenarioNames[sc]
}

// ParseScenario reads a scenario name: none, challenge412, lying-header,
// slow, redesign, edited-title or blocked403.
func ParseScenario(name string) (Scenario, error) {
	for i, n := range scenarioNames {
		if n == name {
			return Scenario(i), nil
		}
	}
	return ScenarioNone, fmt.Errorf("unknown govsim scenario %q (want one of %v)", name, scenarioNames)
}

// challengeCookie is the cookie Challenge412 sets and then requires.
const challengeCookie = "wzws_sessionid"

// challengeValue is the cookie value of a host: fixed, so a test may also
// send it as a static cookie.
func challengeValue(host string) string {
	sum := sha256.Sum256([]byte("govsim wzws " + host))
	return hex.EncodeToString(sum[:16])
}

// passes reports whether r carries what the 412 challenge asks for.
func passes(r *http.Request, host string) bool {
	c, err := r.Cookie(challengeCookie)
	return err == nil && c.Value == challengeValue(host) && r.Referer() != ""
}

// dripChunks is how many pieces the Slow scenario cuts a body into.
const dripChunks = 20

// drip writes body in dripChunks pieces spread over total, flushing each,
// and stops early when ctx ends (the client gave up).
func drip(ctx context.Context, w http.ResponseWriter, body []byte, total time.Duration) {
	rc := http.NewResponseController(w)
	_ = rc.Flush() // the headers go at once; only the body is slow
	step := total / dripChunks
	size := (len(body) + dripChunks - 1) / dripChunks
	t := time.NewTimer(step)
	defer t.Stop()
	for len(body) > 0 {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n := min(size, len(body))
		if _, err := w.Write(body[:n]); err != nil {
			return
		}
		_ = rc.Flush()
		body = body[n:]
		t.Reset(step)
	}
}
