package mongotest

import "github.com/torque-go/torque/bson"

// Atlas Search index commands. mongotest answers them as a MongoDB 8.0
// mongod that is not an Atlas deployment does: with SearchNotEnabled
// (31082), after checking the namespace; the $listSearchIndexes stage
// likewise. The index-management specification's tests expect exactly
// that error ("Atlas" in its message) from a non-Atlas server.

func init() {
	commands["createSearchIndexes"] = cmdSpec{run: (*Server).searchIndexCommand, fields: []string{"indexes"}}
	commands["updateSearchIndex"] = cmdSpec{run: (*Server).searchIndexCommand, fields: []string{"name", "id", "definition"}}
	commands["dropSearchIndex"] = cmdSpec{run: (*Server).searchIndexCommand, fields: []string{"name", "id"}}
}

// errSearchNotEnabled is mongod's answer to the search index commands
// outside Atlas.
func errSearchNotEnabled() *cmdError {
	return cmdErrorf(31082, "SearchNotEnabled", "Using Atlas Search Database Commands and the $listSearchIndexes "+
		"aggregation stage requires additional configuration. Please connect to Atlas or an AtlasCLI local "+
		"deployment to enable. For more information on how to connect, see "+
		"https://dochub.mongodb.org/core/atlas-cli-deploy-local-reqs")
}

func (s *Server) searchIndexCommand(c *command) (bson.D, error) {
	if _, err := c.collName(); err != nil {
		return nil, err
	}
	return nil, errSearchNotEnabled()
}

// searchStages refuses a pipeline that uses $listSearchIndexes (or the
// $search and $vectorSearch stages) as mongod outside Atlas does.
func searchStages(stages []bson.D) error {
	for _, st := range stages {
		if len(st) == 0 {
			continue
		}
		switch st[0].Key {
		case "$listSearchIndexes", "$search", "$searchMeta", "$vectorSearch":
			return errSearchNotEnabled()
		}
	}
	return nil
}
