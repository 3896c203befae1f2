package bench

import (
	"context"
	"testing"
)

func TestZZBatches(t *testing.T) {
	dir, _ := SpecDir()
	data, err := LoadData(dir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewNullServer(data.Tweet, 10)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	for name, open := range map[string]func(context.Context, string) (Driver, error){"torque": OpenTorque, "official": OpenOfficial} {
		d, err := open(ctx, s.URI())
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			n   int
			raw []byte
		}{{10000, data.Small}, {10, data.Large}} {
			docs, _ := d.Docs(c.raw, c.n)
			before := s.Inserts()
			if err := d.InsertMany(ctx, docs); err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %d docs -> %d insert commands", name, c.n, s.Inserts()-before)
		}
		d.Close(ctx)
	}
}
