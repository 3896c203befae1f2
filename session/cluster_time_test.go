package session

import (
	"bytes"
	"sync"
	"testing"

	"github.com/torque-go/torque/bson"
)

func TestClusterTimeOrder(t *testing.T) {
	tests := []struct {
		name      string
		a, b      [2]uint32 // {T, I}; {0, 0} means no cluster time
		wantAfter bool      // a.After(b)
	}{
		{"later seconds", [2]uint32{10, 1}, [2]uint32{9, 99}, true},
		{"earlier seconds", [2]uint32{9, 99}, [2]uint32{10, 1}, false},
		{"same seconds, later increment", [2]uint32{10, 2}, [2]uint32{10, 1}, true},
		{"same seconds, earlier increment", [2]uint32{10, 1}, [2]uint32{10, 2}, false},
		{"equal", [2]uint32{10, 1}, [2]uint32{10, 1}, false},
		{"any is after none", [2]uint32{1, 0}, [2]uint32{0, 0}, true},
		{"none is after nothing", [2]uint32{0, 0}, [2]uint32{1, 0}, false},
	}
	mk := func(v [2]uint32) ClusterTime {
		if v == [2]uint32{} {
			return ClusterTime{}
		}
		return mustClusterTime(t, v[0], v[1])
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := mk(tt.a), mk(tt.b)
			if got := a.After(b); got != tt.wantAfter {
				t.Errorf("After = %v, want %v", got, tt.wantAfter)
			}
			max := MaxClusterTime(a, b)
			want := a
			if b.After(a) {
				want = b
			}
			if max.Timestamp() != want.Timestamp() || !bytes.Equal(max.Raw(), want.Raw()) {
				t.Errorf("Max = %v, want %v", max.Timestamp(), want.Timestamp())
			}
		})
	}
}

func TestParseClusterTime(t *testing.T) {
	src := clusterTimeDoc(42, 7)
	ct, err := ParseClusterTime(src)
	if err != nil {
		t.Fatal(err)
	}
	if ct.Timestamp() != (bson.Timestamp{T: 42, I: 7}) {
		t.Errorf("Timestamp = %v", ct.Timestamp())
	}
	src[len(src)-2] ^= 0xff // the copy must not change with the source
	if bytes.Equal(ct.Raw(), src) {
		t.Error("ParseClusterTime did not copy the document")
	}

	bad := map[string]bson.Raw{
		"no clusterTime":     doc(func(d []byte) []byte { return bson.AppendInt32Element(d, "x", 1) }),
		"clusterTime is int": doc(func(d []byte) []byte { return bson.AppendInt64Element(d, "clusterTime", 1) }),
		"truncated":          clusterTimeDoc(1, 1)[:10],
		"empty":              nil,
	}
	for name, d := range bad {
		if _, err := ParseClusterTime(d); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := ClusterTimeFromReply(reply(nil, nil, func(d []byte) []byte {
		return bson.AppendInt32Element(d, "$clusterTime", 3)
	})); err == nil {
		t.Error("ClusterTimeFromReply accepted a $clusterTime that is not a document")
	}
	if ct, err := ClusterTimeFromReply(reply(nil, nil, nil)); err != nil || !ct.IsZero() {
		t.Errorf("reply without $clusterTime: %v, %v", ct, err)
	}
}

func TestClockAdvancesMonotonically(t *testing.T) {
	var c Clock
	steps := []struct {
		t, i uint32
		want bson.Timestamp
	}{
		{5, 1, bson.Timestamp{T: 5, I: 1}},
		{4, 9, bson.Timestamp{T: 5, I: 1}}, // older: ignored
		{5, 3, bson.Timestamp{T: 5, I: 3}},
		{5, 2, bson.Timestamp{T: 5, I: 3}},
		{6, 0, bson.Timestamp{T: 6, I: 0}},
	}
	for _, st := range steps {
		if err := c.AdvanceFromReply(reply(nil, clusterTimeDoc(st.t, st.i), nil)); err != nil {
			t.Fatal(err)
		}
		if got := c.Get().Timestamp(); got != st.want {
			t.Errorf("after (%d,%d): %v, want %v", st.t, st.i, got, st.want)
		}
	}
	c.Advance(ClusterTime{}) // none never moves it back
	if c.Get().IsZero() {
		t.Error("Advance(zero) cleared the clock")
	}
}

func TestClockConcurrent(t *testing.T) {
	var c Clock
	times := make([]ClusterTime, 200)
	for i := range times {
		times[i] = mustClusterTime(t, uint32(i/10), uint32(i%10))
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := g; i < len(times); i += 4 {
				c.Advance(times[len(times)-1-i])
				_ = c.Get()
			}
		}(g)
	}
	wg.Wait()
	if got, want := c.Get().Timestamp(), times[len(times)-1].Timestamp(); got != want {
		t.Errorf("clock = %v, want the highest %v", got, want)
	}
}
