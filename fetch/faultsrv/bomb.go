package faultsrv

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"
)

// bombBlock is the decoded size of one repeated deflate block of the bomb.
const bombBlock = 1 << 20

// gzipBomb returns the GzipBomb body, building it on first use.
func (s *Server) gzipBomb() []byte {
	s.bombOnce.Do(func() { s.bomb = buildBomb(s.opts.BombBytes) })
	return s.bomb
}

// buildBomb returns a valid gzip member that decodes to at least size zero
// bytes (a whole number of MiB) while weighing about a thousandth of that.
//
// It never holds the decoded data: one MiB of zeros is compressed once and
// flushed, which ends the deflate output on a byte boundary after a
// non-final block that refers back only to bytes of its own; that block,
// repeated, is a valid deflate stream of n MiB. An empty final stored
// block and the gzip trailer (CRC-32 and size mod 2^32) close it.
func buildBomb(size int64) []byte {
	n := (size + bombBlock - 1) / bombBlock
	zeros := make([]byte, bombBlock)
	var blk bytes.Buffer
	fw, _ := flate.NewWriter(&blk, flate.BestCompression) // the level is valid
	_, _ = fw.Write(zeros)                                // writes to a bytes.Buffer do not fail
	_ = fw.Flush()

	var out bytes.Buffer
	out.Grow(10 + int(n)*blk.Len() + 5 + 8)
	// Header: magic, CM=deflate, no flags, no mtime, XFL=max compression, OS=unknown.
	out.Write([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 255})
	var crc uint32
	for range n {
		out.Write(blk.Bytes())
		crc = crc32.Update(crc, crc32.IEEETable, zeros)
	}
	out.Write([]byte{1, 0, 0, 0xff, 0xff}) // BFINAL, stored, LEN 0, NLEN
	out.Write(binary.LittleEndian.AppendUint32(nil, crc))
	out.Write(binary.LittleEndian.AppendUint32(nil, uint32(n*bombBlock)))
	return out.Bytes()
}
