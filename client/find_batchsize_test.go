package client

import (
	"math"
	"testing"
)

// The CRUD spec: a find whose batchSize equals its limit sends limit+1, so
// the server closes the cursor with the first batch.
func TestFindBatchSize(t *testing.T) {
	cases := []struct {
		batch int32
		limit int64
		want  int32
	}{
		{4, 4, 5},
		{4, 0, 4},
		{4, 5, 4},
		{5, 4, 5},
		{math.MaxInt32, math.MaxInt32, math.MaxInt32},
	}
	for _, c := range cases {
		if got := findBatchSize(c.batch, c.limit); got != c.want {
			t.Errorf("findBatchSize(%d, %d) = %d, want %d", c.batch, c.limit, got, c.want)
		}
	}
}
