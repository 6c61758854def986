package websub

// QueueLen returns the number of deliveries waiting for a worker.
func QueueLen(h *Hub) int { return len(h.queue) }

// Backoff is backoff, for tests.
var Backoff = backoff

// Verifying returns the number of verifications in flight.
func Verifying(h *Hub) int { return len(h.verifying) }
