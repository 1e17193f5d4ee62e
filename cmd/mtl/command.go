package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
)

// A command is one subcommand of mtl, with a flag set of its own.
type command struct {
	name     string
	synopsis string // what follows "mtl <name>" in the usage line
	summary  string // one line for mtl's command list
	doc      string // the paragraphs of "mtl <name> -h"
	// setup registers the command's flags on fs and returns the function
	// that runs the command once they are parsed.
	setup func(fs *flag.FlagSet, e *env) func(ctx context.Context) error
	// args: the command reads its positional arguments (fs.Args()) itself.
	args bool
}

// commands lists mtl's commands in usage order.
func commands() []command {
	return []command{trainCommand(), evalCommand(), predictCommand(), summaryCommand(), benchCommand()}
}

// lookup returns the command called name.
func lookup(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// flags returns the command's flag set, --json included, bound to e, and
// the function that runs the command once the flags are parsed.
func (c command) flags(e *env) (*flag.FlagSet, func(ctx context.Context) error) {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported by env.fail, usage by writeUsage
	fs.Usage = func() {}
	runFunc := c.setup(fs, e)
	fs.BoolVar(&e.json, "json", false, "print JSON lines on stdout instead of text")
	return fs, runFunc
}

// run parses args and runs the command. -h prints the usage on stdout.
func (c command) run(ctx context.Context, e *env, args []string) error {
	fs, runFunc := c.flags(e)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			c.writeUsage(e.stdout, fs)
			return nil
		}
		return usageErrorf(c.name, "%v", err)
	}
	if fs.NArg() > 0 && !c.args {
		return usageErrorf(c.name, "unexpected argument %q (flags start with -)", fs.Arg(0))
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return runFunc(ctx)
}

// writeUsage prints the command's usage and flags.
func (c command) writeUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: mtl %s %s\n\n%s\nFlags:\n", c.name, c.synopsis, c.doc)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	fmt.Fprint(w, exitCodesText)
}
