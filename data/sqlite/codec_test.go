package sqlite

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"testing"
)

// TestContentHashStable: stored hashes decide whether an item changed, so
// the hash of a row must never change between versions. The expected value
// is built here from the format (each compared field as its length, 8 bytes
// big-endian, then its bytes; the published time as 1 and 8 bytes, or 0;
// the first 16 bytes of SHA-256), not by calling contentHash.
func TestContentHashStable(t *testing.T) {
	field := func(b *bytes.Buffer, s string) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		b.Write(n[:])
		b.WriteString(s)
	}
	r := row{
		guid: "g", title: "四川省人民政府", link: "https://www.sc.gov.cn/a.html", summary: "",
		content: "<p>正文</p>", author: "办公厅", lang: "zh",
		categories: sql.NullString{String: `["政策"]`, Valid: true},
		published:  sql.NullInt64{Int64: 1_780_000_000_000_000_000, Valid: true},
	}
	var want bytes.Buffer
	for _, s := range []string{r.title, r.link, r.summary, r.content, r.author, r.categories.String, ""} {
		field(&want, s)
	}
	want.WriteByte(1)
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(r.published.Int64))
	want.Write(n[:])
	sum := sha256.Sum256(want.Bytes())
	if got := contentHash(r); !bytes.Equal(got, sum[:16]) {
		t.Errorf("contentHash = %x, want %x", got, sum[:16])
	}

	// guid, lang and updated are not compared; no published time is a 0.
	r2 := r
	r2.guid, r2.lang, r2.updated = "other", "en", sql.NullInt64{Int64: 5, Valid: true}
	if !bytes.Equal(contentHash(r2), contentHash(r)) {
		t.Error("guid, lang or updated changed the hash")
	}
	r2.published = sql.NullInt64{}
	want.Truncate(want.Len() - 9)
	want.WriteByte(0)
	sum = sha256.Sum256(want.Bytes())
	if got := contentHash(r2); !bytes.Equal(got, sum[:16]) {
		t.Errorf("contentHash without a date = %x, want %x", got, sum[:16])
	}
}
