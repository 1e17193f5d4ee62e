package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The end-to-end tests run nbrun on the notebooks in testdata, each built
// and run as a Go program (sharing the go command's build cache), and
// check the notebook it writes. Expected outputs are what gophernotes
// shows for the same cells (its display.go and kernel.go rules).

// nbRun runs nbrun with flags on testdata/name, writing into a temporary
// directory, and returns the exit status, what it reported and the
// notebook written (nil if none).
func nbRun(t *testing.T, name string, flags ...string) (int, string, map[string]interface{}) {
	t.Helper()
	out := t.TempDir()
	var stderr bytes.Buffer
	args := append(append([]string{"-o", out}, flags...), filepath.Join("testdata", name))
	code := run(context.Background(), args, &stderr)
	b, err := os.ReadFile(filepath.Join(out, name))
	if err != nil {
		return code, stderr.String(), nil
	}
	var doc map[string]interface{}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: written notebook is not JSON: %v", name, err)
	}
	return code, stderr.String(), doc
}

// cellsOf are the cells of a notebook.
func cellsOf(doc map[string]interface{}) []map[string]interface{} {
	var cells []map[string]interface{}
	for _, c := range doc["cells"].([]interface{}) {
		cells = append(cells, c.(map[string]interface{}))
	}
	return cells
}

// outputsOf are the outputs of a code cell.
func outputsOf(c map[string]interface{}) []map[string]interface{} {
	var outs []map[string]interface{}
	for _, o := range c["outputs"].([]interface{}) {
		outs = append(outs, o.(map[string]interface{}))
	}
	return outs
}

// text is a multiline nbformat string.
func text(v interface{}) string {
	s, _ := joinSource(v)
	return s
}

// summary is a cell's outputs in one line each: "stream stdout: text",
// "result 3 text/plain: 42", "display text/html: <b>", "error: evalue".
func summary(c map[string]interface{}) []string {
	var lines []string
	for _, o := range outputsOf(c) {
		switch o["output_type"] {
		case "stream":
			lines = append(lines, "stream "+o["name"].(string)+": "+text(o["text"]))
		case "execute_result", "display_data":
			prefix := "display"
			if o["output_type"] == "execute_result" {
				prefix = "result"
			}
			data := o["data"].(map[string]interface{})
			var mimes []string
			for m := range data {
				mimes = append(mimes, m)
			}
			for _, m := range sortStrings(mimes) {
				v := text(data[m])
				if m == "image/png" {
					v = "png"
				}
				lines = append(lines, prefix+" "+m+": "+v)
			}
		case "error":
			lines = append(lines, "error: "+o["evalue"].(string))
		}
	}
	return lines
}

func sortStrings(s []string) []string {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s
}

// A cellWant is what one cell must hold after the run.
type cellWant struct {
	count   interface{} // execution_count: float64 as JSON decodes it, or nil
	outputs []string    // summary lines
}

func TestRun(t *testing.T) {
	tests := []struct {
		name     string
		notebook string
		flags    []string
		code     int
		report   string // regexp that nbrun's report must match, "" for none
		cells    map[int]cellWant
		match    bool // the cells' outputs are regular expressions
	}{{
		name:     "last expression",
		notebook: "lastexpr.ipynb",
		cells: map[int]cellWant{
			1: {1.0, []string{"result text/plain: 42"}},
			2: {2.0, nil}, // a call returning nothing
			3: {3.0, nil}, // a nil error
			4: {4.0, []string{"result text/plain: 1 2"}},
			5: {5.0, []string{"result text/plain: 7 <nil>"}},
			6: {6.0, []string{"result image/png: png", "result text/plain: <*image.RGBA 3x2>"}},
			7: {7.0, []string{"result text/html: <b>hi</b>", "result text/plain: hi"}},
			8: {8.0, []string{"result image/png: png", "result text/plain: {}"}},
			9: {9.0, []string{"result text/markdown: *emphasis*", "result text/plain: *emphasis*"}},
			// White space only: skipped as nbclient skips it, stale outputs kept.
			10: {3.0, []string{"stream stdout: stale\n"}},
			11: {10.0, nil},
			// gophernotes shows the values fmt.Println returns.
			12: {11.0, []string{"stream stdout: hello\n", "result text/plain: 6 <nil>"}},
		},
	}, {
		name:     "redefinitions",
		notebook: "redefine.ipynb",
		cells: map[int]cellWant{
			0: {1.0, []string{"result text/plain: one"}},
			1: {2.0, []string{"result text/plain: two TWO"}},
			2: {3.0, []string{"result text/plain: 1"}}, // useX keeps the int x it was defined with
			3: {4.0, []string{"result text/plain: 7"}},
			4: {5.0, []string{"result text/plain: three 3.5"}},
		},
	}, {
		name:     "imports mid-notebook",
		notebook: "imports.ipynb",
		cells: map[int]cellWant{
			0: {1.0, []string{"stream stdout: a", "result text/plain: 1 <nil>"}},
			2: {2.0, []string{"result text/plain: abab"}},
			3: {3.0, []string{"result text/plain: Xy"}},
			// A gophernotes special command line runs a command.
			4: {4.0, []string{"stream stdout: special\nafter", "result text/plain: 5 <nil>"}},
		},
	}, {
		name:     "display mid-cell",
		notebook: "display.ipynb",
		cells: map[int]cellWant{
			0: {1.0, []string{
				"stream stdout: one\n",
				"display text/html: <b>two</b>", "display text/plain: <b>two</b>",
				"stream stderr: three\n",
				"display text/markdown: four", "display text/plain: four",
				"stream stdout: five\n",
				"result text/plain: 6",
			}},
			// Display returns a nil error: nothing more is shown.
			1: {2.0, []string{"display text/html: <h3>seven</h3>", "display text/plain: {seven}"}},
		},
	}, {
		name:     "panic",
		notebook: "panic.ipynb",
		code:     exitCell,
		report:   `panic\.ipynb: cell 1 \(In \[2\]\), line 2: runtime error: index out of range \[3\] with length 1\n$`,
		cells: map[int]cellWant{
			0: {1.0, []string{"stream stdout: ran\n", "result text/plain: 4 <nil>"}},
			1: {2.0, []string{"stream stdout: before\n", "error: runtime error: index out of range [3] with length 1"}},
			2: {9.0, []string{"stream stdout: stale\n"}}, // not run
		},
	}, {
		name:     "compile error",
		notebook: "compileerr.ipynb",
		code:     exitCell,
		report:   `compileerr\.ipynb: cell 1 \(In \[2\]\), line 2: undefined: undefinedThing\n$`,
		cells: map[int]cellWant{
			0: {1.0, []string{"stream stdout: ran\n", "result text/plain: 4 <nil>"}},
			1: {2.0, []string{"error: 2:17: undefined: undefinedThing"}},
			2: {9.0, []string{"stream stdout: stale\n"}},
		},
	}, {
		name:     "syntax error",
		notebook: "syntaxerr.ipynb",
		code:     exitCell,
		report:   `syntaxerr\.ipynb: cell 1 \(In \[2\]\), line 3: missing ',' before newline in argument list\n$`,
		cells: map[int]cellWant{
			0: {1.0, []string{"stream stdout: ran\n", "result text/plain: 4 <nil>"}},
			1: {2.0, []string{"error: 3:20: missing ',' before newline in argument list"}},
			2: {nil, nil},
		},
	}, {
		name:     "log.Fatal",
		notebook: "fatal.ipynb",
		code:     exitCell,
		report:   `fatal\.ipynb: cell 1 \(In \[2\]\): fatal thing\n$`,
		cells: map[int]cellWant{
			0: {1.0, nil},
			1: {2.0, []string{"stream stderr: first\nfatal thing\n", "error: fatal thing"}},
			2: {nil, nil},
		},
	}, {
		name:     "goroutine crash",
		notebook: "crash.ipynb",
		code:     exitCell,
		match:    true,
		report:   `crash\.ipynb: cell 0 \(In \[1\]\), line 4: panic: in a goroutine\n$`,
		cells: map[int]cellWant{
			0: {1.0, []string{
				`stream stderr: panic: in a goroutine\n\ngoroutine \d+ \[running\]:\nmain\.nbCell0\.func1\(\)\n\tcell0\.go:4 (?s:.*)`,
				`error: panic: in a goroutine`,
			}},
			1: {nil, nil},
		},
	}, {
		name:     "fast",
		notebook: "fast.ipynb",
		flags:    []string{"-fast"},
		cells:    map[int]cellWant{0: {1.0, []string{"stream stdout: fast=\"1\"\n", "result text/plain: 9 <nil>"}}},
	}, {
		name:     "not fast",
		notebook: "fast.ipynb",
		cells:    map[int]cellWant{0: {1.0, []string{"stream stdout: fast=\"\"\n", "result text/plain: 8 <nil>"}}},
	}, {
		// A spec with 2 inputs, no shared layers and one 2-class head:
		// a 2x2 kernel and 2 biases, 6 parameters (by hand).
		name:     "library import",
		notebook: "mtl.ipynb",
		cells:    map[int]cellWant{0: {1.0, []string{"result text/plain: 6"}}},
	}}
	if testing.Short() {
		t.Skip("builds and runs a Go program per notebook")
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.flags == nil && tt.notebook == "fast.ipynb" && os.Getenv(FastEnv) != "" {
				t.Skipf("%s is set in the environment", FastEnv)
			}
			code, report, doc := nbRun(t, tt.notebook, tt.flags...)
			if code != tt.code {
				t.Errorf("exit status %d, want %d; report:\n%s", code, tt.code, report)
			}
			if tt.report == "" && report != "" {
				t.Errorf("unexpected report:\n%s", report)
			}
			if tt.report != "" && !regexp.MustCompile(tt.report).MatchString(report) {
				t.Errorf("report %q does not match %q", report, tt.report)
			}
			if doc == nil {
				t.Fatal("no notebook written")
			}
			checkNbformat(t, doc)
			cells := cellsOf(doc)
			for i, want := range tt.cells {
				if i >= len(cells) {
					t.Fatalf("cell %d: notebook has %d cells", i, len(cells))
				}
				c := cells[i]
				if c["execution_count"] != want.count {
					t.Errorf("cell %d: execution_count %v, want %v", i, c["execution_count"], want.count)
				}
				got := summary(c)
				same := len(got) == len(want.outputs)
				for j := 0; same && j < len(got); j++ {
					if tt.match {
						same = regexp.MustCompile("^" + want.outputs[j] + "$").MatchString(got[j])
					} else {
						same = got[j] == want.outputs[j]
					}
				}
				if !same {
					t.Errorf("cell %d outputs:\n%s\nwant:\n%s", i, strings.Join(got, "\n"), strings.Join(want.outputs, "\n"))
				}
			}
		})
	}
}

// TestRunNotebookUnchanged checks that what nbrun does not execute is
// written back as it was read: markdown cells, metadata, ids, sources.
func TestRunNotebookUnchanged(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a Go program")
	}
	in, err := os.ReadFile(filepath.Join("testdata", "imports.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	// Run in place, on a copy.
	path := filepath.Join(t.TempDir(), "imports.ipynb")
	if err := os.WriteFile(path, in, 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{path}, &stderr); code != exitOK {
		t.Fatalf("exit status %d: %s", code, stderr.String())
	}
	out, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var before, after map[string]interface{}
	if err := json.Unmarshal(in, &before); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(out, &after); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"metadata", "nbformat", "nbformat_minor"} {
		if !jsonEqual(before[key], after[key]) {
			t.Errorf("%s changed: %v -> %v", key, before[key], after[key])
		}
	}
	bc, ac := cellsOf(before), cellsOf(after)
	for i := range bc {
		for _, key := range []string{"id", "source", "metadata", "cell_type"} {
			if !jsonEqual(bc[i][key], ac[i][key]) {
				t.Errorf("cell %d: %s changed: %v -> %v", i, key, bc[i][key], ac[i][key])
			}
		}
		if bc[i]["cell_type"] == "markdown" && !jsonEqual(bc[i], ac[i]) {
			t.Errorf("markdown cell %d changed: %v -> %v", i, bc[i], ac[i])
		}
	}
	// Written as nbformat writes: one-space indentation, final newline.
	if !bytes.HasPrefix(out, []byte("{\n \"cells\": [\n  {\n")) || !bytes.HasSuffix(out, []byte("}\n")) {
		t.Errorf("not in nbformat's layout:\n%.200s", out)
	}
}

func jsonEqual(a, b interface{}) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// checkNbformat checks doc against the parts of the nbformat 4.5 schema
// (nbformat/v4/nbformat.v4.5.schema.json) that nbrun writes: required
// keys, their types, no keys the schema forbids.
func checkNbformat(t *testing.T, doc map[string]interface{}) {
	t.Helper()
	if doc["nbformat"] != 4.0 {
		t.Errorf("nbformat %v, want 4", doc["nbformat"])
	}
	if m, ok := doc["nbformat_minor"].(float64); !ok || m < 5 {
		t.Errorf("nbformat_minor %v, want >= 5", doc["nbformat_minor"])
	}
	if _, ok := doc["metadata"].(map[string]interface{}); !ok {
		t.Error("metadata is not an object")
	}
	ids := map[string]bool{}
	for i, c := range cellsOf(doc) {
		id, _ := c["id"].(string)
		if !cellID.MatchString(id) || ids[id] {
			t.Errorf("cell %d: bad or repeated id %q", i, id)
		}
		ids[id] = true
		if _, ok := c["metadata"].(map[string]interface{}); !ok {
			t.Errorf("cell %d: metadata is not an object", i)
		}
		if _, err := joinSource(c["source"]); err != nil {
			t.Errorf("cell %d: source: %v", i, err)
		}
		switch c["cell_type"] {
		case "markdown", "raw":
			allowKeys(t, c, "cell", "cell_type", "id", "metadata", "source", "attachments")
		case "code":
			allowKeys(t, c, "cell", "cell_type", "id", "metadata", "source", "outputs", "execution_count")
			checkCount(t, c, "cell")
			outs, ok := c["outputs"].([]interface{})
			if !ok {
				t.Errorf("cell %d: outputs is not a list", i)
				continue
			}
			for j := range outs {
				checkOutput(t, i, j, outs[j])
			}
		default:
			t.Errorf("cell %d: cell_type %v", i, c["cell_type"])
		}
	}
}

func checkOutput(t *testing.T, i, j int, v interface{}) {
	t.Helper()
	o, ok := v.(map[string]interface{})
	if !ok {
		t.Errorf("cell %d output %d is not an object", i, j)
		return
	}
	where := "output"
	switch o["output_type"] {
	case "stream":
		allowKeys(t, o, where, "output_type", "name", "text")
		if o["name"] != "stdout" && o["name"] != "stderr" {
			t.Errorf("cell %d output %d: stream name %v", i, j, o["name"])
		}
		if _, err := joinSource(o["text"]); err != nil {
			t.Errorf("cell %d output %d: text: %v", i, j, err)
		}
	case "display_data":
		allowKeys(t, o, where, "output_type", "data", "metadata", "transient")
		checkBundle(t, i, j, o)
	case "execute_result":
		allowKeys(t, o, where, "output_type", "data", "metadata", "execution_count")
		checkCount(t, o, where)
		checkBundle(t, i, j, o)
	case "error":
		allowKeys(t, o, where, "output_type", "ename", "evalue", "traceback")
		for _, k := range []string{"ename", "evalue"} {
			if _, ok := o[k].(string); !ok {
				t.Errorf("cell %d output %d: %s is not a string", i, j, k)
			}
		}
		tb, ok := o["traceback"].([]interface{})
		if !ok {
			t.Errorf("cell %d output %d: traceback is not a list", i, j)
		}
		for _, l := range tb {
			if _, ok := l.(string); !ok {
				t.Errorf("cell %d output %d: traceback holds a %T", i, j, l)
			}
		}
	default:
		t.Errorf("cell %d output %d: output_type %v", i, j, o["output_type"])
	}
}

func checkBundle(t *testing.T, i, j int, o map[string]interface{}) {
	t.Helper()
	data, ok := o["data"].(map[string]interface{})
	if !ok {
		t.Errorf("cell %d output %d: data is not an object", i, j)
		return
	}
	if _, ok := o["metadata"].(map[string]interface{}); !ok {
		t.Errorf("cell %d output %d: metadata is not an object", i, j)
	}
	for mime, v := range data {
		if mime == "application/json" || strings.HasSuffix(mime, "+json") {
			continue
		}
		s, err := joinSource(v)
		if err != nil {
			t.Errorf("cell %d output %d: %s: %v", i, j, mime, err)
		}
		if strings.HasPrefix(mime, "image/png") {
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
				t.Errorf("cell %d output %d: image/png is not base64 PNG", i, j)
			}
		}
	}
}

func checkCount(t *testing.T, m map[string]interface{}, where string) {
	t.Helper()
	v, ok := m["execution_count"]
	if !ok {
		t.Errorf("%s: no execution_count", where)
		return
	}
	if n, isNum := v.(float64); v != nil && (!isNum || n < 0 || n != float64(int(n))) {
		t.Errorf("%s: execution_count %v is not a count or null", where, v)
	}
}

func allowKeys(t *testing.T, m map[string]interface{}, where string, required string, allowed ...string) {
	t.Helper()
	if _, ok := m[required]; !ok {
		t.Errorf("%s: no %s", where, required)
	}
	ok := map[string]bool{required: true}
	for _, k := range allowed {
		ok[k] = true
	}
	for k := range m {
		if !ok[k] {
			t.Errorf("%s has a key the schema forbids: %s", where, k)
		}
	}
}
