package websub

import (
	"context"
	"time"

	"github.com/govfeed/govfeed/data"
)

// Subscription is one verified subscriber of one topic.
type Subscription = data.Subscription

// Store keeps subscriptions. It is implemented by *sqlite.Store.
type Store interface {
	// SaveSubscription inserts s, or renews the subscription of the same
	// topic and callback: secret and expiry are replaced, Created is kept.
	SaveSubscription(ctx context.Context, s Subscription) error
	// DeleteSubscription removes a subscription; a missing one is no error.
	DeleteSubscription(ctx context.Context, topic, callback string) error
	// Subscriptions returns the subscriptions of topic whose lease ends
	// after now.
	Subscriptions(ctx context.Context, topic string, now time.Time) ([]Subscription, error)
	// CountSubscriptions returns the number of subscriptions, all topics,
	// whose lease ends after now.
	CountSubscriptions(ctx context.Context, now time.Time) (int, error)
	// PurgeSubscriptions deletes the subscriptions whose lease ended at or
	// before now and returns how many it deleted.
	PurgeSubscriptions(ctx context.Context, now time.Time) (int, error)
}
