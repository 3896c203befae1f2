package bson

import (
	"encoding/base64"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// This file reads the Extended JSON type wrappers: objects such as
// {"$oid": "..."} or {"$binary": {"base64": "...", "subType": "04"}} that
// stand for one BSON value. The rules come from the Extended JSON spec:
//
//   - An object with a wrapper's key must have exactly that wrapper's keys,
//     each with a value of the right JSON type; anything else is an error.
//   - Key order inside a wrapper does not matter.
//   - "$"-prefixed keys that are no wrapper's ("$ref", "$id", "$db" of a
//     DBRef, "$type" or "$regex" query operators...) leave the object a
//     plain document.
//
// Two legacy forms are read too, unless the parse is canonical-only:
// {"$binary": "<base64>", "$type": "<hex>"} and {"$regex": "<pattern>",
// "$options": "<flags>"}. A "$regex" whose value is not a string (the query
// operator holding a $regularExpression), or that has keys beside
// "$options" (a filter such as {"$regex": "^a", "$options": "i", "$nin":
// [...]}), stays a document.

// wrapperKey returns the key that makes obj a type wrapper, or "" when obj
// is a plain document.
func (d *ejDecoder) wrapperKey(obj *jsonValue) string {
	for i := range obj.members {
		k := obj.members[i].key
		if len(k) < 2 || k[0] != '$' {
			continue
		}
		switch k {
		case "$oid", "$symbol", "$numberInt", "$numberLong", "$numberDouble",
			"$numberDecimal", "$binary", "$uuid", "$code", "$scope", "$timestamp",
			"$regularExpression", "$dbPointer", "$date", "$minKey", "$maxKey", "$undefined":
			return k
		case "$regex":
			if !d.canonicalOnly && isLegacyRegex(obj) {
				return k
			}
		}
	}
	return ""
}

// isLegacyRegex reports whether obj, which has a "$regex" key, is the
// legacy regular expression {"$regex": "<pattern>", "$options": "<flags>"}:
// a string $regex, alone or with a string $options. Anything else (a
// $regex holding a $regularExpression, or beside $nin, $not, ...) is the
// query operator, a plain document, as the Extended JSON spec requires.
func isLegacyRegex(obj *jsonValue) bool {
	for i := range obj.members {
		m := &obj.members[i]
		if (m.key != "$regex" && m.key != "$options") || m.val.kind != jsonString {
			return false
		}
	}
	return true
}

// wrapper appends the value of the type wrapper obj, marked by wk, as the
// element key. On error the appended bytes are garbage; callers drop them.
func (d *ejDecoder) wrapper(dst []byte, key, wk string, obj *jsonValue) ([]byte, error) {
	switch wk {
	case "$oid":
		oid, err := d.objectID(obj)
		return AppendObjectIDElement(dst, key, oid), err
	case "$symbol":
		s, err := d.onlyString(obj, wk)
		return AppendSymbolElement(dst, key, s), err
	case "$numberInt":
		n, err := d.integer(obj, wk, 32)
		return AppendInt32Element(dst, key, int32(n)), err
	case "$numberLong":
		n, err := d.integer(obj, wk, 64)
		return AppendInt64Element(dst, key, n), err
	case "$numberDouble":
		f, err := d.double(obj)
		return AppendDoubleElement(dst, key, f), err
	case "$numberDecimal":
		dec, err := d.decimal(obj)
		return AppendDecimal128Element(dst, key, dec), err
	case "$binary":
		subtype, data, err := d.binary(obj)
		return AppendBinaryElement(dst, key, subtype, data), err
	case "$uuid":
		u, err := d.uuid(obj)
		return AppendBinaryElement(dst, key, BinaryUUID, u[:]), err
	case "$code", "$scope":
		return d.code(dst, key, obj)
	case "$timestamp":
		t, i, err := d.timestamp(obj)
		return AppendTimestampElement(dst, key, t, i), err
	case "$regularExpression", "$regex":
		pattern, options, err := d.regex(obj, wk)
		return AppendRegexElement(dst, key, pattern, options), err
	case "$dbPointer":
		ns, oid, err := d.dbPointer(obj)
		return AppendDBPointerElement(dst, key, ns, oid), err
	case "$date":
		ms, err := d.date(obj)
		return AppendDateTimeElement(dst, key, ms), err
	case "$minKey", "$maxKey":
		v, err := d.exact(obj, wk, wk)
		if err == nil && (v[0].kind != jsonNumber || v[0].text != "1") {
			err = d.errorf(v[0].off, "%s: value must be the number 1", wk)
		}
		if wk == "$minKey" {
			return AppendMinKeyElement(dst, key), err
		}
		return AppendMaxKeyElement(dst, key), err
	default: // "$undefined"
		v, err := d.exact(obj, wk, wk)
		if err == nil && (v[0].kind != jsonBool || v[0].text != "true") {
			err = d.errorf(v[0].off, "$undefined: value must be true")
		}
		return AppendUndefinedElement(dst, key), err
	}
}

// exact checks that obj has exactly the given keys (one or two), each once,
// in any order, and returns their values in the order of keys.
func (d *ejDecoder) exact(obj *jsonValue, what string, keys ...string) (vals [2]*jsonValue, err error) {
	for i := range obj.members {
		m := &obj.members[i]
		j := slices.Index(keys, m.key)
		if j < 0 {
			return vals, d.errorf(m.off, "%s: unexpected key %q, want only %s", what, m.key, quoteKeys(keys))
		}
		if vals[j] != nil {
			return vals, d.errorf(m.off, "%s: key %q appears twice", what, m.key)
		}
		vals[j] = &m.val
	}
	for j, k := range keys {
		if vals[j] == nil {
			return vals, d.errorf(obj.off, "%s: missing key %q", what, k)
		}
	}
	return vals, nil
}

func quoteKeys(keys []string) string {
	q := make([]string, len(keys))
	for i, k := range keys {
		q[i] = strconv.Quote(k)
	}
	return strings.Join(q, " and ")
}

// str returns v's text when v is a JSON string.
func (d *ejDecoder) str(v *jsonValue, what string) (string, error) {
	if v.kind != jsonString {
		return "", d.errorf(v.off, "%s: value is a JSON %s, want a string", what, v.kind)
	}
	return v.text, nil
}

// onlyString reads a one-key wrapper whose value is a string.
func (d *ejDecoder) onlyString(obj *jsonValue, wk string) (string, error) {
	v, err := d.exact(obj, wk, wk)
	if err != nil {
		return "", err
	}
	return d.str(v[0], wk)
}

func (d *ejDecoder) objectID(obj *jsonValue) (ObjectID, error) {
	s, err := d.onlyString(obj, "$oid")
	if err != nil {
		return ObjectID{}, err
	}
	oid, err := ObjectIDFromHex(s)
	if err != nil {
		return ObjectID{}, d.errorf(obj.off, "$oid: %q is not 24 hexadecimal digits", s)
	}
	return oid, nil
}

// integer reads $numberInt (bits 32) or $numberLong (bits 64).
func (d *ejDecoder) integer(obj *jsonValue, wk string, bits int) (int64, error) {
	s, err := d.onlyString(obj, wk)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(s, 10, bits)
	if err != nil {
		return 0, d.errorf(obj.off, "%s: %q is not a %d-bit decimal integer", wk, s, bits)
	}
	return n, nil
}

func (d *ejDecoder) double(obj *jsonValue) (float64, error) {
	s, err := d.onlyString(obj, "$numberDouble")
	if err != nil {
		return 0, err
	}
	switch s {
	case "Infinity":
		return math.Inf(1), nil
	case "-Infinity":
		return math.Inf(-1), nil
	case "NaN":
		return math.NaN(), nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || !isDecimalLiteral(s) {
		return 0, d.errorf(obj.off, "$numberDouble: %q is not a decimal number, Infinity, -Infinity or NaN", s)
	}
	return f, nil
}

// isDecimalLiteral reports whether s is [+-]digits[.digits][(e|E)[+-]digits]
// (the dot may also lead or end). strconv.ParseFloat alone would also take
// hexadecimal, underscores, "inf" and "nan".
func isDecimalLiteral(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	digits := 0
	i := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		digits++
	}
	if i < len(s) && s[i] == '.' {
		for i++; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := i
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		}
		if i == j {
			return false
		}
	}
	return i == len(s)
}

func (d *ejDecoder) decimal(obj *jsonValue) (Decimal128, error) {
	s, err := d.onlyString(obj, "$numberDecimal")
	if err != nil {
		return Decimal128{}, err
	}
	dec, err := ParseDecimal128(s)
	if err != nil {
		return Decimal128{}, d.errorf(obj.off, "$numberDecimal: %v", err)
	}
	if dec.IsNaN() {
		// Extended JSON has one NaN; "-NaN" and "sNaN" give the quiet one.
		return ParseDecimal128("NaN")
	}
	return dec, nil
}

// binary reads {"$binary": {"base64": ..., "subType": ...}} or the legacy
// {"$binary": "<base64>", "$type": "<hex>"}.
func (d *ejDecoder) binary(obj *jsonValue) (byte, []byte, error) {
	var b64, sub *jsonValue
	if v := findMember(obj, "$binary"); v.kind == jsonString && !d.canonicalOnly {
		vals, err := d.exact(obj, "$binary", "$binary", "$type")
		if err != nil {
			return 0, nil, err
		}
		b64, sub = vals[0], vals[1]
	} else {
		outer, err := d.exact(obj, "$binary", "$binary")
		if err != nil {
			return 0, nil, err
		}
		if outer[0].kind != jsonObject {
			return 0, nil, d.errorf(outer[0].off, `$binary: value is a JSON %s, want an object {"base64": ..., "subType": ...}`, outer[0].kind)
		}
		vals, err := d.exact(outer[0], "$binary", "base64", "subType")
		if err != nil {
			return 0, nil, err
		}
		b64, sub = vals[0], vals[1]
	}
	s, err := d.str(b64, "$binary base64")
	if err != nil {
		return 0, nil, err
	}
	data, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return 0, nil, d.errorf(b64.off, "$binary: invalid base64: %v", err)
	}
	t, err := d.str(sub, "$binary subType")
	if err != nil {
		return 0, nil, err
	}
	n, err := strconv.ParseUint(t, 16, 8)
	if err != nil || len(t) == 0 || len(t) > 2 {
		return 0, nil, d.errorf(sub.off, "$binary: subType %q is not one or two hexadecimal digits", t)
	}
	return byte(n), data, nil
}

// findMember returns the value of obj's first member named key, or a zero
// value (a JSON null) when there is none.
func findMember(obj *jsonValue, key string) *jsonValue {
	for i := range obj.members {
		if obj.members[i].key == key {
			return &obj.members[i].val
		}
	}
	return &jsonValue{}
}

func (d *ejDecoder) uuid(obj *jsonValue) (UUID, error) {
	s, err := d.onlyString(obj, "$uuid")
	if err != nil {
		return UUID{}, err
	}
	u, err := ParseUUID(s)
	if err != nil {
		return UUID{}, d.errorf(obj.off, "$uuid: %q is not a UUID (want xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)", s)
	}
	return u, nil
}

// code appends {"$code": ...} as JavaScript, or {"$code": ..., "$scope": {...}}
// as code with scope.
func (d *ejDecoder) code(dst []byte, key string, obj *jsonValue) ([]byte, error) {
	if findMember(obj, "$scope").kind == jsonNull && len(obj.members) == 1 {
		s, err := d.onlyString(obj, "$code")
		return AppendJavaScriptElement(dst, key, s), err
	}
	vals, err := d.exact(obj, "$code", "$code", "$scope")
	if err != nil {
		return nil, err
	}
	code, err := d.str(vals[0], "$code")
	if err != nil {
		return nil, err
	}
	if vals[1].kind != jsonObject {
		return nil, d.errorf(vals[1].off, "$scope: value is a JSON %s, want an object", vals[1].kind)
	}
	d.path = append(d.path, "$scope")
	scope, err := d.document(nil, vals[1])
	if err != nil {
		return nil, err
	}
	d.path = d.path[:len(d.path)-1]
	return AppendCodeWithScopeElement(dst, key, code, scope), nil
}

func (d *ejDecoder) timestamp(obj *jsonValue) (t, i uint32, err error) {
	outer, err := d.exact(obj, "$timestamp", "$timestamp")
	if err != nil {
		return 0, 0, err
	}
	if outer[0].kind != jsonObject {
		return 0, 0, d.errorf(outer[0].off, `$timestamp: value is a JSON %s, want an object {"t": ..., "i": ...}`, outer[0].kind)
	}
	vals, err := d.exact(outer[0], "$timestamp", "t", "i")
	if err != nil {
		return 0, 0, err
	}
	var n [2]uint32
	for j, v := range vals {
		u, err := strconv.ParseUint(v.text, 10, 32)
		if !v.isInteger() || err != nil {
			return 0, 0, d.errorf(v.off, "$timestamp: %q must be an integer from 0 to 4294967295", []string{"t", "i"}[j])
		}
		n[j] = uint32(u)
	}
	return n[0], n[1], nil
}

// regex reads {"$regularExpression": {"pattern": ..., "options": ...}} or
// the legacy {"$regex": ..., "$options": ...}. The options come back sorted,
// as BSON wants them.
func (d *ejDecoder) regex(obj *jsonValue, wk string) (pattern, options string, err error) {
	var vals [2]*jsonValue
	switch {
	case wk == "$regex" && len(obj.members) == 1:
		vals, err = d.exact(obj, wk, "$regex")
		vals[1] = &jsonValue{kind: jsonString}
	case wk == "$regex":
		vals, err = d.exact(obj, wk, "$regex", "$options")
	default:
		var outer [2]*jsonValue
		if outer, err = d.exact(obj, wk, wk); err != nil {
			return "", "", err
		}
		if outer[0].kind != jsonObject {
			return "", "", d.errorf(outer[0].off, `%s: value is a JSON %s, want an object {"pattern": ..., "options": ...}`, wk, outer[0].kind)
		}
		vals, err = d.exact(outer[0], wk, "pattern", "options")
	}
	if err != nil {
		return "", "", err
	}
	if pattern, err = d.str(vals[0], wk+" pattern"); err != nil {
		return "", "", err
	}
	if options, err = d.str(vals[1], wk+" options"); err != nil {
		return "", "", err
	}
	if strings.IndexByte(pattern, 0) >= 0 || strings.IndexByte(options, 0) >= 0 {
		return "", "", d.errorf(obj.off, "%s: pattern and options must not contain a null byte", wk)
	}
	return pattern, sortOptions(options), nil
}

// sortOptions returns the regular expression flags in alphabetical order.
func sortOptions(s string) string {
	for i := 1; i < len(s); i++ {
		if s[i] < s[i-1] {
			b := []byte(s)
			slices.Sort(b)
			return string(b)
		}
	}
	return s
}

func (d *ejDecoder) dbPointer(obj *jsonValue) (string, ObjectID, error) {
	outer, err := d.exact(obj, "$dbPointer", "$dbPointer")
	if err != nil {
		return "", ObjectID{}, err
	}
	if outer[0].kind != jsonObject {
		return "", ObjectID{}, d.errorf(outer[0].off, `$dbPointer: value is a JSON %s, want an object {"$ref": ..., "$id": ...}`, outer[0].kind)
	}
	vals, err := d.exact(outer[0], "$dbPointer", "$ref", "$id")
	if err != nil {
		return "", ObjectID{}, err
	}
	ns, err := d.str(vals[0], "$dbPointer $ref")
	if err != nil {
		return "", ObjectID{}, err
	}
	if vals[1].kind != jsonObject || d.wrapperKey(vals[1]) != "$oid" {
		return "", ObjectID{}, d.errorf(vals[1].off, `$dbPointer: $id must be an ObjectID {"$oid": ...}`)
	}
	oid, err := d.objectID(vals[1])
	return ns, oid, err
}

// date reads {"$date": {"$numberLong": "<ms>"}} or, in relaxed form,
// {"$date": "<RFC 3339 time>"}.
func (d *ejDecoder) date(obj *jsonValue) (int64, error) {
	outer, err := d.exact(obj, "$date", "$date")
	if err != nil {
		return 0, err
	}
	v := outer[0]
	switch {
	case v.kind == jsonObject:
		return d.integer(v, "$numberLong", 64)
	case v.kind == jsonString && !d.canonicalOnly:
		t, err := parseISODate(v.text)
		if err != nil {
			return 0, d.errorf(v.off, "$date: %q is not an RFC 3339 date-time", v.text)
		}
		return t.Unix()*1000 + int64(t.Nanosecond()/1e6), nil
	}
	return 0, d.errorf(v.off, `$date: value is a JSON %s, want {"$numberLong": "<milliseconds>"} or an ISO-8601 string`, v.kind)
}

// parseISODate reads an RFC 3339 date-time, with or without fractional
// seconds, and an offset written "Z", "+01:00" or "+0100".
func parseISODate(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t, err = time.Parse("2006-01-02T15:04:05.999999999Z0700", s)
	}
	return t, err
}
