package engine

import (
	"math"
	"math/big"

	"github.com/torque-go/torque/bson"
)

// accumulator gathers the values of one group for one output field.
type accumulator interface {
	add(v any) error
	result() any
}

// newAccumulator returns accumulator op (a key of newAccumulators) that
// compares strings by coll ($min, $max, $addToSet).
func newAccumulator(op string, coll *Collation) accumulator {
	a := newAccumulators[op]()
	switch x := a.(type) {
	case *minMaxAcc:
		x.coll = coll
	case *pushAcc:
		x.coll = coll
	}
	return a
}

// newAccumulators are the $group accumulators, by name.
var newAccumulators = map[string]func() accumulator{
	"$sum":          func() accumulator { return &sumAcc{sum: int32(0)} },
	"$avg":          func() accumulator { return &sumAcc{sum: int32(0), avg: true} },
	"$min":          func() accumulator { return &minMaxAcc{} },
	"$max":          func() accumulator { return &minMaxAcc{max: true} },
	"$first":        func() accumulator { return &firstLastAcc{} },
	"$last":         func() accumulator { return &firstLastAcc{last: true} },
	"$push":         func() accumulator { return &pushAcc{out: bson.A{}} },
	"$addToSet":     func() accumulator { return &pushAcc{out: bson.A{}, set: true} },
	"$mergeObjects": func() accumulator { return &mergeAcc{out: bson.D{}} },
	"$stdDevPop":    func() accumulator { return &stdDevAcc{} },
	"$stdDevSamp":   func() accumulator { return &stdDevAcc{samp: true} },
}

// sumAcc is $sum and $avg: numbers only, others ignored.
type sumAcc struct {
	sum any
	n   int64
	avg bool
}

func (a *sumAcc) add(v any) error {
	if !isNumber(v) {
		return nil
	}
	a.sum = arith(a.sum, v, addInt, func(x, y float64) float64 { return x + y }, addBig)
	a.n++
	return nil
}

func (a *sumAcc) result() any {
	if !a.avg {
		return a.sum
	}
	if a.n == 0 {
		return nil
	}
	if d, ok := a.sum.(bson.Decimal128); ok {
		return bigToDec(new(big.Float).Quo(toBig(d), new(big.Float).SetInt64(a.n)), 34)
	}
	f, _ := toFloat(a.sum)
	return f / float64(a.n)
}

// minMaxAcc is $min and $max: null and missing are ignored.
type minMaxAcc struct {
	best any
	seen bool
	max  bool
	coll *Collation
}

func (a *minMaxAcc) add(v any) error {
	if nullish(v) {
		return nil
	}
	if c := CompareWith(a.coll, v, a.best); !a.seen || (a.max && c > 0) || (!a.max && c < 0) {
		a.best, a.seen = v, true
	}
	return nil
}

func (a *minMaxAcc) result() any { return a.best }

// firstLastAcc is $first and $last (missing counts as null).
type firstLastAcc struct {
	v    any
	seen bool
	last bool
}

func (a *firstLastAcc) add(v any) error {
	if v == missing {
		v = nil
	}
	if !a.seen || a.last {
		a.v, a.seen = v, true
	}
	return nil
}

func (a *firstLastAcc) result() any { return a.v }

// pushAcc is $push and $addToSet (missing values are skipped).
type pushAcc struct {
	out  bson.A
	set  bool
	coll *Collation
}

func (a *pushAcc) add(v any) error {
	if v == missing {
		return nil
	}
	if a.set {
		for _, x := range a.out {
			if EqualWith(a.coll, x, v) {
				return nil
			}
		}
	}
	if len(a.out) >= 1<<20 {
		return unsupported("$push or $addToSet of more than 1048576 values in one group")
	}
	a.out = append(a.out, v)
	return nil
}

func (a *pushAcc) result() any { return a.out }

// mergeAcc is $mergeObjects.
type mergeAcc struct{ out bson.D }

func (a *mergeAcc) add(v any) error {
	r, err := evalMergeObjects("$mergeObjects", []any{a.out, v})
	if err == nil {
		a.out = r.(bson.D)
	}
	return err
}

func (a *mergeAcc) result() any { return a.out }

// stdDevAcc is $stdDevPop and $stdDevSamp (Welford's algorithm).
type stdDevAcc struct {
	n        float64
	mean, m2 float64
	samp     bool
}

func (a *stdDevAcc) add(v any) error {
	f, ok := toFloat(v)
	if !ok || !isNumber(v) {
		return nil
	}
	a.n++
	d := f - a.mean
	a.mean += d / a.n
	a.m2 += d * (f - a.mean)
	return nil
}

func (a *stdDevAcc) result() any {
	switch {
	case a.samp && a.n > 1:
		return math.Sqrt(a.m2 / (a.n - 1))
	case !a.samp && a.n > 0:
		return math.Sqrt(a.m2 / a.n)
	}
	return nil
}
