//go:build !unix

package sqlite

import (
	"errors"
	"fmt"
	"os"
)

// lockDir is not implemented off Unix: govfeed's daemon targets Linux.
func lockDir(path string) (*os.File, error) {
	return nil, fmt.Errorf("lock %s: %w", path, errors.ErrUnsupported)
}
