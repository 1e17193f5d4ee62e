package session

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"

	"github.com/gomtl/gomtl/cmd/nbrun/internal/protocol"
)

// A failure is a recovered panic with the frames it crossed.
type failure struct {
	err    error
	frames []runtime.Frame
}

// call runs fn, recovering a panic.
func call(fn func()) (f *failure) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		err, ok := r.(error)
		if !ok {
			err = errors.New(fmt.Sprint(r))
		}
		f = &failure{err: err, frames: panicFrames()}
	}()
	fn()
	return nil
}

// panicFrames are the frames from the panic up to the cell function, from
// a deferred call during the panic.
func panicFrames() []runtime.Frame {
	pcs := make([]uintptr, 128)
	n := runtime.Callers(1, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	var out []runtime.Frame
	seenPanic := false
	for {
		fr, more := frames.Next()
		switch {
		case !seenPanic:
			seenPanic = fr.Function == "runtime.gopanic"
		case strings.HasPrefix(fr.Function, "runtime.") && len(out) == 0:
			// runtime.panicIndex and friends, above the faulting frame
		case fr.Function == "github.com/gomtl/gomtl/cmd/nbrun/session.call":
			return out
		default:
			out = append(out, fr)
		}
		if !more {
			return out
		}
	}
}

// cellFile matches the file names nbrun gives cells in //line directives.
var cellFile = regexp.MustCompile(`^cell(\d+)\.go$`)

// where is the cell and line of a frame, ok=false outside notebook code.
func where(fr runtime.Frame) (cell, line int, ok bool) {
	if !strings.HasPrefix(fr.Function, "main.") {
		return 0, 0, false
	}
	m := cellFile.FindStringSubmatch(filepath.Base(fr.File))
	if m == nil {
		return 0, 0, false
	}
	cell, _ = strconv.Atoi(m[1])
	return cell, fr.Line, true
}

// message is the error message for a failure in cell: evalue is the panic
// value's text, as in gophernotes; the traceback lists the frames, naming
// notebook frames by cell and line; Line is the innermost line of cell.
func (f *failure) message(cell int) *protocol.Message {
	m := &protocol.Message{Type: protocol.Error, Cell: cell, Ename: "ERROR", Evalue: f.err.Error()}
	m.Traceback = append(m.Traceback, "panic: "+f.err.Error(), "")
	for _, fr := range f.frames {
		name := strings.TrimPrefix(fr.Function, "main.")
		if c, line, ok := where(fr); ok {
			if strings.HasPrefix(name, "nbCell") {
				name = "cell body"
			}
			m.Traceback = append(m.Traceback, fmt.Sprintf("cell %d, line %d: %s", c, line, name))
			if c == cell && m.Line == 0 {
				m.Line = line
			}
			continue
		}
		m.Traceback = append(m.Traceback, fmt.Sprintf("%s (%s:%d)", fr.Function, filepath.Base(fr.File), fr.Line))
	}
	return m
}
