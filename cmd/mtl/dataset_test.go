package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gomtl/gomtl/datasets"
	"github.com/gomtl/gomtl/mtl"
)

// Each dataset brings its tasks, trunk, epochs, batch size and learning
// rate schedule when the flags are not given, and a flag given wins.
func TestDatasetDefaults(t *testing.T) {
	tests := []struct {
		name          string
		args          []string
		epochs, batch int
		input         []int
		firstLayer    string // kind of the first shared layer
		tasks         []string
	}{
		{"mnist", nil, 5, 32, []int{784}, mtl.DenseKind, []string{"digit", "parity"}},
		{"multimnist", []string{"--dataset", "multimnist"}, 10, 256, []int{1, 28, 28}, mtl.Conv2dKind, []string{"left", "right"}},
		{"mmoe-synth", []string{"--dataset", "mmoe-synth"}, 30, 128, []int{100}, mtl.DenseKind, []string{"t1", "t2"}},
		{"flags win", []string{"--dataset", "multimnist", "--epochs", "2", "--batch", "8", "--trunk", "mlp"}, 2, 8, []int{784}, mtl.DenseKind, []string{"left", "right"}},
		{"mlp on mmoe-synth", []string{"--dataset", "mmoe-synth", "--trunk", "mlp", "--hidden", "7"}, 30, 128, []int{100}, mtl.DenseKind, []string{"t1", "t2"}},
		{"mnist-loc", []string{"--dataset", "mnist-loc"}, 15, 128, []int{1, 56, 56}, mtl.Conv2dKind, []string{"digit", "box"}},
		{"schedule flag wins", []string{"--dataset", "mnist-loc", "--lr-schedule", "exp:0.9"}, 15, 128, []int{1, 56, 56}, mtl.Conv2dKind, []string{"digit", "box"}},
		{"spam", []string{"--dataset", "spam"}, 5, 64, []int{4096}, mtl.DenseKind, []string{"spam", "hard"}},
		{"csv", []string{"--dataset", "csv:" + irisCSV, "--tasks", "species:classify"}, 30, 16, []int{4}, mtl.DenseKind, []string{"species"}},
		{"mlp on spam", []string{"--dataset", "spam", "--trunk", "mlp"}, 5, 64, []int{4096}, mtl.DenseKind, []string{"spam", "hard"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, _, spec := trainSpec(t, tt.args...)
			if o.epochs != tt.epochs || o.batch != tt.batch || o.valSplit != 0.2 {
				t.Errorf("epochs %d, batch %d, validation split %v; want %d, %d, 0.2", o.epochs, o.batch, o.valSplit, tt.epochs, tt.batch)
			}
			schedule := map[string]string{"mnist-loc": "cosine", "schedule flag wins": "exp:0.9"}[tt.name]
			if o.callbacks.lrSchedule != schedule {
				t.Errorf("learning rate schedule %q, want %q", o.callbacks.lrSchedule, schedule)
			}
			if !reflect.DeepEqual(spec.Input, tt.input) || spec.Shared[0].Kind != tt.firstLayer || !reflect.DeepEqual(taskNames(spec), tt.tasks) || spec.Seed != 1 {
				t.Errorf("spec %+v, want input %v, first layer %s, tasks %v, seed 1", spec, tt.input, tt.firstLayer, tt.tasks)
			}
		})
	}
	// The seed model is unchanged: the spec mtl train built before
	// --dataset, --trunk and --arch existed.
	_, _, spec := trainSpec(t)
	seed := mtl.Spec{Input: []int{784}, Shared: []mtl.Layer{mtl.Dense(64, mtl.ReLU)},
		Tasks: []mtl.Task{mtl.Classify("digit", 10), mtl.Classify("parity", 2)}, Seed: 1}
	if !reflect.DeepEqual(spec, seed) {
		t.Errorf("default spec %+v, want the seed model %+v", spec, seed)
	}
}

// mmoe-synth trains regression tasks: summary.json has mae and rmse, the
// history has their keys, and the generator's settings are recorded.
func TestTrainMMoESynth(t *testing.T) {
	dir := sharedSynthRun(t)
	sum := readSummary(t, dir)
	if sum.Dataset != "mmoe-synth" || sum.Arch != "mmoe" || sum.Config.Trunk != "mmoe-synth" || sum.TestExamples != 2000 {
		t.Errorf("dataset %q, arch %q, trunk %q, %d test examples; want mmoe-synth, mmoe, mmoe-synth, 2000", sum.Dataset, sum.Arch, sum.Config.Trunk, sum.TestExamples)
	}
	checkTestScores(t, sum, map[string][]string{"t1": {"loss", "mae", "rmse"}, "t2": {"loss", "mae", "rmse"}})
	for task, s := range sum.Test {
		// The loss is the mean squared error, so rmse² equals it.
		if math.Abs(s["rmse"]*s["rmse"]-s["loss"]) > 1e-4*s["loss"] || s["mae"] > s["rmse"] {
			t.Errorf("test.%s = %v: want rmse² = loss and mae <= rmse", task, s)
		}
	}
	if c := sum.Config.MMoESynth; c == nil || *c != (synthConfig{Correlation: 0.5, Seed: 1}) {
		t.Errorf("config.mmoe_synth = %+v, want correlation 0.5, seed 1", c)
	}
	var hist mtl.History
	raw, err := os.ReadFile(filepath.Join(dir, historyJSONFile))
	if err == nil {
		err = json.Unmarshal(raw, &hist)
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"t1_mae", "t1_rmse", "val_t2_mae", "val_t2_rmse"} {
		if len(hist.Metrics[k]) != 2 {
			t.Errorf("history %s = %v, want 2 epochs", k, hist.Metrics[k])
		}
	}
	if out := sharedSynth.res.stdout; !strings.Contains(out, "mae") || !strings.Contains(out, "rmse") || strings.Contains(out, "accuracy") {
		t.Errorf("stdout does not show mae and rmse only:\n%s", out)
	}
}

// eval reads the dataset from the run folder, mmoe-synth's correlation and
// seed included, and gives the test scores training saved.
func TestEvalDatasets(t *testing.T) {
	synth := filepath.Join(t.TempDir(), "synth")
	if r := runMTL(context.Background(), "train", "--dataset", "mmoe-synth", "--correlation", "-0.3", "--seed", "7",
		"--limit", "500", "--epochs", "1", "--out", synth); r.code != 0 {
		t.Fatalf("%v", r)
	}
	tests := []struct {
		name  string
		dir   string
		args  []string
		same  bool // the scores are summary.json's
		tasks []string
	}{
		{"multimnist", sharedMultiRun(t), []string{"--test-limit", "500"}, true, []string{"left", "right"}},
		{"mmoe-synth", sharedSynthRun(t), nil, true, []string{"t1", "t2"}},
		{"mmoe-synth correlation and seed", synth, nil, true, []string{"t1", "t2"}},
		{"other correlation", synth, []string{"--correlation", "0.5"}, false, []string{"t1", "t2"}},
		{"other seed", synth, []string{"--seed", "1"}, false, []string{"t1", "t2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runMTL(context.Background(), append([]string{"eval", "--json", "--model", tt.dir}, tt.args...)...)
			if r.code != 0 {
				t.Fatalf("%v", r)
			}
			var got evalLine
			if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
				t.Fatalf("%v\n%s", err, r.stdout)
			}
			sum := readSummary(t, tt.dir)
			if got.Dataset != sum.Dataset || got.Arch != sum.Arch || reflect.DeepEqual(got.Test, sum.Test) != tt.same {
				t.Errorf("eval: %s %s %v; summary.json: %s %s %v; want the same scores: %v", got.Dataset, got.Arch, got.Test, sum.Dataset, sum.Arch, sum.Test, tt.same)
			}
			r = runMTL(context.Background(), append([]string{"eval", "--model", tt.dir}, tt.args...)...)
			for _, want := range append(tt.tasks, "loss") {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("stdout lacks %q:\n%v", want, r)
				}
			}
		})
	}
}

// predict shows classes with probabilities for classification, values
// beside the targets for regression.
func TestPredictDatasets(t *testing.T) {
	_, test, err := datasets.MMoESynthetic(datasets.MMoEConfig{Correlation: 0.5, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	multi := predictLines(t, sharedMultiRun(t), "--index", "0,4")
	if len(multi) != 2 || multi[1].Index != 4 {
		t.Fatalf("got %+v, want examples 0 and 4", multi)
	}
	for _, p := range multi {
		for _, task := range []string{"left", "right"} {
			tp := p.Predictions[task]
			if len(tp.Probs) != 10 || tp.Probability != tp.Probs[tp.Class] || tp.Values != nil {
				t.Errorf("example %d %s: %+v, want 10 probabilities", p.Index, task, tp)
			}
			if _, ok := p.Labels[task]; !ok {
				t.Errorf("example %d: labels %v lack %s", p.Index, p.Labels, task)
			}
		}
	}
	synth := predictLines(t, sharedSynthRun(t), "--first", "3")
	for i, p := range synth {
		for k, task := range []string{"t1", "t2"} {
			tp := p.Predictions[task]
			want := test.Targets[k].Values[i : i+1]
			if len(tp.Values) != 1 || tp.Probs != nil || !reflect.DeepEqual(p.Targets[task], want) {
				t.Errorf("example %d %s: %+v, targets %v; want one value and targets %v", i, task, tp, p.Targets[task], want)
			}
		}
		if p.Labels != nil {
			t.Errorf("example %d: labels %v on a regression dataset", i, p.Labels)
		}
	}
	r := runMTL(context.Background(), "predict", "--model", sharedSynthRun(t), "--first", "2")
	lines := jsonLines(r.stdout)
	if r.code != 0 || len(lines) != 3 || !reflect.DeepEqual(strings.Fields(lines[0]), []string{"index", "t1", "t2", "true", "t1", "true", "t2"}) {
		t.Errorf("want a header index t1 t2 true t1 true t2 and 2 rows, got %v", r)
	}
	// The JSON of a regression task holds its values only.
	if r := runMTL(context.Background(), "predict", "--model", sharedSynthRun(t), "--first", "1", "--json"); !strings.Contains(r.stdout, `"t1":{"values":[`) || strings.Contains(r.stdout, "probs") {
		t.Errorf("regression prediction line %s", r.stdout)
	}
}

// predictLines runs predict --json on the model dir and decodes its lines.
func predictLines(t *testing.T, dir string, args ...string) []predictionLine {
	t.Helper()
	r := runMTL(context.Background(), append([]string{"predict", "--json", "--model", dir}, args...)...)
	if r.code != 0 {
		t.Fatalf("%v", r)
	}
	var out []predictionLine
	for _, line := range jsonLines(r.stdout) {
		var p predictionLine
		if err := json.Unmarshal([]byte(line), &p); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, line)
		}
		out = append(out, p)
	}
	return out
}

// --images on a MultiMNIST model normalises the pixels as MultiMNIST
// does: the first three test images, written back as uint8, give the
// predictions of the test set.
func TestPredictImagesMultiMNIST(t *testing.T) {
	dir := sharedMultiRun(t)
	test, err := datasets.MultiMNIST(datasets.Test)
	if err != nil {
		t.Fatal(err)
	}
	pix := make([]byte, 3*784)
	for i := range pix {
		v := math.Round((float64(test.Features[i])*datasets.MultiMNISTStd + datasets.MultiMNISTMean) * 255)
		pix[i] = byte(v)
	}
	file := filepath.Join(t.TempDir(), "three-idx3-ubyte")
	var buf bytes.Buffer
	if err := datasets.WriteIDX(&buf, &datasets.IDX{Type: datasets.IDXUint8, Dims: []int{3, 28, 28}, Data: pix}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	got := predictLines(t, dir, "--images", file)
	want := predictLines(t, dir, "--first", "3")
	for i := range want {
		want[i].Labels = nil
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("from the file:\n%+v\nfrom the test set:\n%+v", got, want)
	}
	r := runMTL(context.Background(), "predict", "--model", sharedSynthRun(t), "--images", file)
	if r.code != exitUsage || !strings.Contains(r.stderr, "--images reads 28×28 images, but the model's input is [100]") {
		t.Errorf("--images on an mmoe-synth model: want exit 2 and a clear message, got %v", r)
	}
}
