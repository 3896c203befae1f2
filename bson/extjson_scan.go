package bson

import (
	"bytes"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// This file is a small, strict JSON parser (RFC 8259) that builds a tree of
// jsonValue. Extended JSON needs the whole of an object before it can tell a
// type wrapper ({"$oid": ...}) from a document, so the reader first builds
// the tree and extjson_decode.go then turns it into BSON.
//
// Every value remembers the byte offset where it starts, so that errors found
// later still point into the input.

// jsonKind is the kind of a parsed JSON value.
type jsonKind uint8

const (
	jsonNull jsonKind = iota
	jsonBool
	jsonNumber
	jsonString
	jsonObject
	jsonArray
)

func (k jsonKind) String() string {
	switch k {
	case jsonNull:
		return "null"
	case jsonBool:
		return "boolean"
	case jsonNumber:
		return "number"
	case jsonString:
		return "string"
	case jsonObject:
		return "object"
	default:
		return "array"
	}
}

// jsonValue is one parsed JSON value.
type jsonValue struct {
	kind    jsonKind
	off     int          // offset of the value's first byte in the input
	text    string       // string: the decoded text; number: the literal; bool: "true" or "false"
	members []jsonMember // object members, in input order, duplicates kept
	elems   []jsonValue  // array elements
}

// jsonMember is one "key": value pair of an object.
type jsonMember struct {
	key string
	off int // offset of the key's opening quote
	val jsonValue
}

// isInteger reports whether a number has neither fraction nor exponent.
func (v *jsonValue) isInteger() bool {
	return v.kind == jsonNumber && !strings.ContainsAny(v.text, ".eE")
}

// jsonParser reads one JSON text from data. Members and elements of the
// objects and arrays still open wait on two stacks; each object or array
// gets one exactly sized copy when it closes, not a slice grown by append.
type jsonParser struct {
	data    []byte
	pos     int
	depth   int
	members []jsonMember
	elems   []jsonValue
}

// parseJSON parses data, which must hold exactly one JSON value (surrounded
// by optional white space).
func parseJSON(data []byte) (jsonValue, error) {
	p := jsonParser{data: data}
	p.skipSpace()
	v, err := p.value()
	if err != nil {
		return jsonValue{}, err
	}
	p.skipSpace()
	if p.pos < len(p.data) {
		return jsonValue{}, p.errorf(p.pos, "unexpected %s after the JSON value", p.describe())
	}
	return v, nil
}

func (p *jsonParser) errorf(off int, format string, args ...any) error {
	return newExtJSONError(off, "", format, args...)
}

// describe names the byte at p.pos for error messages.
func (p *jsonParser) describe() string {
	if p.pos >= len(p.data) {
		return "end of input"
	}
	c := p.data[p.pos]
	if c >= 0x20 && c < 0x7f {
		return "character " + jsonQuoteByte(c)
	}
	return "byte 0x" + string(jsonHexDigits[c>>4]) + string(jsonHexDigits[c&0xf])
}

func jsonQuoteByte(c byte) string {
	if c == '\'' {
		return `"'"`
	}
	return "'" + string(c) + "'"
}

func (p *jsonParser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// value parses the value at p.pos; leading white space is already skipped.
func (p *jsonParser) value() (jsonValue, error) {
	if p.pos >= len(p.data) {
		return jsonValue{}, p.errorf(p.pos, "unexpected end of input, want a value")
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		off := p.pos
		s, err := p.str()
		return jsonValue{kind: jsonString, off: off, text: s}, err
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case c == 't':
		return p.literal("true", jsonBool)
	case c == 'f':
		return p.literal("false", jsonBool)
	case c == 'n':
		return p.literal("null", jsonNull)
	}
	return jsonValue{}, p.errorf(p.pos, "unexpected %s, want a value", p.describe())
}

func (p *jsonParser) literal(word string, kind jsonKind) (jsonValue, error) {
	off := p.pos
	if !bytes.HasPrefix(p.data[p.pos:], []byte(word)) {
		return jsonValue{}, p.errorf(off, "invalid literal, want %s", word)
	}
	p.pos += len(word)
	v := jsonValue{kind: kind, off: off}
	if kind == jsonBool {
		v.text = word
	}
	return v, nil
}

func (p *jsonParser) enter() error {
	p.depth++
	if p.depth > maxExtJSONDepth {
		return p.errorf(p.pos, "nesting deeper than %d levels", maxExtJSONDepth)
	}
	return nil
}

func (p *jsonParser) object() (jsonValue, error) {
	v := jsonValue{kind: jsonObject, off: p.pos}
	if err := p.enter(); err != nil {
		return v, err
	}
	defer func() { p.depth-- }()
	p.pos++ // '{'
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return v, nil
	}
	mark := len(p.members)
	defer func() { p.members = p.members[:mark] }()
	for {
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return v, p.errorf(p.pos, "unexpected %s, want a quoted object key", p.describe())
		}
		m := jsonMember{off: p.pos}
		var err error
		if m.key, err = p.str(); err != nil {
			return v, err
		}
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return v, p.errorf(p.pos, "unexpected %s after object key, want ':'", p.describe())
		}
		p.pos++
		p.skipSpace()
		if m.val, err = p.value(); err != nil {
			return v, err
		}
		p.members = append(p.members, m)
		p.skipSpace()
		if p.pos < len(p.data) && p.data[p.pos] == ',' {
			p.pos++
			p.skipSpace()
			continue
		}
		if p.pos < len(p.data) && p.data[p.pos] == '}' {
			p.pos++
			v.members = slices.Clone(p.members[mark:])
			return v, nil
		}
		return v, p.errorf(p.pos, "unexpected %s in object, want ',' or '}'", p.describe())
	}
}

func (p *jsonParser) array() (jsonValue, error) {
	v := jsonValue{kind: jsonArray, off: p.pos}
	if err := p.enter(); err != nil {
		return v, err
	}
	defer func() { p.depth-- }()
	p.pos++ // '['
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		return v, nil
	}
	mark := len(p.elems)
	defer func() { p.elems = p.elems[:mark] }()
	for {
		e, err := p.value()
		if err != nil {
			return v, err
		}
		p.elems = append(p.elems, e)
		p.skipSpace()
		if p.pos < len(p.data) && p.data[p.pos] == ',' {
			p.pos++
			p.skipSpace()
			continue
		}
		if p.pos < len(p.data) && p.data[p.pos] == ']' {
			p.pos++
			v.elems = slices.Clone(p.elems[mark:])
			return v, nil
		}
		return v, p.errorf(p.pos, "unexpected %s in array, want ',' or ']'", p.describe())
	}
}

// number reads a number with the JSON grammar
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? and keeps its literal.
func (p *jsonParser) number() (jsonValue, error) {
	off := p.pos
	d := p.data
	i := p.pos
	if d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && d[i] >= '1' && d[i] <= '9':
		i = jsonSkipDigits(d, i)
	default:
		return jsonValue{}, p.errorf(off, "invalid number: want a digit after '-'")
	}
	if i < len(d) && d[i] == '.' {
		j := jsonSkipDigits(d, i+1)
		if j == i+1 {
			return jsonValue{}, p.errorf(off, "invalid number: want a digit after '.'")
		}
		i = j
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		j := jsonSkipDigits(d, i)
		if j == i {
			return jsonValue{}, p.errorf(off, "invalid number: want a digit in the exponent")
		}
		i = j
	}
	p.pos = i
	return jsonValue{kind: jsonNumber, off: off, text: string(d[off:i])}, nil
}

func jsonSkipDigits(d []byte, i int) int {
	for i < len(d) && d[i] >= '0' && d[i] <= '9' {
		i++
	}
	return i
}

// str reads a quoted string at p.pos and returns its decoded text. Raw
// control characters, invalid UTF-8 and unpaired surrogate escapes are
// errors: BSON strings must be valid UTF-8.
func (p *jsonParser) str() (string, error) {
	start := p.pos + 1
	// Fast path: no escapes, so the text is a plain copy of the input.
	for i := start; i < len(p.data); i++ {
		c := p.data[i]
		if c == '"' {
			if !utf8.Valid(p.data[start:i]) {
				break
			}
			p.pos = i + 1
			return string(p.data[start:i]), nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
	}
	return p.strSlow(start)
}

func (p *jsonParser) strSlow(start int) (string, error) {
	var b []byte
	i := start
	for {
		if i >= len(p.data) {
			return "", p.errorf(start-1, "unterminated string")
		}
		c := p.data[i]
		switch {
		case c == '"':
			p.pos = i + 1
			return string(b), nil
		case c < 0x20:
			return "", p.errorf(i, "control character 0x%02x in string must be escaped", c)
		case c == '\\':
			var err error
			if b, i, err = p.escape(b, i); err != nil {
				return "", err
			}
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, n := utf8.DecodeRune(p.data[i:])
			if r == utf8.RuneError && n <= 1 {
				return "", p.errorf(i, "invalid UTF-8 in string")
			}
			b = append(b, p.data[i:i+n]...)
			i += n
		}
	}
}

// escape decodes the escape sequence at p.data[i] (a backslash), appends it
// to b and returns the offset after it.
func (p *jsonParser) escape(b []byte, i int) ([]byte, int, error) {
	if i+1 >= len(p.data) {
		return b, i, p.errorf(i, "unterminated escape sequence")
	}
	switch c := p.data[i+1]; c {
	case '"', '\\', '/':
		return append(b, c), i + 2, nil
	case 'b':
		return append(b, '\b'), i + 2, nil
	case 'f':
		return append(b, '\f'), i + 2, nil
	case 'n':
		return append(b, '\n'), i + 2, nil
	case 'r':
		return append(b, '\r'), i + 2, nil
	case 't':
		return append(b, '\t'), i + 2, nil
	case 'u':
		r, ok := p.hex4(i + 2)
		if !ok {
			return b, i, p.errorf(i, `invalid \u escape: want four hex digits`)
		}
		i += 6
		if utf16.IsSurrogate(r) {
			r2, ok := rune(0), false
			if i+1 < len(p.data) && p.data[i] == '\\' && p.data[i+1] == 'u' {
				r2, ok = p.hex4(i + 2)
			}
			r = utf16.DecodeRune(r, r2)
			if !ok || r == utf8.RuneError {
				return b, i, p.errorf(i-6, `unpaired UTF-16 surrogate in \u escape`)
			}
			i += 6
		}
		return utf8.AppendRune(b, r), i, nil
	}
	return b, i, p.errorf(i, "invalid escape sequence %q", p.data[i:i+2])
}

func (p *jsonParser) hex4(i int) (rune, bool) {
	if i+4 > len(p.data) {
		return 0, false
	}
	var r rune
	for _, c := range p.data[i : i+4] {
		n, ok := jsonUnhex(c)
		if !ok {
			return 0, false
		}
		r = r<<4 | rune(n)
	}
	return r, true
}

// jsonUnhex returns the value of one hex digit, in either case.
func jsonUnhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

const jsonHexDigits = "0123456789abcdef"
