package publish

import (
	_ "embed" // the icons
	"encoding/binary"
)

// The icon (144×144, the largest an RSS image may be) and logo (2:1) that
// feeds show when Options.Icon and Options.Logo are empty.
var (
	//go:embed static/icon.png
	iconPNG []byte
	//go:embed static/logo.png
	logoPNG []byte
)

// icoOf wraps one PNG image of at most 256×256 pixels in an ICO file, as
// browsers ask for /favicon.ico.
func icoOf(png []byte) []byte {
	width, height := png[19], png[23] // from the IHDR chunk; 0 means 256
	b := make([]byte, 6+16, 6+16+len(png))
	binary.LittleEndian.PutUint16(b[2:], 1) // type: icon
	binary.LittleEndian.PutUint16(b[4:], 1) // one image
	b[6], b[7] = width, height
	binary.LittleEndian.PutUint16(b[10:], 1)  // colour planes
	binary.LittleEndian.PutUint16(b[12:], 32) // bits per pixel
	binary.LittleEndian.PutUint32(b[14:], uint32(len(png)))
	binary.LittleEndian.PutUint32(b[18:], 6+16) // offset of the image
	return append(b, png...)
}
