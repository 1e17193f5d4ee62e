package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// A notebook is an nbformat 4 document, kept as generic JSON so that every
// field nbrun does not touch is written back unchanged.
type notebook struct {
	path  string
	doc   map[string]interface{}
	cells []map[string]interface{}
	minor int
}

// A formatError is a notebook file that is not valid nbformat 4.
type formatError struct {
	path string
	msg  string
}

func (e *formatError) Error() string { return fmt.Sprintf("%s: malformed notebook: %s", e.path, e.msg) }

// readNotebook reads and checks the notebook at path.
func readNotebook(path string) (*notebook, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseNotebook(path, b)
}

func parseNotebook(path string, b []byte) (*notebook, error) {
	bad := func(format string, args ...interface{}) error {
		return &formatError{path: path, msg: fmt.Sprintf(format, args...)}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v interface{}
	if err := dec.Decode(&v); err != nil {
		return nil, bad("%v", err)
	}
	if dec.More() {
		return nil, bad("trailing data after the JSON document")
	}
	doc, ok := v.(map[string]interface{})
	if !ok {
		return nil, bad("not a JSON object")
	}
	major, ok := integer(doc["nbformat"])
	if !ok {
		return nil, bad("no nbformat version")
	}
	if major != 4 {
		return nil, bad("nbformat %d, want 4", major)
	}
	minor, ok := integer(doc["nbformat_minor"])
	if !ok || minor < 0 {
		return nil, bad("no nbformat_minor")
	}
	if _, ok := doc["metadata"].(map[string]interface{}); !ok {
		if doc["metadata"] != nil {
			return nil, bad("metadata is not an object")
		}
		doc["metadata"] = map[string]interface{}{}
	}
	list, ok := doc["cells"].([]interface{})
	if !ok {
		return nil, bad("cells is not a list")
	}
	nb := &notebook{path: path, doc: doc, minor: minor}
	ids := map[string]bool{}
	for i, c := range list {
		cell, ok := c.(map[string]interface{})
		if !ok {
			return nil, bad("cell %d is not an object", i)
		}
		switch cell["cell_type"] {
		case "code", "markdown", "raw":
		default:
			return nil, bad("cell %d: cell_type %v, want code, markdown or raw", i, cell["cell_type"])
		}
		if _, err := joinSource(cell["source"]); err != nil {
			return nil, bad("cell %d: source: %v", i, err)
		}
		if id, ok := cell["id"].(string); ok {
			if !cellID.MatchString(id) {
				return nil, bad("cell %d: id %q is not 1 to 64 letters, digits, - or _", i, id)
			}
			if ids[id] {
				return nil, bad("cell %d: id %q appears twice", i, id)
			}
			ids[id] = true
		} else if cell["id"] != nil {
			return nil, bad("cell %d: id is not a string", i)
		}
		if cell["cell_type"] == "code" {
			if o, ok := cell["outputs"]; ok && o != nil {
				if _, ok := o.([]interface{}); !ok {
					return nil, bad("cell %d: outputs is not a list", i)
				}
			}
		}
		nb.cells = append(nb.cells, cell)
	}
	nb.normalize(ids)
	return nb, nil
}

var cellID = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

// normalize adds what nbformat 4.5 requires and a notebook may lack: cell
// ids, code-cell outputs and metadata, and the gophernotes kernelspec and
// language_info when the notebook has none.
func (nb *notebook) normalize(ids map[string]bool) {
	meta := nb.doc["metadata"].(map[string]interface{})
	if _, ok := meta["kernelspec"]; !ok {
		meta["kernelspec"] = map[string]interface{}{"name": "gophernotes", "display_name": "Go", "language": "go"}
	}
	if _, ok := meta["language_info"]; !ok {
		meta["language_info"] = map[string]interface{}{"name": "go", "file_extension": ".go"}
	}
	for i, cell := range nb.cells {
		if _, ok := cell["metadata"].(map[string]interface{}); !ok {
			cell["metadata"] = map[string]interface{}{}
		}
		if nb.minor >= 5 {
			if _, ok := cell["id"].(string); !ok { // missing or null
				id := fmt.Sprintf("nbrun-%d", i)
				for n := 2; ids[id]; n++ {
					id = fmt.Sprintf("nbrun-%d-%d", i, n)
				}
				ids[id] = true
				cell["id"] = id
			}
		}
		if cell["cell_type"] == "code" {
			if _, ok := cell["outputs"].([]interface{}); !ok {
				cell["outputs"] = []interface{}{}
			}
			if _, ok := cell["execution_count"]; !ok {
				cell["execution_count"] = nil
			}
		}
	}
}

// source is the text of cell i.
func (nb *notebook) source(i int) string {
	s, _ := joinSource(nb.cells[i]["source"])
	return s
}

// write writes the notebook to path as nbformat does: sorted keys, one
// space of indentation, non-ASCII text as is, a final newline. It writes a
// temporary file and renames it, so a failure leaves the old file intact.
func (nb *notebook) write(path string) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(nb.doc); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".nbrun-*.ipynb")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if info, err := os.Stat(path); err == nil {
		os.Chmod(tmp.Name(), info.Mode().Perm())
	} else {
		os.Chmod(tmp.Name(), 0o644)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

func integer(v interface{}) (int, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := n.Int64()
	if err != nil {
		return 0, false
	}
	return int(i), true
}

// joinSource is a multiline string field: a string or a list of strings.
func joinSource(v interface{}) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case []interface{}:
		var b strings.Builder
		for _, s := range x {
			t, ok := s.(string)
			if !ok {
				return "", fmt.Errorf("list holds a %T, want strings", s)
			}
			b.WriteString(t)
		}
		return b.String(), nil
	case nil:
		return "", fmt.Errorf("missing")
	}
	return "", fmt.Errorf("a %T, want a string or a list of strings", v)
}

// splitLines is s as nbformat stores multiline strings: a list of lines,
// each keeping its newline.
func splitLines(s string) []interface{} {
	lines := []interface{}{}
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			lines = append(lines, s)
			break
		}
		lines = append(lines, s[:i+1])
		s = s[i+1:]
	}
	return lines
}

// bundle is a MIME bundle as nbformat stores it: text types (and
// JavaScript and SVG) as lists of lines, JSON as JSON, the rest as is.
func bundle(data map[string]interface{}) map[string]interface{} {
	out := make(map[string]interface{}, len(data))
	for mime, v := range data {
		s, ok := v.(string)
		if ok && (strings.HasPrefix(mime, "text/") || mime == "application/javascript" || mime == "image/svg+xml") {
			out[mime] = splitLines(s)
			continue
		}
		out[mime] = v
	}
	return out
}

func metadata(m map[string]interface{}) map[string]interface{} {
	if m == nil {
		return map[string]interface{}{}
	}
	return m
}

// The nbformat output kinds.

func streamOutput(name, text string) map[string]interface{} {
	return map[string]interface{}{"output_type": "stream", "name": name, "text": text}
}

func displayOutput(data, meta map[string]interface{}) map[string]interface{} {
	return map[string]interface{}{"output_type": "display_data", "data": bundle(data), "metadata": metadata(meta)}
}

func resultOutput(count int, data, meta map[string]interface{}) map[string]interface{} {
	return map[string]interface{}{"output_type": "execute_result", "execution_count": count, "data": bundle(data), "metadata": metadata(meta)}
}

func errorOutput(ename, evalue string, traceback []string) map[string]interface{} {
	tb := make([]interface{}, len(traceback))
	for i, t := range traceback {
		tb[i] = t
	}
	return map[string]interface{}{"output_type": "error", "ename": ename, "evalue": evalue, "traceback": tb}
}

// carriageReturn removes the text on a line that a later carriage return
// overwrites, as nbconvert's coalesce_streams and the Jupyter front ends
// do (a \r\n pair is kept).
var carriageReturn = regexp.MustCompile(`.*\r([^\n])`)

// finishStreams turns the collected stream texts into nbformat form:
// carriage returns applied and text split into lines.
func finishStreams(outputs []interface{}) []interface{} {
	for _, o := range outputs {
		m := o.(map[string]interface{})
		if m["output_type"] != "stream" {
			continue
		}
		text := m["text"].(string)
		if strings.Contains(text, "\r") {
			text = carriageReturn.ReplaceAllString(text, "$1")
		}
		m["text"] = splitLines(text)
	}
	return outputs
}
