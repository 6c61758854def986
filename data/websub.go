package data

import "time"

// Subscription is a WebSub subscriber's verified interest in one feed.
type Subscription struct {
	Topic    string // the feed URL subscribed to
	Callback string // where content is POSTed
	// Secret, when set, keys the HMAC in X-Hub-Signature.
	Secret  string
	Expires time.Time // end of the lease, UTC
	Created time.Time // first verified subscription, UTC; kept on renewal
}
