package bson

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// celsius marshals itself as a double with a value receiver and
// unmarshals with a pointer receiver, the usual pattern.
type celsius float64

func (c celsius) MarshalBSONValue() (byte, []byte, error) {
	return byte(TypeDouble), AppendDouble(nil, float64(c)+1000), nil
}

func (c *celsius) UnmarshalBSONValue(t byte, b []byte) error {
	if Type(t) != TypeDouble {
		return errors.New("want a double")
	}
	f, _, _ := ReadDouble(b)
	*c = celsius(f - 1000)
	return nil
}

// point marshals itself as a document {xy: "x,y"}, both methods on the
// pointer.
type point struct{ X, Y int32 }

func (p *point) MarshalBSON() ([]byte, error) {
	return Marshal(D{{"xy", []int32{p.X, p.Y}}})
}

func (p *point) UnmarshalBSON(b []byte) error {
	var v struct{ XY []int32 }
	if err := Unmarshal(b, &v); err != nil {
		return err
	}
	if len(v.XY) != 2 {
		return errors.New("xy needs two numbers")
	}
	p.X, p.Y = v.XY[0], v.XY[1]
	return nil
}

type broken struct{}

func (broken) MarshalBSON() ([]byte, error) { return []byte{9, 0, 0, 0, 0}, nil }

func TestHooks(t *testing.T) {
	type holder struct {
		T  celsius  `bson:"t"`
		P  point    `bson:"p"`
		PP *point   `bson:"pp"`
		L  []point  `bson:"l"`
		N  *celsius `bson:"n"`
	}
	v := holder{T: 21.5, P: point{1, 2}, PP: &point{3, 4}, L: []point{{5, 6}}}
	xy := func(x, y int32) []byte { return doc(arr("xy", doc(i32("0", x), i32("1", y)))) }
	want := doc(dbl("t", 1021.5), sub("p", xy(1, 2)), sub("pp", xy(3, 4)), arr("l", doc(sub("0", xy(5, 6)))), null("n"))
	got := mustMarshal(t, &v)
	if !bytes.Equal(got, want) {
		t.Fatalf("got  %X\nwant %X", got, want)
	}
	var out holder
	if err := Unmarshal(want, &out); err != nil {
		t.Fatal(err)
	}
	if out.T != 21.5 || out.P != (point{1, 2}) || *out.PP != (point{3, 4}) || out.L[0] != (point{5, 6}) || out.N != nil {
		t.Errorf("got %+v", out)
	}
	// The hook's error comes back as a *DecodeError with the key.
	err := Unmarshal(doc(sub("p", doc(arr("xy", doc())))), &out)
	var de *DecodeError
	if !errors.As(err, &de) || de.Key != "p" || !strings.Contains(de.Msg, "xy needs two numbers") {
		t.Errorf("hook error: %v", err)
	}
	// A hook that returns malformed bytes cannot corrupt the output.
	if _, err := Marshal(D{{"b", broken{}}}); err == nil || !strings.Contains(err.Error(), "malformed") {
		t.Errorf("broken hook: %v", err)
	}
	// A top-level Marshaler.
	if b, err := Marshal(&point{7, 8}); err != nil || !bytes.Equal(b, xy(7, 8)) {
		t.Errorf("top-level hook: %X, %v", b, err)
	}
}

var errRefused = errors.New("refused")

// refuser is an Unmarshaler that always fails with errRefused.
type refuser struct{}

func (*refuser) UnmarshalBSON([]byte) error { return errRefused }

func TestUnmarshalerErrorUnwraps(t *testing.T) {
	var v struct {
		R refuser `bson:"r"`
	}
	err := Unmarshal(doc(sub("r", doc())), &v)
	var de *DecodeError
	if !errors.As(err, &de) || de.Key != "r" || !errors.Is(err, errRefused) {
		t.Fatalf("got %v, want a *DecodeError at \"r\" that wraps errRefused", err)
	}
	if !strings.Contains(err.Error(), "refused") {
		t.Errorf("message %q does not say what the hook said", err)
	}
}
