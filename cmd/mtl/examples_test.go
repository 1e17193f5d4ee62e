package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gomtl/gomtl/mtl"
)

var update = flag.Bool("update", false, "rewrite the spec files of examples/ from the specs the flags build")

// exampleSpecs are the spec files of examples/ and the train flags that
// build the same model: each file is the marshalled spec of its flags.
var exampleSpecs = []struct {
	file string
	args []string
}{
	{"multimnist-hard.json", []string{"--dataset", "multimnist", "--arch", "hard"}},
	{"multimnist-cross-stitch.json", []string{"--dataset", "multimnist", "--arch", "cross-stitch"}},
	{"multimnist-mmoe.json", []string{"--dataset", "multimnist", "--arch", "mmoe"}},
	{"multimnist-cgc.json", []string{"--dataset", "multimnist", "--arch", "cgc"}},
	{"multimnist-ple.json", []string{"--dataset", "multimnist", "--arch", "ple"}},
	{"multimnist-cascade.json", []string{"--dataset", "multimnist", "--arch", "cascade"}},
	{"mmoe-synth-mmoe.json", []string{"--dataset", "mmoe-synth", "--arch", "mmoe"}},
	{"mnist-loc-hard.json", []string{"--dataset", "mnist-loc", "--arch", "hard"}},
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
// flags build and written exactly as they marshal it; the README lists
// every file. go test -run TestExampleSpecs -update rewrites the files.
func TestExampleSpecs(t *testing.T) {
	const dir = "examples"
	byFile := map[string][]string{}
	for _, ex := range exampleSpecs {
		byFile[ex.file] = ex.args
		if *update {
			_, _, spec := trainSpec(t, ex.args...)
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
			args, ok := byFile[name]
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
			_, d, want := trainSpec(t, args...)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s:\n%+v\nthe flags %v build:\n%+v", path, got, args, want)
			}
			raw, _ := os.ReadFile(path)
			if !bytes.Equal(raw, exampleJSON(t, want)) {
				t.Errorf("%s is not the marshalled spec of %v; run go test -run TestExampleSpecs -update", path, args)
			}
			// The file trains as given, with the spec's dataset.
			if _, _, spec := trainSpec(t, "--spec", path, "--dataset", d.name); !reflect.DeepEqual(spec, want) {
				t.Errorf("train --spec %s builds\n%+v\nwant\n%+v", path, spec, want)
			}
			cmd := "go run ./cmd/mtl train --spec cmd/mtl/examples/" + name + " --dataset " + d.name
			if !strings.Contains(string(readme), cmd) {
				t.Errorf("%s/README.md lacks %q", dir, cmd)
			}
		})
	}
	if seen != len(exampleSpecs) {
		t.Errorf("%s holds %d spec files, want the %d of exampleSpecs", dir, seen, len(exampleSpecs))
	}
}
