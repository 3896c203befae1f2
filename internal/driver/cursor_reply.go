package driver

import (
	"encoding/binary"
	"strconv"

	"github.com/torque-go/torque/bson"
)

// This file checks the reply of a cursor command on arrival
// (Operation.LazyBatch): framing on arrival, contents where read. The
// reply is checked as ValidateStructure checks it, but for the documents
// of its batch (cursor.firstBatch or cursor.nextBatch), which are framed
// and not entered: each element of the batch array is an embedded
// document with a terminated key, a length of at least 5 that fits in the
// array, and a NUL at its end. The inside of each document is checked
// where it is read (Unmarshal, the lookups, Validate; package client
// validates a document it hands out to keep). This is what the batch costs
// on arrival: a few instructions per document instead of a walk over every
// byte of every nested document.

// validateCursorReply checks body, the reply of a LazyBatch operation. The
// error is a *bson.DecodeError whose Offset counts from the reply's start
// and whose Key is the path of the problem (a batch document's is
// "cursor.firstBatch.3", by its position). It does not allocate unless it
// fails.
func validateCursorReply(body bson.Raw) error {
	if len(body) < 5 || int(int32(binary.LittleEndian.Uint32(body))) != len(body) || body[len(body)-1] != 0 {
		return body.ValidateStructure() // says what is wrong with the frame
	}
	return checkReplyDoc(body, 0, nil)
}

// checkReplyDoc checks the elements of doc, a framed document at offset
// base in the reply: the reply itself (parent nil) or its cursor document
// (parent "cursor"). The cursor document's batch array is framed
// (frameBatch); every other value is checked as ValidateStructure checks
// it.
func checkReplyDoc(doc []byte, base int, parent []byte) error {
	body := doc[4 : len(doc)-1]
	off := base + 4
	for len(body) > 0 {
		el, rest, ok := bson.ReadElement(body)
		if !ok {
			return elementFramingError(doc, base, parent)
		}
		key := el.KeyBytes()
		v := bson.RawValue{Type: el.Type(), Value: el[len(key)+2:]}
		voff := off + len(key) + 2
		var err error
		switch {
		case parent == nil && v.Type == bson.TypeEmbeddedDocument && string(key) == "cursor":
			err = checkReplyDoc(v.Value, voff, key)
		case parent != nil && v.Type == bson.TypeArray && (string(key) == "firstBatch" || string(key) == "nextBatch"):
			err = frameBatch(v.Value, voff, parent, key)
		default:
			err = checkValue(v, voff, parent, key)
		}
		if err != nil {
			return err
		}
		off += len(el)
		body = rest
	}
	return nil
}

// checkValue checks a framed value outside the batch as ValidateStructure
// would: documents and arrays (and the scope of code with scope) are
// walked whole; every other type is checked by its framing.
func checkValue(v bson.RawValue, base int, parent, key []byte) error {
	inner, at := v.Value, 0
	switch v.Type {
	case bson.TypeEmbeddedDocument, bson.TypeArray:
	case bson.TypeCodeWithScope: // int32 total, string (int32 length, bytes), scope
		at = 8 + int(binary.LittleEndian.Uint32(v.Value[4:]))
		inner = v.Value[at:]
	default:
		return nil
	}
	err := bson.Raw(inner).ValidateStructure()
	if de, ok := err.(*bson.DecodeError); ok {
		de.Offset += base + at
		de.Key = joinPath(parent, key, de.Key)
	}
	return err
}

// frameBatch checks the framing of a batch array at offset base in the
// reply (its own length and NUL were checked when it was framed as a
// value): every element is an embedded document, its key ends, its
// length is at least 5 and fits in the array, and its last byte is a NUL.
// One loop, no calls.
func frameBatch(arr []byte, base int, parent, key []byte) error {
	end := len(arr) - 1
	for i, n := 4, 0; i < end; n++ {
		if arr[i] != byte(bson.TypeEmbeddedDocument) {
			return batchError(base+i, parent, key, n, "batch element is a "+bson.Type(arr[i]).String()+", not a document")
		}
		k := i + 1
		for k < end && arr[k] != 0 {
			k++
		}
		if k == end {
			return batchError(base+i, parent, key, n, "batch element's key is not NUL-terminated")
		}
		d := k + 1
		if end-d < 4 {
			return batchError(base+d, parent, key, n, "document length truncated: "+strconv.Itoa(end-d)+" bytes left, need 4")
		}
		size := int(int32(binary.LittleEndian.Uint32(arr[d:])))
		switch {
		case size < 5:
			return batchError(base+d, parent, key, n, "document length "+strconv.Itoa(size)+" is less than 5")
		case size > end-d:
			return batchError(base+d, parent, key, n, "document length "+strconv.Itoa(size)+
				" exceeds the "+strconv.Itoa(end-d)+" bytes left in the batch")
		case arr[d+size-1] != 0:
			return batchError(base+d, parent, key, n, "document does not end with a NUL byte")
		}
		i = d + size
	}
	return nil
}

// batchError is the error of document n of a batch.
func batchError(off int, parent, key []byte, n int, msg string) error {
	return &bson.DecodeError{Offset: off, Key: joinPath(parent, key, strconv.Itoa(n)), Msg: msg}
}

// elementFramingError is the error of the first malformed element of doc,
// a document at offset base in the reply whose elements ReadElement could
// not all frame: Elements says what is wrong and where.
func elementFramingError(doc []byte, base int, parent []byte) error {
	_, err := bson.Raw(doc).Elements()
	if de, ok := err.(*bson.DecodeError); ok {
		de.Offset += base
		de.Key = joinPath(parent, nil, de.Key)
		return de
	}
	if err == nil { // not reached: ReadElement and Elements frame alike
		err = &bson.DecodeError{Offset: base, Key: string(parent), Msg: "malformed element"}
	}
	return err
}

// joinPath joins the non-empty parts of a key path with dots.
func joinPath(parent, key []byte, rest string) string {
	s := string(parent)
	for _, p := range []string{string(key), rest} {
		switch {
		case p == "":
		case s == "":
			s = p
		default:
			s += "." + p
		}
	}
	return s
}
