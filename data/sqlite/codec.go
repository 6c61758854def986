package sqlite

import (
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"time"
	"unsafe"

	"github.com/govfeed/govfeed/data"
)

// The range of times that Unix nanoseconds in an int64 can hold.
var (
	minTime = time.Unix(0, math.MinInt64).UTC()
	maxTime = time.Unix(0, math.MaxInt64).UTC()
)

// ns returns t as Unix nanoseconds, clamped to the representable range.
func ns(t time.Time) int64 {
	switch {
	case t.Before(minTime):
		return math.MinInt64
	case t.After(maxTime):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// nullNS is the column value of t: NULL for the zero time, else ns(t).
func nullNS(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: ns(t), Valid: true}
}

// fromNS turns Unix nanoseconds back into a UTC time.
func fromNS(n int64) time.Time { return time.Unix(0, n).UTC() }

// fromNullNS turns a nullable column back into a UTC time, zero for NULL.
func fromNullNS(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return fromNS(n.Int64)
}

// sortDate is the sort_date column: data.Item.SortDate, the one ordering
// rule, on the columns' Unix nanoseconds.
func sortDate(published sql.NullInt64, firstSeen int64) int64 {
	return ns(data.Item{Published: fromNullNS(published), FirstSeen: fromNS(firstSeen)}.SortDate())
}

// enclosure is the JSON form of data.Enclosure in the enclosures column.
type enclosure struct {
	URL    string `json:"url"`
	Type   string `json:"type,omitempty"`
	Length int64  `json:"length,omitempty"`
	Title  string `json:"title,omitempty"`
}

// row is an item as its columns hold it; contentHash is computed from it, so
// an item read back and saved again hashes the same.
type row struct {
	guid, title, link, summary, content, author, lang string
	categories, enclosures                            sql.NullString
	published, updated                                sql.NullInt64
}

func toRow(it data.Item) (row, error) {
	r := row{
		guid: it.GUID, title: it.Title, link: it.Link, summary: it.Summary,
		content: it.Content, author: it.Author, lang: it.Lang,
		published: nullNS(it.Published), updated: nullNS(it.Updated),
	}
	if len(it.Categories) > 0 {
		b, err := json.Marshal(it.Categories)
		if err != nil {
			return row{}, fmt.Errorf("encode categories: %w", err)
		}
		r.categories = sql.NullString{String: string(b), Valid: true}
	}
	if len(it.Enclosures) > 0 {
		encs := make([]enclosure, len(it.Enclosures))
		for i, e := range it.Enclosures {
			encs[i] = enclosure(e)
		}
		b, err := json.Marshal(encs)
		if err != nil {
			return row{}, fmt.Errorf("encode enclosures: %w", err)
		}
		r.enclosures = sql.NullString{String: string(b), Valid: true}
	}
	return r, nil
}

// decodeLists fills it's Categories and Enclosures from their columns.
func decodeLists(it *data.Item, categories, enclosures sql.NullString) error {
	if categories.Valid {
		if err := json.Unmarshal([]byte(categories.String), &it.Categories); err != nil {
			return fmt.Errorf("decode categories of item %d: %w", it.ID, err)
		}
	}
	if enclosures.Valid {
		var encs []enclosure
		if err := json.Unmarshal([]byte(enclosures.String), &encs); err != nil {
			return fmt.Errorf("decode enclosures of item %d: %w", it.ID, err)
		}
		it.Enclosures = make([]data.Enclosure, len(encs))
		for i, e := range encs {
			it.Enclosures[i] = data.Enclosure(e)
		}
	}
	return nil
}

// contentHash covers what makes an item "changed": title, link, summary,
// content, author, categories, enclosures and published. The upstream's
// Updated is compared separately (it changes the item only when it moves
// forward), because the stored Updated may be the store's own "now".
func contentHash(r row) []byte {
	h := sha256.New()
	var n [8]byte
	str := func(s string) {
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		// Not []byte(s), which copied every item's content: 118 MB in the
		// 1,000-feed ingest (an io.Writer neither modifies nor retains).
		h.Write(stringBytes(s))
	}
	for _, s := range []string{r.title, r.link, r.summary, r.content, r.author, r.categories.String, r.enclosures.String} {
		str(s)
	}
	if r.published.Valid {
		binary.BigEndian.PutUint64(n[:], uint64(r.published.Int64))
		h.Write([]byte{1})
		h.Write(n[:])
	} else {
		h.Write([]byte{0})
	}
	return h.Sum(nil)[:16]
}

// stringBytes returns the bytes of s itself, not a copy, for a reader
// that neither modifies nor retains them (an io.Writer, zstd's EncodeAll).
func stringBytes(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
