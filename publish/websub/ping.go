package websub

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// maxPingError bounds the part of a hub's error answer quoted in an error.
const maxPingError = 200

// Ping tells the external hub at hubURL that each topic has new content:
// one POST of the form hub.mode=publish&hub.url=<topic> per topic. A nil c
// means http.DefaultClient; ctx bounds the whole call. The errors of all
// topics are joined; a 2xx answer is success.
func Ping(ctx context.Context, c *http.Client, hubURL string, topics ...string) error {
	if !isHTTPURL(hubURL) {
		return fmt.Errorf("ping websub hub %q: not an absolute http or https URL", hubURL)
	}
	if c == nil {
		c = http.DefaultClient
	}
	var errs []error
	for _, t := range topics {
		if err := ctx.Err(); err != nil {
			errs = append(errs, fmt.Errorf("ping websub hub %s for %s: %w", hubURL, t, err))
			break
		}
		if err := ping(ctx, c, hubURL, t); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// ping sends one publish notification.
func ping(ctx context.Context, c *http.Client, hubURL, topic string) error {
	form := url.Values{"hub.mode": {"publish"}, "hub.url": {topic}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hubURL, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("ping websub hub %s for %s: %w", hubURL, topic, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("ping websub hub for %s: %w", topic, err)
	}
	defer func() { _ = resp.Body.Close() }()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, maxPingError))
	if resp.StatusCode/100 == 2 {
		return nil
	}
	return fmt.Errorf("ping websub hub %s for %s: %s: %s", hubURL, topic, resp.Status, strings.TrimSpace(string(msg)))
}
