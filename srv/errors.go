package srv

import "fmt"

// Error is a failed seed-list resolution. Name is the DNS name involved
// (an SRV query name, a TXT name, or a returned host); Err, when not nil, is
// the resolver's error or connstring's validation error.
type Error struct {
	Name string
	Msg  string
	Err  error
}

func (e *Error) Error() string {
	s := fmt.Sprintf("srv: %s: %s", e.Name, e.Msg)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }
