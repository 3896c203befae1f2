package topology

import (
	"testing"
	"time"
)

func TestRTTWindow(t *testing.T) {
	var w RTTWindow
	w.Add(5 * time.Millisecond)
	if w.Min() != 0 || w.P90() != 0 {
		t.Fatalf("one sample: min %v p90 %v, want 0 until two samples", w.Min(), w.P90())
	}
	for i := 1; i <= 12; i++ { // the first sample and 1, 2 ms fall out of the window
		w.Add(time.Duration(i) * time.Millisecond)
	}
	if w.Min() != 3*time.Millisecond {
		t.Errorf("min %v, want 3ms (the last 10 samples are 3..12ms)", w.Min())
	}
	if w.P90() != 11*time.Millisecond {
		t.Errorf("p90 %v, want 11ms", w.P90())
	}
	w.Add(time.Millisecond) // P90 sorted a copy: the ring must be intact
	if w.Min() != time.Millisecond {
		t.Errorf("min after new sample %v, want 1ms", w.Min())
	}
	w.Reset()
	if w.Min() != 0 {
		t.Error("Reset kept samples")
	}
}

func TestRTTAverageReset(t *testing.T) {
	var a RTTAverage
	a.Add(10 * time.Millisecond)
	a.Add(20 * time.Millisecond)
	if v, _ := a.Value(); v != 12*time.Millisecond {
		t.Fatalf("average %v, want 12ms", v)
	}
	a.Reset()
	if _, ok := a.Value(); ok {
		t.Fatal("Reset kept the average")
	}
	if got := a.Add(7 * time.Millisecond); got != 7*time.Millisecond {
		t.Errorf("first sample after Reset gave %v, want 7ms", got)
	}
}
