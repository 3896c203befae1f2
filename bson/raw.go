package bson

import (
	"iter"
	"strconv"
)

// Raw is one encoded BSON document, read lazily and without copying: the
// lookups walk the bytes each time and return sub-slices of them. A Raw
// from the network is unchecked until Validate says otherwise; every
// method is safe on malformed bytes (it reports an error or returns a zero
// value, and never panics).
type Raw []byte

// body returns the element bytes of r (after the length, before the
// terminator). It checks the length and terminator; r may be longer than
// its length says (Validate rejects that, the lookups ignore the rest).
func (r Raw) body() ([]byte, *DecodeError) {
	n, msg := frameDocument(r)
	if msg != "" {
		return nil, decodeErr(0, msg)
	}
	return r[4 : n-1], nil
}

// nextElement splits the first element off body, which starts at offset
// off in the document. It returns a *DecodeError for a malformed element.
func nextElement(body []byte, off int) (RawElement, []byte, *DecodeError) {
	_, n, msg := frameElement(body)
	if msg != "" {
		return nil, body, elementError(body, off)
	}
	return RawElement(body[:n]), body[n:], nil
}

// Lookup returns the value at path, where each step after the first descends
// into an embedded document or array (whose keys are "0", "1", ...):
// r.Lookup("cursor", "firstBatch", "0", "_id"). It returns the zero
// RawValue when there is no such element or the bytes are malformed, alike:
// on a document nobody has validated (a cursor's Current, say), use
// LookupErr, which tells the two apart, or call ValidateStructure (or
// Validate) first. It does not allocate.
func (r Raw) Lookup(path ...string) RawValue {
	v, _ := r.LookupErr(path...)
	return v
}

// LookupErr is Lookup with the reason for a missing value:
// ErrElementNotFound (possibly wrapped, with the key and what was found
// instead) or a *DecodeError for malformed bytes on the way.
func (r Raw) LookupErr(path ...string) (RawValue, error) {
	if len(path) == 0 {
		return RawValue{}, ErrElementNotFound
	}
	doc := []byte(r)
	base := 0 // offset of doc within r, for errors
	for i, key := range path {
		v, off, err := lookupKey(doc, key)
		if err != nil {
			if de, ok := err.(*DecodeError); ok {
				de.Offset += base
				de.Key = joinKey(joinPath(path[:i]), de.Key)
			}
			return RawValue{}, err
		}
		if i == len(path)-1 {
			return v, nil
		}
		if v.Type != TypeEmbeddedDocument && v.Type != TypeArray {
			return RawValue{}, &notFoundError{key: joinPath(path[:i+1]), t: v.Type}
		}
		doc, base = v.Value, base+off
	}
	return RawValue{}, ErrElementNotFound // not reached
}

// lookupKey finds key among the elements of doc and returns its value and
// the value's offset within doc.
func lookupKey(doc []byte, key string) (RawValue, int, error) {
	body, err := Raw(doc).body()
	if err != nil {
		return RawValue{}, 0, err
	}
	for off := 4; len(body) > 0; {
		k, n, msg := frameElement(body)
		if msg != "" {
			return RawValue{}, 0, elementError(body, off)
		}
		if string(body[1:1+k]) == key {
			return RawValue{Type: Type(body[0]), Value: body[k+2 : n]}, off + k + 2, nil
		}
		off += n
		body = body[n:]
	}
	return RawValue{}, 0, ErrElementNotFound
}

// notFoundError says that a path step landed on a value that is not a
// document. It matches ErrElementNotFound under errors.Is.
type notFoundError struct {
	key string // the dotted path of the value
	t   Type
}

func (e *notFoundError) Error() string {
	return "bson: element not found: " + strconv.Quote(e.key) + " is a " + e.t.String() + ", not a document"
}

func (e *notFoundError) Is(target error) bool { return target == ErrElementNotFound }

// joinKey joins a parent path and a key with a dot; either may be empty.
func joinKey(parent, key string) string {
	switch {
	case parent == "":
		return key
	case key == "":
		return parent
	}
	return parent + "." + key
}

func joinPath(path []string) string {
	s := ""
	for i, p := range path {
		if i > 0 {
			s += "."
		}
		s += p
	}
	return s
}

// Elements returns the elements of r, or a *DecodeError for the first
// malformed one. It checks framing only; call Validate for the contents.
func (r Raw) Elements() ([]RawElement, error) {
	body, err := r.body()
	if err != nil {
		return nil, err
	}
	var els []RawElement
	for off := 4; len(body) > 0; {
		el, rest, err := nextElement(body, off)
		if err != nil {
			return els, err
		}
		els = append(els, el)
		off += len(el)
		body = rest
	}
	return els, nil
}

// Index returns the i-th element of r (counting from 0).
func (r Raw) Index(i int) (RawElement, error) {
	body, err := r.body()
	if err != nil {
		return nil, err
	}
	if i < 0 {
		return nil, ErrElementNotFound
	}
	for off, n := 4, 0; len(body) > 0; n++ {
		el, rest, err := nextElement(body, off)
		if err != nil {
			return nil, err
		}
		if n == i {
			return el, nil
		}
		off += len(el)
		body = rest
	}
	return nil, ErrElementNotFound
}

// AllElements iterates over the elements of r in order, without
// allocating. It stops early, silently, at a malformed element: call
// Validate first, or use Elements, to learn about it.
func (r Raw) AllElements() iter.Seq[RawElement] {
	return func(yield func(RawElement) bool) {
		body, err := r.body()
		if err != nil {
			return
		}
		for len(body) > 0 {
			el, rest, err := nextElement(body, 0)
			if err != nil || !yield(el) {
				return
			}
			body = rest
		}
	}
}

// All iterates over the keys and values of r in order. Each key is a new
// string; AllElements avoids that. Like AllElements it stops at a malformed
// element.
func (r Raw) All() iter.Seq2[string, RawValue] {
	return func(yield func(string, RawValue) bool) {
		for el := range r.AllElements() {
			if !yield(el.Key(), el.Value()) {
				return
			}
		}
	}
}
