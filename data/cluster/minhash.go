package cluster

import (
	"math"
	"unicode/utf8"
)

// SketchSize is the number of MinHash values in a Sketch made by NewSketch.
// The standard error of the estimated Jaccard J is sqrt(J(1-J)/SketchSize),
// 0.06 at J=0.4.
const SketchSize = 64

// hashParams are the SketchSize multiply-shift hash functions
// h_i(x) = (a_i*x + b_i) >> 32 with a_i odd, derived from a fixed seed. They
// are part of the persisted sketch format: never change them.
var hashParams = func() (p [SketchSize][2]uint64) {
	x := uint64(0x676f76666565642d) // "govfeed-"
	for i := range p {
		x += 0x9e3779b97f4a7c15
		p[i][0] = mix64(x) | 1
		x += 0x9e3779b97f4a7c15
		p[i][1] = mix64(x)
	}
	return p
}()

// minHash returns the MinHash signature of a set of shingle hashes, or nil
// for an empty set.
func minHash(set []uint64) []uint32 {
	if len(set) == 0 {
		return nil
	}
	var mh [SketchSize]uint32
	for i := range mh {
		mh[i] = math.MaxUint32
	}
	for _, x := range set {
		for i := range mh {
			if v := uint32((hashParams[i][0]*x + hashParams[i][1]) >> 32); v < mh[i] {
				mh[i] = v
			}
		}
	}
	return mh[:]
}

// Similarity returns the estimated Jaccard similarity of the shingle sets of
// a and b: the fraction of MinHash positions where they agree. It is 0 when
// either sketch has no MinHash or the lengths differ.
func Similarity(a, b Sketch) float64 {
	return jaccard(a.MinHash, b.MinHash)
}

func jaccard(a, b []uint32) float64 {
	if len(a) == 0 || len(a) != len(b) {
		return 0
	}
	eq := 0
	for i, v := range a {
		if b[i] == v {
			eq++
		}
	}
	return float64(eq) / float64(len(a))
}

// decodeRune is utf8.DecodeRuneInString, named for brevity.
func decodeRune(s string) (rune, int) { return utf8.DecodeRuneInString(s) }
