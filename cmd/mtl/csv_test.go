package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gomtl/gomtl/datasets"
)

// irisCSV is the iris file of datasets' tests, from this package's folder.
const irisCSV = "../../datasets/testdata/csv/iris.csv"

// csvArgs trains on iris with the csv defaults: 30 epochs of 96 rows, a
// fraction of a second.
var csvArgs = []string{"train", "--dataset", "csv:" + irisCSV, "--tasks", "species:classify,petal_width:regression"}

var sharedCSV onceRun

// sharedCSVRun trains csvArgs once per test binary.
func sharedCSVRun(t *testing.T) string {
	t.Helper()
	return sharedCSV.get(t, "shared-csv", csvArgs...)
}

// A csv run classifies the iris species of the 30 held-out rows and
// predicts the petal width from the other three columns; summary.json
// records how the file was read and csv.json the statistics.
func TestTrainCSV(t *testing.T) {
	dir := sharedCSVRun(t)
	sum := readSummary(t, dir)
	checkTestScores(t, sum, map[string][]string{"species": {"accuracy", "loss"}, "petal_width": {"loss", "mae", "rmse"}})
	// Measured on this code with seed 1: accuracy 0.867 (26 of 30), mae
	// 0.237 (petal widths run from 0.1 to 2.5).
	if acc, mae := sum.Test["species"]["accuracy"], sum.Test["petal_width"]["mae"]; acc < 0.8 || mae > 0.4 {
		t.Errorf("species accuracy %v, petal_width mae %v; want >= 0.8 and <= 0.4", acc, mae)
	}
	if sum.Dataset != "csv:"+irisCSV || sum.Epochs != 30 || sum.Config.Fit.BatchSize != 16 || sum.Config.Trunk != "mlp" || sum.TestExamples != 30 || sum.TrainExamples != 96 {
		t.Errorf("dataset %q, %d epochs, batch %d, trunk %q, %d test and %d training examples; want csv:%s, 30, 16, mlp, 30, 96",
			sum.Dataset, sum.Epochs, sum.Config.Fit.BatchSize, sum.Config.Trunk, sum.TestExamples, sum.TrainExamples, irisCSV)
	}
	want := &csvRunConfig{Path: irisCSV, InfoFile: csvInfoFile, CSVConfig: datasets.CSVConfig{
		Tasks:        []datasets.CSVTask{{Name: "species", Kind: "classify"}, {Name: "petal_width", Kind: "regression"}},
		TestFraction: 0.2, Seed: 1}}
	if !reflect.DeepEqual(sum.Config.CSV, want) {
		t.Errorf("config.csv = %+v, want %+v", sum.Config.CSV, want)
	}
	if in := sum.Config.Spec.Input; !reflect.DeepEqual(in, []int{3}) {
		t.Errorf("input %v, want [3], the three feature columns", in)
	}
	info, err := readCSVInfo(filepath.Join(dir, csvInfoFile))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(info.Features, []string{"sepal_length", "sepal_width", "petal_length"}) ||
		!reflect.DeepEqual(info.Classes["species"], []string{"setosa", "versicolor", "virginica"}) {
		t.Errorf("%s: features %v, classes %v", csvInfoFile, info.Features, info.Classes)
	}
}

// eval reads the file again as the run did and gives the scores training
// saved; it standardises with the run's csv.json, not with statistics of
// its own: other means in csv.json give other scores.
func TestEvalCSV(t *testing.T) {
	dir := sharedCSVRun(t)
	got := evalJSON(t, dir)
	if sum := readSummary(t, dir); !reflect.DeepEqual(got.Test, sum.Test) || got.Dataset != sum.Dataset || got.TestExamples != 30 {
		t.Errorf("eval: %s, %d examples, %v; summary.json: %s %v", got.Dataset, got.TestExamples, got.Test, sum.Dataset, sum.Test)
	}

	moved := filepath.Join(t.TempDir(), "run")
	if err := os.CopyFS(moved, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	info, err := readCSVInfo(filepath.Join(moved, csvInfoFile))
	if err != nil {
		t.Fatal(err)
	}
	info.Mean[2] += 1 // petal_length, the most telling feature
	raw, _ := json.Marshal(info)
	if err := os.WriteFile(filepath.Join(moved, csvInfoFile), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	if other := evalJSON(t, moved); reflect.DeepEqual(other.Test, got.Test) {
		t.Errorf("eval ignored the means of %s: %v", csvInfoFile, other.Test)
	}

	os.Remove(filepath.Join(moved, csvInfoFile))
	r := runMTL(context.Background(), "eval", "--model", moved)
	if r.code != exitError || !strings.Contains(r.stderr, "csv.json is missing") {
		t.Errorf("eval without csv.json: want exit 1 naming it, got %v", r)
	}
	r = runMTL(context.Background(), "eval", "--model", filepath.Join(dir, modelDir), "--dataset", "csv:"+irisCSV)
	if r.code != exitError || !strings.Contains(r.stderr, "not the run folder of a training run on csv data") {
		t.Errorf("eval of a bare model folder on csv data: want exit 1 asking for the run folder, got %v", r)
	}
}

// evalJSON runs eval --json on the model dir and decodes its line.
func evalJSON(t *testing.T, dir string, args ...string) evalLine {
	t.Helper()
	r := runMTL(context.Background(), append([]string{"eval", "--json", "--model", dir}, args...)...)
	if r.code != 0 {
		t.Fatalf("%v", r)
	}
	var got evalLine
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	return got
}

// predict names the classes; the regression column shows the petal width
// in centimetres, as the file has it (targets are not standardised).
func TestPredictCSV(t *testing.T) {
	dir := sharedCSVRun(t)
	r := runMTL(context.Background(), "predict", "--model", dir, "--index", "0,29")
	lines := jsonLines(r.stdout)
	if r.code != 0 || len(lines) != 3 {
		t.Fatalf("want a header and 2 rows, got %v", r)
	}
	if got, want := strings.Fields(lines[0]), []string{"index", "species", "p(species)", "petal_width", "true", "species", "true", "petal_width"}; !reflect.DeepEqual(got, want) {
		t.Errorf("header %q, want %q", got, want)
	}
	// The test rows keep the file's order: the first is a setosa, the
	// last a virginica.
	if f := strings.Fields(lines[1]); f[0] != "0" || f[4] != "setosa" {
		t.Errorf("row %q, want example 0, a setosa", lines[1])
	}
	if f := strings.Fields(lines[2]); f[0] != "29" || f[4] != "virginica" {
		t.Errorf("row %q, want example 29, a virginica", lines[2])
	}
	p := predictLines(t, dir, "--index", "0")[0]
	sp := p.Predictions["species"]
	if sp.Name != []string{"setosa", "versicolor", "virginica"}[sp.Class] || p.LabelNames["species"] != "setosa" || p.Labels["species"] != 0 || len(p.Targets["petal_width"]) != 1 {
		t.Errorf("prediction %+v, want class names and a petal width target", p)
	}
	for _, args := range [][]string{{"--draw", t.TempDir()}, {"--images", "f"}} {
		if r := runMTL(context.Background(), append([]string{"predict", "--model", dir}, args...)...); r.code != exitUsage {
			t.Errorf("predict %v on csv data: want exit 2, got %v", args, r)
		}
	}
}

// A bad file is an error that names its line and column; nothing is
// written.
func TestCSVFileErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("a,b,y\n1,2,x\n3,oops,z\n4,5,x\n5,6,z\n6,7,x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"bad number", []string{"--dataset", "csv:" + bad, "--tasks", "y:binary"}, `bad.csv: line 3, column 2 ("b"): "oops" is not a number`},
		{"no such column", []string{"--dataset", "csv:" + irisCSV, "--tasks", "colour:classify"}, `no column "colour" for classify task "colour"`},
		{"missing file", []string{"--dataset", "csv:" + filepath.Join(dir, "none.csv"), "--tasks", "y:binary"}, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "run")
			r := runMTL(context.Background(), append([]string{"train", "--out", out}, tt.args...)...)
			if r.code != exitError || !strings.HasPrefix(r.stderr, "mtl: ") || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("want exit 1 and %q on stderr, got %v", tt.want, r)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("%s exists after a bad file (stat: %v)", out, err)
			}
		})
	}
}

func TestCSVUsageErrors(t *testing.T) {
	iris := "csv:" + irisCSV
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no tasks", []string{"train", "--dataset", iris}, "--tasks is required with --dataset csv:PATH"},
		{"bad kind", []string{"train", "--dataset", iris, "--tasks", "species:classify,petal_width:regress"},
			`--tasks "species:classify,petal_width:regress": task "petal_width" has kind "regress", want classify, binary or regression`},
		{"no kind", []string{"train", "--dataset", iris, "--tasks", "species"}, `"species" is not NAME:KIND`},
		{"empty name", []string{"train", "--dataset", iris, "--tasks", ":classify"}, `":classify" is not NAME:KIND`},
		{"task twice", []string{"train", "--dataset", iris, "--tasks", "species:classify,species:binary"}, `task "species" is named twice`},
		{"name mtl refuses", []string{"train", "--dataset", iris, "--tasks", "petal width:regression"}, `column "petal width" cannot name a task`},
		{"feature twice", []string{"train", "--dataset", iris, "--tasks", "species:classify", "--features", "sepal_width,sepal_width"}, `column "sepal_width" is named twice`},
		{"feature is a task", []string{"train", "--dataset", iris, "--tasks", "species:classify", "--features", "species"}, `column "species" is a task`},
		{"test fraction 1", []string{"train", "--dataset", iris, "--tasks", "species:classify", "--test-fraction", "1"}, "--test-fraction 1, want a fraction in (0, 1)"},
		{"no file", []string{"train", "--dataset", "csv:"}, `--dataset "csv:" names no file`},
		{"tasks on mnist", []string{"train", "--tasks", "digit:classify"}, "--tasks is for --dataset csv:PATH, not mnist"},
		{"cascade of one task", []string{"train", "--dataset", iris, "--tasks", "species:classify", "--arch", "cascade"}, "dataset csv:" + irisCSV + " has 1 task"},
		{"summary without tasks", []string{"summary", "--dataset", iris}, "--tasks is required"},
		{"summary model and tasks", []string{"summary", "--model", "m", "--tasks", "a:binary"}, "it excludes --tasks"},
		{"eval tasks", []string{"eval", "--model", "m", "--tasks", "a:binary"}, "flag provided but not defined: -tasks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runMTL(context.Background(), tt.args...)
			if r.code != exitUsage || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("want exit 2 and %q on stderr, got %v", tt.want, r)
			}
		})
	}
}

// --features chooses and orders the inputs; a binary task takes the two
// classes of its column.
func TestCSVFeatures(t *testing.T) {
	o, d, spec := trainSpec(t, "--dataset", "csv:"+irisCSV, "--tasks", "petal_width:regression", "--features", "petal_length,sepal_length", "--hidden", "8")
	if !reflect.DeepEqual(spec.Input, []int{2}) || spec.Shared[0].Units != 8 || len(spec.Tasks) != 1 || spec.Tasks[0].Outputs != 1 {
		t.Errorf("spec %+v, want input [2], 8 hidden units and one regression output", spec)
	}
	if got := o.src.csv.stats.Features; !reflect.DeepEqual(got, []string{"petal_length", "sepal_length"}) || d.name != "csv:"+irisCSV {
		t.Errorf("features %v of %s", got, d.name)
	}
	path := filepath.Join(t.TempDir(), "two.csv")
	if err := os.WriteFile(path, []byte("x,y\n1,no\n2,yes\n3,no\n4,yes\n5,no\n6,yes\n7,no\n8,yes\n9,no\n10,yes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, d, spec = trainSpec(t, "--dataset", "csv:"+path, "--tasks", "y:binary", "--test-fraction", "0.3", "--seed", "2")
	if spec.Tasks[0].Kind != "binary" || !reflect.DeepEqual(d.classes["y"], []string{"no", "yes"}) {
		t.Errorf("task %+v, classes %v; want a binary task of classes no and yes", spec.Tasks[0], d.classes)
	}
}
