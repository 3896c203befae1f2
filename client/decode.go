package client

import (
	"errors"
	"fmt"

	"github.com/torque-go/torque/bson"
)

// decode is how the client decodes a document for the user: with the
// client's Decoder options (Options.Decoder), and errors that name the
// method the user called rather than bson.Unmarshal.
func decode(dec bson.Decoder, doc bson.Raw, v any, method string) error {
	err := dec.Unmarshal(doc, v)
	if err == nil {
		return nil
	}
	var te *bson.UnmarshalTargetError
	if errors.As(err, &te) {
		return fmt.Errorf("client: %s needs a non-nil pointer to decode into, not %s", method, te.What)
	}
	return fmt.Errorf("client: %s: %w", method, err)
}
