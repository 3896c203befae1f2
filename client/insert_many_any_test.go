package client

import (
	"strings"
	"testing"

	"github.com/torque-go/torque/bson"
)

type user struct {
	Name string `bson:"name"`
	Age  int    `bson:"age"`
}

// InsertMany takes any slice; the elements of a slice of structs are read
// in place, not copied.
func TestDocumentList(t *testing.T) {
	users := []user{{"Ada", 36}, {"Alan", 41}}
	list, err := documentList(users)
	if err != nil || len(list) != 2 {
		t.Fatal(list, err)
	}
	if p, ok := list[1].(*user); !ok || p != &users[1] {
		t.Errorf("element 1 is %T, want a pointer into the caller's slice", list[1])
	}
	anys := []any{bson.D{}, bson.M{}}
	if list, _ := documentList(anys); &list[0] != &anys[0] {
		t.Error("a []any was copied")
	}
	for _, docs := range []any{[]*user{{"Ada", 36}}, []bson.M{{"a": 1}}, []bson.D{{bson.KV("a", 1)}}, []bson.Raw{bson.Raw{5, 0, 0, 0, 0}}, [1]user{}} {
		if list, err := documentList(docs); err != nil || len(list) != 1 {
			t.Errorf("%T: %v %v", docs, list, err)
		}
	}
	for _, docs := range []any{nil, user{}, []user{}, []any{}, bson.Raw{5, 0, 0, 0, 0}, "abc"} {
		if _, err := documentList(docs); err == nil || !strings.HasPrefix(err.Error(), "client: InsertMany") {
			t.Errorf("%T %v: %v", docs, docs, err)
		}
	}
}
