package bson

import (
	"reflect"
	"strings"
)

// structTags is what one struct field's `bson:"..."` tag asks for.
//
// The syntax is the official Go driver's: a key, then options after commas.
// An empty key keeps the default, which is the field name in lower case
// ("UserID" becomes "userid"); a tag of "-" skips the field. A struct tag
// without a bson key and without any colon, like `name,omitempty`, is read as
// if it were the bson tag, as the official driver does.
type structTags struct {
	Name      string
	Skip      bool
	OmitEmpty bool // omit the zero value, and empty slices, maps and strings
	OmitZero  bool // omit the zero value, asking an IsZero() bool method if the type has one
	MinSize   bool // write int64-like values that fit in 32 bits as int32
	Truncate  bool // allow a double with a fraction to be truncated into an integer field
	Inline    bool // flatten a struct or map field into the enclosing document
}

// parseStructTags reads the bson tag of sf, or with useJSON
// (UseJSONStructTags) its json tag when it has no bson tag.
func parseStructTags(sf reflect.StructField, useJSON bool) structTags {
	tag, ok := sf.Tag.Lookup("bson")
	if !ok && useJSON {
		tag, ok = sf.Tag.Lookup("json")
	}
	if !ok && len(sf.Tag) > 0 && !strings.Contains(string(sf.Tag), ":") {
		tag = string(sf.Tag)
	}
	st := structTags{Name: strings.ToLower(sf.Name)}
	if tag == "-" {
		st.Skip = true
		return st
	}
	// As in the official driver, every word is an option, the first one
	// too: `bson:"inline"` is the key "inline" and inlines the field.
	for i, opt := range strings.Split(tag, ",") {
		if i == 0 && opt != "" {
			st.Name = opt
		}
		switch opt {
		case "omitempty":
			st.OmitEmpty = true
		case "omitzero":
			st.OmitZero = true
		case "minsize":
			st.MinSize = true
		case "truncate":
			st.Truncate = true
		case "inline":
			st.Inline = true
		}
	}
	return st
}
