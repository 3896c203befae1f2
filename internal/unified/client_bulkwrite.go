package unified

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
)

// clientBulkWrite runs Client.BulkWrite: models [{insertOne: {namespace,
// document}}, {updateOne: {namespace, filter, update, ...}}, ...] and the
// options ordered, bypassDocumentValidation, comment, let, writeConcern,
// verboseResults. Its result, and the partial result beside an error, is
// {insertedCount, ..., insertResults, updateResults, deleteResults} (the
// maps only for verbose results).
func clientBulkWrite(ctx context.Context, c *client.Client, a *args) outcome {
	var models []client.ClientWriteModel
	for i, v := range a.array("models").All() {
		m, err := clientWriteModel(v)
		if err != nil {
			return outcome{err: fmt.Errorf("runner: models[%d]: %w", i, err)}
		}
		models = append(models, m)
	}
	o := client.ClientBulkWriteOptions{BypassDocumentValidation: a.boolPtr("bypassDocumentValidation"),
		Let: a.docOrNil("let"), Comment: a.value("comment"), VerboseResults: a.boolean("verboseResults")}
	if a.has("ordered") {
		o.Unordered = !a.boolean("ordered")
	}
	if wc := a.doc("writeConcern"); wc != nil {
		w := writeConcern(wc)
		o.WriteConcern = &w
	}
	if bad := argErr(a); bad != nil {
		return *bad
	}
	res, err := c.BulkWrite(ctx, models, o)
	if err != nil {
		if ex, ok := err.(*client.ClientBulkWriteException); ok && ex.PartialResult != nil {
			out := clientBulkResult(ex.PartialResult)
			out.err = err
			return out
		}
		return outcome{err: err}
	}
	if !res.Acknowledged {
		return outcome{}
	}
	return clientBulkResult(&res)
}

// clientBulkResult is the result document of a ClientBulkWriteResult.
func clientBulkResult(res *client.ClientBulkWriteResult) outcome {
	d := bson.D{bson.KV("insertedCount", res.InsertedCount), bson.KV("upsertedCount", res.UpsertedCount),
		bson.KV("matchedCount", res.MatchedCount), bson.KV("modifiedCount", res.ModifiedCount),
		bson.KV("deletedCount", res.DeletedCount)}
	if res.HasVerboseResults {
		ins, upd, del := bson.D{}, bson.D{}, bson.D{}
		for _, i := range sortedKeys(res.InsertResults) {
			ins = append(ins, bson.KV(bson.ArrayKey(i), bson.D{bson.KV("insertedId", res.InsertResults[i].InsertedID)}))
		}
		for _, i := range sortedKeys(res.UpdateResults) {
			u := res.UpdateResults[i]
			r := bson.D{bson.KV("matchedCount", u.MatchedCount), bson.KV("modifiedCount", u.ModifiedCount)}
			if u.UpsertedCount > 0 {
				r = append(r, bson.KV("upsertedId", u.UpsertedID))
			}
			upd = append(upd, bson.KV(bson.ArrayKey(i), r))
		}
		for _, i := range sortedKeys(res.DeleteResults) {
			del = append(del, bson.KV(bson.ArrayKey(i), bson.D{bson.KV("deletedCount", res.DeleteResults[i].DeletedCount)}))
		}
		d = append(d, bson.KV("insertResults", ins), bson.KV("updateResults", upd), bson.KV("deleteResults", del))
	}
	return result(d)
}

func sortedKeys[V any](m map[int]V) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	return keys
}

// clientWriteModel reads one model: {insertOne: {namespace: "db.coll",
// ...}}; the fields after namespace are those of bulkWrite's requests.
func clientWriteModel(v bson.RawValue) (client.ClientWriteModel, error) {
	doc, ok := v.Document()
	if !ok {
		return client.ClientWriteModel{}, fmt.Errorf("not a document: %s", v)
	}
	el, err := doc.Index(0)
	if err != nil {
		return client.ClientWriteModel{}, err
	}
	spec, _ := el.Value().Document()
	ns, _ := spec.Lookup("namespace").StringValue()
	db, coll, found := strings.Cut(ns, ".")
	if !found {
		return client.ClientWriteModel{}, fmt.Errorf("namespace %q is not db.coll", ns)
	}
	var rest bson.D
	for k, v := range spec.All() {
		if k != "namespace" {
			rest = append(rest, bson.KV(k, v))
		}
	}
	inner, err := bson.Marshal(bson.D{bson.KV(el.Key(), rest)})
	if err != nil {
		return client.ClientWriteModel{}, err
	}
	m, err := writeModel(bson.RawValue{Type: bson.TypeEmbeddedDocument, Value: inner})
	return client.ClientWriteModel{Database: db, Collection: coll, Model: m}, err
}

// clientBulkErrorView gives expectError's writeErrors and
// writeConcernErrors of a *client.ClientBulkWriteException: its write
// errors (by index) as a *client.WriteException's, and its write-concern
// errors.
func clientBulkErrorView(err error) (*client.WriteException, []client.WriteConcernError, bool) {
	ex, ok := err.(*client.ClientBulkWriteException)
	if !ok {
		return nil, nil, false
	}
	we := &client.WriteException{}
	for _, i := range sortedKeys(ex.WriteErrors) {
		we.WriteErrors = append(we.WriteErrors, ex.WriteErrors[i])
	}
	return we, ex.WriteConcernErrors, true
}
