package client_test

// The helpers a migrating user of the official driver looks for:
// NewCursorFromDocuments, NewSingleResultFromDocument (no server),
// ErrorCodes and the ServerError methods, SessionFromContext and
// Session.Client (against mongotest).

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/mongotest"
)

func TestNewCursorFromDocuments(t *testing.T) {
	ctx := context.Background()
	reg := centsRegistry()
	preloaded := errors.New("the last batch failed")
	cur, err := client.NewCursorFromDocuments([]any{priced{ID: tagID{0: 1}, Price: cents{100}}, bson.D{bson.KV("price", cents{200})}},
		preloaded, reg)
	if err != nil {
		t.Fatal(err)
	}
	if n := cur.RemainingBatchLength(); n != 2 {
		t.Errorf("RemainingBatchLength = %d, want 2", n)
	}
	var got []int64
	for cur.Next(ctx) {
		var p priced
		if err := cur.Decode(&p); err != nil {
			t.Fatal(err)
		}
		got = append(got, p.Price.n)
	}
	if !slices.Equal(got, []int64{100, 200}) || !errors.Is(cur.Err(), preloaded) {
		t.Errorf("documents %v, Err %v; want [100 200] and the preloaded error", got, cur.Err())
	}
	if err := cur.Close(ctx); err != nil {
		t.Errorf("Close: %v", err)
	}

	cur, _ = client.NewCursorFromDocuments(nil, nil, nil)
	var none []bson.Raw
	if err := cur.All(ctx, &none); err != nil || len(none) != 0 {
		t.Errorf("an empty cursor: %v, %v", none, err)
	}
	if _, err := client.NewCursorFromDocuments([]any{bson.D{}, nil}, nil, nil); err == nil {
		t.Error("a nil document: no error")
	}
	if _, err := client.NewCursorFromDocuments([]any{priced{Price: cents{-1}}}, nil, reg); !errors.Is(err, errNegative) {
		t.Errorf("a document the codec refuses: %v", err)
	}
}

func TestNewSingleResultFromDocument(t *testing.T) {
	reg := centsRegistry()
	var p priced
	if err := client.NewSingleResultFromDocument(priced{Price: cents{300}}, nil, reg).Decode(&p); err != nil || p.Price.n != 300 {
		t.Errorf("Decode: %+v, %v", p, err)
	}
	raw, err := client.NewSingleResultFromDocument(bson.D{bson.KV("a", 1)}, nil, nil).Raw()
	if err != nil || raw.String() != `{"a":1}` {
		t.Errorf("Raw: %s, %v", raw, err)
	}
	if err := client.NewSingleResultFromDocument(bson.D{}, client.ErrNoDocuments, nil).Decode(&p); !errors.Is(err, client.ErrNoDocuments) {
		t.Errorf("with an error, Decode returned %v", err)
	}
	if err := client.NewSingleResultFromDocument(nil, nil, nil).Err(); err == nil {
		t.Error("a nil document: no error")
	}
}

func TestErrorCodesAndServerError(t *testing.T) {
	ctx := testContext(t)
	c := connect(t, mongotest.New(t).URI())
	coll := c.Database("codes").Collection("c")
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 1)}); err != nil {
		t.Fatal(err)
	}
	_, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 1)})
	var se client.ServerError
	if !errors.As(err, &se) || !se.HasErrorCode(11000) || se.HasErrorCode(26) || !se.HasErrorMessage("duplicate key") ||
		!se.HasErrorCodeWithMessage(11000, "E11000") || se.HasErrorCodeWithMessage(11000, "no such text") {
		t.Errorf("a duplicate key as a ServerError: %v", err)
	}
	if codes := client.ErrorCodes(err); !slices.Equal(codes, []int{11000}) {
		t.Errorf("ErrorCodes of a duplicate key = %v", codes)
	}
	err = c.Database("codes").RunCommand(ctx, bson.D{bson.KV("noSuchCommand", 1)}).Err()
	var ce *client.CommandError
	if !errors.As(err, &ce) || !slices.Equal(client.ErrorCodes(err), []int{int(ce.Code)}) || !ce.HasErrorCode(int(ce.Code)) ||
		ce.IsMaxTimeMSExpiredError() {
		t.Errorf("a command error: %v, codes %v", err, client.ErrorCodes(err))
	}
	if codes := client.ErrorCodes(errors.New("not the server's")); codes == nil || len(codes) != 0 {
		t.Errorf("ErrorCodes of another error = %#v, want empty", codes)
	}
	if client.ErrorCodes(nil) != nil {
		t.Error("ErrorCodes(nil) is not nil")
	}
	_, err = c.BulkWrite(ctx, []client.ClientWriteModel{{Database: "codes", Collection: "c",
		Model: client.InsertOneModel{Document: bson.D{bson.KV("_id", 1)}}}})
	if codes := client.ErrorCodes(err); !slices.Equal(codes, []int{11000}) {
		t.Errorf("ErrorCodes of Client.BulkWrite's duplicate key = %v (%v)", codes, err)
	}
}

func TestSessionFromContext(t *testing.T) {
	ctx := testContext(t)
	c := connect(t, mongotest.New(t).URI())
	if s := client.SessionFromContext(ctx); s != nil {
		t.Errorf("a context without a session has %v", s)
	}
	err := c.UseSession(ctx, func(ctx context.Context, s *client.Session) error {
		if got := client.SessionFromContext(ctx); got != s {
			t.Errorf("SessionFromContext in UseSession = %p, want %p", got, s)
		}
		if s.Client() != c {
			t.Error("Session.Client is not the client that started it")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
