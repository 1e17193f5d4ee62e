package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// The exit codes; see the package documentation.
const (
	exitOK          = 0
	exitError       = 1
	exitUsage       = 2
	exitInterrupted = 130
)

// A usageError is a bad command line: exit code 2. hint names the command
// whose usage to point at, or is empty for mtl itself.
type usageError struct {
	msg  string
	hint string
}

func (e *usageError) Error() string { return e.msg }

// usageErrorf returns a usage error of the command named cmd.
func usageErrorf(cmd, format string, args ...any) error {
	return &usageError{msg: cmd + ": " + fmt.Sprintf(format, args...), hint: cmd}
}

// exitCode maps the error a command returned to the process exit code.
func exitCode(ctx context.Context, err error) int {
	var u *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &u):
		return exitUsage
	case errors.Is(err, context.Canceled) || ctx.Err() != nil:
		return exitInterrupted
	}
	return exitError
}

// exitErrorLine is the JSON line printed on failure with --json.
type exitErrorLine struct {
	MessageType string `json:"message_type"` // "exit_error"
	Code        int    `json:"code"`
	Message     string `json:"message"`
}

// fail reports err, if any, as "mtl: <message>" on stderr (and as an
// exit_error JSON line on stdout with --json) and returns the exit code.
func (e *env) fail(ctx context.Context, err error) int {
	code := exitCode(ctx, err)
	if code == exitOK {
		return code
	}
	msg := message(err)
	if code == exitInterrupted {
		msg = "interrupted"
	}
	fmt.Fprintf(e.stderr, "mtl: %s\n", msg)
	var u *usageError
	if errors.As(err, &u) {
		if u.hint != "" {
			fmt.Fprintf(e.stderr, "Run 'mtl %s -h' for usage.\n", u.hint)
		} else {
			fmt.Fprintln(e.stderr, "Run 'mtl help' for usage.")
		}
	}
	if e.json {
		e.emit(exitErrorLine{MessageType: "exit_error", Code: code, Message: msg})
	}
	return code
}

// message is err's text without the "mtl: " that the library's errors
// start with, since fail adds the command's own.
func message(err error) string {
	return strings.TrimPrefix(err.Error(), "mtl: ")
}
