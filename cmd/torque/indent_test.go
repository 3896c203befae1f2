package main

import (
	"encoding/json"
	"testing"
)

func TestIndentJSON(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{}`, `{}`},
		{`{"a":[]}`, "{\n  \"a\": []\n}"},
		{`{"_id":{"$oid":"6b13"},"d":{"$date":{"$numberLong":"1"}},"s":"x,y:{\"z\"}","n":[1,{"k":null}]}`,
			"{\n  \"_id\": {\"$oid\": \"6b13\"},\n  \"d\": {\"$date\": {\"$numberLong\": \"1\"}},\n  \"s\": \"x,y:{\\\"z\\\"}\",\n" +
				"  \"n\": [\n    1,\n    {\n      \"k\": null\n    }\n  ]\n}"},
	} {
		got := string(indentJSON(nil, []byte(tc.in)))
		if got != tc.want {
			t.Errorf("indentJSON(%s) =\n%s\nwant\n%s", tc.in, got, tc.want)
		}
		if !json.Valid([]byte(got)) {
			t.Errorf("indentJSON(%s) is not JSON", tc.in)
		}
	}
}
