package cluster

import "time"

// Defaults applied by Options.withDefaults to zero fields. They were tuned on
// the "tune" half of testdata/pairs.json only; see doc.go.
const (
	DefaultWindow          = 72 * time.Hour
	DefaultThreshold       = 0.45
	DefaultEntityThreshold = 0.12
	DefaultMinShared       = 4
	DefaultBands           = 32
	DefaultRows            = 2
)

// Options configure clustering. The zero value is disabled; DefaultOptions
// returns the tuned defaults with clustering enabled. Zero numeric fields
// take their defaults, so Options{Enabled: true} is the same as
// DefaultOptions().
type Options struct {
	// Enabled turns clustering on; when false, Add stores nothing and Best
	// never matches.
	Enabled bool
	// Window bounds |Δpublished| for every rule except the strong ones (same
	// link, same document number), and is how long the Index keeps a sketch
	// after the newest one it has seen. Default 72h.
	Window time.Duration
	// Threshold is the estimated Jaccard similarity (of title+body shingles)
	// needed to merge with no other evidence. Default 0.45.
	Threshold float64
	// EntityThreshold is the lower estimated Jaccard needed when the two
	// items agree on at least MinShared specific entities, one of them a
	// date (places, people, numbers, ordinals, named documents). Default 0.12.
	EntityThreshold float64
	// MinShared is the number of agreeing entities (including the date) the
	// entity rule needs. Default 4.
	MinShared int
	// Bands and Rows shape the LSH index over the MinHash: Bands*Rows of the
	// SketchSize values are used, in Bands bands of Rows values each. Two
	// sketches with Jaccard J share a bucket with probability
	// 1-(1-J^Rows)^Bands; the default 32x2 finds 99.9% of pairs at J=0.45 and
	// 95% at J=0.3, while two unrelated Chinese news items (J around 0.02 on
	// character trigrams) collide about 1% of the time. Bands*Rows is capped
	// at SketchSize (Bands is reduced).
	Bands, Rows int
	// CrossLanguage also merges an English and a Chinese item that mention
	// the same date and at least two of the same places or people (matched
	// through a built-in bilingual gazetteer), with no conflicting ordinal or
	// event type. Off by default: the issue scopes clustering to one language.
	CrossLanguage bool
}

// DefaultOptions returns enabled clustering with the tuned defaults.
func DefaultOptions() Options {
	return Options{Enabled: true}.withDefaults()
}

// withDefaults fills zero fields and clamps the LSH shape.
func (o Options) withDefaults() Options {
	if o.Window <= 0 {
		o.Window = DefaultWindow
	}
	if o.Threshold <= 0 {
		o.Threshold = DefaultThreshold
	}
	if o.EntityThreshold <= 0 {
		o.EntityThreshold = DefaultEntityThreshold
	}
	if o.MinShared <= 0 {
		o.MinShared = DefaultMinShared
	}
	if o.Rows <= 0 {
		o.Rows = DefaultRows
	}
	if o.Rows > SketchSize {
		o.Rows = SketchSize
	}
	if o.Bands <= 0 {
		o.Bands = DefaultBands
	}
	if o.Bands*o.Rows > SketchSize {
		o.Bands = SketchSize / o.Rows
	}
	return o
}
