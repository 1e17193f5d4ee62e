package main

import (
	"context"
	"fmt"
	"io"
)

// run runs the command line args (without the program name) and returns
// the exit code. It never panics and never exits.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (code int) {
	e := newEnv(stdout, stderr)
	defer func() {
		if r := recover(); r != nil {
			code = e.fail(ctx, fmt.Errorf("internal error: %v", r))
		}
	}()
	if len(args) == 0 {
		writeUsage(stderr)
		return exitUsage
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		return help(rest, stdout, stderr)
	}
	c, ok := lookup(name)
	if !ok {
		return e.fail(ctx, &usageError{msg: fmt.Sprintf("unknown command %q", name)})
	}
	return e.fail(ctx, c.run(ctx, e, rest))
}

// help prints the usage of mtl, or of the command args names, on stdout.
func help(args []string, stdout, stderr io.Writer) int {
	switch {
	case len(args) == 0:
		writeUsage(stdout)
		return exitOK
	case len(args) > 1:
		fmt.Fprintln(stderr, "mtl: help takes at most one command name")
		return exitUsage
	}
	c, ok := lookup(args[0])
	if !ok {
		fmt.Fprintf(stderr, "mtl: help: unknown command %q\nRun 'mtl help' for usage.\n", args[0])
		return exitUsage
	}
	fs, _ := c.flags(newEnv(io.Discard, io.Discard))
	c.writeUsage(stdout, fs)
	return exitOK
}

// writeUsage prints mtl's usage.
func writeUsage(w io.Writer) {
	fmt.Fprint(w, `mtl trains, evaluates, runs and describes gomtl multi-task models.

Usage:
  mtl <command> [flags]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `  help     show this text, or "mtl help <command>" a command's flags

Datasets (--dataset):
`+datasetsHelp()+`
Results go to stdout, progress to stderr; --json prints JSON lines on
stdout instead. Run 'mtl <command> -h' for the flags of a command.
`)
	fmt.Fprint(w, exitCodesText)
}

// exitCodesText ends every usage text.
const exitCodesText = `
Exit codes:
  0    success
  1    error (unreadable data or spec file, missing or damaged model, failed write)
  2    usage error (unknown command, unknown flag, bad flag value or combination)
  130  interrupted by SIGINT or SIGTERM
`
