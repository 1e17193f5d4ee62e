package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestEval(t *testing.T) {
	dir := sharedRun(t)
	tests := []struct {
		name  string
		model string
	}{
		{"run folder", dir},
		{"model folder", filepath.Join(dir, modelDir)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runMTL(context.Background(), "eval", "--model", tt.model)
			if r.code != 0 {
				t.Fatalf("%v", r)
			}
			for _, want := range []string{"10000 examples", "digit", "parity", "accuracy"} {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
				}
			}
		})
	}
}

// eval --json prints one summary line whose test metrics are those the
// training run saved: evaluation is deterministic.
func TestEvalJSON(t *testing.T) {
	dir := sharedRun(t)
	r := runMTL(context.Background(), "eval", "--model", dir, "--json")
	if r.code != 0 {
		t.Fatalf("%v", r)
	}
	lines := jsonLines(r.stdout)
	if len(lines) != 1 {
		t.Fatalf("want one JSON line, got:\n%s", r.stdout)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal([]byte(lines[0]), &got); err != nil {
		t.Fatal(err)
	}
	if string(got["message_type"]) != `"summary"` || string(got["test_examples"]) != "10000" {
		t.Errorf("summary line %s", lines[0])
	}
	if !bytes.Equal(compact(t, got["test"]), compact(t, testObject(t, dir))) {
		t.Errorf("eval test %s, summary.json test %s", got["test"], testObject(t, dir))
	}
}

func TestEvalErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing model", []string{"eval", "--model", filepath.Join(t.TempDir(), "nothing")}, "does not exist"},
		{"folder without a model", []string{"eval", "--model", t.TempDir()}, "model.json"},
		{"missing model json", []string{"eval", "--json", "--model", filepath.Join(t.TempDir(), "nothing")}, "does not exist"},
		{"predict with missing model", []string{"predict", "--model", filepath.Join(t.TempDir(), "nothing")}, "does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runMTL(context.Background(), tt.args...)
			if r.code != exitError || !strings.HasPrefix(r.stderr, "mtl: ") || !strings.Contains(r.stderr, tt.want) {
				t.Fatalf("want exit 1 and \"mtl: ...%s...\" on stderr, got %v", tt.want, r)
			}
			if strings.Contains(r.stderr, "mtl: mtl:") {
				t.Errorf("doubled prefix: %s", r.stderr)
			}
			var line exitErrorLine
			if strings.Contains(strings.Join(tt.args, " "), "--json") {
				if err := json.Unmarshal([]byte(r.stdout), &line); err != nil || line.Code != exitError || line.MessageType != "exit_error" {
					t.Errorf("stdout %q, want an exit_error line with code 1 (%v)", r.stdout, err)
				}
			} else if r.stdout != "" {
				t.Errorf("stdout not empty: %q", r.stdout)
			}
		})
	}
}
