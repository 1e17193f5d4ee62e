// Package session is the runtime of the programs nbrun generates from
// notebooks: it runs the cells in order, shows the value of each cell's final
// expression, publishes Display calls and reports a failing cell, speaking
// the protocol of nbrun (see cmd/nbrun/internal/protocol) on the process's
// standard output and standard error.
//
// It is not meant to be imported by hand. It keeps process-wide state (the
// sequence of messages), which is right for the one program it serves. A
// program started without nbrun (no NBRUN_NONCE in its environment) runs
// standalone: results and displays are printed as text and a failing cell
// is reported on standard error with exit status 1.
package session

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"

	"github.com/gomtl/gomtl/cmd/nbrun/display"
	"github.com/gomtl/gomtl/cmd/nbrun/internal/protocol"
	"github.com/gomtl/gomtl/cmd/nbrun/internal/render"
)

// A Cell is one notebook code cell compiled into the program.
type Cell struct {
	Index int    // the cell's index in the notebook
	Run   func() // its statements
}

var state struct {
	sync.Mutex
	nonce  string
	seq    int
	cell   int
	stdout *os.File
	stderr *os.File
}

// Run runs cells in order. A cell that panics gets an error message and
// ends the program with exit status 1; no later cell runs.
func Run(cells []Cell) {
	state.nonce = os.Getenv(protocol.NonceEnv)
	state.stdout, state.stderr = os.Stdout, os.Stderr
	for _, c := range cells {
		state.Lock()
		state.cell = c.Index
		state.Unlock()
		send(&protocol.Message{Type: protocol.Begin, Cell: c.Index})
		if f := call(c.Run); f != nil {
			send(f.message(c.Index))
			os.Exit(1)
		}
		send(&protocol.Message{Type: protocol.End, Cell: c.Index})
	}
	send(&protocol.Message{Type: protocol.Done})
}

// Show displays the values of a cell's final expression as gophernotes
// does: nothing when all are nil, a single renderable value (an image, a
// display.Data, a value with a renderer method) in its MIME type, and
// otherwise the text/plain of fmt.Sprint(vals...).
func Show(vals ...interface{}) {
	d := render.Results(vals)
	if len(d.Data) == 0 {
		return
	}
	send(&protocol.Message{Type: protocol.Result, Data: wire(d.Data), Metadata: wireMeta(d.Metadata)})
}

// Display publishes d as a display_data output of the running cell. It is
// the value of the notebook function Display.
func Display(d display.Data) error {
	return send(&protocol.Message{Type: protocol.Display, Data: wire(d.Data), Metadata: wireMeta(d.Metadata)})
}

// Special runs a gophernotes special command line: "%help",
// "%go111module on|off" (accepted, without effect: modules are always on)
// or "$command args...", which runs the command with the notebook's
// standard output and error. A bad command panics, failing the cell, as in
// gophernotes.
func Special(line string) {
	line = strings.TrimSpace(line)
	switch {
	case strings.HasPrefix(line, "$"):
		args := strings.Fields(line[1:])
		if len(args) == 0 {
			return
		}
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			panic(fmt.Errorf("error running command %q: %v", line[1:], err))
		}
	case line == "%help":
		os.Stdout.WriteString(help)
	case strings.HasPrefix(line, "%go111module"):
		arg := strings.TrimSpace(strings.TrimPrefix(line, "%go111module"))
		if arg != "on" && arg != "off" {
			panic(fmt.Errorf("special command %%go111module: expecting a single argument 'on' or 'off', found: %q", arg))
		}
	default:
		panic(fmt.Errorf("unknown special command: %q\n%s", line, help))
	}
}

const help = `
available special commands (%):
%help
%go111module {on|off}

execute shell commands ($): $command [args...]
example:
$ls -l
`

// send writes m, preceded by its sync line on standard error.
func send(m *protocol.Message) error {
	state.Lock()
	defer state.Unlock()
	if state.stdout == nil { // Show or Display outside Run
		state.nonce = os.Getenv(protocol.NonceEnv)
		state.stdout, state.stderr = os.Stdout, os.Stderr
	}
	if m.Type != protocol.Begin && m.Type != protocol.Done {
		m.Cell = state.cell
	}
	if state.nonce == "" {
		return standalone(m)
	}
	state.seq++
	m.Seq = state.seq
	line, err := protocol.EncodeMessage(state.nonce, m)
	if err != nil {
		return fmt.Errorf("session: %v", err)
	}
	if _, err := state.stderr.Write(protocol.EncodeSync(state.nonce, m.Seq)); err != nil {
		return fmt.Errorf("session: %v", err)
	}
	if _, err := state.stdout.Write(line); err != nil {
		return fmt.Errorf("session: %v", err)
	}
	return nil
}

func standalone(m *protocol.Message) error {
	switch m.Type {
	case protocol.Result, protocol.Display:
		t, _ := m.Data[render.Text].(string)
		if t == "" {
			t = fmt.Sprintf("<%d MIME types>", len(m.Data))
		}
		_, err := fmt.Fprintln(state.stdout, t)
		return err
	case protocol.Error:
		where := fmt.Sprintf("cell %d", m.Cell)
		if m.Line > 0 {
			where += fmt.Sprintf(" (line %d)", m.Line)
		}
		_, err := fmt.Fprintf(state.stderr, "%s: %s\n%s\n", where, m.Evalue, strings.Join(m.Traceback, "\n"))
		return err
	}
	return nil
}

// wire converts a MIME bundle to what nbformat stores: strings stay, bytes
// become base64, JSON types keep their value, and anything else is
// printed with fmt.Sprint.
func wire(m display.MIMEMap) map[string]interface{} {
	out := make(map[string]interface{}, len(m))
	for mime, v := range m {
		switch x := v.(type) {
		case string:
			out[mime] = x
		case []byte:
			out[mime] = base64.StdEncoding.EncodeToString(x)
		default:
			if isJSON(mime) {
				if _, err := json.Marshal(x); err == nil {
					out[mime] = x
					continue
				}
			}
			out[mime] = fmt.Sprint(x)
		}
	}
	return out
}

func wireMeta(m display.MIMEMap) map[string]interface{} {
	if len(m) == 0 {
		return nil
	}
	if _, err := json.Marshal(m); err != nil {
		return nil
	}
	return m
}

func isJSON(mime string) bool {
	return mime == render.JSON || strings.HasSuffix(mime, "+json")
}
