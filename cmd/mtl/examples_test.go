package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/gomtl/gomtl/mtl"
)

var update = flag.Bool("update", false, "rewrite the spec files of examples/ from the specs the flags build")

// An exampleSpec is a spec file of examples/ and the train flags that
// build the same model: the file is the marshalled spec of its flags. A
// baseline, which no flags build, gives its dataset and the function that
// builds its spec instead.
type exampleSpec struct {
	file     string
	args     []string
	dataset  string
	baseline func(t *testing.T) mtl.Spec
}

// exampleSpecs are the spec files of examples/.
var exampleSpecs = []exampleSpec{
	{file: "multimnist-hard.json", args: []string{"--dataset", "multimnist", "--arch", "hard"}},
	{file: "multimnist-cross-stitch.json", args: []string{"--dataset", "multimnist", "--arch", "cross-stitch"}},
	{file: "multimnist-mmoe.json", args: []string{"--dataset", "multimnist", "--arch", "mmoe"}},
	{file: "multimnist-cgc.json", args: []string{"--dataset", "multimnist", "--arch", "cgc"}},
	{file: "multimnist-ple.json", args: []string{"--dataset", "multimnist", "--arch", "ple"}},
	{file: "multimnist-cascade.json", args: []string{"--dataset", "multimnist", "--arch", "cascade"}},
	{file: "mmoe-synth-mmoe.json", args: []string{"--dataset", "mmoe-synth", "--arch", "mmoe"}},
	{file: "mnist-loc-hard.json", args: []string{"--dataset", "mnist-loc", "--arch", "hard"}},
	{file: "mnist-spam.json", args: []string{"--dataset", "mnist+spam"}},
	{file: "mnist-digit-only.json", dataset: "mnist", baseline: func(t *testing.T) mtl.Spec { return mnistSpamBaseline(t, imageInput) }},
	{file: "spam-only.json", dataset: "spam", baseline: func(t *testing.T) mtl.Spec { return mnistSpamBaseline(t, textInput) }},
}

// mnistSpamBaseline returns the single-task baseline of mnist+spam's
// input: a single-input model of the input's shape whose shared layers
// are the input's encoder and then the shared block, as deep as the path
// the input takes through the multi-input model, with the tasks that read
// the input.
func mnistSpamBaseline(t *testing.T, input string) mtl.Spec {
	t.Helper()
	_, _, spec := trainSpec(t, "--dataset", "mnist+spam")
	for _, in := range spec.Inputs {
		if in.Name == input {
			base := mtl.Spec{Input: in.Shape, Shared: slices.Concat(in.Encoder, spec.Shared), Seed: spec.Seed}
			for _, task := range inputTasks(spec, input) {
				task.Input = ""
				base.Tasks = append(base.Tasks, task)
			}
			return base
		}
	}
	t.Fatalf("mnist+spam has no input %q", input)
	return mtl.Spec{}
}

// build returns the spec the example's flags build, or its baseline, and
// the dataset it trains on.
func (ex exampleSpec) build(t *testing.T) (mtl.Spec, string) {
	t.Helper()
	if ex.baseline != nil {
		return ex.baseline(t), ex.dataset
	}
	_, d, spec := trainSpec(t, ex.args...)
	return spec, d.name
}

// exampleJSON is how the spec files are written.
func exampleJSON(t *testing.T, spec mtl.Spec) []byte {
	t.Helper()
	b, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// Every file of examples/ is a spec that mtl.New builds, equal to what its
// flags (or its baseline) build and written exactly as they marshal it,
// that trains as given on its dataset; the README lists every file with
// that command. go test -run TestExampleSpecs -update rewrites the files.
func TestExampleSpecs(t *testing.T) {
	const dir = "examples"
	byFile := map[string]exampleSpec{}
	for _, ex := range exampleSpecs {
		byFile[ex.file] = ex
		if *update {
			spec, _ := ex.build(t)
			if err := os.WriteFile(filepath.Join(dir, ex.file), exampleJSON(t, spec), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, entry := range entries {
		name := entry.Name()
		if filepath.Ext(name) != ".json" {
			continue
		}
		seen++
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			ex, ok := byFile[name]
			if !ok {
				t.Fatalf("%s is not in exampleSpecs", path)
			}
			got, err := mtl.ReadSpecFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := mtl.New(got); err != nil {
				t.Fatalf("mtl.New: %v", err)
			}
			want, dataset := ex.build(t)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s:\n%+v\nthe flags %v (or the baseline) build:\n%+v", path, got, ex.args, want)
			}
			raw, _ := os.ReadFile(path)
			if !bytes.Equal(raw, exampleJSON(t, want)) {
				t.Errorf("%s is not the marshalled spec of %v (or of the baseline); run go test -run TestExampleSpecs -update", path, ex.args)
			}
			// The file trains as given, with the spec's dataset.
			if _, _, spec := trainSpec(t, "--spec", path, "--dataset", dataset); !reflect.DeepEqual(spec, want) {
				t.Errorf("train --spec %s builds\n%+v\nwant\n%+v", path, spec, want)
			}
			cmd := "go run ./cmd/mtl train --spec cmd/mtl/examples/" + name + " --dataset " + dataset
			if !strings.Contains(string(readme), cmd) {
				t.Errorf("%s/README.md lacks %q", dir, cmd)
			}
		})
	}
	if seen != len(exampleSpecs) {
		t.Errorf("%s holds %d spec files, want the %d of exampleSpecs", dir, seen, len(exampleSpecs))
	}
}
