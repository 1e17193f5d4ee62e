package mtl

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// FuzzLoad checks that Load never panics (Load turns a panic into an
// "unexpected panic" error, which fails the test too) on a model folder
// whose model.json and weights.bin hold any bytes, and returns either an
// error and no model, or a model whose spec validates and is the
// manifest's, whose parameters are the ones the manifest lists, and which
// Save writes back as the same weights.bin, so that loading again gives
// the same model. The seeds are the fuzzSpecs models, built and saved when
// the fuzzing starts, damaged copies of the first and, in
// testdata/fuzz/FuzzLoad, the model of a real `mtl train --dataset
// csv:iris.csv` run. Manifests whose spec fuzzBuildable refuses are
// skipped: Load builds the spec before it looks at the weights.
func FuzzLoad(f *testing.F) {
	for i, s := range fuzzSpecs {
		man, weights := fuzzSavedModel(f, s)
		f.Add(man, weights)
		if i > 0 {
			continue
		}
		f.Add(man, weights[:len(weights)-1])                                                       // truncated weights
		f.Add(man, append(bytes.Clone(weights), 0))                                                // a byte too many
		f.Add(man, append([]byte{weights[0] ^ 1}, weights[1:]...))                                 // a damaged weight
		f.Add(bytes.Replace(man, []byte(`"version": 2`), []byte(`"version": 3`), 1), weights)      // a future format
		f.Add(bytes.Replace(man, []byte(`"weights.bin"`), []byte(`"../weights.bin"`), 1), weights) // a path
		f.Add(man[:len(man)/2], weights)                                                           // truncated manifest
	}
	f.Fuzz(func(t *testing.T, manifestJSON, weights []byte) {
		var head struct {
			Spec Spec `json:"spec"`
		}
		if json.Unmarshal(manifestJSON, &head) == nil && !fuzzBuildable(head.Spec) {
			t.Skip("spec too large to build while fuzzing")
		}
		dir := t.TempDir()
		for name, b := range map[string][]byte{manifestName: manifestJSON, weightsName: weights} {
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		m, err := Load(dir)
		if err != nil {
			if m != nil {
				t.Fatalf("model returned with error %v", err)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "mtl: ") || strings.Contains(msg, "unexpected panic") {
				t.Fatalf("error %q", msg)
			}
			return
		}

		var man manifest
		if err := json.Unmarshal(manifestJSON, &man); err != nil {
			t.Fatalf("Load accepted a manifest that does not decode: %v", err)
		}
		spec := m.Spec()
		if err := spec.Validate(); err != nil {
			t.Fatalf("loaded model's spec does not validate: %v", err)
		}
		if got, want := fuzzSpecJSON(t, spec), fuzzSpecJSON(t, man.Spec); !bytes.Equal(got, want) {
			t.Fatalf("loaded spec differs from the manifest's:\n%s\n%s", got, want)
		}
		names := make([]string, len(man.Params))
		for i, p := range man.Params {
			names[i] = p.Name
		}
		if !slices.Equal(m.Params(), names) {
			t.Fatalf("parameters %q, the manifest lists %q", m.Params(), names)
		}
		// The weights are in the file the manifest names, weights.bin
		// unless it was fuzzed.
		weights, err = os.ReadFile(filepath.Join(dir, man.Weights))
		if err != nil {
			t.Fatalf("Load read weights from %q, which cannot be read: %v", man.Weights, err)
		}
		if 4*m.NumParams() != len(weights) {
			t.Fatalf("%d parameters from %d bytes of weights", m.NumParams(), len(weights))
		}

		dir2 := filepath.Join(t.TempDir(), "again")
		if err := m.Save(dir2); err != nil {
			t.Fatalf("saving the loaded model: %v", err)
		}
		w2, err := os.ReadFile(filepath.Join(dir2, weightsName))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(w2, weights) {
			t.Fatal("saving the loaded model changed its weights")
		}
		m2, err := Load(dir2)
		if err != nil {
			t.Fatalf("loading the saved model: %v", err)
		}
		if got, want := fuzzSpecJSON(t, m2.Spec()), fuzzSpecJSON(t, spec); !bytes.Equal(got, want) {
			t.Fatalf("save and load changed the spec:\n%s\n%s", got, want)
		}
	})
}

// fuzzSavedModel builds the model of the JSON spec s, saves it and returns
// its model.json and weights.bin.
func fuzzSavedModel(f *testing.F, s string) (manifestJSON, weights []byte) {
	f.Helper()
	spec, err := ParseSpec([]byte(s))
	if err != nil {
		f.Fatalf("seed spec %s: %v", s, err)
	}
	m, err := New(spec)
	if err != nil {
		f.Fatalf("seed spec %s: %v", s, err)
	}
	dir := f.TempDir()
	if err := m.Save(dir); err != nil {
		f.Fatal(err)
	}
	if manifestJSON, err = os.ReadFile(filepath.Join(dir, manifestName)); err != nil {
		f.Fatal(err)
	}
	if weights, err = os.ReadFile(filepath.Join(dir, weightsName)); err != nil {
		f.Fatal(err)
	}
	return manifestJSON, weights
}
