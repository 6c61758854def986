// Package data holds govfeed's domain types and the rules that belong to
// them: what a source, an item and a source's fetch state are, and the one
// deduplication rule (Key, AssignKeys, CanonicalURL) that every other package
// calls. It imports only the standard library.
package data
