package config

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// decoder walks a yaml.Node tree by hand, so that every problem carries the
// line it comes from and all problems are reported together.
type decoder struct {
	file string
	errs []*Error
}

// fail records one problem at n's line (0 when n is nil).
func (d *decoder) fail(n *yaml.Node, key string, err error) {
	line := 0
	if n != nil {
		line = n.Line
	}
	d.errs = append(d.errs, &Error{File: d.file, Line: line, Key: key, Err: err})
}

// failf records one problem with a formatted message.
func (d *decoder) failf(n *yaml.Node, key, format string, args ...any) {
	d.fail(n, key, fmt.Errorf(format, args...))
}

// resolve follows aliases to the node they name.
func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// isNull reports whether n is absent or an explicit YAML null ("key:" with
// no value), which leaves the default in place.
func isNull(n *yaml.Node) bool {
	n = resolve(n)
	return n == nil || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

// describe names what n is, for "expected X, got Y" messages.
func describe(n *yaml.Node) string {
	n = resolve(n)
	switch {
	case n == nil:
		return "nothing"
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	}
	switch n.ShortTag() {
	case "!!str":
		return fmt.Sprintf("string %q", n.Value)
	case "!!int":
		return "integer " + n.Value
	case "!!float":
		return "number " + n.Value
	case "!!bool":
		return "boolean " + n.Value
	case "!!null":
		return "null"
	case "!!timestamp":
		return "timestamp " + n.Value
	default:
		return fmt.Sprintf("%s %q", n.ShortTag(), n.Value)
	}
}

// entry is one key/value pair of a mapping.
type entry struct {
	name     string
	key, val *yaml.Node
}

// mapping is a decoded YAML mapping whose keys were checked against a schema.
type mapping struct {
	node    *yaml.Node // the mapping node, or nil when absent
	path    string     // key path of the mapping itself, "" for the root
	entries map[string]entry
}

// join appends name to a key path.
func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// key returns the full key path of name inside m.
func (m *mapping) key(name string) string { return join(m.path, name) }

// get returns the value of name, or nil when it is absent or null.
func (m *mapping) get(name string) *yaml.Node {
	e, ok := m.entries[name]
	if !ok || isNull(e.val) {
		return nil
	}
	return e.val
}

// mapping decodes n as a mapping whose keys must be among known. An absent
// or null n yields an empty mapping.
func (d *decoder) mapping(n *yaml.Node, path string, known ...string) *mapping {
	m := &mapping{path: path, entries: map[string]entry{}}
	if isNull(n) {
		return m
	}
	m.node = n
	es, ok := d.pairs(n, path)
	if !ok {
		return m
	}
	for _, e := range es {
		if !slices.Contains(known, e.name) {
			d.fail(e.key, m.key(e.name), unknownKey(e.name, known))
			continue
		}
		m.entries[e.name] = e
	}
	return m
}

// unknownKey builds the error for a key outside the schema, suggesting the
// closest known key when it looks like a typo.
func unknownKey(name string, known []string) error {
	best, bestDist := "", 3
	for _, k := range known {
		if dist := editDistance(strings.ToLower(name), k); dist < bestDist {
			best, bestDist = k, dist
		}
	}
	if best != "" {
		return fmt.Errorf("%w (did you mean %q?)", ErrUnknownKey, best)
	}
	return fmt.Errorf("%w (known keys: %s)", ErrUnknownKey, strings.Join(known, ", "))
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// pairs returns the entries of mapping n in file order, reporting
// duplicate and non-scalar keys. Merge keys ("<<: *anchor") are expanded:
// explicit keys win over merged ones, and earlier merged mappings win over
// later ones.
func (d *decoder) pairs(n *yaml.Node, path string) ([]entry, bool) {
	rn := resolve(n)
	if rn.Kind != yaml.MappingNode {
		d.failf(n, path, "expected a mapping, got %s", describe(rn))
		return nil, false
	}
	seen := map[string]*yaml.Node{}
	var out, merged []entry
	for i := 0; i+1 < len(rn.Content); i += 2 {
		k, v := rn.Content[i], rn.Content[i+1]
		rk := resolve(k)
		if rk.Kind != yaml.ScalarNode {
			d.failf(k, path, "a key must be a plain string, got %s", describe(rk))
			continue
		}
		if rk.ShortTag() == "!!merge" {
			merged = append(merged, d.merge(v, path)...)
			continue
		}
		if first, dup := seen[rk.Value]; dup {
			d.fail(k, join(path, rk.Value), fmt.Errorf("%w, first given at line %d", ErrDuplicateKey, first.Line))
			continue
		}
		seen[rk.Value] = k
		out = append(out, entry{name: rk.Value, key: k, val: v})
	}
	for _, e := range merged {
		if _, ok := seen[e.name]; !ok {
			seen[e.name] = e.key
			out = append(out, e)
		}
	}
	return out, true
}

// merge returns the entries a merge key brings in: those of one mapping or
// of a list of mappings.
func (d *decoder) merge(v *yaml.Node, path string) []entry {
	rv := resolve(v)
	switch rv.Kind {
	case yaml.MappingNode:
		es, _ := d.pairs(rv, path)
		return es
	case yaml.SequenceNode:
		var out []entry
		for _, el := range rv.Content {
			if resolve(el).Kind != yaml.MappingNode {
				d.failf(el, path, "a merge key (<<) needs mappings, got %s", describe(el))
				continue
			}
			es, _ := d.pairs(el, path)
			out = append(out, es...)
		}
		return out
	default:
		d.failf(v, path, "a merge key (<<) needs a mapping or a list of mappings, got %s", describe(rv))
		return nil
	}
}

// require reports name as missing from m when it is absent or null.
func (d *decoder) require(m *mapping, name string) bool {
	if m.get(name) != nil {
		return true
	}
	at := m.node
	if e, ok := m.entries[name]; ok {
		at = e.val
	}
	d.fail(at, m.key(name), ErrRequired)
	return false
}

// field decodes entry name of m into *dst with parse, then runs checks.
// Absent and null entries leave *dst alone. Problems are reported at the
// value's line. It returns the value node when *dst was set, else nil.
func field[T any](d *decoder, m *mapping, name string, dst *T, parse func(*yaml.Node) (T, error), checks ...func(T) error) *yaml.Node {
	n := m.get(name)
	if n == nil {
		return nil
	}
	v, err := parse(resolve(n))
	for _, check := range checks {
		if err != nil {
			break
		}
		err = check(v)
	}
	if err != nil {
		d.fail(n, m.key(name), err)
		return nil
	}
	*dst = v
	return n
}

// stringList decodes entry name of m as a list of strings, each passing
// check; duplicates are errors. It returns nil when the entry is absent.
func (d *decoder) stringList(m *mapping, name string, check func(string) error) []string {
	n := m.get(name)
	if n == nil {
		return nil
	}
	rn := resolve(n)
	if rn.Kind != yaml.SequenceNode {
		d.failf(n, m.key(name), "expected a list, got %s", describe(rn))
		return nil
	}
	out := make([]string, 0, len(rn.Content))
	for i, el := range rn.Content {
		key := fmt.Sprintf("%s[%d]", m.key(name), i)
		s, err := parseString(resolve(el))
		if err == nil {
			err = check(s)
		}
		if err == nil && slices.Contains(out, s) {
			err = fmt.Errorf("%q is listed twice", s)
		}
		if err != nil {
			d.fail(el, key, err)
			continue
		}
		out = append(out, s)
	}
	return out
}

// prefixList decodes entry name of m as a list of networks (see
// parsePrefix); duplicates are errors. It returns nil when the entry is
// absent.
func (d *decoder) prefixList(m *mapping, name string) []netip.Prefix {
	ss := d.stringList(m, name, checkPrefix)
	if len(ss) == 0 {
		return nil
	}
	out := make([]netip.Prefix, 0, len(ss))
	for _, s := range ss {
		p, _ := parsePrefix(s) // checked by stringList
		out = append(out, p)
	}
	return out
}

// stringMap decodes entry name of m as a mapping of strings to strings.
// norm canonicalises and checks a key, check checks a value. It returns nil
// when the entry is absent or empty.
func (d *decoder) stringMap(m *mapping, name string, norm func(string) (string, error), check func(string) error) map[string]string {
	n := m.get(name)
	if n == nil {
		return nil
	}
	es, ok := d.pairs(n, m.key(name))
	if !ok || len(es) == 0 {
		return nil
	}
	out := make(map[string]string, len(es))
	lines := make(map[string]int, len(es))
	for _, e := range es {
		key := join(m.key(name), e.name)
		k, err := norm(e.name)
		if err != nil {
			d.fail(e.key, key, err)
			continue
		}
		if first, dup := lines[k]; dup {
			d.fail(e.key, key, fmt.Errorf("%w (same as %q at line %d)", ErrDuplicateKey, k, first))
			continue
		}
		lines[k] = e.key.Line
		v := ""
		if !isNull(e.val) {
			v, err = parseString(resolve(e.val))
			if err == nil {
				err = check(v)
			}
			if err != nil {
				d.fail(e.val, key, err)
				continue
			}
		}
		out[k] = v
	}
	return out
}
