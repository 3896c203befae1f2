package bson

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"
)

// mustExtJSONToRaw parses js or fails the test.
func mustExtJSONToRaw(t *testing.T, js string) Raw {
	t.Helper()
	raw, err := ExtJSONToRaw([]byte(js))
	if err != nil {
		t.Fatalf("ExtJSONToRaw(%s): %v", js, err)
	}
	return raw
}

func TestExtJSONToRawTypes(t *testing.T) {
	tests := []struct {
		js   string
		want func(dst []byte) []byte // appends the expected elements
	}{
		{`{"a": 1}`, func(b []byte) []byte { return AppendInt32Element(b, "a", 1) }},
		{`{"a": -2147483649}`, func(b []byte) []byte { return AppendInt64Element(b, "a", -2147483649) }},
		{`{"a": 9223372036854775808}`, func(b []byte) []byte { return AppendDoubleElement(b, "a", 9223372036854775808) }},
		{`{"a": 1.0}`, func(b []byte) []byte { return AppendDoubleElement(b, "a", 1) }},
		{`{"a": 1e2}`, func(b []byte) []byte { return AppendDoubleElement(b, "a", 100) }},
		{`{"a": -0.0}`, func(b []byte) []byte { return AppendDoubleElement(b, "a", math.Copysign(0, -1)) }},
		{`{"a": {"$numberDouble": "-0.0"}}`, func(b []byte) []byte { return AppendDoubleElement(b, "a", math.Copysign(0, -1)) }},
		{`{"a": {"$numberDouble": "1e100"}}`, func(b []byte) []byte { return AppendDoubleElement(b, "a", 1e100) }},
		{`{"a": {"$numberLong": "5"}}`, func(b []byte) []byte { return AppendInt64Element(b, "a", 5) }},
		{`{"a": {"$binary": "AQI=", "$type": "80"}}`, func(b []byte) []byte { return AppendBinaryElement(b, "a", 0x80, []byte{1, 2}) }},
		{`{"a": {"$binary": {"subType": "5", "base64": ""}}}`, func(b []byte) []byte { return AppendBinaryElement(b, "a", 5, nil) }},
		{`{"a": {"$regex": "x+", "$options": "xi"}}`, func(b []byte) []byte { return AppendRegexElement(b, "a", "x+", "ix") }},
		{`{"a": {"$regex": "x+"}}`, func(b []byte) []byte { return AppendRegexElement(b, "a", "x+", "") }},
		{`{"a": {"$date": "2012-12-24T12:15:30.501Z"}}`, func(b []byte) []byte { return AppendDateTimeElement(b, "a", 1356351330501) }},
		{`{"a": {"$date": "2012-12-24T13:15:30.501+01:00"}}`, func(b []byte) []byte { return AppendDateTimeElement(b, "a", 1356351330501) }},
		{`{"a": {"$date": "2012-12-24T13:15:30.501+0100"}}`, func(b []byte) []byte { return AppendDateTimeElement(b, "a", 1356351330501) }},
		{`{"a": {"$date": "1969-12-31T23:59:59.999Z"}}`, func(b []byte) []byte { return AppendDateTimeElement(b, "a", -1) }},
		{`{"a": {"$uuid": "73ffd26444b34c6990e8e7d1dfc035d4"}}`, func(b []byte) []byte {
			return AppendBinaryElement(b, "a", 4, []byte("\x73\xff\xd2\x64\x44\xb3\x4c\x69\x90\xe8\xe7\xd1\xdf\xc0\x35\xd4"))
		}},
		{`{"a": {"$scope": {"x": 1}, "$code": "f()"}}`, func(b []byte) []byte {
			start, scope := AppendDocumentStart(nil)
			scope, _ = AppendDocumentEnd(AppendInt32Element(scope, "x", 1), start)
			return AppendCodeWithScopeElement(b, "a", "f()", scope)
		}},
		// Unknown and query-operator "$" keys, and DBRefs, stay documents.
		{`{"a": {"$regex": {"$regularExpression": {"pattern": "p", "options": ""}}, "$options": "i"}}`, func(b []byte) []byte {
			start, b := AppendDocumentElementStart(b, "a")
			b = AppendRegexElement(b, "$regex", "p", "")
			b = AppendStringElement(b, "$options", "i")
			b, _ = AppendDocumentEnd(b, start)
			return b
		}},
		{`{"a": {"$ref": "c", "$id": 1, "$db": "d"}}`, func(b []byte) []byte {
			start, b := AppendDocumentElementStart(b, "a")
			b = AppendStringElement(b, "$ref", "c")
			b = AppendInt32Element(b, "$id", 1)
			b = AppendStringElement(b, "$db", "d")
			b, _ = AppendDocumentEnd(b, start)
			return b
		}},
		{`{"\u00C9\u00c9": "\uABCD"}`, func(b []byte) []byte { return AppendStringElement(b, "ÉÉ", "\uabcd") }},
		{`{"k\u00e9\ud83d\ude00": "\"\\\/\b\f\n\r\t"}`, func(b []byte) []byte { return AppendStringElement(b, "ké😀", "\"\\/\b\f\n\r\t") }},
	}
	for _, tt := range tests {
		start, want := AppendDocumentStart(nil)
		want = tt.want(want)
		want, _ = AppendDocumentEnd(want, start)
		got := mustExtJSONToRaw(t, tt.js)
		if !bytes.Equal(got, want) {
			t.Errorf("ExtJSONToRaw(%s)\n got %X\nwant %X", tt.js, []byte(got), want)
		}
	}
}

func TestExtJSONToRawErrors(t *testing.T) {
	tests := []struct {
		js     string
		offset int
		path   string
		msg    string
	}{
		{`[1]`, 0, "", "want an object"},
		{`{"a": 1,}`, 8, "", "want a quoted object key"},
		{`{"a": 01}`, 7, "", "in object, want ',' or '}'"},
		{`{"a": tru}`, 6, "", "want true"},
		{`{"a": "x`, 6, "", "unterminated string"},
		{"{\"a\": \"\x01\"}", 7, "", "control character"},
		{"{\"a\": \"\xff\"}", 7, "", "invalid UTF-8"},
		{`{"a": "\ud800"}`, 7, "", "surrogate"},
		{`{"a": "\x"}`, 7, "", "invalid escape"},
		{`{"a": 1} x`, 9, "", "after the JSON value"},
		{`{"a": 1e999}`, 6, "a", "out of the range"},
		{`{"a": {"b": [1, {"$oid": "zz"}]}}`, 16, "a.b.1", `$oid: "zz" is not 24 hexadecimal digits`},
		{`{"a": {"$numberInt": "2147483648"}}`, 6, "a", "not a 32-bit decimal integer"},
		{`{"a": {"$numberDouble": "0x10"}}`, 6, "a", "not a decimal number"},
		{`{"a": {"$numberDouble": "inf"}}`, 6, "a", "not a decimal number"},
		{`{"a": {"$binary": {"base64": "!", "subType": "00"}}}`, 29, "a", "invalid base64"},
		{`{"a": {"$binary": {"base64": "", "subType": "100"}}}`, 44, "a", "not one or two hexadecimal digits"},
		{`{"a": {"$date": 42}}`, 16, "a", "want {\"$numberLong\""},
		{`{"a": {"$date": "yesterday"}}`, 16, "a", "not an RFC 3339"},
		{`{"a": {"$timestamp": {"t": 1, "i": -1}}}`, 35, "a", `"i" must be an integer`},
		{`{"a": {"$timestamp": {"t": 1.5, "i": 1}}}`, 27, "a", `"t" must be an integer`},
		{`{"a": {"$code": "f", "$scope": {"x": {"$minKey": 2}}}}`, 49, "a.$scope.x", "must be the number 1"},
		{`{"a": {"$dbPointer": {"$ref": "b", "$id": "x"}}}`, 42, "a", "$id must be an ObjectID"},
		{`{"a": {"$oid": "56e1fc72e0c917e9c4714161", "$oid": "56e1fc72e0c917e9c4714161"}}`, 43, "a", "appears twice"},
		{`{"a": {"$undefined": false}}`, 21, "a", "must be true"},
		{`{"a\u0000b": 1}`, 1, "", "null byte"},
	}
	for _, tt := range tests {
		_, err := ExtJSONToRaw([]byte(tt.js))
		var e *ExtJSONError
		if !errors.As(err, &e) {
			t.Errorf("ExtJSONToRaw(%s) = %v, want an *ExtJSONError", tt.js, err)
			continue
		}
		if e.Offset != tt.offset || e.Key != tt.path || !strings.Contains(e.Msg, tt.msg) {
			t.Errorf("ExtJSONToRaw(%s) error = %+v, want offset %d, path %q, message containing %q",
				tt.js, *e, tt.offset, tt.path, tt.msg)
		}
	}
}

func TestExtJSONErrorString(t *testing.T) {
	_, err := ExtJSONToRaw([]byte(`{"a": {"b": {"$oid": 1}}}`))
	want := `bson: extended JSON at byte 21 in "a.b": $oid: value is a JSON number, want a string`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
}

func TestExtJSONDepth(t *testing.T) {
	nest := func(n int) string {
		return strings.Repeat(`{"a":`, n) + "1" + strings.Repeat("}", n)
	}
	raw := mustExtJSONToRaw(t, nest(MaxNestingDepth))
	if _, err := AppendExtJSON(nil, raw, true); err != nil {
		t.Errorf("writing %d levels: %v", MaxNestingDepth, err)
	}
	// Wrappers add JSON levels: a $date at the deepest level still parses.
	mustExtJSONToRaw(t, strings.Repeat(`{"a":`, MaxNestingDepth)+`{"$date":{"$numberLong":"1"}}`+strings.Repeat("}", MaxNestingDepth))
	for _, tt := range []struct {
		js, msg string
	}{
		{nest(MaxNestingDepth + 1), "nest deeper than 200 levels"},
		{nest(maxExtJSONDepth + 1), "nesting deeper than 512 levels"},
		{strings.Repeat("[", 100000), "nesting deeper than 512 levels"},
	} {
		if _, err := ExtJSONToRaw([]byte(tt.js)); err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("parsing %.20s...: err = %v, want %q", tt.js, err, tt.msg)
		}
	}
	// BSON nested deeper than the limit is refused on output, not recursed into.
	deep := []byte{5, 0, 0, 0, 0}
	for range MaxNestingDepth {
		start, b := AppendDocumentStart(nil)
		b = AppendDocumentElement(b, "a", deep)
		deep, _ = AppendDocumentEnd(b, start)
	}
	if _, err := AppendExtJSON(nil, deep, false); err == nil {
		t.Errorf("AppendExtJSON wrote %d levels, want an error", MaxNestingDepth+1)
	}
	w := ejWriter{}
	if _, err := w.document(nil, deep); err == nil || !strings.Contains(err.Error(), "nest deeper") {
		t.Errorf("ejWriter wrote %d levels: err = %v, want a nesting error", MaxNestingDepth+1, err)
	}
}

func TestAppendExtJSONFormats(t *testing.T) {
	raw := mustExtJSONToRaw(t, `{"i": 42, "l": {"$numberLong": "42"}, "d": 42.5, "e": 1e300, "z": {"$numberDouble": "-0"},
		"t": {"$date": {"$numberLong": "1356351330500"}}, "old": {"$date": {"$numberLong": "-1"}},
		"r": {"$regularExpression": {"pattern": "a\"b", "options": "xmi"}}, "s": "<&>\u2028\u0000", "n": null, "b": [true, false]}`)
	tests := []struct {
		canonical, html bool
		want            string
	}{
		{false, false, `{"i":42,"l":42,"d":42.5,"e":1E+300,"z":-0.0,"t":{"$date":"2012-12-24T12:15:30.5Z"},` +
			`"old":{"$date":{"$numberLong":"-1"}},"r":{"$regularExpression":{"pattern":"a\"b","options":"imx"}},` +
			"\"s\":\"<&>\u2028\\u0000\",\"n\":null,\"b\":[true,false]}"},
		{true, false, `{"i":{"$numberInt":"42"},"l":{"$numberLong":"42"},"d":{"$numberDouble":"42.5"},` +
			`"e":{"$numberDouble":"1E+300"},"z":{"$numberDouble":"-0.0"},"t":{"$date":{"$numberLong":"1356351330500"}},` +
			`"old":{"$date":{"$numberLong":"-1"}},"r":{"$regularExpression":{"pattern":"a\"b","options":"imx"}},` +
			"\"s\":\"<&>\u2028\\u0000\",\"n\":null,\"b\":[true,false]}"},
		{false, true, `{"i":42,"l":42,"d":42.5,"e":1E+300,"z":-0.0,"t":{"$date":"2012-12-24T12:15:30.5Z"},` +
			`"old":{"$date":{"$numberLong":"-1"}},"r":{"$regularExpression":{"pattern":"a\"b","options":"imx"}},` +
			`"s":"\u003c\u0026\u003e\u2028\u0000","n":null,"b":[true,false]}`},
	}
	for _, tt := range tests {
		got, err := appendExtJSON([]byte("prefix "), raw, tt.canonical, tt.html)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != "prefix "+tt.want {
			t.Errorf("canonical=%v html=%v:\n got %s\nwant prefix %s", tt.canonical, tt.html, got, tt.want)
		}
	}
}

func TestAppendDoubleText(t *testing.T) {
	tests := []struct {
		f    float64
		want string
	}{
		{1, "1.0"}, {-1, "-1.0"}, {0.1, "0.1"}, {1e15, "1000000000000000.0"}, {1e16, "1E+16"},
		{1.5e-5, "0.000015"}, {1e-6, "1E-06"}, {math.MaxFloat64, "1.7976931348623157E+308"},
		{5e-324, "5E-324"}, {math.Inf(1), "Infinity"}, {math.Inf(-1), "-Infinity"}, {math.NaN(), "NaN"},
	}
	for _, tt := range tests {
		if got := string(appendDoubleText(nil, tt.f)); got != tt.want {
			t.Errorf("appendDoubleText(%v) = %s, want %s", tt.f, got, tt.want)
		}
	}
}

func TestJSONStringInvalidUTF8(t *testing.T) {
	got := string(appendJSONString(nil, "a\xffb\xe2\x82", false))
	if want := `"a\ufffdb\ufffd\ufffd"`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestExtJSONCanonicalOnly(t *testing.T) {
	for _, js := range []string{
		`{"a": 1}`,
		`{"a": {"$date": "2012-12-24T12:15:30.501Z"}}`,
		`{"a": {"$binary": "AQI=", "$type": "80"}}`,
	} {
		if _, err := extJSONToRaw([]byte(js), true); err == nil {
			t.Errorf("canonical-only parse of %s succeeded, want an error", js)
		}
		if _, err := extJSONToRaw([]byte(js), false); err != nil {
			t.Errorf("relaxed parse of %s: %v", js, err)
		}
	}
	// In canonical-only mode the legacy $regex is the query operator: a document.
	raw, err := extJSONToRaw([]byte(`{"a": {"$regex": "x"}}`), true)
	if err != nil {
		t.Fatal(err)
	}
	if typ := Raw(raw).Lookup("a").Type; typ != TypeEmbeddedDocument {
		t.Errorf("canonical-only {$regex: string} is a %v, want a document", typ)
	}
}

func TestRawString(t *testing.T) {
	raw := mustExtJSONToRaw(t, `{"a": {"$numberLong": "1"}, "b": [{"$oid": "56e1fc72e0c917e9c4714161"}], "c": "x"}`)
	if got, want := raw.String(), `{"a":1,"b":[{"$oid":"56e1fc72e0c917e9c4714161"}],"c":"x"}`; got != want {
		t.Errorf("Raw.String() = %s, want %s", got, want)
	}
	if got, want := raw.Lookup("c").String(), `"x"`; got != want {
		t.Errorf("RawValue.String() = %s, want %s", got, want)
	}
	if got, want := raw.Lookup("b").String(), `[{"$oid":"56e1fc72e0c917e9c4714161"}]`; got != want {
		t.Errorf("RawValue.String() = %s, want %s", got, want)
	}
	if got := (Raw{1, 2}).String(); !strings.HasPrefix(got, "<invalid BSON: ") {
		t.Errorf("Raw.String() of bad bytes = %s, want an <invalid BSON: ...> description", got)
	}
	if got := (RawValue{Type: TypeInt32, Value: []byte{1}}).String(); !strings.HasPrefix(got, "<invalid BSON: ") {
		t.Errorf("RawValue.String() of bad bytes = %s, want an <invalid BSON: ...> description", got)
	}
	// Absent documents and values (issue 15 item 8) print as nothing.
	if got := Raw(nil).String(); got != "" {
		t.Errorf("Raw(nil).String() = %q, want \"\"", got)
	}
	if got := raw.Lookup("absent").String(); got != "" {
		t.Errorf("String() of an absent value = %q, want \"\"", got)
	}
}

func TestMarshalExtJSON(t *testing.T) {
	type item struct {
		Name  string    `bson:"name"`
		Count int64     `bson:"count"`
		Tags  []string  `bson:"tags"`
		ID    ObjectID  `bson:"_id"`
		Score float64   `bson:"score"`
		When  DateTime  `bson:"when"`
		Re    Regex     `bson:"re"`
		Extra Timestamp `bson:"extra"`
	}
	in := item{Name: "<a&b>", Count: 7, Tags: []string{"x"}, ID: ObjectID{1, 2, 3}, Score: 2,
		When: 1356351330501, Re: Regex{Pattern: "p", Options: "mi"}, Extra: Timestamp{T: 1, I: 2}}

	relaxed, err := MarshalExtJSON(in, false, true)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"name":"\u003ca\u0026b\u003e","count":7,"tags":["x"],"_id":{"$oid":"010203000000000000000000"},` +
		`"score":2.0,"when":{"$date":"2012-12-24T12:15:30.501Z"},"re":{"$regularExpression":{"pattern":"p","options":"im"}},` +
		`"extra":{"$timestamp":{"t":1,"i":2}}}`
	if string(relaxed) != want {
		t.Errorf("MarshalExtJSON relaxed:\n got %s\nwant %s", relaxed, want)
	}
	canonical, err := MarshalExtJSON(in, true, false)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(canonical), `"name":"<a&b>","count":{"$numberLong":"7"}`) {
		t.Errorf("MarshalExtJSON canonical: %s", canonical)
	}

	for _, tt := range []struct {
		js        []byte
		canonical bool
	}{{relaxed, false}, {canonical, true}} {
		var out item
		if err := UnmarshalExtJSON(tt.js, tt.canonical, &out); err != nil {
			t.Fatalf("UnmarshalExtJSON(%s): %v", tt.js, err)
		}
		want := in
		want.Re.Options = "im" // Extended JSON sorts the flags
		if out.Name != want.Name || out.Count != want.Count || len(out.Tags) != 1 || out.ID != want.ID ||
			out.Score != want.Score || out.When != want.When || out.Re != want.Re || out.Extra != want.Extra {
			t.Errorf("UnmarshalExtJSON(%s) = %+v, want %+v", tt.js, out, want)
		}
	}
	var out item
	if err := UnmarshalExtJSON(relaxed, true, &out); err == nil {
		t.Errorf("UnmarshalExtJSON(relaxed, canonical only) succeeded, want an error")
	}
	if _, err := MarshalExtJSON(42, false, false); err == nil {
		t.Errorf("MarshalExtJSON(42) succeeded, want an error: a document is needed")
	}
}
