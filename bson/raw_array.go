package bson

import "iter"

// RawArray is an encoded BSON array: a document whose keys are "0", "1",
// ... Its methods read it lazily without copying, like Raw's, and never
// panic. They take the elements in order and do not check the keys.
type RawArray []byte

// Validate checks the array as Raw.Validate checks a document.
func (a RawArray) Validate() error { return Raw(a).Validate() }

// Values returns the values of the array in order, or a *DecodeError for
// the first malformed element.
func (a RawArray) Values() ([]RawValue, error) {
	els, err := Raw(a).Elements()
	if len(els) == 0 {
		return nil, err
	}
	vals := make([]RawValue, len(els))
	for i, el := range els {
		vals[i] = el.Value()
	}
	return vals, err
}

// Index returns the i-th value (counting from 0), or ErrElementNotFound.
func (a RawArray) Index(i int) (RawValue, error) {
	el, err := Raw(a).Index(i)
	if err != nil {
		return RawValue{}, err
	}
	return el.Value(), nil
}

// All iterates over the indexes and values of the array. It stops early,
// silently, at a malformed element: call Validate first to learn about it.
func (a RawArray) All() iter.Seq2[int, RawValue] {
	return func(yield func(int, RawValue) bool) {
		i := 0
		for el := range Raw(a).AllElements() {
			if !yield(i, el.Value()) {
				return
			}
			i++
		}
	}
}
