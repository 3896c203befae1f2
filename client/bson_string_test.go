package client_test

import (
	"fmt"
	"testing"

	"github.com/torque-go/torque/bson"
)

// bson.D, bson.M and bson.A print as Extended JSON, like bson.Raw (the
// Stringers are bson/stringer.go).
func TestDocumentsPrintAsExtendedJSON(t *testing.T) {
	d := bson.D{bson.KV("name", "Ada"), bson.KV("born", int32(1815)), bson.KV("tags", bson.A{"math", bson.M{"b": 2, "a": int64(1)}})}
	for _, tc := range []struct {
		got, want string
	}{
		{d.String(), `{"name":"Ada","born":1815,"tags":["math",{"a":1,"b":2}]}`},
		{fmt.Sprintf("%v", d), `{"name":"Ada","born":1815,"tags":["math",{"a":1,"b":2}]}`},
		{fmt.Sprint(bson.M{"z": 1.5, "a": bson.D{bson.KV("x", true)}}), `{"a":{"x":true},"z":1.5}`},
		//lint:ignore S1025 the test is of fmt's %s verb
		{fmt.Sprintf("%s", bson.A{int32(1), "two", nil}), `[1,"two",null]`},
		{bson.D{}.String(), `{}`},
		{bson.D{bson.KV("c", make(chan int))}.String()[:14], `<invalid BSON:`},
	} {
		if tc.got != tc.want {
			t.Errorf("got %s, want %s", tc.got, tc.want)
		}
	}
}
