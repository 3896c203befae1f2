package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/torque-go/torque/bson"
)

// csvReader reads CSV rows as documents: the columns are named by the
// header line or --fields (a dotted name makes an embedded document);
// a value that reads as an integer or a float becomes a number, anything
// else a string, and an empty value is left out.
type csvReader struct {
	r      *csv.Reader
	fields [][]string // each column's name, split at the dots
}

func newCSVReader(r io.Reader, header bool, fields []string) (*csvReader, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	if header {
		rec, err := cr.Read()
		if err != nil {
			return nil, &inputError{"the header line", err}
		}
		fields = append([]string(nil), rec...)
	}
	if len(fields) == 0 {
		return nil, usagef("CSV needs --headerline or --fields")
	}
	c := &csvReader{r: cr}
	for _, f := range fields {
		c.fields = append(c.fields, strings.Split(f, "."))
	}
	return c, nil
}

func (c *csvReader) next() (bson.Raw, int, error) {
	rec, err := c.r.Read()
	line, _ := c.r.FieldPos(0)
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, pe.StartLine, &inputError{fmt.Sprintf("line %d", pe.StartLine), pe.Err}
		}
		return nil, line, err
	}
	if len(rec) > len(c.fields) {
		return nil, line, &inputError{fmt.Sprintf("line %d", line),
			fmt.Errorf("%d values but %d columns", len(rec), len(c.fields))}
	}
	var doc bson.D
	for i, v := range rec {
		if v != "" {
			doc = setPath(doc, c.fields[i], csvTyped(v))
		}
	}
	raw, err := bson.Marshal(doc)
	if err != nil {
		return nil, line, &inputError{fmt.Sprintf("line %d", line), err}
	}
	return raw, line, nil
}

// setPath sets the dotted path in doc, making embedded documents.
func setPath(doc bson.D, path []string, v any) bson.D {
	for i := range doc {
		if doc[i].Key == path[0] {
			if sub, ok := doc[i].Value.(bson.D); ok && len(path) > 1 {
				doc[i].Value = setPath(sub, path[1:], v)
				return doc
			}
		}
	}
	if len(path) > 1 {
		return append(doc, bson.KV(path[0], setPath(nil, path[1:], v)))
	}
	return append(doc, bson.KV(path[0], v))
}

func csvTyped(s string) any {
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		if int64(int32(i)) == i {
			return int32(i)
		}
		return i
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && strings.ContainsAny(s, ".eE") {
		return f
	}
	return s
}
