package cluster

// table is an open-addressing hash table (linear probing, backward-shift
// deletion) of 32-bit references whose keys it does not store: the owner
// recomputes a reference's key when needed. Each cell has a tag byte, 7
// bits of its key's hash, so that a lookup recomputes keys only for the
// cells whose tag matches. Keys are already well-mixed 64-bit hashes: the
// top bits choose the home cell, the low bits the tag.
type table struct {
	tags  []uint8 // 0 for an empty cell
	refs  []uint32
	n     int  // cells in use
	shift uint // 64 - log2(len(tags))
}

const minTable = 8

func tagOf(h uint64) uint8 { return 0x80 | uint8(h) }

func (t *table) home(h uint64) int { return int(h >> t.shift) }

// lookup returns the cell whose reference has key h (eq tells), or -1.
func (t *table) lookup(h uint64, eq func(ref uint32) bool) int {
	if t.n == 0 {
		return -1
	}
	mask, tag := len(t.tags)-1, tagOf(h)
	for i := t.home(h); ; i = (i + 1) & mask {
		switch t.tags[i] {
		case 0:
			return -1
		case tag:
			if eq(t.refs[i]) {
				return i
			}
		}
	}
}

// insert adds ref under key h, which the table must not hold. keyOf
// returns the key of any reference in the table, for growing it.
func (t *table) insert(h uint64, ref uint32, keyOf func(ref uint32) uint64) {
	if 4*(t.n+1) > 3*len(t.tags) {
		t.resize(max(minTable, 2*len(t.tags)), keyOf)
	}
	t.place(h, ref)
	t.n++
}

// place puts ref in the first empty cell from h's home.
func (t *table) place(h uint64, ref uint32) {
	mask := len(t.tags) - 1
	i := t.home(h)
	for t.tags[i] != 0 {
		i = (i + 1) & mask
	}
	t.tags[i], t.refs[i] = tagOf(h), ref
}

// remove empties cell i, moving later cells of its run back so that
// every reference stays reachable from its home cell.
func (t *table) remove(i int, keyOf func(ref uint32) uint64) {
	mask := len(t.tags) - 1
	t.tags[i] = 0
	for j := (i + 1) & mask; t.tags[j] != 0; j = (j + 1) & mask {
		// The reference at j may move to the hole at i unless its home
		// lies cyclically in (i, j].
		h := t.home(keyOf(t.refs[j]))
		if i < j && (h <= i || h > j) || i > j && h <= i && h > j {
			t.tags[i], t.refs[i] = t.tags[j], t.refs[j]
			t.tags[j] = 0
			i = j
		}
	}
	t.n--
	if t.n == 0 {
		*t = table{}
	} else if len(t.tags) > minTable && 8*t.n < len(t.tags) {
		t.resize(len(t.tags)/2, keyOf)
	}
}

// resize moves every reference to a table of size cells (a power of two).
func (t *table) resize(size int, keyOf func(ref uint32) uint64) {
	old := *t
	t.tags, t.refs = make([]uint8, size), make([]uint32, size)
	t.shift = 64
	for s := size; s > 1; s >>= 1 {
		t.shift--
	}
	for i, tag := range old.tags {
		if tag != 0 {
			t.place(keyOf(old.refs[i]), old.refs[i])
		}
	}
}
