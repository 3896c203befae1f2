package mongotest

import (
	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/mongotest/internal/engine"
	"github.com/torque-go/torque/mongotest/internal/store"
)

// maxViewDepth bounds views over views, as mongod's 20.
const maxViewDepth = 20

// matchIn returns the documents of db.coll that q matches, at most limit
// (0: all): through an index when one serves q, and through the view's
// pipeline when db.coll is a view. A missing collection has none.
func (s *Server) matchIn(db, coll string, q *query, limit int) ([]match, error) {
	var out []match
	var view *store.Collection
	var err error
	s.store.View(func(r store.Reader) {
		c := r.Coll(db, coll)
		if c != nil && c.IsView() {
			view = c
			return
		}
		out, err = q.inColl(c, limit)
	})
	if err != nil || view == nil {
		return out, err
	}
	docs, err := s.viewDocs(view, 0)
	if err != nil {
		return nil, err
	}
	return q.inDocs(docs, limit)
}

// collDocs returns every document of db.coll (a view's: its pipeline's
// output), for aggregation and $lookup.
func (s *Server) collDocs(db, coll string) ([]bson.D, error) {
	var docs []bson.D
	var view *store.Collection
	s.store.View(func(r store.Reader) {
		c := r.Coll(db, coll)
		switch {
		case c == nil:
		case c.IsView():
			view = c
		default:
			docs = c.Docs()
		}
	})
	if view != nil {
		return s.viewDocs(view, 0)
	}
	return docs, nil
}

// viewDocs runs view's pipeline over its source.
func (s *Server) viewDocs(view *store.Collection, depth int) ([]bson.D, error) {
	if depth >= maxViewDepth {
		return nil, cmdErrorf(13, "ViewDepthLimitExceeded", "View depth too deep or view cycle detected; maximum depth is %d", maxViewDepth)
	}
	on, _ := view.Option("viewOn").(string)
	var src []bson.D
	var next *store.Collection
	s.store.View(func(r store.Reader) {
		c := r.Coll(view.DB, on)
		switch {
		case c == nil:
		case c.IsView():
			next = c
		default:
			src = c.Docs()
		}
	})
	if next != nil {
		var err error
		if src, err = s.viewDocs(next, depth+1); err != nil {
			return nil, err
		}
	}
	stages, err := pipelineStages(view.Option("pipeline"), "pipeline")
	if err != nil {
		return nil, err
	}
	if len(stages) == 0 {
		return src, nil
	}
	p, err := engine.CompilePipeline(stages, engine.Env{DB: view.DB, Catalog: catalog{s}})
	if err != nil {
		return nil, err
	}
	return p.Run(src)
}

// catalog gives the engine's $lookup and $unionWith the server's
// collections.
type catalog struct{ s *Server }

func (c catalog) Docs(db, coll string) ([]bson.D, error) { return c.s.collDocs(db, coll) }

// pipelineStages reads a pipeline argument: an array of documents.
func pipelineStages(v any, field string) ([]bson.D, error) {
	if v == nil {
		return nil, nil
	}
	arr, ok := v.(bson.A)
	if !ok {
		return nil, typeMismatch(field, "array", v)
	}
	out := make([]bson.D, 0, len(arr))
	for _, el := range arr {
		d, ok := el.(bson.D)
		if !ok {
			return nil, typeMismatch(field, "object", el)
		}
		out = append(out, d)
	}
	return out, nil
}

// isView reports whether db.coll is a view.
func (s *Server) isView(db, coll string) bool {
	view := false
	s.store.View(func(r store.Reader) {
		c := r.Coll(db, coll)
		view = c != nil && c.IsView()
	})
	return view
}
