//go:build tools

package torque

import (
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/klauspost/compress/zstd"
	_ "golang.org/x/sync/errgroup"
)
