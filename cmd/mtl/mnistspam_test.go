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

// mnistSpamArgs is the mnist+spam run the tests share: 300 training
// examples of each input, one epoch; most of its time goes to parsing the
// spam corpus.
var mnistSpamArgs = []string{"train", "--dataset", "mnist+spam", "--limit", "300", "--epochs", "1", "--test-limit", "200"}

var sharedMNISTSpam onceRun

// sharedMNISTSpamRun trains mnistSpamArgs once per test binary.
func sharedMNISTSpamRun(t *testing.T) string {
	t.Helper()
	return sharedMNISTSpam.get(t, "shared-mnist-spam", mnistSpamArgs...)
}

// mnist+spam builds the model of the article's exercise: an encoder per
// input, one shared block and a head per task, trained 5 epochs in
// batches of 32 (of each input).
func TestMNISTSpamSpec(t *testing.T) {
	o, d, spec := trainSpec(t, "--dataset", "mnist+spam", "--seed", "4")
	want := mtl.Spec{
		Inputs: []mtl.InputSpec{
			{Name: "image", Shape: []int{1, 28, 28}, Encoder: []mtl.Layer{mtl.Dense(64, mtl.ReLU)}},
			{Name: "text", Shape: []int{4096}, Encoder: []mtl.Layer{mtl.Dense(64, mtl.ReLU)}},
		},
		Shared: []mtl.Layer{mtl.Dense(64, mtl.ReLU)},
		Tasks: []mtl.Task{
			{Name: "digit", Kind: mtl.ClassifyKind, Classes: 10, Weight: 1, Input: "image"},
			{Name: "spam", Kind: mtl.BinaryKind, Classes: 2, Weight: 1, Input: "text"},
		},
		Seed: 4,
	}
	if !reflect.DeepEqual(spec, want) || o.epochs != 5 || o.batch != 32 || !d.seeded || o.src.seed != 4 {
		t.Errorf("spec %+v, %d epochs, batch %d, data seed %d; want %+v, 5, 32, 4", spec, o.epochs, o.batch, o.src.seed, want)
	}
	if _, _, spec := trainSpec(t, "--dataset", "mnist+spam", "--arch", "hard"); !reflect.DeepEqual(spec.Inputs, want.Inputs) {
		t.Errorf("--arch hard changed the inputs: %+v", spec.Inputs)
	}
}

// mnist+spam trains one model on two inputs: summary.json scores each
// task on its input's test set, counts both sets, and records the spec the
// flags build; eval of the run gives the same scores.
func TestTrainMNISTSpam(t *testing.T) {
	dir := sharedMNISTSpamRun(t)
	sum := readSummary(t, dir)
	checkTestScores(t, sum, map[string][]string{"digit": {"accuracy", "loss"}, "spam": {"accuracy", "auc", "loss"}})
	_, _, want := trainSpec(t, "--dataset", "mnist+spam")
	if sum.Dataset != "mnist+spam" || sum.Arch != "hard" || sum.Config.Trunk != "" || !reflect.DeepEqual(sum.Config.Spec, want) {
		t.Errorf("dataset %q, arch %q, trunk %q, spec %+v; want mnist+spam, hard, no trunk and the spec %+v", sum.Dataset, sum.Arch, sum.Config.Trunk, sum.Config.Spec, want)
	}
	// --limit 300 less the validation split's 60 leaves 240 examples of
	// each input: 8 steps of a batch from each, 480 examples in all.
	// --test-limit 200 keeps 200 test examples of each.
	if sum.Epochs != 1 || sum.Config.Fit.BatchSize != 32 || sum.TrainExamples != 480 || sum.TestExamples != 400 || !(sum.TrainSamplesPerSecond > 0) {
		t.Errorf("%d epochs, batch %d, %d training and %d test examples, %v samples/s; want 1, 32, 480, 400 and a positive speed",
			sum.Epochs, sum.Config.Fit.BatchSize, sum.TrainExamples, sum.TestExamples, sum.TrainSamplesPerSecond)
	}
	var hist mtl.History
	raw, err := os.ReadFile(filepath.Join(dir, historyJSONFile))
	if err == nil {
		err = json.Unmarshal(raw, &hist)
	}
	if err != nil {
		t.Fatal(err)
	}
	wantKeys := []string{"loss", "digit_loss", "digit_accuracy", "spam_loss", "spam_accuracy", "spam_auc",
		"val_loss", "val_digit_loss", "val_digit_accuracy", "val_spam_loss", "val_spam_accuracy", "val_spam_auc"}
	if !reflect.DeepEqual(hist.Keys, wantKeys) || hist.TrainExamples != 480 {
		t.Errorf("history keys %v, %d examples; want %v, 480", hist.Keys, hist.TrainExamples, wantKeys)
	}

	got := evalJSON(t, dir, "--test-limit", "200")
	if got.Dataset != "mnist+spam" || got.TestExamples != 400 || !reflect.DeepEqual(got.Test, sum.Test) {
		t.Errorf("eval: %s, %d examples, %v; summary.json: %v on 400", got.Dataset, got.TestExamples, got.Test, sum.Test)
	}
	r := runMTL(context.Background(), "eval", "--model", dir, "--test-limit", "200")
	for _, want := range []string{"400 examples", "digit", "spam", "auc"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("eval stdout lacks %q:\n%v", want, r)
		}
	}
}

// predict --input shows one input's test examples with the tasks that
// read it; --images feeds the image input from an IDX file.
func TestPredictMNISTSpam(t *testing.T) {
	dir := sharedMNISTSpamRun(t)
	text := predictLines(t, dir, "--input", "text", "--first", "5")
	if len(text) != 5 {
		t.Fatalf("got %d text predictions, want 5", len(text))
	}
	for _, p := range text {
		s, ok := p.Predictions["spam"]
		if len(p.Predictions) != 1 || !ok || len(s.Probs) != 2 || math.Abs(float64(s.Probs[0]+s.Probs[1])-1) > 1e-6 {
			t.Errorf("message %d: %+v, want the spam task's two probabilities only", p.Index, p.Predictions)
		}
		if _, ok := p.Labels["spam"]; !ok || len(p.Labels) != 1 {
			t.Errorf("message %d: labels %v, want the spam label only", p.Index, p.Labels)
		}
	}
	image := predictLines(t, dir, "--input", "image", "--index", "0,3")
	if len(image) != 2 || image[1].Index != 3 {
		t.Fatalf("got %+v, want images 0 and 3", image)
	}
	for _, p := range image {
		if d, ok := p.Predictions["digit"]; len(p.Predictions) != 1 || !ok || len(d.Probs) != 10 || d.Probability != d.Probs[d.Class] {
			t.Errorf("image %d: %+v, want the digit's ten probabilities only", p.Index, p.Predictions)
		}
	}
	// MNIST's first test image is a 7.
	if image[0].Labels["digit"] != 7 || len(image[0].Labels) != 1 {
		t.Errorf("image 0: labels %v, want digit 7 only", image[0].Labels)
	}

	tables := []struct {
		input  string
		header []string
	}{
		{"text", []string{"index", "spam", "p(spam=1)", "true", "spam"}},
		{"image", []string{"index", "digit", "p(digit)", "true", "digit"}},
	}
	for _, tt := range tables {
		r := runMTL(context.Background(), "predict", "--model", dir, "--input", tt.input, "--first", "3")
		lines := jsonLines(r.stdout)
		if r.code != 0 || len(lines) != 4 || !reflect.DeepEqual(strings.Fields(lines[0]), tt.header) {
			t.Errorf("--input %s: want the header %q and 3 rows, got %v", tt.input, tt.header, r)
		}
	}

	// The first three test images, written as uint8 [3 28 28], give the
	// predictions of the test set without labels.
	test, err := datasets.MNIST(datasets.Test)
	if err != nil {
		t.Fatal(err)
	}
	pix := make([]byte, 3*784)
	for i := range pix {
		pix[i] = byte(math.Round(float64(test.Features[i]) * 255))
	}
	var buf bytes.Buffer
	if err := datasets.WriteIDX(&buf, &datasets.IDX{Type: datasets.IDXUint8, Dims: []int{3, 28, 28}, Data: pix}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "three-idx3-ubyte")
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	fromFile := predictLines(t, dir, "--input", "image", "--images", file)
	fromTest := predictLines(t, dir, "--input", "image", "--first", "3")
	for i := range fromTest {
		fromTest[i].Labels = nil
	}
	if !reflect.DeepEqual(fromFile, fromTest) {
		t.Errorf("from the file:\n%+v\nfrom the test set:\n%+v", fromFile, fromTest)
	}
}

// --input is required for a multi-input model, must name one of its
// inputs, and is a usage error for a model of one input.
func TestPredictInputErrors(t *testing.T) {
	multi := sharedMNISTSpamRun(t)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no input", []string{"--model", multi}, `--input is required: the model has the inputs "image" [1 28 28] and "text" [4096], each with its own examples`},
		{"unknown input", []string{"--model", multi, "--input", "audio"}, `--input "audio", want "image" or "text" (the model's inputs)`},
		{"images of text", []string{"--model", multi, "--input", "text", "--images", "f"}, `--images reads 28×28 images, but the model's input "text" is [4096]`},
		{"draw", []string{"--model", multi, "--input", "image", "--draw", t.TempDir()}, `--draw draws the boxes of a box task, but the model's tasks are "digit"`},
		{"one input", []string{"--model", sharedRun(t), "--input", "image"}, "--input is for models of several inputs; the model has one, [784]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runMTL(context.Background(), append([]string{"predict"}, tt.args...)...)
			if r.code != exitUsage || !strings.HasPrefix(r.stderr, "mtl: ") || !strings.Contains(r.stderr, tt.want) || r.stdout != "" {
				t.Errorf("want exit 2 and \"mtl: ...%s...\" on stderr, got %v", tt.want, r)
			}
		})
	}
}

// A spec file for mnist+spam declares its inputs by name and width, with
// each task reading its input; a spec of one input does not fit it, nor
// does a multi-input spec fit mnist. These are errors of the file.
func TestMNISTSpamSpecErrors(t *testing.T) {
	raw, err := os.ReadFile("examples/mnist-spam.json")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, r *strings.Replacer) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(r.Replace(string(raw))), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	tests := []struct {
		name    string
		file    string
		dataset string
		want    string
	}{
		{"one input", "examples/spam-only.json", "mnist+spam",
			`input [4096]: dataset mnist+spam has the inputs "image" [1 28 28] and "text" [4096], each with its own data (a spec declares them in inputs)`},
		{"two inputs on mnist", "examples/mnist-spam.json", "mnist",
			`inputs "image" [1 28 28] and "text" [4096]: dataset mnist has one input, of shape [1 28 28] (a spec declares it in input)`},
		{"unknown input", write("words.json", strings.NewReplacer(`"text"`, `"words"`)), "mnist+spam",
			`input "words" is not an input of dataset mnist+spam, whose inputs are "image" [1 28 28] and "text" [4096]`},
		{"other width", write("width.json", strings.NewReplacer("28,\n        28", "28,\n        27")), "mnist+spam",
			`input "image" has shape [1 28 27] (756 values per example), but in dataset mnist+spam it has shape [1 28 28] (784 values)`},
		{"task on the other input", write("swap.json", strings.NewReplacer(`"input": "image"`, `"input": "text"`, `"input": "text"`, `"input": "image"`)), "mnist+spam",
			`task "digit" reads input "text", but in dataset mnist+spam it reads "image"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "run")
			for _, args := range [][]string{
				{"train", "--spec", tt.file, "--dataset", tt.dataset, "--out", out},
				{"summary", "--spec", tt.file, "--dataset", tt.dataset},
			} {
				r := runMTL(context.Background(), args...)
				if r.code != exitError || !strings.HasPrefix(r.stderr, "mtl: spec file") || !strings.Contains(r.stderr, tt.want) || r.stdout != "" {
					t.Errorf("%v: want exit 1 and \"mtl: spec file ...%s...\" on stderr, got %v", args, tt.want, r)
				}
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("%s exists after a bad spec file (stat: %v)", out, err)
			}
		})
	}
	// A saved mnist+spam model does not fit mnist.
	r := runMTL(context.Background(), "eval", "--model", sharedMNISTSpamRun(t), "--dataset", "mnist")
	if r.code != exitError || !strings.Contains(r.stderr, "does not fit the data (choose another with --dataset)") || !strings.Contains(r.stderr, "dataset mnist has one input") {
		t.Errorf("eval on mnist: want exit 1 naming --dataset and the inputs, got %v", r)
	}
}

// A spec may declare one of mnist+spam's inputs: training then reads
// that input's data only.
func TestTrainMNISTSpamOneInput(t *testing.T) {
	spec := mtl.Spec{
		Inputs: []mtl.InputSpec{{Name: imageInput, Shape: []int{784}, Encoder: []mtl.Layer{mtl.Dense(16, mtl.ReLU)}}},
		Shared: []mtl.Layer{mtl.Dense(16, mtl.ReLU)},
		Tasks:  []mtl.Task{mtl.Classify("digit", 10).WithInput(imageInput)},
	}
	file := filepath.Join(t.TempDir(), "image.json")
	if err := os.WriteFile(file, exampleJSON(t, spec), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "run")
	r := runMTL(context.Background(), "train", "--dataset", "mnist+spam", "--spec", file, "--limit", "100", "--epochs", "1", "--test-limit", "50", "--out", out)
	if r.code != 0 {
		t.Fatalf("%v", r)
	}
	sum := readSummary(t, out)
	checkTestScores(t, sum, map[string][]string{"digit": {"accuracy", "loss"}})
	if sum.TestExamples != 50 || sum.TrainExamples != 80 || sum.Config.SpecFile != file {
		t.Errorf("%d test and %d training examples, spec file %q; want 50, 80 and %s", sum.TestExamples, sum.TrainExamples, sum.Config.SpecFile, file)
	}
}

// mtl summary of mnist+spam lists each encoder, the shared block once and
// the heads, under a title that names both inputs; --json adds them.
func TestSummaryMNISTSpam(t *testing.T) {
	r := runMTL(context.Background(), "summary", "--dataset", "mnist+spam")
	lines := jsonLines(r.stdout)
	if r.code != 0 || len(lines) != 8 || lines[0] != `Architecture: hard, inputs image [1 28 28], text [4096]` {
		t.Fatalf("want a title naming both inputs, a header, 5 layers and the total, got %v", r)
	}
	// By hand: 784·64+64, 4096·64+64, 64·64+64, 64·10+10, 64+1.
	if want := "Total params: 317323"; lines[7] != want {
		t.Errorf("last line %q, want %q", lines[7], want)
	}
	for _, name := range []string{"image.encoder.0", "text.encoder.0", "shared.0", "digit.out", "spam.out"} {
		if n := strings.Count(r.stdout, "\n"+name+" "); n != 1 {
			t.Errorf("%d rows for layer %s, want 1:\n%s", n, name, r.stdout)
		}
	}
	j := runMTL(context.Background(), "summary", "--dataset", "mnist+spam", "--json")
	var line summaryCmdLine
	if err := json.Unmarshal([]byte(j.stdout), &line); err != nil || j.code != 0 {
		t.Fatalf("--json: %v (%v)", j, err)
	}
	if want := []mtl.InputInfo{{Name: "image", Shape: []int{1, 28, 28}}, {Name: "text", Shape: []int{4096}}}; !reflect.DeepEqual(line.Inputs, want) || line.Params != 317323 {
		t.Errorf("--json inputs %v, %d params; want %v, 317323", line.Inputs, line.Params, want)
	}
}

// Without the spam corpus, mnist+spam says to run make data.
func TestMNISTSpamMissingCorpus(t *testing.T) {
	t.Setenv(datasets.SpamEnv, t.TempDir())
	r := runMTL(context.Background(), "train", "--dataset", "mnist+spam", "--out", filepath.Join(t.TempDir(), "run"))
	if r.code != exitError || !strings.Contains(r.stderr, "run `make data`") {
		t.Errorf("want exit 1 telling to run make data, got %v", r)
	}
}
