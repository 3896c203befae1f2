package bson

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The expected bytes follow the official Go driver's rules for the same
// tags; they are built by hand with the append API.

type tagged struct {
	Renamed   string `bson:"name"`
	Default   int32  // key "default"
	MixedCase bool   // key "mixedcase"
	Skipped   string `bson:"-"`
	hidden    string
	OptOnly   int32 `bson:",omitempty"`
}

func TestStructTagKeys(t *testing.T) {
	v := tagged{Renamed: "n", Default: 1, MixedCase: true, Skipped: "s", hidden: "h", OptOnly: 0}
	want := doc(str("name", "n"), i32("default", 1), boolean("mixedcase", true))
	checkRoundTrip(t, &v, want)
}

// checkRoundTrip marshals v (a pointer), compares with want, and
// unmarshals want into a new value that must equal *v.
func checkRoundTrip(t *testing.T, v any, want []byte) {
	t.Helper()
	got, err := Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("Marshal\n got %X\nwant %X", got, want)
	}
	out := reflect.New(reflect.TypeOf(v).Elem())
	if err := Unmarshal(want, out.Interface()); err != nil {
		t.Fatal(err)
	}
	exp := reflect.ValueOf(v).Elem()
	if exp.Kind() == reflect.Struct { // unexported and skipped fields stay zero
		exp = reflect.ValueOf(marshalledView(exp))
		if !reflect.DeepEqual(reflect.ValueOf(marshalledView(out.Elem())).Interface(), exp.Interface()) {
			t.Fatalf("Unmarshal\n got %+v\nwant %+v", out.Elem().Interface(), v)
		}
	}
}

// marshalledView returns the struct with its unmarshalable fields (bson
// "-" and unexported) zeroed.
func marshalledView(v reflect.Value) any {
	c := reflect.New(v.Type()).Elem()
	for i := 0; i < v.NumField(); i++ {
		sf := v.Type().Field(i)
		if sf.IsExported() && sf.Tag.Get("bson") != "-" {
			c.Field(i).Set(v.Field(i))
		}
	}
	return c.Interface()
}

type omitting struct {
	S  string            `bson:"s,omitempty"`
	I  int64             `bson:"i,omitempty"`
	F  float64           `bson:"f,omitempty"`
	B  bool              `bson:"b,omitempty"`
	P  *int              `bson:"p,omitempty"`
	L  []int32           `bson:"l,omitempty"`
	M  map[string]string `bson:"m,omitempty"`
	T  time.Time         `bson:"t,omitempty"`  // IsZero, as the official driver
	ID ObjectID          `bson:"id,omitempty"` // IsZero
	St struct{ X int }   `bson:"st,omitempty"` // structs are never empty
	Ar [0]int            `bson:"ar,omitempty"` // length 0
}

func TestOmitEmpty(t *testing.T) {
	want := doc(sub("st", doc(i32("x", 0))))
	checkRoundTrip(t, &omitting{}, want)
	if got := mustMarshal(t, &omitting{L: []int32{}, M: map[string]string{}}); !bytes.Equal(got, want) {
		t.Errorf("empty slice and map: got %X, want %X", got, want)
	}

	full := omitting{S: "s", I: 1, F: 0.5, B: true, L: []int32{1}}
	want = doc(str("s", "s"), i64("i", 1), dbl("f", 0.5), boolean("b", true),
		arr("l", doc(i32("0", 1))), sub("st", doc(i32("x", 0))))
	checkRoundTrip(t, &full, want)
}

// money has an IsZero method that is not the zero value: a currency alone
// is still "zero".
type money struct {
	Amount   int64  `bson:"amount"`
	Currency string `bson:"currency"`
}

func (m money) IsZero() bool { return m.Amount == 0 }

type zeroes struct {
	Price money              `bson:"price,omitzero"`
	Pos   struct{ X, Y int } `bson:"pos,omitzero"`
	Ptr   *money             `bson:"ptr,omitzero"`
	N     int32              `bson:"n,omitzero"`
	L     []int32            `bson:"l,omitzero"` // nil is zero, empty is not
}

func TestOmitZero(t *testing.T) {
	v := zeroes{Price: money{Currency: "EUR"}, L: []int32{}}
	if got, want := mustMarshal(t, &v), doc(arr("l", doc())); !bytes.Equal(got, want) {
		t.Errorf("got %X, want %X", got, want)
	}
	v = zeroes{Price: money{Amount: 5, Currency: "EUR"}, Ptr: &money{}, N: 2}
	v.Pos.Y = 1
	want := doc(sub("price", doc(i64("amount", 5), str("currency", "EUR"))),
		sub("pos", doc(i32("x", 0), i32("y", 1))), i32("n", 2))
	if got := mustMarshal(t, &v); !bytes.Equal(got, want) {
		t.Errorf("got %X, want %X (ptr to a zero money is omitted)", got, want)
	}
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type minTrunc struct {
	Small int64   `bson:"small,minsize"`
	Big   int64   `bson:"big,minsize"`
	U     uint64  `bson:"u,minsize"`
	Trunc int32   `bson:"trunc,truncate"`
	F32   float32 `bson:"f32,truncate"`
}

func TestMinSizeTruncate(t *testing.T) {
	v := minTrunc{Small: 5, Big: 1 << 40, U: 7}
	want := doc(i32("small", 5), i64("big", 1<<40), i32("u", 7), i32("trunc", 0), dbl("f32", 0))
	if got := mustMarshal(t, &v); !bytes.Equal(got, want) {
		t.Fatalf("got %X, want %X", got, want)
	}
	var out minTrunc
	if err := Unmarshal(doc(dbl("trunc", 2.9), dbl("f32", 0.1)), &out); err != nil {
		t.Fatal(err)
	}
	if out.Trunc != 2 || out.F32 != float32(0.1) {
		t.Errorf("truncate: got %+v", out)
	}
}

type Address struct {
	Street string
	City   string
}

type inlined struct {
	Name    string `bson:"name"`
	Address `bson:",inline"`
	Extra   map[string]any `bson:",inline"`
}

type embedded struct {
	Name string
	Address
}

func TestInline(t *testing.T) {
	v := inlined{Name: "n", Address: Address{"s", "c"}}
	want := doc(str("name", "n"), str("street", "s"), str("city", "c"))
	checkRoundTrip(t, &v, want)

	// Elements no field claims land in the inline map, and go back out.
	in := doc(str("name", "n"), i32("zip", 123), str("city", "c"))
	var out inlined
	if err := Unmarshal(in, &out); err != nil {
		t.Fatal(err)
	}
	if out.City != "c" || !reflect.DeepEqual(out.Extra, map[string]any{"zip": int32(123)}) {
		t.Fatalf("got %+v", out)
	}
	got := mustMarshal(t, &out)
	if want := doc(str("name", "n"), str("street", ""), str("city", "c"), i32("zip", 123)); !bytes.Equal(got, want) {
		t.Errorf("got %X, want %X", got, want)
	}
	// A map key that a field already wrote is an error.
	out.Extra["name"] = "again"
	if _, err := Marshal(&out); err == nil || !strings.Contains(err.Error(), "clashes") {
		t.Errorf("clash: %v", err)
	}

	// An embedded struct without inline is a subdocument keyed by the
	// lower-cased type name, as in the official driver.
	e := embedded{Name: "n", Address: Address{"s", "c"}}
	checkRoundTrip(t, &e, doc(str("name", "n"), sub("address", doc(str("street", "s"), str("city", "c")))))
}

type dupKeys struct {
	A string `bson:"x"`
	B string `bson:"x"`
}

type shadow struct {
	City    string `bson:"city"`
	Address `bson:",inline"`
}

func TestFieldConflicts(t *testing.T) {
	if _, err := Marshal(&dupKeys{}); err == nil || !strings.Contains(err.Error(), `two fields with the key "x"`) {
		t.Errorf("duplicate keys: %v", err)
	}
	// The shallower field wins, as with Go's embedded fields.
	v := shadow{City: "outer", Address: Address{"s", "inner"}}
	if got, want := mustMarshal(t, &v), doc(str("city", "outer"), str("street", "s")); !bytes.Equal(got, want) {
		t.Errorf("got %X, want %X", got, want)
	}
}

func TestStructFieldOrderAndUnknown(t *testing.T) {
	// Out of order, unknown and repeated keys.
	in := doc(str("city", "c"), i32("unknown", 1), str("street", "s"), str("city", "c2"))
	var a Address
	if err := Unmarshal(in, &a); err != nil {
		t.Fatal(err)
	}
	if a != (Address{Street: "s", City: "c2"}) {
		t.Errorf("got %+v", a)
	}
}
