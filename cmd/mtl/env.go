package main

import (
	"encoding/json"
	"io"
	"os"
	"time"

	"golang.org/x/term"
)

// env is where a command writes and how: the streams, whether stderr is a
// terminal, the clock, and the --json flag.
type env struct {
	stdout, stderr io.Writer
	tty            bool // stderr is a terminal: draw progress bars
	width          int  // the terminal's width in columns; 0 if unknown
	now            func() time.Time
	json           bool // --json: JSON lines on stdout, no progress on stderr
}

func newEnv(stdout, stderr io.Writer) *env {
	e := &env{stdout: stdout, stderr: stderr, now: time.Now}
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		e.tty = true
		if w, _, err := term.GetSize(int(f.Fd())); err == nil {
			e.width = w
		}
	}
	return e
}

// emit writes v as one JSON line on stdout.
func (e *env) emit(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = e.stdout.Write(append(b, '\n'))
	return err
}
