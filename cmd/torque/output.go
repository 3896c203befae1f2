package main

import (
	"bufio"
	"flag"
	"io"
	"os"

	"github.com/torque-go/torque/bson"
)

// outFlags choose the output format of every command.
type outFlags struct {
	json      bool
	canonical bool
}

var outf outFlags

func addOutputFlags(fs *flag.FlagSet) {
	fs.BoolVar(&outf.json, "json", false, "print NDJSON (one Extended JSON document a line) instead of human-readable text")
	addCanonicalFlag(fs)
}

func addCanonicalFlag(fs *flag.FlagSet) {
	fs.BoolVar(&outf.canonical, "canonical", false, "write canonical Extended JSON (every type explicit) instead of relaxed")
}

// printer writes a command's output to stdout: documents as NDJSON with
// --json, else indented for people.
type printer struct {
	w      *bufio.Writer
	json   bool
	buf    []byte
	pretty []byte
}

func newPrinter(w io.Writer) *printer {
	return &printer{w: bufio.NewWriterSize(w, 64<<10), json: outf.json}
}

// stdout is the printer of the command's results.
func stdout() *printer { return newPrinter(os.Stdout) }

// doc prints one document.
func (p *printer) doc(raw bson.Raw) error {
	var err error
	p.buf, err = bson.AppendExtJSON(p.buf[:0], raw, outf.canonical)
	if err != nil {
		return err
	}
	if p.json {
		p.buf = append(p.buf, '\n')
		_, err = p.w.Write(p.buf)
		return err
	}
	p.pretty = append(indentJSON(p.pretty[:0], p.buf), '\n')
	_, err = p.w.Write(p.pretty)
	return err
}

// result prints the outcome of a command: the sentence for people, or
// the document with --json.
func (p *printer) result(human string, doc bson.D) error {
	if !p.json {
		_, err := io.WriteString(p.w, human+"\n")
		return err
	}
	raw, err := bson.Marshal(doc)
	if err != nil {
		return err
	}
	return p.doc(raw)
}

// flush writes what is buffered; every command calls it before it ends.
func (p *printer) flush() error { return p.w.Flush() }

// isTerminal reports whether f is a character device (a terminal), as
// far as the standard library can tell.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
