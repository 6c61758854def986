package websub_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/govfeed/govfeed/data/sqlite"
	"github.com/govfeed/govfeed/publish/websub"
)

// TestSQLiteStore checks *sqlite.Store against the Store contract.
func TestSQLiteStore(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, dir, sqlite.Options{Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	var s websub.Store = st
	a := websub.Subscription{Topic: topicA, Callback: "https://a.example/cb", Secret: "sa",
		Expires: t0.Add(time.Hour), Created: t0}
	b := websub.Subscription{Topic: topicA, Callback: "https://b.example/cb",
		Expires: t0.Add(2 * time.Hour), Created: t0.Add(time.Minute)}
	c := websub.Subscription{Topic: topicB, Callback: "https://a.example/cb",
		Expires: t0.Add(2 * time.Hour), Created: t0}
	for _, sub := range []websub.Subscription{b, a, c} {
		if err := s.SaveSubscription(ctx, sub); err != nil {
			t.Fatalf("SaveSubscription(%+v): %v", sub, err)
		}
	}
	list := func(topic string, now time.Time) []websub.Subscription {
		t.Helper()
		subs, err := s.Subscriptions(ctx, topic, now)
		if err != nil {
			t.Fatalf("Subscriptions(%s, %v): %v", topic, now, err)
		}
		return subs
	}
	if d := cmp.Diff([]websub.Subscription{a, b}, list(topicA, t0)); d != "" {
		t.Errorf("Subscriptions, oldest first (-want +got):\n%s", d)
	}
	// A lease that ends exactly now has ended.
	if d := cmp.Diff([]websub.Subscription{b}, list(topicA, t0.Add(time.Hour))); d != "" {
		t.Errorf("Subscriptions at the end of a's lease (-want +got):\n%s", d)
	}
	if n, err := s.CountSubscriptions(ctx, t0); err != nil || n != 3 {
		t.Errorf("CountSubscriptions = %d, %v; want 3", n, err)
	}

	// Renewal replaces secret and expiry and keeps Created.
	renew := a
	renew.Secret, renew.Expires, renew.Created = "", t0.Add(3*time.Hour), t0.Add(30*time.Minute)
	if err := s.SaveSubscription(ctx, renew); err != nil {
		t.Fatal(err)
	}
	wantA := websub.Subscription{Topic: topicA, Callback: a.Callback, Expires: t0.Add(3 * time.Hour), Created: t0}
	if d := cmp.Diff([]websub.Subscription{wantA, b}, list(topicA, t0)); d != "" {
		t.Errorf("after renewal (-want +got):\n%s", d)
	}

	// Purge drops the leases ending at or before now: b and c.
	if n, err := s.PurgeSubscriptions(ctx, t0.Add(2*time.Hour)); err != nil || n != 2 {
		t.Errorf("PurgeSubscriptions = %d, %v; want 2", n, err)
	}
	if d := cmp.Diff([]websub.Subscription{wantA}, list(topicA, t0)); d != "" {
		t.Errorf("after purge (-want +got):\n%s", d)
	}
	if got := list(topicB, t0); len(got) != 0 {
		t.Errorf("topic B after purge: %+v, want none", got)
	}

	// Survives a reopen.
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st, err = sqlite.Open(ctx, dir, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	s = st
	if d := cmp.Diff([]websub.Subscription{wantA}, list(topicA, t0)); d != "" {
		t.Errorf("after reopen (-want +got):\n%s", d)
	}
	if err := s.DeleteSubscription(ctx, topicA, a.Callback); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteSubscription(ctx, topicA, a.Callback); err != nil {
		t.Errorf("deleting a missing subscription: %v", err)
	}
	if got := list(topicA, t0); len(got) != 0 {
		t.Errorf("after delete: %+v, want none", got)
	}
}

func TestSQLiteStoreRejectsEmptyKey(t *testing.T) {
	st := openStore(t)
	for _, sub := range []websub.Subscription{
		{Callback: "https://a.example/cb", Expires: t0},
		{Topic: topicA, Expires: t0},
	} {
		if err := st.SaveSubscription(context.Background(), sub); err == nil {
			t.Errorf("SaveSubscription(%+v) succeeded, want an error", sub)
		}
	}
}

func TestSQLiteStoreFreshReads(t *testing.T) {
	// Reads on a store where the table was never created yet.
	st := openStore(t)
	if subs, err := st.Subscriptions(t.Context(), topicA, t0); err != nil || len(subs) != 0 {
		t.Errorf("Subscriptions on a fresh store = %v, %v; want none", subs, err)
	}
	if n, err := st.CountSubscriptions(t.Context(), t0); err != nil || n != 0 {
		t.Errorf("CountSubscriptions on a fresh store = %d, %v; want 0", n, err)
	}
	if n, err := st.PurgeSubscriptions(t.Context(), t0); err != nil || n != 0 {
		t.Errorf("PurgeSubscriptions on a fresh store = %d, %v; want 0", n, err)
	}
}
