package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// A Command is one subcommand: its flags, its help and what it runs. Each
// lives in the file named after it and registers itself in commands.
type Command struct {
	Name  string // "find"
	Usage string // "[flags] db.collection [filter]"
	Short string // one line for `torque help`
	Long  string // the rest of `torque help NAME`
	Flag  *flag.FlagSet
	// Run runs the command with the arguments left after the flags.
	Run func(ctx context.Context, args []string) error
}

// commands holds every subcommand by name; each file's init adds its own.
var commands = map[string]*Command{}

// newCommand makes a Command with a flag set of its own and registers it.
func newCommand(name, usage, short, long string) *Command {
	c := &Command{Name: name, Usage: usage, Short: short, Long: long,
		Flag: flag.NewFlagSet(name, flag.ContinueOnError)}
	c.Flag.SetOutput(io.Discard) // parse errors are reported once, by main
	commands[name] = c
	return c
}

// usageError is a mistake on the command line: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

func main() {
	os.Exit(run(os.Args[1:]))
}

// run runs one command line and returns the exit status: 0, 1 for a
// failure, 2 for a usage error, 130 when interrupted.
func run(args []string) int {
	if len(args) == 0 {
		printUsage(os.Stderr)
		return 2
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		return help(args[1:])
	}
	cmd := commands[name]
	if cmd == nil {
		fmt.Fprintf(os.Stderr, "torque: unknown command %q\nRun 'torque help' for usage.\n", name)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := runCommand(ctx, cmd, args[1:])
	var ue *usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		cmd.printHelp(os.Stdout)
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(os.Stderr, "torque %s: %s\nusage: torque %s %s\nRun 'torque help %s' for details.\n",
			name, ue.msg, name, cmd.Usage, name)
		return 2
	case ctx.Err() != nil && errors.Is(err, context.Canceled):
		fmt.Fprintf(os.Stderr, "torque %s: interrupted\n", name)
		return 130
	default:
		fmt.Fprintf(os.Stderr, "torque %s: %s\n", name, oneLine(err.Error()))
		return 1
	}
}

// runCommand parses the flags, which may come before, between or after
// the positional arguments (as with mongosh and the database tools; "--"
// ends them), and runs cmd.
func runCommand(ctx context.Context, cmd *Command, args []string) error {
	var pos []string
	for {
		if err := cmd.Flag.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return &usageError{err.Error()}
		}
		args = cmd.Flag.Args()
		if len(args) == 0 {
			break
		}
		if args[0] == "--" {
			pos = append(pos, args[1:]...)
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	return cmd.Run(ctx, pos)
}

// oneLine keeps an error message to one line for the terminal.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func help(args []string) int {
	if len(args) == 0 {
		printUsage(os.Stdout)
		return 0
	}
	cmd := commands[args[0]]
	if cmd == nil {
		fmt.Fprintf(os.Stderr, "torque help: unknown command %q\n", args[0])
		return 2
	}
	cmd.printHelp(os.Stdout)
	return 0
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, "torque is a command-line client for MongoDB.\n\nUsage:\n\n\ttorque <command> [flags] [arguments]\n\nThe commands are:\n\n")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "\t%-10s %s\n", n, commands[n].Short)
	}
	fmt.Fprint(w, "\nThe server is --uri, else $MONGODB_URI, else mongodb://localhost:27017.\n")
	fmt.Fprint(w, "Use \"torque help <command>\" for more about a command.\n")
}

func (c *Command) printHelp(w io.Writer) {
	fmt.Fprintf(w, "usage: torque %s %s\n\n%s\n", c.Name, c.Usage, strings.TrimSpace(c.Long))
	fmt.Fprint(w, "\nFlags:\n")
	c.Flag.SetOutput(w)
	c.Flag.PrintDefaults()
	c.Flag.SetOutput(io.Discard)
}
