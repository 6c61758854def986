//go:build !unix

package main

import "os"

// maxRSSKB is unknown on this system.
func maxRSSKB(*os.ProcessState) int64 { return 0 }
