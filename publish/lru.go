package publish

import "container/list"

// dynamicSlots bounds the documents built on demand (filtered feeds, pages
// reached by a cursor, archive pages) that stay in memory.
const dynamicSlots = 64

// lru is a least-recently-used set of slots by key. Its owner's mutex
// guards it. A slot whose build is running is never evicted, so that
// requests waiting for it find its bytes.
type lru struct {
	max   int
	order *list.List // of *lruEntry, most recently used first
	byKey map[string]*list.Element
}

type lruEntry struct {
	key  string
	slot *slot
}

func newLRU(max int) *lru {
	return &lru{max: max, order: list.New(), byKey: map[string]*list.Element{}}
}

// get returns the slot of key, made by mk if there is none, and evicts
// the least recently used idle slots beyond the bound.
func (c *lru) get(key string, mk func() *slot) *slot {
	if el, ok := c.byKey[key]; ok {
		c.order.MoveToFront(el)
		return el.Value.(*lruEntry).slot
	}
	s := mk()
	c.byKey[key] = c.order.PushFront(&lruEntry{key: key, slot: s})
	for el := c.order.Back(); el != nil && c.order.Len() > c.max; {
		prev := el.Prev()
		if e := el.Value.(*lruEntry); e.slot.building == nil && e.slot != s {
			c.order.Remove(el)
			delete(c.byKey, e.key)
		}
		el = prev
	}
	return s
}

// len is the number of slots held.
func (c *lru) len() int { return c.order.Len() }

// clear drops every slot.
func (c *lru) clear() {
	c.order.Init()
	clear(c.byKey)
}
