package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/torque-go/torque/bson"
)

// A docReader reads the documents of an input file one at a time. next
// returns io.EOF at the end; its other errors name the place (line, or
// element of an array) and are *inputError.
type docReader interface {
	next() (doc bson.Raw, line int, err error)
}

// inputError is a document of the input that cannot be read; reading can
// go on after it (--skip-errors), unlike after an I/O error.
type inputError struct {
	where string // "line 7312", "element 12 of the array"
	err   error
}

func (e *inputError) Error() string { return e.where + ": " + e.err.Error() }
func (e *inputError) Unwrap() error { return e.err }

// newJSONReader reads NDJSON (one document a line, blank lines ignored)
// or, when the input's first non-blank byte is '[', one JSON array of
// documents.
func newJSONReader(r io.Reader) (docReader, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	for {
		b, err := br.Peek(1)
		if err == io.EOF {
			return &ndjsonReader{r: br}, nil
		}
		if err != nil {
			return nil, err
		}
		switch b[0] {
		case ' ', '\t', '\r', '\n':
			br.ReadByte()
			continue
		case '[':
			return newArrayReader(br)
		}
		return &ndjsonReader{r: br}, nil
	}
}

type ndjsonReader struct {
	r    *bufio.Reader
	line int
	long []byte
}

func (n *ndjsonReader) next() (bson.Raw, int, error) {
	for {
		b, err := n.readLine()
		if len(b) == 0 && err != nil {
			return nil, n.line, err
		}
		n.line++
		b = bytes.TrimSpace(b)
		if len(b) == 0 {
			continue
		}
		doc, perr := bson.ExtJSONToRaw(b)
		if perr != nil {
			return nil, n.line, &inputError{fmt.Sprintf("line %d", n.line), jsonError(b, perr, 0)}
		}
		return doc, n.line, nil
	}
}

// readLine returns the next line without copying when it fits the
// buffer; it is valid until the next call.
func (n *ndjsonReader) readLine() ([]byte, error) {
	b, err := n.r.ReadSlice('\n')
	if !errors.Is(err, bufio.ErrBufferFull) {
		return b, err
	}
	n.long = append(n.long[:0], b...)
	for errors.Is(err, bufio.ErrBufferFull) {
		b, err = n.r.ReadSlice('\n')
		n.long = append(n.long, b...)
		if len(n.long) > 64<<20 {
			return nil, fmt.Errorf("line %d is longer than 64 MiB", n.line+1)
		}
	}
	return n.long, err
}

// jsonError describes an Extended JSON error with the place and the text
// around it: the column in a line, or with base >= 0 the byte offset in
// the input of text, which starts at byte base.
func jsonError(text []byte, err error, base int64) error {
	var je *bson.ExtJSONError
	if !errors.As(err, &je) {
		return err
	}
	off := min(je.Offset, len(text))
	msg := fmt.Sprintf("not valid Extended JSON at column %d", off+1)
	if base > 0 {
		msg = fmt.Sprintf("not valid Extended JSON at byte %d", base+int64(off))
	}
	if je.Key != "" {
		msg += fmt.Sprintf(" (key %q)", je.Key)
	}
	return fmt.Errorf("%s: %s; near %s", msg, je.Msg, abbrev(string(text[max(off-10, 0):])))
}

// arrayReader reads the elements of a top-level JSON array.
type arrayReader struct {
	dec *json.Decoder
	n   int
	raw json.RawMessage
}

func newArrayReader(r io.Reader) (*arrayReader, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	if _, err := dec.Token(); err != nil { // the '['
		return nil, &inputError{"the array", err}
	}
	return &arrayReader{dec: dec}, nil
}

func (a *arrayReader) next() (bson.Raw, int, error) {
	if !a.dec.More() {
		if _, err := a.dec.Token(); err != nil { // the ']'
			return nil, a.n, &inputError{"the end of the array", err}
		}
		return nil, a.n, io.EOF
	}
	a.n++
	where := fmt.Sprintf("element %d of the array", a.n)
	a.raw = a.raw[:0]
	if err := a.dec.Decode(&a.raw); err != nil {
		// The JSON itself is broken: nothing after it can be read.
		return nil, a.n, fmt.Errorf("%s: %w", where, err)
	}
	doc, err := bson.ExtJSONToRaw(a.raw)
	if err != nil {
		start := a.dec.InputOffset() - int64(len(a.raw))
		return nil, a.n, &inputError{where, jsonError(a.raw, err, start)}
	}
	return doc, a.n, nil
}

// countingReader counts the bytes read through it, for the progress bar.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}
