package engine

import (
	"regexp"
	"strings"

	"github.com/torque-go/torque/bson"
)

// compileRegex compiles a MongoDB (PCRE) regular expression with its
// options i, m, s, x and u into Go's RE2; patterns RE2 cannot express
// (back-references, look-around) are refused.
func compileRegex(pattern, options string) (*regexp.Regexp, error) {
	flags := ""
	for _, o := range options {
		switch o {
		case 'i', 'm', 's':
			if !strings.ContainsRune(flags, o) {
				flags += string(o)
			}
		case 'x':
			pattern = stripExtended(pattern)
		case 'u':
		default:
			return nil, errorf(51108, "invalid flag in regex options: %c", o)
		}
	}
	if flags != "" {
		pattern = "(?" + flags + ")" + pattern
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, unsupported("the regular expression /" + pattern + "/ (" + err.Error() + ")")
	}
	return re, nil
}

// stripExtended removes the whitespace and # comments of an extended
// (option x) pattern, outside character classes and escapes.
func stripExtended(p string) string {
	var b strings.Builder
	inClass, comment := false, false
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case comment:
			comment = c != '\n'
		case c == '\\' && i+1 < len(p):
			b.WriteByte(c)
			i++
			b.WriteByte(p[i])
		case inClass:
			inClass = c != ']'
			b.WriteByte(c)
		case c == '[':
			inClass = true
			b.WriteByte(c)
		case c == '#':
			comment = true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// regexPred matches strings (and symbols) against a pattern, and regex
// values equal to it.
func regexPred(pattern, options string) (candPred, error) {
	re, err := compileRegex(pattern, options)
	if err != nil {
		return nil, err
	}
	return func(c candidate) (bool, error) {
		switch x := c.val.(type) {
		case string:
			return !c.missing && re.MatchString(x), nil
		case bson.Symbol:
			return re.MatchString(string(x)), nil
		case bson.Regex:
			return x.Pattern == pattern && x.Options == options, nil
		}
		return false, nil
	}, nil
}

// compileRegexOp compiles the $regex at d[i] with its sibling $options.
func compileRegexOp(d bson.D, i int) (pathTest, error) {
	var pattern, options string
	switch x := d[i].Value.(type) {
	case string:
		pattern = x
	case bson.Regex:
		pattern, options = x.Pattern, x.Options
	default:
		return nil, errorf(CodeBadValue, "$regex has to be a string")
	}
	if o, ok := lookup(d, "$options"); ok {
		s, ok := o.(string)
		if !ok {
			return nil, errorf(CodeBadValue, "$options has to be a string")
		}
		if options != "" && s != "" {
			return nil, errorf(51075, "options set in both $regex and $options")
		}
		if s != "" {
			options = s
		}
	}
	p, err := regexPred(pattern, options)
	if err != nil {
		return nil, err
	}
	return anyOf(p), nil
}
