package mongotest

import (
	"strings"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/wirehost"
)

// The Stable API (versioned API), as mongod 8.0 enforces it: a command's
// apiVersion must be "1" ("2" too with the test-only parameter
// acceptApiVersion2); apiStrict and apiDeprecationErrors need an
// apiVersion; with apiStrict a command outside the declared version fails
// with APIStrictError (323), and so does an aggregation stage outside it;
// with apiDeprecationErrors a command deprecated in it fails with
// APIDeprecationError (324); with the requireApiVersion parameter on, a
// command without apiVersion fails (498870). A cursor's getMore and a
// transaction's later commands (commitTransaction and abortTransaction
// included) must carry the parameters of the command that opened the
// cursor or began the transaction, else APIMismatchError (498233).
//
// hello and isMaster are checked too (member.HelloFault), as mongod does:
// a handshake without apiVersion fails under requireApiVersion, unless it
// claims internalClient.

// apiV1 are the commands of API version 1 that mongotest has (MongoDB's
// Stable API changelog; bulkWrite's fields are "unstable" until 8.1, so a
// strict bulkWrite fails on 8.0 as here).
var apiV1 = map[string]bool{
	"abortTransaction": true, "aggregate": true, "authenticate": true, "collMod": true,
	"commitTransaction": true, "count": true, "create": true, "createIndexes": true, "delete": true,
	"drop": true, "dropDatabase": true, "dropIndexes": true, "endSessions": true, "explain": true,
	"find": true, "findAndModify": true, "getMore": true, "hello": true, "insert": true,
	"killCursors": true, "listCollections": true, "listDatabases": true, "listIndexes": true,
	"ping": true, "refreshSessions": true, "saslContinue": true, "saslStart": true, "update": true,
}

// apiTestCommands are mongod's test-only commands of the Stable API
// (enableTestCommands): the API versions each is in, and those it is
// deprecated in.
var apiTestCommands = map[string]struct{ in, deprecated string }{
	"testVersion2":              {in: "2"},
	"testVersions1And2":         {in: "12"},
	"testDeprecation":           {in: "1", deprecated: "1"},
	"testDeprecationInVersion2": {in: "12", deprecated: "2"},
	"testRemoval":               {in: "1"},
}

// apiStrictStages are the aggregation stages outside API version 1 (as
// jstests/core/api/api_version_pipeline_stages.js lists them).
var apiStrictStages = map[string]bool{
	"$currentOp": true, "$indexStats": true, "$listLocalSessions": true, "$listSessions": true,
	"$planCacheStats": true, "$listClusterCatalog": true,
}

// apiParams are a command's API parameters, as it sent them.
type apiParams struct {
	version      string
	hasVersion   bool
	strict       bson.RawValue // absent, or a boolean
	deprecations bson.RawValue
}

// readAPIParams reads and type-checks the API parameters of cmd.
func readAPIParams(cmd bson.Raw) (apiParams, error) {
	var p apiParams
	if v := cmd.Lookup("apiVersion"); !v.IsZero() {
		s, ok := v.StringValue()
		if !ok {
			return p, rawTypeMismatch("apiVersion", "string", v)
		}
		p.version, p.hasVersion = s, true
	}
	p.strict, p.deprecations = cmd.Lookup("apiStrict"), cmd.Lookup("apiDeprecationErrors")
	for name, v := range map[string]bson.RawValue{"apiStrict": p.strict, "apiDeprecationErrors": p.deprecations} {
		if _, ok := v.Boolean(); !ok && !v.IsZero() {
			return p, rawTypeMismatch(name, "bool", v)
		}
	}
	return p, nil
}

// key is how mongod prints the parameters in its mismatch errors; two
// commands agree when their keys are equal (an absent apiStrict differs
// from apiStrict: false, as in mongod).
func (p apiParams) key() string {
	var parts []string
	if p.hasVersion {
		parts = append(parts, `apiVersion: "`+p.version+`"`)
	}
	if b, ok := p.strict.Boolean(); ok {
		parts = append(parts, "apiStrict: "+boolString(b))
	}
	if b, ok := p.deprecations.Boolean(); ok {
		parts = append(parts, "apiDeprecationErrors: "+boolString(b))
	}
	if len(parts) == 0 {
		return "{}"
	}
	return "{ " + strings.Join(parts, ", ") + " }"
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// checkAPI enforces the Stable API on one request, as mongod does before
// running a command.
func (s *Server) checkAPI(req *wirehost.Request) error {
	p, err := readAPIParams(req.Command)
	if err != nil {
		return err
	}
	strict, _ := p.strict.Boolean()
	deprecations, _ := p.deprecations.Boolean()
	if (!p.strict.IsZero() || !p.deprecations.IsZero()) && !p.hasVersion { // present, even false
		return cmdErrorf(4886600, "Location4886600", "Provided apiStrict and/or apiDeprecationErrors without passing apiVersion")
	}
	if !p.hasVersion {
		internal := (req.Name == "hello" || strings.EqualFold(req.Name, "isMaster")) && !req.Lookup("internalClient").IsZero()
		if s.params.bool("requireApiVersion") && !internal {
			return cmdErrorf(498870, "Location498870", "The apiVersion parameter is required, please configure your MongoClient's API version")
		}
		return nil
	}
	switch {
	case p.version == "2" && !s.params.bool("acceptApiVersion2"):
		return cmdErrorf(322, "APIVersionError", "Cannot accept API version 2")
	case p.version != "1" && p.version != "2":
		return cmdErrorf(322, "APIVersionError", `API version must be "1"`)
	}
	in, deprecated := apiVersionsOf(req.Name)
	if strict && !strings.Contains(in, p.version) {
		return cmdErrorf(323, "APIStrictError", "Provided apiStrict:true, but the command %s is not in API Version %s. "+
			"Information on supported commands and migrations in API Version %s can be found at "+
			"https://dochub.mongodb.org/core/manual-versioned-api.", req.Name, p.version, p.version)
	}
	if strict {
		if err := checkStrictPipeline(req, p.version); err != nil {
			return err
		}
		if err := checkStrictFields(req); err != nil {
			return err
		}
	}
	if deprecations && strings.Contains(deprecated, p.version) {
		return cmdErrorf(324, "APIDeprecationError", "Provided apiDeprecationErrors:true, but the command %s is deprecated in API Version %s.",
			req.Name, p.version)
	}
	return nil
}

// apiVersionsOf are the API versions a command is in and those it is
// deprecated in, as strings of digits.
func apiVersionsOf(name string) (in, deprecated string) {
	if t, ok := apiTestCommands[name]; ok {
		return t.in, t.deprecated
	}
	if apiV1[name] {
		return "1", ""
	}
	return "", ""
}

// checkStrictPipeline refuses, under apiStrict, an aggregate's or a
// view's pipeline with a stage outside the API version, at any depth
// ($lookup, $unionWith and $facet sub-pipelines).
func checkStrictPipeline(req *wirehost.Request, version string) error {
	if req.Name != "aggregate" && req.Name != "create" {
		return nil
	}
	arr, _ := req.Lookup("pipeline").Array()
	return strictStages(arr, version)
}

func strictStages(stages bson.RawArray, version string) error {
	for _, v := range stages.All() {
		d, _ := v.Document()
		for name, arg := range d.All() {
			if apiStrictStages[name] || name == "$collStats" && !countOnlyCollStats(arg) {
				return cmdErrorf(323, "APIStrictError", "%s is not allowed with 'apiStrict: true' in API Version %s", name, version)
			}
			spec, _ := arg.Document()
			var subs []bson.RawValue
			switch name {
			case "$lookup", "$unionWith":
				subs = append(subs, spec.Lookup("pipeline"))
			case "$facet":
				for _, p := range spec.All() {
					subs = append(subs, p)
				}
			}
			for _, sub := range subs {
				if arr, ok := sub.Array(); ok {
					if err := strictStages(arr, version); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// countOnlyCollStats: $collStats is in API version 1 with {} or {count: {}}
// only.
func countOnlyCollStats(arg bson.RawValue) bool {
	d, _ := arg.Document()
	for k := range d.All() {
		if k != "count" {
			return false
		}
	}
	return true
}

// apiUnstableFields are the fields of API version 1 commands that are
// not in it (jstests/core/api/api_version_unstable_fields.js): present at
// all, they fail a strict command.
var apiUnstableFields = map[string]map[string]bool{
	"find": {"min": true, "max": true, "returnKey": true, "noCursorTimeout": true, "showRecordId": true,
		"tailable": true, "oplogReplay": true, "awaitData": true, "readOnce": true,
		"$_requestResumeToken": true, "$_resumeAfter": true},
	"aggregate": {"isMapReduceCommand": true, "$_requestReshardingResumeToken": true, "explain": true,
		"runtimeConstants": true, "collectionUUID": true},
}

// checkStrictFields refuses, under apiStrict, what a command of API
// version 1 may not use there: its unstable fields, a capped collection
// (create), a text or columnstore index (createIndexes), collMod's
// index.prepareUnique.
func checkStrictFields(req *wirehost.Request) error {
	for k := range req.Command.All() {
		if apiUnstableFields[req.Name][k] {
			return unstableField(req.Name + "." + k)
		}
	}
	switch req.Name {
	case "create":
		if b, _ := req.Lookup("capped").Boolean(); b {
			return unstableField("create.capped")
		}
	case "createIndexes":
		for _, spec := range req.Documents("indexes") {
			key, _ := spec.Lookup("key").Document()
			for _, v := range key.All() {
				if t, _ := v.StringValue(); t == "text" || t == "columnstore" {
					return cmdErrorf(323, "APIStrictError", "The index with name %s is not allowed with 'apiStrict: true' in API Version 1 (a %s index)", spec.Lookup("name"), t)
				}
			}
		}
	case "collMod":
		if !req.Lookup("index", "prepareUnique").IsZero() {
			return unstableField("collMod.index.prepareUnique")
		}
	}
	return nil
}

func unstableField(path string) *cmdError {
	return cmdErrorf(323, "APIStrictError", "BSON field '%s' is not allowed with apiStrict:true.", path)
}

// checkAPIMatch refuses a command that continues a cursor or a
// transaction with other API parameters than the command that began it.
func checkAPIMatch(name string, got, began string, what string) error {
	if got == began {
		return nil
	}
	return cmdErrorf(498233, "APIMismatchError", "API parameter mismatch: %s used params %s, the %s used %s", name, got, what, began)
}

// apiKeyOf is the key of cmd's API parameters (their types checked
// before, by checkAPI).
func apiKeyOf(cmd bson.Raw) string {
	p, _ := readAPIParams(cmd)
	return p.key()
}

// rawTypeMismatch is typeMismatch for a raw value.
func rawTypeMismatch(field, want string, v bson.RawValue) *cmdError {
	names := map[bson.Type]string{bson.TypeDouble: "double", bson.TypeString: "string", bson.TypeEmbeddedDocument: "object",
		bson.TypeArray: "array", bson.TypeBinary: "binData", bson.TypeObjectID: "objectId", bson.TypeBoolean: "bool",
		bson.TypeDateTime: "date", bson.TypeNull: "null", bson.TypeInt32: "int", bson.TypeInt64: "long",
		bson.TypeDecimal128: "decimal", bson.TypeTimestamp: "timestamp", bson.TypeRegex: "regex"}
	name, ok := names[v.Type]
	if !ok {
		name = v.Type.String()
	}
	return cmdErrorf(14, "TypeMismatch", "BSON field '%s' is the wrong type '%s', expected type '%s'", field, name, want)
}
