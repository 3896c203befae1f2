package wire

import "iter"

// Documents is zero or more BSON documents laid end to end, as they travel in
// an OP_MSG document sequence or an OP_REPLY. Parsers in this package check
// the framing of every document (its int32 length is at least 5, stays inside
// the enclosing section and ends on a 0x00 byte); they do not validate the
// documents' contents (that is bson.Raw.Validate's job).
type Documents []byte

// Next splits off the first document. ok is false at the end or when the
// framing is broken (never the case for Documents a parser returned).
func (d Documents) Next() (doc []byte, rest Documents, ok bool) {
	n, ok := docLen(d, len(d))
	if !ok {
		return nil, d, false
	}
	return d[:n:n], d[n:], true
}

// All yields each document in turn; each is a sub-slice of d.
func (d Documents) All() iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		for rest := d; len(rest) > 0; {
			doc, r, ok := rest.Next()
			if !ok || !yield(doc) {
				return
			}
			rest = r
		}
	}
}

// Count returns the number of well-framed documents at the start of d.
func (d Documents) Count() int {
	n := 0
	for range d.All() {
		n++
	}
	return n
}

// AppendDocuments appends docs to dst end to end (the caller vouches for
// their framing; ParseMsg and EndSequence check it).
func AppendDocuments(dst []byte, docs ...[]byte) []byte {
	for _, doc := range docs {
		dst = append(dst, doc...)
	}
	return dst
}

// docLen returns the length of the document at the start of b if its int32
// length is at least 5, fits within limit bytes of b, and its last byte is the
// 0x00 terminator.
func docLen(b []byte, limit int) (int, bool) {
	if limit > len(b) {
		limit = len(b)
	}
	if limit < 5 {
		return 0, false
	}
	n := readInt32(b)
	if n < 5 || int64(n) > int64(limit) || b[n-1] != 0 {
		return 0, false
	}
	return int(n), true
}

// checkDocument explains why the document at msg[off:end] is badly framed, or
// returns its length.
func checkDocument(op OpCode, msg []byte, off, end int, field string) (int, error) {
	if end-off < 4 {
		return 0, errorf(op, off, field, "need 4 bytes of document length, have %d", end-off)
	}
	n := readInt32(msg[off:])
	switch {
	case n < 5:
		return 0, errorf(op, off, field, "document length %d is less than 5", n)
	case int64(n) > int64(end-off):
		return 0, errorf(op, off, field, "document length %d overruns its container by %d bytes", n, int64(n)-int64(end-off))
	case msg[off+int(n)-1] != 0:
		return 0, errorf(op, off+int(n)-1, field, "document does not end with 0x00")
	}
	return int(n), nil
}

// checkDocuments checks that msg[off:end] is exactly a run of well-framed
// documents and returns how many there are.
func checkDocuments(op OpCode, msg []byte, off, end int, field string) (int, error) {
	count := 0
	for off < end {
		n, err := checkDocument(op, msg, off, end, field)
		if err != nil {
			return count, err
		}
		off += n
		count++
	}
	return count, nil
}

// checkWholeDocument checks that doc is exactly one well-framed document.
func checkWholeDocument(op OpCode, doc []byte, field string) error {
	n, err := checkDocument(op, doc, 0, len(doc), field)
	if err != nil {
		return err
	}
	if n != len(doc) {
		return errorf(op, n, field, "%d bytes follow the %d-byte document", len(doc)-n, n)
	}
	return nil
}
