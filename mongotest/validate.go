package mongotest

import (
	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/mongotest/internal/engine"
	"github.com/torque-go/torque/mongotest/internal/store"
)

// validate applies the collection's validator (create/collMod option
// validator, with validationLevel and validationAction) to a document to
// be stored. $jsonSchema is refused by the engine as unsupported.
func (s *Server) validate(c *store.Collection, doc bson.D) error {
	if c == nil {
		return nil
	}
	v, ok := c.Option("validator").(bson.D)
	if !ok || len(v) == 0 {
		return nil
	}
	if level, _ := c.Option("validationLevel").(string); level == "off" {
		return nil
	}
	if action, _ := c.Option("validationAction").(string); action == "warn" {
		return nil
	}
	f, err := engine.CompileFilter(v, engine.Vars{})
	if err != nil {
		return err
	}
	_, ok, err = f.Match(doc)
	if err != nil {
		return err
	}
	if ok {
		return nil
	}
	e := cmdErrorf(121, "DocumentValidationFailure", "Document failed validation")
	e.Extra = bson.D{bson.KV("errInfo", bson.D{bson.KV("failingDocumentId", lookup(doc, "_id")),
		bson.KV("details", bson.D{bson.KV("operatorName", "$and"), bson.KV("specifiedAs", v),
			bson.KV("reason", "mongotest does not explain which clause failed")})})}
	return e
}
