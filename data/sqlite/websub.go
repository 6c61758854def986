package sqlite

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/govfeed/govfeed/data"
)

// WebSubSchema is migration 4: the table of WebSub subscriptions.
const WebSubSchema = `
CREATE TABLE IF NOT EXISTS websub_subscriptions (
	topic    TEXT NOT NULL,
	callback TEXT NOT NULL,
	secret   TEXT NOT NULL DEFAULT '',
	expires  INTEGER NOT NULL, -- end of the lease
	created  INTEGER NOT NULL, -- first verified subscription
	PRIMARY KEY (topic, callback)
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS websub_subscriptions_expires ON websub_subscriptions (expires);
`

// SaveSubscription inserts sub, or renews the subscription of the same
// topic and callback: its secret and expiry are replaced and its creation
// time kept. A zero Created means now.
func (s *Store) SaveSubscription(ctx context.Context, sub data.Subscription) error {
	if sub.Topic == "" || sub.Callback == "" {
		return errors.New("save websub subscription: empty topic or callback")
	}
	created := sub.Created
	if created.IsZero() {
		created = s.now()
	}
	_, err := s.w.ExecContext(ctx, `INSERT INTO websub_subscriptions (topic, callback, secret, expires, created)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (topic, callback) DO UPDATE SET secret = excluded.secret, expires = excluded.expires`,
		sub.Topic, sub.Callback, sub.Secret, ns(sub.Expires), ns(created))
	if err != nil {
		return fmt.Errorf("save websub subscription of %s to %s: %w", sub.Callback, sub.Topic, s.fileErr(err))
	}
	return nil
}

// DeleteSubscription removes the subscription of callback to topic; a
// missing one is no error.
func (s *Store) DeleteSubscription(ctx context.Context, topic, callback string) error {
	_, err := s.w.ExecContext(ctx,
		`DELETE FROM websub_subscriptions WHERE topic = ? AND callback = ?`, topic, callback)
	if err != nil {
		return fmt.Errorf("delete websub subscription of %s to %s: %w", callback, topic, s.fileErr(err))
	}
	return nil
}

// Subscriptions returns the subscriptions of topic whose lease ends after
// now, oldest first.
func (s *Store) Subscriptions(ctx context.Context, topic string, now time.Time) ([]data.Subscription, error) {
	subs, err := s.subscriptions(ctx, topic, now)
	if err != nil {
		return nil, fmt.Errorf("read websub subscriptions of %s: %w", topic, err)
	}
	return subs, nil
}

func (s *Store) subscriptions(ctx context.Context, topic string, now time.Time) ([]data.Subscription, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT callback, secret, expires, created FROM websub_subscriptions
		WHERE topic = ? AND expires > ? ORDER BY created, callback`, topic, ns(now))
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var out []data.Subscription
	for rows.Next() {
		sub := data.Subscription{Topic: topic}
		var expires, created int64
		if err := rows.Scan(&sub.Callback, &sub.Secret, &expires, &created); err != nil {
			return nil, err
		}
		sub.Expires, sub.Created = fromNS(expires), fromNS(created)
		out = append(out, sub)
	}
	return out, rows.Err()
}

// CountSubscriptions returns the number of subscriptions, all topics,
// whose lease ends after now.
func (s *Store) CountSubscriptions(ctx context.Context, now time.Time) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx,
		`SELECT count(*) FROM websub_subscriptions WHERE expires > ?`, ns(now)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count websub subscriptions: %w", err)
	}
	return n, nil
}

// PurgeSubscriptions deletes the subscriptions whose lease ended at or
// before now and returns how many it deleted.
func (s *Store) PurgeSubscriptions(ctx context.Context, now time.Time) (int, error) {
	n, err := s.purgeSubscriptions(ctx, now)
	if err != nil {
		return 0, fmt.Errorf("purge ended websub subscriptions: %w", s.fileErr(err))
	}
	if n > 0 {
		s.log.Debug("purged websub subscriptions", "count", n)
	}
	return int(n), nil
}

func (s *Store) purgeSubscriptions(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM websub_subscriptions WHERE expires <= ?`, ns(now))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
