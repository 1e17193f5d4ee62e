package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
)

// Exit statuses.
const (
	exitOK        = 0   // every notebook ran
	exitCell      = 1   // a cell failed; its notebook was written up to it
	exitUsage     = 2   // bad arguments, or a notebook could not be read or run
	exitInterrupt = 130 // interrupted by SIGINT or SIGTERM
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stderr)
	stop()
	os.Exit(code)
}

// run is nbrun with args, reporting to stderr; it returns the exit status.
func run(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("nbrun", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts options
	fs.BoolVar(&opts.fast, "fast", false, "set "+FastEnv+"=1, which notebooks read to shrink epochs and data")
	fs.StringVar(&opts.outDir, "o", "", "write executed notebooks into `dir` instead of in place")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: nbrun [-fast] [-o dir] notebook.ipynb...\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return exitUsage
	}
	if opts.outDir != "" {
		if err := os.MkdirAll(opts.outDir, 0o755); err != nil {
			fmt.Fprintf(stderr, "nbrun: %v\n", err)
			return exitUsage
		}
		seen := map[string]string{}
		for _, p := range fs.Args() {
			base := filepath.Base(p)
			if prev, ok := seen[base]; ok {
				fmt.Fprintf(stderr, "nbrun: %s and %s would both be written to %s\n", prev, p, filepath.Join(opts.outDir, base))
				return exitUsage
			}
			seen[base] = p
		}
	}
	status := exitOK
	for _, p := range fs.Args() {
		err := execute(ctx, p, opts)
		if ctx.Err() != nil {
			fmt.Fprintf(stderr, "nbrun: %s: interrupted\n", p)
			return exitInterrupt
		}
		var ce *CellError
		switch {
		case err == nil:
		case errors.As(err, &ce):
			fmt.Fprintf(stderr, "nbrun: %v\n", err)
			if status == exitOK {
				status = exitCell
			}
		default:
			fmt.Fprintf(stderr, "nbrun: %v\n", err)
			status = exitUsage
		}
	}
	return status
}
