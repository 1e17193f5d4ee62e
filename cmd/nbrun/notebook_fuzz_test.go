package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// fuzzNotebooks returns the seed notebooks of the fuzz targets: every
// notebook of testdata, and the first cells of each notebook of the
// repository's notebooks folder with the outputs' data cut to text/plain
// (their images make them ~100 KB each).
func fuzzNotebooks(f *testing.F) [][]byte {
	f.Helper()
	var docs [][]byte
	small, err := filepath.Glob(filepath.Join("testdata", "*.ipynb"))
	if err != nil || len(small) == 0 {
		f.Fatalf("no testdata notebooks (%v)", err)
	}
	for _, p := range small {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		docs = append(docs, b)
	}
	big, err := filepath.Glob(filepath.Join("..", "..", "notebooks", "*.ipynb"))
	if err != nil || len(big) == 0 {
		f.Fatalf("no notebooks (%v)", err)
	}
	for _, p := range big {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			f.Fatalf("%s: %v", p, err)
		}
		cells, _ := doc["cells"].([]any)
		doc["cells"] = cells[:min(len(cells), 5)]
		for _, c := range cells {
			outputs, _ := c.(map[string]any)["outputs"].([]any)
			for _, o := range outputs {
				if data, ok := o.(map[string]any)["data"].(map[string]any); ok {
					for mime := range data {
						if mime != "text/plain" {
							delete(data, mime)
						}
					}
				}
			}
		}
		b, err = json.MarshalIndent(doc, "", " ")
		if err != nil {
			f.Fatal(err)
		}
		docs = append(docs, b)
	}
	return docs
}

// FuzzParseNotebook checks that parseNotebook never panics and returns
// either a *formatError naming the file and no notebook, or a notebook
// normalised to what nbformat 4.5 requires (metadata, and per cell a
// known cell type, a source, metadata, a unique id from minor version 5
// on, and for code cells outputs and an execution count), which write
// writes as a file that reads back the same and is written again byte for
// byte. The seeds are fuzzNotebooks, read when the fuzzing starts, and,
// in testdata/fuzz/FuzzParseNotebook, what fuzzing found.
func FuzzParseNotebook(f *testing.F) {
	for _, doc := range fuzzNotebooks(f) {
		f.Add(doc)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		orig := bytes.Clone(in)
		nb, err := parseNotebook("fuzz.ipynb", in)
		if !bytes.Equal(in, orig) {
			t.Fatal("parseNotebook modified its input")
		}
		if err != nil {
			var fe *formatError
			if nb != nil || !errors.As(err, &fe) || fe.path != "fuzz.ipynb" || fe.msg == "" {
				t.Fatalf("notebook %v returned with error %v (%T)", nb, err, err)
			}
			return
		}
		checkFuzzNotebook(t, nb)

		dir := t.TempDir()
		p := filepath.Join(dir, "a.ipynb")
		if err := nb.write(p); err != nil {
			t.Fatalf("writing the notebook: %v", err)
		}
		written, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		again, err := readNotebook(p)
		if err != nil {
			t.Fatalf("reading back what write wrote: %v\n%s", err, written)
		}
		if !reflect.DeepEqual(again.doc, nb.doc) {
			t.Fatalf("notebook changed on a write and a read:\n%s", written)
		}
		p2 := filepath.Join(dir, "b.ipynb")
		if err := again.write(p2); err != nil {
			t.Fatal(err)
		}
		if rewritten, err := os.ReadFile(p2); err != nil || !bytes.Equal(rewritten, written) {
			t.Fatalf("a second write differs (%v):\n%s\n%s", err, written, rewritten)
		}
	})
}

// checkFuzzNotebook checks that a notebook parseNotebook returned is
// normalised.
func checkFuzzNotebook(t *testing.T, nb *notebook) {
	t.Helper()
	if major, ok := integer(nb.doc["nbformat"]); !ok || major != 4 || nb.minor < 0 {
		t.Fatalf("accepted nbformat %v.%d", nb.doc["nbformat"], nb.minor)
	}
	if _, ok := nb.doc["metadata"].(map[string]any); !ok {
		t.Fatalf("metadata %v", nb.doc["metadata"])
	}
	list, _ := nb.doc["cells"].([]any)
	if len(list) != len(nb.cells) {
		t.Fatalf("%d cells of %d", len(nb.cells), len(list))
	}
	ids := map[string]bool{}
	for i, cell := range nb.cells {
		if !reflect.DeepEqual(list[i], any(cell)) {
			t.Fatalf("cell %d is not the document's", i)
		}
		switch cell["cell_type"] {
		case "code", "markdown", "raw":
		default:
			t.Fatalf("cell %d: cell_type %v", i, cell["cell_type"])
		}
		if _, err := joinSource(cell["source"]); err != nil || nb.source(i) != mustJoin(cell["source"]) {
			t.Fatalf("cell %d: source %v: %v", i, cell["source"], err)
		}
		if _, ok := cell["metadata"].(map[string]any); !ok {
			t.Fatalf("cell %d: metadata %v", i, cell["metadata"])
		}
		if id, ok := cell["id"].(string); ok {
			if !cellID.MatchString(id) || ids[id] {
				t.Fatalf("cell %d: id %q bad or repeated", i, id)
			}
			ids[id] = true
		} else if nb.minor >= 5 || cell["id"] != nil {
			t.Fatalf("cell %d of a notebook 4.%d: id %v", i, nb.minor, cell["id"])
		}
		if cell["cell_type"] == "code" {
			if _, ok := cell["outputs"].([]any); !ok {
				t.Fatalf("cell %d: outputs %v", i, cell["outputs"])
			}
			if _, ok := cell["execution_count"]; !ok {
				t.Fatalf("cell %d: no execution_count", i)
			}
		}
	}
}

// mustJoin is joinSource for a source known to be valid.
func mustJoin(v any) string {
	s, _ := joinSource(v)
	return s
}
