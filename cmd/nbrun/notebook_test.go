package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMalformedNotebook(t *testing.T) {
	tests := []struct {
		name string
		json string
		want string // in the error
	}{
		{"not JSON", `{"nbformat": 4, "cells": [`, "malformed notebook: unexpected EOF"},
		{"trailing data", `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []} {}`, "trailing data"},
		{"not an object", `[1, 2]`, "not a JSON object"},
		{"no version", `{"cells": []}`, "no nbformat version"},
		{"nbformat 3", `{"nbformat": 3, "nbformat_minor": 0, "worksheets": []}`, "nbformat 3, want 4"},
		{"version a string", `{"nbformat": "4", "nbformat_minor": 5, "cells": []}`, "no nbformat version"},
		{"no minor", `{"nbformat": 4, "cells": []}`, "no nbformat_minor"},
		{"no cells", `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}}`, "cells is not a list"},
		{"cell not an object", `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [3]}`, "cell 0 is not an object"},
		{"bad cell type", `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "python", "source": ""}]}`, "cell 0: cell_type python"},
		{"source a number", `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "source": 42}]}`, "cell 0: source: a json.Number"},
		{"source list of numbers", `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "source": [1]}]}`, "cell 0: source: list holds a json.Number"},
		{"no source", `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code"}]}`, "cell 0: source: missing"},
		{"bad id", `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "id": "a b", "source": ""}]}`, `cell 0: id "a b"`},
		{"repeated id", `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "raw", "id": "a", "source": ""}, {"cell_type": "raw", "id": "a", "source": ""}]}`, `cell 1: id "a" appears twice`},
		{"outputs not a list", `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "source": "", "outputs": {}}]}`, "cell 0: outputs is not a list"},
		{"metadata not an object", `{"nbformat": 4, "nbformat_minor": 5, "metadata": [], "cells": []}`, "metadata is not an object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseNotebook("x.ipynb", []byte(tt.json))
			var fe *formatError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v, want a *formatError", err)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "x.ipynb: malformed notebook: ") {
				t.Errorf("error %q, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestRunMalformed checks the command on malformed files: status 2, the
// file named, nothing written.
func TestRunMalformed(t *testing.T) {
	tests := []struct {
		file, want string
	}{
		{"bad_json.ipynb", "bad_json.ipynb: malformed notebook: unexpected EOF"},
		{"nbformat3.ipynb", "nbformat3.ipynb: malformed notebook: nbformat 3, want 4"},
		{"bad_cell.ipynb", "bad_cell.ipynb: malformed notebook: cell 0: source"},
		{"missing.ipynb", "missing.ipynb: no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			out := t.TempDir()
			var stderr bytes.Buffer
			code := run(context.Background(), []string{"-o", out, filepath.Join("testdata", tt.file)}, &stderr)
			if code != exitUsage {
				t.Errorf("exit status %d, want %d", code, exitUsage)
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("report %q, want one containing %q", stderr.String(), tt.want)
			}
			if entries, _ := os.ReadDir(out); len(entries) != 0 {
				t.Errorf("wrote %v", entries)
			}
		})
	}
}

func TestUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
	}{
		{nil, exitUsage},
		{[]string{"-nosuchflag", "a.ipynb"}, exitUsage},
		{[]string{"-h"}, exitOK},
		{[]string{"-o", "somewhere", "a/x.ipynb", "b/x.ipynb"}, exitUsage},
	}
	for _, tt := range tests {
		var stderr bytes.Buffer
		dir := t.TempDir()
		args := tt.args
		for i, a := range args {
			if a == "somewhere" {
				args[i] = filepath.Join(dir, a)
			}
		}
		if code := run(context.Background(), args, &stderr); code != tt.code {
			t.Errorf("nbrun %v: exit status %d, want %d (%s)", tt.args, code, tt.code, stderr.String())
		}
	}
}

func TestNormalize(t *testing.T) {
	nb, err := parseNotebook("x.ipynb", []byte(`{"nbformat": 4, "nbformat_minor": 5, "metadata": {},
		"cells": [{"cell_type": "code", "source": ["a\n", "b"]}, {"cell_type": "markdown", "id": "nbrun-1", "source": "m"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	c := nb.cells[0]
	if c["id"] != "nbrun-0" || c["execution_count"] != nil || len(c["outputs"].([]interface{})) != 0 {
		t.Errorf("code cell not completed: %v", c)
	}
	if got := nb.source(0); got != "a\nb" {
		t.Errorf("source %q, want %q", got, "a\nb")
	}
	meta := nb.doc["metadata"].(map[string]interface{})
	if ks := meta["kernelspec"].(map[string]interface{}); ks["name"] != "gophernotes" || ks["language"] != "go" || ks["display_name"] != "Go" {
		t.Errorf("kernelspec %v", ks)
	}
	if li := meta["language_info"].(map[string]interface{}); li["name"] != "go" || li["file_extension"] != ".go" {
		t.Errorf("language_info %v", li)
	}
}

func TestSplitLines(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"a", []string{"a"}},
		{"a\n", []string{"a\n"}},
		{"a\nb", []string{"a\n", "b"}},
		{"\n\n", []string{"\n", "\n"}},
	}
	for _, tt := range tests {
		got := splitLines(tt.in)
		if len(got) != len(tt.want) {
			t.Errorf("splitLines(%q) = %q, want %q", tt.in, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("splitLines(%q) = %q, want %q", tt.in, got, tt.want)
			}
		}
	}
}

// TestStreams checks the merging of consecutive writes and the carriage
// return rule (nbconvert's coalesce_streams: ".*\r(?=[^\n])" removed).
func TestStreams(t *testing.T) {
	var outs []interface{}
	outs = appendStream(outs, "stdout", "epoch 1\r")
	outs = appendStream(outs, "stdout", "epoch 2\rdone\n")
	outs = appendStream(outs, "stderr", "warn\r\n")
	outs = appendStream(outs, "stdout", "x\ry")
	outs = finishStreams(outs)
	want := []string{"stdout: done\n", "stderr: warn\r\n", "stdout: y"}
	if len(outs) != len(want) {
		t.Fatalf("%d outputs, want %d: %v", len(outs), len(want), outs)
	}
	for i, o := range outs {
		m := o.(map[string]interface{})
		if got := m["name"].(string) + ": " + text(m["text"]); got != want[i] {
			t.Errorf("output %d: %q, want %q", i, got, want[i])
		}
	}
}
