package main

import (
	"errors"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/gomtl/gomtl/cmd/nbrun/internal/protocol"
)

// A runFailure is a cell that failed while the program ran.
type runFailure struct {
	cell      int // notebook index
	line      int // within the cell, 0 if unknown
	evalue    string
	traceback []string
}

// A collection is what a run of the notebook program produced.
type collection struct {
	outputs map[int][]interface{} // by notebook cell index
	begun   []int                 // cells that started, in order
	failure *runFailure
	done    bool
}

// collect splits the program's standard output and error into the cells'
// outputs (see package protocol). count gives a cell's execution count and
// first is the first cell to run, which gets any text written before it.
func collect(stdout, stderr []byte, nonce string, runErr error, count func(int) int, first int) *collection {
	col := &collection{outputs: map[int][]interface{}{}}
	marker := protocol.Marker(nonce)

	// Standard error: the text written before each sync line.
	segs := map[int][]byte{}
	var errTail []byte
	for rest := stderr; ; {
		before, payload, r, found, complete := protocol.Split(rest, marker)
		if !found || !complete {
			errTail = rest
			break
		}
		seq, err := protocol.DecodeSync(payload)
		if err != nil {
			seq = 0 // cannot happen; keep the text, first
		}
		segs[seq] = append(segs[seq], before...)
		rest = r
	}

	cur := -1
	var early []interface{} // outputs before the first cell began
	text := func(name string, b []byte) {
		if len(b) == 0 {
			return
		}
		if cur < 0 {
			early = appendStream(early, name, string(b))
			return
		}
		col.outputs[cur] = appendStream(col.outputs[cur], name, string(b))
	}
	add := func(o interface{}) {
		if cur < 0 {
			cur = first
			col.begun = append(col.begun, cur)
			col.outputs[cur] = append(early, col.outputs[cur]...)
			early = nil
		}
		col.outputs[cur] = append(col.outputs[cur], o)
	}
	flushErr := func(upTo int) {
		var seqs []int
		for s := range segs {
			if s <= upTo {
				seqs = append(seqs, s)
			}
		}
		sort.Ints(seqs)
		for _, s := range seqs {
			text("stderr", segs[s])
			delete(segs, s)
		}
	}

	rest := stdout
	for {
		before, payload, r, found, complete := protocol.Split(rest, marker)
		if !found || !complete {
			text("stdout", rest)
			break
		}
		text("stdout", before)
		rest = r
		m, err := protocol.DecodeMessage(payload)
		if err != nil {
			continue
		}
		flushErr(m.Seq)
		switch m.Type {
		case protocol.Begin:
			cur = m.Cell
			col.begun = append(col.begun, cur)
			col.outputs[cur] = append(early, col.outputs[cur]...)
			early = nil
			if col.outputs[cur] == nil {
				col.outputs[cur] = []interface{}{}
			}
		case protocol.Display:
			add(displayOutput(m.Data, m.Metadata))
		case protocol.Result:
			add(resultOutput(count(cur), m.Data, m.Metadata))
		case protocol.Error:
			col.failure = &runFailure{cell: cur, line: m.Line, evalue: m.Evalue, traceback: m.Traceback}
			add(errorOutput(m.Ename, m.Evalue, m.Traceback))
		case protocol.Done:
			col.done = true
		}
	}
	flushErr(int(^uint(0) >> 1))
	text("stderr", errTail)

	if !col.done && col.failure == nil {
		if cur < 0 {
			cur = first
			col.begun = append(col.begun, cur)
			col.outputs[cur] = early
		}
		f := crash(col.outputs[cur], cur, runErr)
		col.failure = f
		col.outputs[cur] = append(col.outputs[cur], errorOutput("ERROR", f.evalue, f.traceback))
	}
	return col
}

// appendStream adds text to outputs, extending the last output when it is
// the same stream, as Jupyter front ends and nbconvert do.
func appendStream(outputs []interface{}, name, text string) []interface{} {
	if n := len(outputs); n > 0 {
		last := outputs[n-1].(map[string]interface{})
		if last["output_type"] == "stream" && last["name"] == name {
			last["text"] = last["text"].(string) + text
			return outputs
		}
	}
	return append(outputs, streamOutput(name, text))
}

var crashLine = regexp.MustCompile(`cell(\d+)\.go:(\d+)`)

// crash describes a program that ended during a cell without reporting
// an error: a panic in another goroutine, a fatal runtime error, os.Exit
// or log.Fatal. Its standard error, already among the cell's outputs,
// says what happened.
func crash(outputs []interface{}, cell int, runErr error) *runFailure {
	var stderr strings.Builder
	for _, o := range outputs {
		m := o.(map[string]interface{})
		if m["output_type"] == "stream" && m["name"] == "stderr" {
			stderr.WriteString(m["text"].(string))
		}
	}
	exit := "exit status 0"
	var ee *exec.ExitError
	if errors.As(runErr, &ee) {
		exit = ee.ProcessState.String()
	} else if runErr != nil {
		exit = runErr.Error()
	}
	f := &runFailure{cell: cell}
	lines := strings.Split(stderr.String(), "\n")
	for _, l := range lines {
		if strings.HasPrefix(l, "panic: ") || strings.HasPrefix(l, "fatal error: ") {
			f.evalue = strings.TrimSpace(l)
			break
		}
	}
	if f.evalue == "" {
		for i := len(lines) - 1; i >= 0; i-- {
			if s := strings.TrimSpace(lines[i]); s != "" {
				f.evalue = s
				break
			}
		}
	}
	if f.evalue == "" {
		f.evalue = "the notebook program exited (" + exit + ")"
	}
	for _, m := range crashLine.FindAllStringSubmatch(stderr.String(), -1) {
		if c, _ := strconv.Atoi(m[1]); c == cell {
			f.line, _ = strconv.Atoi(m[2])
			break
		}
	}
	f.traceback = []string{f.evalue, "the notebook program ended during this cell: " + exit}
	return f
}
