package client

import (
	"context"
	"fmt"
	"iter"
)

// TypedCollection is a Collection whose documents decode into T: its
// reads return T values and its inserts take them. It embeds the
// *Collection, so every other method (UpdateOne, DeleteMany, BulkWrite,
// Aggregate, Indexes, ...) is there unchanged, and the untyped versions of
// the methods below stay reachable as tc.Collection.Find and so on. It
// adds no state: each method marshals or unmarshals T and delegates.
//
//	type Person struct {
//		Name string `bson:"name"`
//		Age  int    `bson:"age"`
//	}
//	people := client.Typed[Person](db.Collection("people"))
//	ada, err := people.FindOne(ctx, bson.D{bson.KV("name", "Ada")})
type TypedCollection[T any] struct {
	*Collection
}

// Typed returns the typed view of c. No I/O.
func Typed[T any](c *Collection) TypedCollection[T] { return TypedCollection[T]{c} }

// FindOne returns the first document matching filter, decoded, or
// ErrNoDocuments.
func (tc TypedCollection[T]) FindOne(ctx context.Context, filter any, opts ...FindOneOptions) (T, error) {
	return decodeSingle[T](tc.Collection.FindOne(ctx, filter, opts...))
}

// Find returns a typed cursor over the documents matching filter.
func (tc TypedCollection[T]) Find(ctx context.Context, filter any, opts ...FindOptions) (*TypedCursor[T], error) {
	return TypedCursorOf[T](tc.Collection.Find(ctx, filter, opts...))
}

// FindAll returns every document matching filter, decoded.
func (tc TypedCollection[T]) FindAll(ctx context.Context, filter any, opts ...FindOptions) ([]T, error) {
	cur, err := tc.Find(ctx, filter, opts...)
	if err != nil {
		return nil, err
	}
	return cur.All(ctx)
}

// InsertOne inserts doc, adding an ObjectID _id when it has none (the
// added _id is in the result; doc itself is not changed).
func (tc TypedCollection[T]) InsertOne(ctx context.Context, doc T, opts ...InsertOneOptions) (InsertOneResult, error) {
	return tc.Collection.InsertOne(ctx, doc, opts...)
}

// InsertMany inserts docs.
func (tc TypedCollection[T]) InsertMany(ctx context.Context, docs []T, opts ...InsertManyOptions) (InsertManyResult, error) {
	return tc.Collection.InsertMany(ctx, docs, opts...)
}

// FindOneAndUpdate updates the first document matching filter and returns
// it, before the update or (with ReturnAfter) after; ErrNoDocuments when
// none matched.
func (tc TypedCollection[T]) FindOneAndUpdate(ctx context.Context, filter, update any, opts ...FindOneAndUpdateOptions) (T, error) {
	return decodeSingle[T](tc.Collection.FindOneAndUpdate(ctx, filter, update, opts...))
}

// FindOneAndReplace replaces the first document matching filter with
// replacement and returns the document before or (with ReturnAfter)
// after.
func (tc TypedCollection[T]) FindOneAndReplace(ctx context.Context, filter any, replacement T, opts ...FindOneAndUpdateOptions) (T, error) {
	return decodeSingle[T](tc.Collection.FindOneAndReplace(ctx, filter, replacement, opts...))
}

// FindOneAndDelete deletes the first document matching filter and returns
// it.
func (tc TypedCollection[T]) FindOneAndDelete(ctx context.Context, filter any, opts ...FindOneAndDeleteOptions) (T, error) {
	return decodeSingle[T](tc.Collection.FindOneAndDelete(ctx, filter, opts...))
}

// decodeSingle decodes the document of r into a new T.
func decodeSingle[T any](r SingleResult) (T, error) {
	var v T
	if err := r.Decode(&v); err != nil {
		var zero T
		return zero, err
	}
	return v, nil
}

// TypedCursor is a Cursor whose documents decode into T. Next decodes the
// document it moves to, and Value returns it: no Decode call and no
// pointer to pass. The embedded *Cursor gives Close, ID, Current and Decode. Like a Cursor, a TypedCursor is not safe for concurrent use.
type TypedCursor[T any] struct {
	*Cursor
	value T
	err   error // a document that did not decode
}

// TypedCursorOf wraps the result of any call that returns a cursor
// (Aggregate, ListCollections, Indexes().List, ...) in a typed cursor:
//
//	cur, err := client.TypedCursorOf[Summary](coll.Aggregate(ctx, pipeline))
func TypedCursorOf[T any](cur *Cursor, err error) (*TypedCursor[T], error) {
	if err != nil {
		return nil, err
	}
	return &TypedCursor[T]{Cursor: cur}, nil
}

// Next moves to the next document and decodes it (see Value). A document
// that does not decode into T ends the iteration: Err returns the error.
func (tc *TypedCursor[T]) Next(ctx context.Context) bool {
	return tc.err == nil && tc.Cursor.Next(ctx) && tc.decode()
}

// TryNext is Next with at most one getMore (for tailable cursors).
func (tc *TypedCursor[T]) TryNext(ctx context.Context) bool {
	return tc.err == nil && tc.Cursor.TryNext(ctx) && tc.decode()
}

// Err returns the error that stopped the cursor: the server's, or a
// document that did not decode into T; nil at a normal end.
func (tc *TypedCursor[T]) Err() error {
	if tc.err != nil {
		return tc.err
	}
	return tc.Cursor.Err()
}

// decode unmarshals Current into a new T, so that no field of the previous
// document survives into this one.
func (tc *TypedCursor[T]) decode() bool {
	var v T
	if err := tc.decoder().Unmarshal(tc.Current, &v); err != nil {
		tc.err = fmt.Errorf("client: decoding a %T: %w", v, err)
		var zero T
		tc.value = zero
		return false
	}
	tc.value = v
	return true
}

// Value returns the document Next moved to, decoded. It shares no memory
// with the cursor's buffers, so it stays valid after the next call to
// Next and after Close.
func (tc *TypedCursor[T]) Value() T { return tc.value }

// All decodes every remaining document and closes the cursor.
func (tc *TypedCursor[T]) All(ctx context.Context) ([]T, error) {
	defer tc.Close(ctx)
	var out []T
	for tc.Next(ctx) {
		out = append(out, tc.value)
	}
	return out, tc.Err()
}

// ToList returns at most length documents, decoded; the cursor stays open
// when documents remain (Motor's to_list).
func (tc *TypedCursor[T]) ToList(ctx context.Context, length int) ([]T, error) {
	if length <= 0 {
		return nil, fmt.Errorf("client: ToList needs a positive length, not %d; All reads everything", length)
	}
	var out []T
	for len(out) < length && tc.Next(ctx) {
		out = append(out, tc.value)
	}
	return out, tc.Err()
}

// Iter returns an iterator over the remaining documents, decoded, for a
// range loop:
//
//	for p, err := range cur.Iter(ctx) { ... }
//
// An error ends the loop with a last pair (zero T, err). Breaking out
// leaves the cursor open, as Cursor.Iter does (the rule is stated there):
// Close it when done.
func (tc *TypedCursor[T]) Iter(ctx context.Context) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for tc.Next(ctx) {
			if !yield(tc.value, nil) {
				return
			}
		}
		if err := tc.Err(); err != nil {
			var zero T
			yield(zero, err)
		}
	}
}
