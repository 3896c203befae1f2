package session

import (
	"sync"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
)

const timeout30 = 30 * time.Minute

func TestServerSessionID(t *testing.T) {
	p := NewPool(nil)
	s, err := p.Get(timeout30)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ID().Validate(); err != nil {
		t.Fatal(err)
	}
	b, ok := s.ID().Lookup("id").Binary()
	if !ok || b.Subtype != bson.BinaryUUID || len(b.Data) != 16 {
		t.Fatalf("lsid = %v, want {id: UUID subtype 4}", s.ID())
	}
	if u, _ := b.UUID(); u != s.UUID() {
		t.Errorf("UUID() = %v, id holds %v", s.UUID(), u)
	}
	if n, _ := s.ID().Elements(); len(n) != 1 {
		t.Errorf("lsid has %d fields, want 1", len(n))
	}
	s2, _ := p.Get(timeout30)
	if s2.UUID() == s.UUID() {
		t.Error("two new sessions share an id")
	}
}

func TestPoolLIFO(t *testing.T) {
	clock := newFakeClock()
	p := NewPool(clock.Now)
	var ss []*ServerSession
	for range 3 {
		s, err := p.Get(timeout30)
		if err != nil {
			t.Fatal(err)
		}
		ss = append(ss, s)
	}
	for _, s := range ss {
		p.Put(s, timeout30)
	}
	for i := len(ss) - 1; i >= 0; i-- {
		got, _ := p.Get(timeout30)
		if got != ss[i] {
			t.Errorf("Get returned session %v, want the most recently returned %v", got.UUID(), ss[i].UUID())
		}
	}
	if p.Len() != 0 {
		t.Errorf("Len = %d, want 0", p.Len())
	}
}

func TestPoolTxnNumberSurvivesReuse(t *testing.T) {
	p := NewPool(nil)
	s, _ := p.Get(timeout30)
	s.txnNumber = 41
	p.Put(s, timeout30)
	s2, _ := p.Get(timeout30)
	if s2 != s || s2.TxnNumber() != 41 {
		t.Errorf("reused session has txnNumber %d, want 41", s2.TxnNumber())
	}
}

func TestPoolExpiry(t *testing.T) {
	tests := []struct {
		name     string
		idle     time.Duration // between Put and Get
		timeout  time.Duration
		wantSame bool
	}{
		{"fresh", time.Minute, timeout30, true},
		{"more than a minute left", 28*time.Minute + 59*time.Second, timeout30, true},
		{"exactly a minute left", 29 * time.Minute, timeout30, false},
		{"less than a minute left", 29*time.Minute + 30*time.Second, timeout30, false},
		{"expired", time.Hour, timeout30, false},
		{"load balanced: never expires", 10 * time.Hour, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			p := NewPool(clock.Now)
			s, _ := p.Get(tt.timeout)
			p.Put(s, tt.timeout)
			clock.Advance(tt.idle)
			got, err := p.Get(tt.timeout)
			if err != nil {
				t.Fatal(err)
			}
			if (got == s) != tt.wantSame {
				t.Errorf("reused = %v, want %v", got == s, tt.wantSame)
			}
			if p.Len() != 0 {
				t.Errorf("stale session left in the pool: Len = %d", p.Len())
			}
		})
	}
}

func TestPoolPutDiscards(t *testing.T) {
	clock := newFakeClock()
	p := NewPool(clock.Now)
	old, _ := p.Get(timeout30)
	mid, _ := p.Get(timeout30)
	p.Put(old, timeout30)
	clock.Advance(10 * time.Minute)
	mid.lastUsed = clock.Now() // as Prepare does
	p.Put(mid, timeout30)
	clock.Advance(19*time.Minute + 30*time.Second) // old now has 30 s left, mid 10.5 min

	dirty, _ := p.Get(timeout30) // takes mid off the top
	if dirty != mid {
		t.Fatal("Get did not return the most recent session")
	}
	dirty.MarkDirty()
	p.Put(dirty, timeout30)
	if p.Len() != 0 {
		t.Errorf("Len = %d: Put should drop the stale bottom session and the dirty one", p.Len())
	}

	// A session held unused for too long comes back stale itself.
	clock2 := newFakeClock()
	p2 := NewPool(clock2.Now)
	held, _ := p2.Get(timeout30)
	clock2.Advance(29*time.Minute + time.Second)
	p2.Put(held, timeout30)
	if p2.Len() != 0 {
		t.Error("a session with less than a minute left was pooled")
	}
}

func TestPoolStopsAtFirstFreshSessionOnPut(t *testing.T) {
	clock := newFakeClock()
	p := NewPool(clock.Now)
	a, _ := p.Get(timeout30)
	b, _ := p.Get(timeout30)
	c, _ := p.Get(timeout30)
	p.Put(a, timeout30) // bottom
	clock.Advance(5 * time.Minute)
	b.lastUsed = clock.Now() // as Prepare does
	p.Put(b, timeout30)
	clock.Advance(24*time.Minute + 30*time.Second) // a: 30 s left; b: 5.5 min left
	c.lastUsed = clock.Now()
	p.Put(c, timeout30)
	if p.Len() != 2 {
		t.Fatalf("Len = %d, want 2 (a dropped, b and c kept)", p.Len())
	}
	if got, _ := p.Get(timeout30); got != c {
		t.Error("top is not c")
	}
	if got, _ := p.Get(timeout30); got != b {
		t.Error("next is not b")
	}
}

func TestPoolClear(t *testing.T) {
	p := NewPool(nil)
	pooled, _ := p.Get(timeout30)
	out, _ := p.Get(timeout30)
	p.Put(pooled, timeout30)
	p.Clear()
	if p.Len() != 0 {
		t.Fatalf("Len after Clear = %d", p.Len())
	}
	p.Put(out, timeout30)
	if p.Len() != 0 {
		t.Error("a session checked out before Clear was pooled")
	}
	fresh, _ := p.Get(timeout30)
	p.Put(fresh, timeout30)
	if p.Len() != 1 {
		t.Error("a session created after Clear was not pooled")
	}
}

func TestPoolDrainBatches(t *testing.T) {
	p := NewPool(nil)
	n := EndSessionsBatch + 5
	ss := make([]*ServerSession, n)
	for i := range ss {
		ss[i], _ = p.Get(timeout30)
	}
	for _, s := range ss {
		p.Put(s, timeout30)
	}
	batches := p.Drain()
	if len(batches) != 2 || len(batches[0]) != EndSessionsBatch || len(batches[1]) != 5 {
		t.Fatalf("batch sizes wrong: %d batches", len(batches))
	}
	seen := map[bson.UUID]bool{}
	for _, b := range batches {
		for _, id := range b {
			bin, _ := id.Lookup("id").Binary()
			u, _ := bin.UUID()
			seen[u] = true
		}
	}
	if len(seen) != n {
		t.Errorf("%d distinct ids, want %d", len(seen), n)
	}
	if p.Len() != 0 || len(p.Drain()) != 0 {
		t.Error("Drain left sessions behind")
	}

	cmd := doc(func(d []byte) []byte { return AppendEndSessions(d, batches[1]) })
	if err := cmd.Validate(); err != nil {
		t.Fatal(err)
	}
	arr, ok := cmd.Lookup("endSessions").Array()
	if !ok {
		t.Fatal("endSessions is not an array")
	}
	vals, _ := arr.Values()
	if len(vals) != 5 {
		t.Errorf("endSessions has %d ids, want 5", len(vals))
	}
}

func TestPoolConcurrent(t *testing.T) {
	p := NewPool(nil)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				s, err := p.Get(timeout30)
				if err != nil {
					t.Error(err)
					return
				}
				s.txnNumber++
				if i%50 == 0 {
					s.MarkDirty()
				}
				p.Put(s, timeout30)
			}
		}()
	}
	wg.Wait()
	if n := p.Len(); n == 0 || n > 8 {
		t.Errorf("Len = %d, want between 1 and 8 (never more than were in use at once)", n)
	}
}
