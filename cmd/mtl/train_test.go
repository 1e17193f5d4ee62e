package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/gomtl/gomtl/mtl"
)

// The test accuracies of trainArgs (seed 1), measured on this code: digit
// 0.835, parity 0.865. The thresholds sit a few points under them.
var minTestAccuracy = map[string]float64{"digit": 0.80, "parity": 0.83}

func TestTrain(t *testing.T) {
	dir := sharedRun(t)
	r := shared.res

	// The summary: the contract keys, with plausible values.
	raw, err := os.ReadFile(filepath.Join(dir, summaryFile))
	if err != nil {
		t.Fatal(err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		t.Fatalf("%s: %v", summaryFile, err)
	}
	for _, k := range []string{"dataset", "epochs", "seed", "test", "train_samples_per_second"} {
		if _, ok := top[k]; !ok {
			t.Errorf("%s lacks %q", summaryFile, k)
		}
	}
	var sum struct {
		Dataset string                        `json:"dataset"`
		Epochs  int                           `json:"epochs"`
		Seed    int64                         `json:"seed"`
		Test    map[string]map[string]float64 `json:"test"`
		Speed   float64                       `json:"train_samples_per_second"`
	}
	if err := json.Unmarshal(raw, &sum); err != nil {
		t.Fatalf("%s: %v", summaryFile, err)
	}
	if sum.Dataset != "mnist" || sum.Epochs != 2 || sum.Seed != 1 || !(sum.Speed > 0) {
		t.Errorf("summary %+v, want dataset mnist, 2 epochs, seed 1, a positive speed", sum)
	}
	if got := slices.Sorted(maps.Keys(sum.Test)); !reflect.DeepEqual(got, []string{"digit", "parity"}) {
		t.Errorf("test tasks %v, want [digit parity]", got)
	}
	for task, min := range minTestAccuracy {
		s := sum.Test[task]
		if got := slices.Sorted(maps.Keys(s)); !reflect.DeepEqual(got, []string{"accuracy", "loss"}) {
			t.Errorf("test.%s keys %v, want [accuracy loss]", task, got)
		}
		if s["accuracy"] < min || s["accuracy"] > 1 || !(s["loss"] > 0) {
			t.Errorf("test.%s = %v, want accuracy in [%v, 1] and a positive loss", task, s, min)
		}
	}

	// The history, as CSV and as JSON.
	f, err := os.Open(filepath.Join(dir, historyCSVFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", historyCSVFile, err)
	}
	wantHeader := []string{"epoch", "loss", "digit_loss", "digit_accuracy", "parity_loss", "parity_accuracy",
		"val_loss", "val_digit_loss", "val_digit_accuracy", "val_parity_loss", "val_parity_accuracy"}
	if len(recs) != 3 || !reflect.DeepEqual(recs[0], wantHeader) || recs[1][0] != "1" || recs[2][0] != "2" {
		t.Errorf("%s = %v, want header %v and epochs 1 and 2", historyCSVFile, recs, wantHeader)
	}
	var hist mtl.History
	raw, err = os.ReadFile(filepath.Join(dir, historyJSONFile))
	if err == nil {
		err = json.Unmarshal(raw, &hist)
	}
	if err != nil {
		t.Fatalf("%s: %v", historyJSONFile, err)
	}
	if !reflect.DeepEqual(hist.Keys, wantHeader[1:]) || hist.Epochs() != 2 || hist.TrainExamples != 2*1600 {
		t.Errorf("%s: keys %v, %d epochs, %d examples; want %v, 2, 3200", historyJSONFile, hist.Keys, hist.Epochs(), hist.TrainExamples, wantHeader[1:])
	}

	// The curves and the model.
	png, err := os.ReadFile(filepath.Join(dir, curvesFile))
	if err != nil {
		t.Fatal(err)
	}
	if len(png) < 1000 || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("%s: %d bytes starting %q, want a PNG", curvesFile, len(png), png[:min(8, len(png))])
	}
	if _, err := mtl.Load(filepath.Join(dir, modelDir)); err != nil {
		t.Errorf("saved model: %v", err)
	}

	// The report: one plain line per epoch on stderr (not a terminal),
	// the test table, speed and folder on stdout.
	lines := jsonLines(r.stderr)
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "Epoch 1/2 - ") || !strings.HasPrefix(lines[1], "Epoch 2/2 - ") ||
		!strings.HasSuffix(lines[1], fmt.Sprintf("val_parity_accuracy: %.4f", hist.Metrics["val_parity_accuracy"][1])) {
		t.Errorf("stderr is not one line per epoch:\n%s", r.stderr)
	}
	for _, want := range []string{"digit", "parity", "samples/s", dir} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
}

// The same command with the same seed gives the same test metrics, byte
// for byte, and the same history.
func TestTrainDeterministic(t *testing.T) {
	first := sharedRun(t)
	second := filepath.Join(t.TempDir(), "run")
	if r := runMTL(context.Background(), append(trainArgs, "--out", second)...); r.code != 0 {
		t.Fatalf("second run: %v", r)
	}
	if a, b := testObject(t, first), testObject(t, second); !bytes.Equal(a, b) {
		t.Errorf("test metrics differ:\n%s\n%s", a, b)
	}
	a, _ := os.ReadFile(filepath.Join(first, historyCSVFile))
	b, _ := os.ReadFile(filepath.Join(second, historyCSVFile))
	if !bytes.Equal(a, b) {
		t.Errorf("histories differ:\n%s\n%s", a, b)
	}
}

// testObject returns the "test" object of the run's summary.json.
func testObject(t *testing.T, dir string) json.RawMessage {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, summaryFile))
	if err != nil {
		t.Fatal(err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		t.Fatal(err)
	}
	return top["test"]
}

// With --json, stdout is JSON lines only: a status line per epoch, then
// the summary, which matches summary.json.
func TestTrainJSON(t *testing.T) {
	out := filepath.Join(t.TempDir(), "run")
	r := runMTL(context.Background(), append(trainArgs, "--out", out, "--json")...)
	if r.code != 0 {
		t.Fatalf("%v", r)
	}
	if r.stderr != "" {
		t.Errorf("stderr not empty with --json:\n%s", r.stderr)
	}
	var types []string
	var last map[string]json.RawMessage
	for i, line := range jsonLines(r.stdout) {
		var msg map[string]json.RawMessage
		if err := json.Unmarshal([]byte(line), &msg); err != nil {
			t.Fatalf("line %d is not JSON: %v\n%s", i+1, err, line)
		}
		var typ string
		json.Unmarshal(msg["message_type"], &typ)
		types = append(types, typ)
		if typ == "status" {
			var st statusLine
			json.Unmarshal([]byte(line), &st)
			if st.Epoch != i+1 || st.Epochs != 2 || len(st.Metrics) != 10 {
				t.Errorf("status line %d: %+v", i+1, st)
			}
		}
		last = msg
	}
	if want := []string{"status", "status", "summary"}; !reflect.DeepEqual(types, want) {
		t.Fatalf("message types %v, want %v", types, want)
	}
	if !bytes.Equal(compact(t, last["test"]), compact(t, testObject(t, out))) {
		t.Errorf("summary line test %s, summary.json test %s", last["test"], testObject(t, out))
	}
	if !bytes.Equal(compact(t, last["test"]), compact(t, testObject(t, sharedRun(t)))) {
		t.Errorf("--json changed the test metrics: %s", last["test"])
	}
}

func compact(t *testing.T, raw json.RawMessage) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestTrainErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	emptyData := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"out is a file", []string{"train", "--out", filepath.Join(file, "run")}, "output folder"},
		{"data folder without MNIST", []string{"train", "--data", emptyData, "--out", filepath.Join(t.TempDir(), "run")}, "not found"},
		{"validation split leaves nothing", []string{"train", "--limit", "1", "--out", filepath.Join(t.TempDir(), "run")}, "validation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runMTL(context.Background(), tt.args...)
			if r.code != exitError || !strings.HasPrefix(r.stderr, "mtl: ") || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("want exit 1 and \"mtl: ...%s...\" on stderr, got %v", tt.want, r)
			}
		})
	}
}
