// Package sqlite is govfeed's on-disk store: sources' fetch state, items and
// the tombstones that retention leaves behind, in one SQLite database
// (modernc.org/sqlite, pure Go) under a data directory.
//
// A Store is the single writer of govfeed's state. Open takes an exclusive
// lock on the directory, so a second daemon on the same directory fails at
// once with ErrLocked. Writes go through one connection in IMMEDIATE
// transactions; reads use a separate pool of read-only connections, which WAL
// mode lets run beside a writer.
//
// The writer is kept for what must be serial. Concurrent Saves share a
// transaction, one that fails alone (batch.go); their CPU work (content hash,
// compression, story sketch) is done before they queue. The search index is
// built behind the writes, in batches (ftsqueue.go). The WAL is checkpointed
// by a connection of its own. Content is stored compressed (body.go).
//
// All times are stored as INTEGER Unix nanoseconds in UTC (NULL for an
// unknown time) and returned in UTC. Times outside the range of Unix
// nanoseconds (years 1678 to 2262) are clamped to it.
//
// The store trusts Item.Key (see data.AssignKeys) and owns what happens to an
// item that is seen again: unchanged, changed in place, or tombstoned.
package sqlite
