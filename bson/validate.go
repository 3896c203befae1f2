package bson

import (
	"strconv"
	"unicode/utf8"
)

// MaxNestingDepth is how deeply documents and arrays may nest (the
// outermost document is depth 1). Validate refuses deeper input with an
// error rather than risk exhausting the stack; MongoDB itself allows 100
// levels for stored documents.
const MaxNestingDepth = 200

// Validate checks that r is exactly one well-formed BSON document: every
// length agrees with the bytes that hold it, every C string and document
// is terminated, every type byte is known, keys and strings are valid
// UTF-8, booleans are 0 or 1, the inner length of binary subtype 2 and the
// parts of code with scope add up, and nesting stays within
// MaxNestingDepth. This is the check of the BSON specification (its test
// corpus's decode errors all fail here). The error is a *DecodeError that
// names the byte offset and key path of the first problem. Validate does
// not allocate unless it fails.
//
// MongoDB stores strings that are not UTF-8 as they are, and Unmarshal
// reads them by default; use ValidateStructure for a check that accepts
// them.
func (r Raw) Validate() error {
	if scanRaw(r, true) {
		return nil
	}
	return r.validateSlow(true)
}

// ValidateStructure checks that r is exactly one BSON document whose
// structure is sound: every length agrees with the bytes that hold it,
// every C string and document is terminated, every type byte is known, the
// inner length of binary subtype 2 and the parts of code with scope add
// up, and nesting stays within MaxNestingDepth. It does not look at the
// contents of values: strings and keys may hold any bytes (UTF-8 or not),
// and a boolean any byte. Everything else Validate checks, it checks, at a
// fraction of the cost (it never reads the bytes of a string).
//
// After ValidateStructure, every lazy reader of this package (Lookup,
// Elements, Index, the RawValue accessors) can walk r without meeting a
// framing error, and Unmarshal reports what is left (a string that is not
// UTF-8 under Decoder.StrictUTF8, a boolean byte of 2) as a *DecodeError of
// the value that holds it. This is the check a driver runs on every reply
// it receives (torque's runs it on each document of a cursor's batch where
// the document is read): a reply that frames correctly is a good reply,
// and a content problem in it belongs to whoever decodes that value. The error is a
// *DecodeError naming the byte offset and key path of the first problem;
// ValidateStructure does not allocate unless it fails.
func (r Raw) ValidateStructure() error {
	if scanRaw(r, false) {
		return nil
	}
	return r.validateSlow(false)
}

// validateSlow finds the problem that scanRaw saw, for the error message.
func (r Raw) validateSlow(utf bool) error {
	n, msg := frameDocument(r)
	if msg != "" {
		return decodeErr(0, msg)
	}
	if n != len(r) {
		return decodeErr(n, strconv.Itoa(len(r)-n)+" bytes after the end of the document (length "+strconv.Itoa(n)+")")
	}
	if err := validateDocument(r, 0, 1, utf); err != nil {
		return err
	}
	// Not reached unless scanRaw and validateDocument disagree, which the
	// fuzz tests look for.
	return decodeErr(0, "malformed document")
}

// validateDocument checks the elements of doc, whose framing is already
// known to be right; base is the offset of doc in the outermost document.
// With utf, keys and strings must be UTF-8 and booleans 0 or 1.
func validateDocument(doc []byte, base, depth int, utf bool) *DecodeError {
	if depth > MaxNestingDepth {
		return decodeErr(base, "documents nest deeper than "+strconv.Itoa(MaxNestingDepth)+" levels")
	}
	body := doc[4 : len(doc)-1]
	off := 4
	for len(body) > 0 {
		k, n, msg := frameElement(body)
		if msg != "" {
			return elementError(body, base+off)
		}
		if err := validateElement(body[:n], k, base+off, depth, utf); err != nil {
			return err
		}
		off += n
		body = body[n:]
	}
	return nil
}

// validateElement checks the key and the value of a framed element that
// starts at offset base and has a key of keyLen bytes.
func validateElement(el RawElement, keyLen, base, depth int, utf bool) *DecodeError {
	key := el[1 : 1+keyLen]
	if utf && !utf8.Valid(key) {
		return &DecodeError{Offset: base + 1, Key: string(key), Msg: "key is not valid UTF-8"}
	}
	if err := validateValue(Type(el[0]), el[keyLen+2:], base+keyLen+2, depth, utf); err != nil {
		err.Key = joinKey(string(key), err.Key)
		return err
	}
	return nil
}

// validateValue checks the contents of a framed value of type t that
// starts at offset base. Errors carry the key path below the value.
func validateValue(t Type, v []byte, base, depth int, utf bool) *DecodeError {
	switch t {
	case TypeEmbeddedDocument, TypeArray:
		return validateDocument(v, base, depth+1, utf)
	case TypeCodeWithScope:
		s, _ := frameString(v[4:])
		if utf && !utf8.Valid(v[8:4+s-1]) {
			return decodeErr(base+8, "code with scope: code is not valid UTF-8")
		}
		return validateDocument(v[4+s:], base+4+s, depth+1, utf)
	}
	if !utf {
		return nil
	}
	switch t {
	case TypeString, TypeJavaScript, TypeSymbol:
		if !utf8.Valid(v[4 : len(v)-1]) {
			return decodeErr(base+4, t.String()+" is not valid UTF-8")
		}
	case TypeBoolean:
		if v[0] > 1 {
			return decodeErr(base, "boolean byte is "+strconv.Itoa(int(v[0]))+", want 0 or 1")
		}
	case TypeRegex:
		p, _ := frameCString(v, "")
		if !utf8.Valid(v[:p-1]) {
			return decodeErr(base, "regex pattern is not valid UTF-8")
		}
		if !utf8.Valid(v[p : len(v)-1]) {
			return decodeErr(base+p, "regex options are not valid UTF-8")
		}
	case TypeDBPointer:
		if !utf8.Valid(v[4 : len(v)-13]) {
			return decodeErr(base+4, "dbPointer namespace is not valid UTF-8")
		}
	}
	return nil
}
