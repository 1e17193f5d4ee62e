package main

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// A spec file trains as given, seeded by --seed, and the run records it.
func TestTrainSpecFile(t *testing.T) {
	const file = "examples/mmoe-synth-mmoe.json"
	out := filepath.Join(t.TempDir(), "run")
	r := runMTL(context.Background(), "train", "--spec", file, "--dataset", "mmoe-synth", "--seed", "3", "--limit", "500", "--epochs", "1", "--out", out)
	if r.code != 0 {
		t.Fatalf("%v", r)
	}
	sum := readSummary(t, out)
	_, _, want := trainSpec(t, "--dataset", "mmoe-synth", "--arch", "mmoe", "--seed", "3")
	if sum.Config.SpecFile != file || sum.Config.Trunk != "" || sum.Arch != "mmoe" || !reflect.DeepEqual(sum.Config.Spec, want) {
		t.Errorf("config %+v, arch %q; want spec file %s, no trunk, arch mmoe and spec %+v", sum.Config, sum.Arch, file, want)
	}
	checkTestScores(t, sum, map[string][]string{"t1": {"loss", "mae", "rmse"}, "t2": {"loss", "mae", "rmse"}})
}

// A bad spec file, or one that does not fit the dataset, is an error of
// the file (exit 1) that names the line or the task; nothing is written.
func TestSpecFileErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	seedSpec := `{
  "input": [784],
  "shared": [{"kind": "dense", "units": 64, "activation": "relu"}],
  "tasks": [
    {"name": "digit", "kind": "classify", "classes": 10},
    {"name": "parity", "kind": "classify", "classes": 2}
  ]
}
`
	tests := []struct {
		name string
		file string
		args []string
		want []string // in stderr
	}{
		{"wrong type", write("type.json", strings.Replace(seedSpec, `"classes": 2`, `"classes": "two"`, 1)), nil,
			[]string{"type.json: line 6:", `"tasks.classes"`}},
		{"syntax", write("syntax.json", strings.Replace(seedSpec, `"units": 64,`, `"units": 64,,`, 1)), nil,
			[]string{"syntax.json: line 3:"}},
		{"invalid layer", write("layer.json", strings.Replace(seedSpec, `"units": 64`, `"units": 0`, 1)), nil,
			[]string{"layer.json", "shared layer 0", "0 units"}},
		{"missing file", filepath.Join(dir, "none.json"), nil, []string{"none.json", "no such file"}},
		{"unknown task", write("task.json", strings.Replace(seedSpec, `"parity"`, `"odd"`, 1)), nil,
			[]string{`task "odd" is not a task of dataset mnist, whose tasks are "digit" (10 classes), "parity" (2 classes)`}},
		{"other class count", write("classes.json", strings.Replace(seedSpec, `"classes": 2`, `"classes": 3`, 1)), nil,
			[]string{`task "parity" has 3 classes, but in dataset mnist it has 2 classes`}},
		{"other dataset", write("seed.json", seedSpec), []string{"--dataset", "mmoe-synth"},
			[]string{`task "digit" is not a task of dataset mmoe-synth`}},
		{"classification on regression", write("kind.json", strings.NewReplacer(`"digit", "kind": "classify", "classes": 10`, `"t1", "kind": "classify", "classes": 2`,
			`"parity", "kind": "classify", "classes": 2`, `"t2", "kind": "regress", "outputs": 1`, "784", "100").Replace(seedSpec)),
			[]string{"--dataset", "mmoe-synth"}, []string{`task "t1" has 2 classes, but in dataset mmoe-synth it has 1 regression value`}},
		{"input width", write("width.json", strings.Replace(seedSpec, "784", "100", 1)), nil,
			[]string{"input [100] has 100 values per example, but dataset mnist has examples of shape [1 28 28] (784 values)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "run")
			for _, args := range [][]string{
				append([]string{"train", "--spec", tt.file, "--out", out}, tt.args...),
				append([]string{"summary", "--spec", tt.file, "--dataset", "mnist"}, tt.args...),
			} {
				r := runMTL(context.Background(), args...)
				if r.code != exitError || !strings.HasPrefix(r.stderr, "mtl: spec file") || r.stdout != "" {
					t.Errorf("%v: want exit 1 and \"mtl: spec file ...\" on stderr, got %v", args, r)
				}
				for _, want := range tt.want {
					if !strings.Contains(r.stderr, want) {
						t.Errorf("%v: stderr lacks %q\n%v", args, want, r)
					}
				}
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("%s exists after a bad spec file (stat: %v)", out, err)
			}
		})
	}
}

// eval and predict refuse a dataset whose tasks the model lacks, before
// loading it, and say which flag chooses another.
func TestModelDatasetMismatch(t *testing.T) {
	model := sharedRun(t)
	for _, args := range [][]string{
		{"eval", "--model", model, "--dataset", "mmoe-synth"},
		{"predict", "--model", model, "--dataset", "multimnist"},
	} {
		r := runMTL(context.Background(), args...)
		if r.code != exitError || !strings.Contains(r.stderr, `task "digit" is not a task of dataset`) || !strings.Contains(r.stderr, "--dataset") {
			t.Errorf("%v: want exit 1 naming the task and --dataset, got %v", args, r)
		}
	}
}
