package cluster

import "math"

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

// minHasher computes the MinHash signature of a set of shingle hashes
// added one by one (adding one twice changes nothing).
type minHasher struct {
	mh  [SketchSize]uint32
	buf [4]uint64
	n   int // in buf
	any bool
	// recent holds the last hash added with each value of the low bits
	// (0: none), to skip the products for one added again: news repeats
	// its phrases, and its title in the body (a sixth of the shingles
	// of testdata/pairs.json are repeats, seven in eight of them caught).
	recent [256]uint64
}

// add adds one shingle hash. Hashes are folded in four at a time, so that
// each pair of hash parameters and each minimum is loaded once for four
// products.
func (m *minHasher) add(x uint64) {
	if r := &m.recent[x%uint64(len(m.recent))]; *r != x || x == 0 {
		*r = x
	} else {
		return // added already
	}
	if !m.any {
		for i := range m.mh {
			m.mh[i] = math.MaxUint32
		}
		m.any = true
	}
	m.buf[m.n] = x
	if m.n++; m.n < len(m.buf) {
		return
	}
	m.n = 0
	p, mh := &hashParams, &m.mh
	x0, x1, x2, x3 := m.buf[0], m.buf[1], m.buf[2], m.buf[3]
	for i := range SketchSize {
		a, b := p[i][0], p[i][1]
		mh[i] = min(mh[i], uint32((a*x0+b)>>32), uint32((a*x1+b)>>32), uint32((a*x2+b)>>32), uint32((a*x3+b)>>32))
	}
}

// sum returns the signature, or nil when no hash was added.
func (m *minHasher) sum() []uint32 {
	if !m.any {
		return nil
	}
	p := &hashParams
	for _, x := range m.buf[:m.n] {
		for i := range SketchSize {
			m.mh[i] = min(m.mh[i], uint32((p[i][0]*x+p[i][1])>>32))
		}
	}
	m.n = 0
	return append([]uint32(nil), m.mh[:]...)
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
