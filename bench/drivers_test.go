package bench

import (
	"context"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
)

// TestDriversAgainstNullServer runs every Driver method of both adapters
// against the null server: the drivers accept its canned replies, and a
// find without a filter walks the whole cursor through getMore.
func TestDriversAgainstNullServer(t *testing.T) {
	doc := withID(mustMarshal(t, bson.D{bson.KV("text", "hi"), bson.KV("n", int32(1))}), bson.NewObjectID())
	const total = 300
	s, err := NewNullServer(doc, total)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	opens := map[string]func(context.Context, string) (Driver, error){"torque": OpenTorque, "official": OpenOfficial}
	for name, open := range opens {
		t.Run(name, func(t *testing.T) {
			d, err := open(ctx, s.URI())
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close(ctx)
			if err := d.Hello(ctx); err != nil {
				t.Errorf("Hello: %v", err)
			}
			if err := d.FindOne(ctx, bson.NewObjectID()); err != nil {
				t.Errorf("FindOne: %v", err)
			}
			one, err := d.Doc(doc)
			if err != nil {
				t.Fatal(err)
			}
			before := s.Inserts()
			if err := d.InsertOne(ctx, one); err != nil {
				t.Errorf("InsertOne: %v", err)
			}
			many, err := d.Docs(doc, 50)
			if err != nil {
				t.Fatal(err)
			}
			if err := d.InsertMany(ctx, many); err != nil {
				t.Errorf("InsertMany: %v", err)
			}
			if got := s.Inserts() - before; got != 2 {
				t.Errorf("InsertOne + InsertMany sent %d insert commands, want 2", got)
			}
			if n, err := d.FindAll(ctx); err != nil || n != total {
				t.Errorf("FindAll = %d, %v; want %d documents", n, err, total)
			}
			if err := d.Reset(ctx); err != nil {
				t.Errorf("Reset: %v", err)
			}
		})
	}
}
