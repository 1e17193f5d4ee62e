package mtl

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// fuzzSpecs are small specs, one of each feature a spec file can use, that
// seed FuzzParseSpec and, saved, FuzzLoad. They pass fuzzBuildable.
var fuzzSpecs = []string{
	`{"input": [4], "shared": [{"kind": "dense", "units": 3, "activation": "relu"}], "tasks": [{"name": "a", "kind": "classify", "classes": 3}], "seed": 1}`,
	`{"input": [1, 6, 6], "shared": [{"kind": "conv2d", "filters": 2, "kernel": 3, "stride": 1, "padding": 1, "activation": "leaky_relu"}, {"kind": "batchnorm"},
	  {"kind": "maxpool", "size": 2}, {"kind": "flatten"}, {"kind": "dropout", "rate": 0.25}, {"kind": "dense", "units": 4, "activation": "tanh"}],
	  "tasks": [{"name": "c", "kind": "classify", "classes": 2, "weight": 0.5}, {"name": "r", "kind": "regress", "outputs": 2, "loss": "huber"},
	  {"name": "b", "kind": "box", "outputs": 4}], "weighting": {"name": "uw"}, "seed": 2}`,
	`{"input": [3], "arch": {"kind": "cross-stitch"}, "shared": [{"kind": "dense", "units": 2, "activation": "sigmoid"}],
	  "tasks": [{"name": "x", "kind": "binary", "classes": 2}, {"name": "y", "kind": "regress", "outputs": 1}], "weighting": {"name": "dwa", "temperature": 2}}`,
	`{"input": [2, 3], "arch": {"kind": "mmoe", "experts": 2}, "shared": [{"kind": "dense", "units": 2}],
	  "tasks": [{"name": "p", "kind": "classify", "classes": 2, "head": [{"kind": "dense", "units": 2, "activation": "relu"}]},
	  {"name": "q", "kind": "binary", "classes": 2}], "weighting": {"name": "gradnorm", "alpha": 1.5, "lr": 0.01}, "seed": -3}`,
	`{"input": [3], "arch": {"kind": "cgc", "experts": 1, "task_experts": 2}, "shared": [{"kind": "dense", "units": 2}],
	  "tasks": [{"name": "p", "kind": "classify", "classes": 2}, {"name": "q", "kind": "regress", "outputs": 1}], "weighting": {"name": "rlw", "seed": 9}}`,
	`{"input": [3], "arch": {"kind": "ple", "levels": 3, "upper": [{"kind": "dense", "units": 2, "activation": "relu"}]}, "shared": [{"kind": "dense", "units": 2}],
	  "tasks": [{"name": "p", "kind": "classify", "classes": 2}, {"name": "q", "kind": "binary", "classes": 2}], "weighting": {"name": "gls"}}`,
	`{"input": [4], "shared": [{"kind": "dense", "units": 3}], "tasks": [{"name": "up", "kind": "classify", "classes": 3, "head": [{"kind": "dense", "units": 2}]},
	  {"name": "down", "kind": "binary", "classes": 2, "cascade": {"from": "up", "output": "hidden", "stop_gradient": true}},
	  {"name": "down2", "kind": "regress", "outputs": 1, "cascade": {"from": "down"}}], "weighting": {"name": "ew"}}`,
	`{"inputs": [{"name": "image", "shape": [1, 4, 4], "encoder": [{"kind": "conv2d", "filters": 1, "kernel": 2}, {"kind": "flatten"}, {"kind": "dense", "units": 3}]},
	  {"name": "text", "shape": [5], "encoder": [{"kind": "dense", "units": 3, "activation": "relu"}]}],
	  "shared": [{"kind": "dense", "units": 2}], "tasks": [{"name": "digit", "kind": "classify", "classes": 3, "input": "image"},
	  {"name": "spam", "kind": "binary", "classes": 2, "input": "text"}], "seed": 4}`,
}

// The bounds of fuzzBuildable: a spec within them builds in milliseconds.
const (
	fuzzMaxWidth  = 1024 // values per example of an input
	fuzzMaxImage  = 256  // values per example of an input with more than one dimension
	fuzzMaxUnits  = 64   // units, classes and outputs
	fuzzMaxFilter = 8    // filters
	fuzzMaxWindow = 8    // kernel size, pooling size and stride
	fuzzMaxPad    = 2    // padding
	fuzzMaxCount  = 3    // experts, task experts, levels and inputs
	fuzzMaxTasks  = 4    // tasks
	fuzzMaxLayers = 24   // layers written in the spec, all lists together
)

// fuzzBuildable reports whether New can build s in a fuzzing budget: a
// fuzzer that raised a width to a million would otherwise spend its time
// (and memory) initialising weights. Sizes below their minimum are left to
// Validate.
func fuzzBuildable(s Spec) bool {
	shapeOK := func(shape []int) bool {
		w := 1
		for _, d := range shape {
			if d > fuzzMaxWidth {
				return false
			}
			w *= max(d, 1)
		}
		return w <= fuzzMaxWidth && (len(shape) < 2 || w <= fuzzMaxImage)
	}
	layers := 0
	layersOK := func(ls []Layer) bool {
		layers += len(ls)
		for _, l := range ls {
			if l.Units > fuzzMaxUnits || l.Filters > fuzzMaxFilter || l.Kernel > fuzzMaxWindow ||
				l.Size > fuzzMaxWindow || l.Stride > fuzzMaxWindow || l.Padding > fuzzMaxPad {
				return false
			}
		}
		return true
	}
	a := s.Arch
	if !shapeOK(s.Input) || !layersOK(s.Shared) || !layersOK(a.Upper) ||
		a.Experts > fuzzMaxCount || a.TaskExperts > fuzzMaxCount || a.Levels > fuzzMaxCount ||
		len(s.Inputs) > fuzzMaxCount || len(s.Tasks) > fuzzMaxTasks {
		return false
	}
	for _, in := range s.Inputs {
		if !shapeOK(in.Shape) || !layersOK(in.Encoder) {
			return false
		}
	}
	for _, t := range s.Tasks {
		if t.Classes > fuzzMaxUnits || t.Outputs > fuzzMaxUnits || !layersOK(t.Head) {
			return false
		}
	}
	return layers <= fuzzMaxLayers
}

// FuzzParseSpec checks that ParseSpec never panics and returns either an
// error and the zero Spec, or a spec that validates and that reads back
// the same from its own JSON; and that New builds a small one without
// panicking, into a model that reports that spec. The seeds are the spec
// files of cmd/mtl/examples, read when the fuzzing starts, and
// fuzzSpecs.
func FuzzParseSpec(f *testing.F) {
	examples, err := filepath.Glob(filepath.Join("..", "cmd", "mtl", "examples", "*.json"))
	if err != nil || len(examples) == 0 {
		f.Fatalf("no example spec files (%v)", err)
	}
	for _, path := range examples {
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range fuzzSpecs {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		orig := bytes.Clone(in)
		s, err := ParseSpec(in)
		if !bytes.Equal(in, orig) {
			t.Fatal("ParseSpec modified its input")
		}
		if err != nil {
			if !reflect.DeepEqual(s, Spec{}) {
				t.Fatalf("spec %+v returned with error %v", s, err)
			}
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("ParseSpec accepted a spec that does not validate: %v", err)
		}
		js := fuzzSpecJSON(t, s)
		again, err := ParseSpec(js)
		if err != nil {
			t.Fatalf("ParseSpec of its own result's JSON: %v\n%s", err, js)
		}
		if js2 := fuzzSpecJSON(t, again); !bytes.Equal(js, js2) {
			t.Fatalf("JSON round trip changed the spec:\n%s\n%s", js, js2)
		}
		if !fuzzBuildable(s) {
			return
		}
		m, err := New(s)
		if err != nil {
			// A spec can validate and still not build (a kernel larger
			// than its input); a panic is a bug.
			if strings.Contains(err.Error(), "unexpected panic") {
				t.Fatalf("New: %v", err)
			}
			return
		}
		if got := fuzzSpecJSON(t, m.Spec()); !bytes.Equal(got, js) {
			t.Fatalf("the model's spec differs from the one it was built from:\n%s\n%s", got, js)
		}
		if m.NumParams() < 1 || len(m.Params()) < 1 {
			t.Fatalf("model with %d parameters in %d tensors", m.NumParams(), len(m.Params()))
		}
	})
}

// fuzzSpecJSON returns the JSON of s, which cannot fail for a spec that
// validates.
func fuzzSpecJSON(t *testing.T, s Spec) []byte {
	t.Helper()
	js, err := json.Marshal(s)
	if err != nil {
		t.Fatalf("encoding a valid spec: %v", err)
	}
	return js
}
