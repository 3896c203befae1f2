package client_test

// Options.Encoder and Options.Decoder with a bson.Registry of custom
// codecs, per client, and a bson.Encoder per call, against an in-process
// mongotest server (what is stored is read back as raw BSON).

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/mongotest"
)

// cents stands for a decimal type of a package the client does not own.
type cents struct{ n int64 }

// tagID stands for a UUID type: a named [16]byte.
type tagID [16]byte

type priced struct {
	ID    tagID `bson:"_id"`
	Price cents
	Tags  []string
}

var errNegative = errors.New("negative amount")

func centsRegistry() *bson.Registry {
	reg := bson.NewRegistry()
	bson.RegisterCodec(reg, bson.Codec[cents]{
		Encode: func(dst []byte, c cents) (bson.Type, []byte, error) {
			if c.n < 0 {
				return 0, dst, errNegative
			}
			d, err := bson.ParseDecimal128(fmt.Sprintf("%d.%02d", c.n/100, c.n%100))
			return bson.TypeDecimal128, bson.AppendDecimal128(dst, d), err
		},
		Decode: func(v bson.RawValue, c *cents) error {
			d, ok := v.Decimal128()
			if !ok {
				return fmt.Errorf("price is a %s", v.Type)
			}
			coef, exp, err := d.BigInt()
			if err != nil || exp != -2 {
				return fmt.Errorf("price %s is not in cents", d)
			}
			c.n = coef.Int64()
			return nil
		},
	})
	bson.RegisterCodec(reg, bson.Codec[tagID]{
		Encode: func(dst []byte, id tagID) (bson.Type, []byte, error) {
			return bson.TypeBinary, bson.AppendBinary(dst, bson.BinaryUUID, id[:]), nil
		},
		Decode: func(v bson.RawValue, id *tagID) error {
			b, ok := v.Binary()
			if !ok || b.Subtype != bson.BinaryUUID || len(b.Data) != 16 {
				return errors.New("not a UUID")
			}
			*id = tagID(b.Data)
			return nil
		},
	})
	return reg
}

func TestClientEncoderRegistry(t *testing.T) {
	ctx := testContext(t)
	srv := mongotest.New(t)
	reg := centsRegistry()
	c := connect(t, srv.URI(), client.Options{
		Encoder: bson.Encoder{Registry: reg, NilSliceAsEmpty: true},
		Decoder: bson.Decoder{Registry: reg},
	})
	coll := c.Database("test").Collection("prices")
	a, b := tagID{0: 1}, tagID{0: 2}
	docs := []any{priced{ID: a, Price: cents{1250}}, priced{ID: b, Price: cents{99}, Tags: []string{"x"}}}
	if _, err := coll.InsertMany(ctx, docs); err != nil {
		t.Fatal(err)
	}
	if _, ok := docs[0].(priced); !ok {
		t.Errorf("InsertMany changed the caller's slice: %T", docs[0])
	}

	// What is stored: a decimal, a UUID, and [] for the nil slice.
	var raw bson.Raw
	if err := coll.FindOne(ctx, bson.D{bson.KV("price", cents{1250})}).Decode(&raw); err != nil {
		t.Fatal(err)
	}
	if want := `{"_id":{"$binary":{"base64":"AQAAAAAAAAAAAAAAAAAAAA==","subType":"04"}},"price":{"$numberDecimal":"12.50"},"tags":[]}`; raw.String() != want {
		t.Errorf("stored %s\n  want %s", raw, want)
	}

	// Filters, updates, pipelines and bulk models go through the registry.
	res, err := coll.UpdateOne(ctx, bson.D{bson.KV("_id", a)}, bson.D{bson.KV("$set", bson.D{bson.KV("price", cents{1300})})})
	if err != nil || res.ModifiedCount != 1 {
		t.Fatalf("UpdateOne: %+v, %v", res, err)
	}
	n, err := coll.CountDocuments(ctx, bson.D{bson.KV("price", cents{1300})})
	if err != nil || n != 1 {
		t.Errorf("CountDocuments: %d, %v", n, err)
	}
	cur, err := coll.Aggregate(ctx, []bson.D{{bson.KV("$match", bson.D{bson.KV("price", cents{99})})}})
	if err != nil {
		t.Fatal(err)
	}
	var got []priced
	if err := cur.All(ctx, &got); err != nil || len(got) != 1 || got[0].ID != b || got[0].Price != (cents{99}) {
		t.Errorf("Aggregate: %+v, %v", got, err)
	}
	if _, err := coll.BulkWrite(ctx, []client.WriteModel{
		client.DeleteOneModel{Filter: bson.D{bson.KV("price", cents{99})}},
		&client.ReplaceOneModel{Filter: bson.D{bson.KV("_id", a)}, Replacement: priced{ID: a, Price: cents{1}}},
	}); err != nil {
		t.Fatal(err)
	}
	var one priced
	if err := coll.FindOne(ctx, bson.D{bson.KV("_id", a)}).Decode(&one); err != nil || one.Price != (cents{1}) || one.Tags == nil {
		t.Errorf("after BulkWrite: %+v, %v", one, err)
	}
	if n, _ := coll.CountDocuments(ctx, bson.D{}); n != 1 {
		t.Errorf("%d documents left, want 1", n)
	}

	// Client.BulkWrite's models too.
	if _, err := c.BulkWrite(ctx, []client.ClientWriteModel{{Database: "test", Collection: "prices",
		Model: client.InsertOneModel{Document: priced{ID: b, Price: cents{777}}}}}); err != nil {
		t.Fatal(err)
	}
	if n, err := coll.CountDocuments(ctx, bson.D{bson.KV("price", cents{777})}); err != nil || n != 1 {
		t.Errorf("after Client.BulkWrite: %d, %v", n, err)
	}

	// A codec's error names the argument and wraps the codec's error.
	_, err = coll.InsertOne(ctx, priced{Price: cents{-1}})
	if !errors.Is(err, errNegative) || !strings.HasPrefix(err.Error(), "client: document 0:") {
		t.Errorf("InsertOne with a refused value: %v", err)
	}
}

func TestClientEncoderPerCall(t *testing.T) {
	ctx := testContext(t)
	c := connect(t, mongotest.New(t).URI()) // default options
	coll := c.Database("test").Collection("prices")
	reg := centsRegistry()
	doc := priced{ID: tagID{0: 3}, Price: cents{5}}

	// Without a registry the types keep their default forms.
	if _, err := coll.InsertOne(ctx, doc); err != nil {
		t.Fatal(err)
	}
	// One call with a registry: a bson.Raw from a bson.Encoder.
	b, err := bson.Encoder{Registry: reg}.Marshal(priced{ID: tagID{0: 4}, Price: cents{5}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := coll.InsertOne(ctx, bson.Raw(b)); err != nil {
		t.Fatal(err)
	}
	filter, _ := bson.Encoder{Registry: reg}.Marshal(bson.D{bson.KV("price", cents{5})})
	var raws []bson.Raw
	cur, err := coll.Find(ctx, bson.Raw(filter))
	if err == nil {
		err = cur.All(ctx, &raws)
	}
	if err != nil || len(raws) != 1 {
		t.Fatalf("Find with an encoded filter: %d documents, %v", len(raws), err)
	}
	var out priced
	if err := (bson.Decoder{Registry: reg}).Unmarshal(raws[0], &out); err != nil || out.ID != (tagID{0: 4}) || out.Price != (cents{5}) {
		t.Errorf("decoded per call: %+v, %v", out, err)
	}
	if v := raws[0].Lookup("_id"); v.Value[4] != bson.BinaryUUID {
		t.Errorf("_id is %v", v)
	}
}

// TestEncoderPerLevel: CollectionOptions.Encoder on a Database, which its
// collections inherit, and on a Collection (WithOptions too), over a
// client with the default Encoder; against mongotest (what is stored).
func TestEncoderPerLevel(t *testing.T) {
	ctx := testContext(t)
	c := connect(t, mongotest.New(t).URI())
	enc := bson.Encoder{Registry: centsRegistry()}
	db := c.Database("levels", client.CollectionOptions{Encoder: &enc})
	enc.Registry = nil // the handles keep their own copy
	stored := func(coll *client.Collection, id int) string {
		t.Helper()
		if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", id), bson.KV("price", cents{250})}); err != nil {
			t.Fatal(err)
		}
		var raw bson.Raw
		if err := coll.FindOne(ctx, bson.D{bson.KV("_id", id)}).Decode(&raw); err != nil {
			t.Fatal(err)
		}
		return raw.Lookup("price").String()
	}
	const decimal, plain = `{"$numberDecimal":"2.50"}`, `{}` // cents has no exported field
	inherited := db.Collection("a")
	if got := stored(inherited, 1); got != decimal {
		t.Errorf("a collection of the database: price stored as %s, want %s", got, decimal)
	}
	if db.Encoder().Registry == nil || inherited.Encoder().Registry == nil {
		t.Error("Encoder() of the database or its collection has no registry")
	}
	if got := stored(inherited.WithOptions(client.CollectionOptions{Encoder: &bson.Encoder{}}), 2); got != plain {
		t.Errorf("WithOptions with the default Encoder: price stored as %s, want %s", got, plain)
	}
	if got := stored(c.Database("levels").Collection("a"), 3); got != plain {
		t.Errorf("the client's default Encoder: price stored as %s, want %s", got, plain)
	}
	reg := client.CollectionOptions{Encoder: &bson.Encoder{Registry: centsRegistry()}}
	if got := stored(c.Database("levels").Collection("a", reg), 4); got != decimal {
		t.Errorf("a collection's own Encoder: price stored as %s, want %s", got, decimal)
	}
	// The filter of a query goes through the same Encoder.
	n, err := inherited.CountDocuments(ctx, bson.D{bson.KV("price", cents{250})})
	if err != nil || n != 2 {
		t.Errorf("CountDocuments by a decimal price: %d, %v; want 2", n, err)
	}
}

// TestDecoderPerLevel: CollectionOptions.Decoder on a Database and a
// Collection decodes their results (SingleResult, Cursor, TypedCursor,
// DistinctAs) over a client with the default Decoder; against mongotest.
func TestDecoderPerLevel(t *testing.T) {
	ctx := testContext(t)
	c := connect(t, mongotest.New(t).URI())
	reg := centsRegistry()
	codecs := client.CollectionOptions{Encoder: &bson.Encoder{Registry: reg}, Decoder: &bson.Decoder{Registry: reg}}
	coll := c.Database("levels", codecs).Collection("d")
	if _, err := coll.InsertOne(ctx, priced{ID: tagID{0: 7}, Price: cents{450}}); err != nil {
		t.Fatal(err)
	}
	var one priced
	if err := coll.FindOne(ctx, bson.D{}).Decode(&one); err != nil || one.Price != (cents{450}) || one.ID != (tagID{0: 7}) {
		t.Errorf("FindOne with the database's Decoder: %+v, %v", one, err)
	}
	cur, err := coll.Find(ctx, bson.D{})
	var all []priced
	if err == nil {
		err = cur.All(ctx, &all)
	}
	if err != nil || len(all) != 1 || all[0].Price != (cents{450}) {
		t.Errorf("Find.All with the database's Decoder: %+v, %v", all, err)
	}
	typed, err := client.Typed[priced](coll).Find(ctx, bson.D{})
	var list []priced
	if err == nil {
		list, err = typed.All(ctx)
	}
	if err != nil || len(list) != 1 || list[0].Price != (cents{450}) {
		t.Errorf("TypedCursor with the database's Decoder: %+v, %v", list, err)
	}
	prices, err := client.DistinctAs[cents](ctx, coll, "price", bson.D{})
	if err != nil || len(prices) != 1 || prices[0] != (cents{450}) {
		t.Errorf("DistinctAs with the database's Decoder: %v, %v", prices, err)
	}
	// The client's default Decoder cannot read the price: the handle's
	// Decoder is what decoded it above.
	plain := c.Database("levels").Collection("d")
	if err := plain.FindOne(ctx, bson.D{}).Decode(&one); err == nil {
		t.Error("FindOne with the client's default Decoder decoded a decimal into cents")
	}
	if err := plain.WithOptions(codecs).FindOne(ctx, bson.D{}).Decode(&one); err != nil {
		t.Errorf("WithOptions with the Decoder: %v", err)
	}
}
