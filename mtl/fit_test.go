package mtl

import (
	"context"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/gomtl/gomtl/datasets"
	"github.com/gomtl/gomtl/mtl/optim"
)

// TestSeedModelLearnsMNIST trains the seed model on the first 10,000 MNIST
// training images (8,000 after the validation split) for 2 epochs and
// checks held-out accuracy on 2,000 test images. The thresholds sit about
// two points under what this run measured when it was written (see the
// log line), far above chance (10% and 50%).
func TestSeedModelLearnsMNIST(t *testing.T) {
	train, test := mnist(t)
	m := MustNew(seedSpec())
	hist, err := m.Fit(context.Background(), train, FitConfig{Epochs: 2, Limit: 10000, ValidationSplit: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	if hist.TrainExamples != 2*8000 {
		t.Errorf("trained on %d examples, want 2 epochs of 8000", hist.TrainExamples)
	}
	res, err := m.Evaluate(context.Background(), test.Head(2000))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("test accuracy: %+v", res.Tasks)
	for _, tc := range []struct {
		task string
		min  float64
	}{{"digit", 0.86}, {"parity", 0.91}} { // measured 0.882 and 0.931
		r, ok := res.Task(tc.task)
		if !ok || r.Accuracy < tc.min {
			t.Errorf("%s test accuracy %.4f, want >= %.2f", tc.task, r.Accuracy, tc.min)
		}
		if val, _ := hist.Last("val_" + tc.task + "_accuracy"); val < tc.min {
			t.Errorf("%s validation accuracy %.4f, want >= %.2f", tc.task, val, tc.min)
		}
	}
}

func TestFitIsDeterministic(t *testing.T) {
	fit := func(seed int64) *History {
		m := MustNew(syntheticSpec())
		h, err := m.Fit(context.Background(), synthetic(300, 1), FitConfig{Epochs: 2, BatchSize: 16, ValidationSplit: 0.2, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	a, b, c := fit(1), fit(1), fit(2)
	if !reflect.DeepEqual(a.Metrics, b.Metrics) {
		t.Errorf("same seed, different histories:\n%v\n%v", a.Metrics, b.Metrics)
	}
	if reflect.DeepEqual(a.Metrics["loss"], c.Metrics["loss"]) {
		t.Error("seeds 1 and 2 gave the same training losses; the shuffle seed is ignored")
	}
}

// TestPartialBatchIsTrained uses 70 examples at batch 32: three steps per
// epoch, the last with 6 examples, and every example counted.
func TestPartialBatchIsTrained(t *testing.T) {
	var steps, lastExamples int
	rec := RecorderFunc(func(e Event) {
		if e.Kind == BatchEnd {
			steps++
			lastExamples = e.Examples
		}
	})
	m := MustNew(syntheticSpec())
	h, err := m.Fit(context.Background(), synthetic(70, 1), FitConfig{BatchSize: 32, Recorder: rec})
	if err != nil {
		t.Fatal(err)
	}
	if steps != 3 || lastExamples != 70 || h.TrainExamples != 70 {
		t.Errorf("steps %d, examples at the last step %d, trained %d; want 3, 70, 70", steps, lastExamples, h.TrainExamples)
	}
	// Evaluation of 300 examples uses batches of 256 and 44.
	res, err := m.Evaluate(context.Background(), synthetic(300, 2))
	if err != nil {
		t.Fatal(err)
	}
	if res.Examples != 300 {
		t.Errorf("evaluated %d examples, want 300", res.Examples)
	}
}

func TestFitLearnsSynthetic(t *testing.T) {
	for _, name := range []string{optim.AdamName, optim.SGDName, optim.MomentumName, optim.RMSPropName} {
		t.Run(name, func(t *testing.T) {
			m := MustNew(syntheticSpec())
			lr := map[string]float64{optim.AdamName: 0.01, optim.RMSPropName: 0.01, optim.SGDName: 0.1, optim.MomentumName: 0.05}[name]
			_, err := m.Fit(context.Background(), synthetic(2000, 1), FitConfig{Epochs: 5, Optimizer: optim.Config{Name: name, LearningRate: lr}})
			if err != nil {
				t.Fatal(err)
			}
			res, err := m.Evaluate(context.Background(), synthetic(1000, 99))
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range res.Tasks {
				if r.Accuracy < 0.85 {
					t.Errorf("task %s held-out accuracy %.3f, want >= 0.85", r.Task, r.Accuracy)
				}
			}
		})
	}
}

func TestHistoryKeysAndCSV(t *testing.T) {
	m := MustNew(syntheticSpec())
	h, err := m.Fit(context.Background(), synthetic(100, 1), FitConfig{Epochs: 2, ValidationSplit: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"loss", "a_loss", "a_accuracy", "b_loss", "b_accuracy", "val_loss", "val_a_loss", "val_a_accuracy", "val_b_loss", "val_b_accuracy"}
	if !reflect.DeepEqual(h.Keys, want) || h.Epochs() != 2 {
		t.Fatalf("keys %v over %d epochs, want %v over 2", h.Keys, h.Epochs(), want)
	}
	// The total is the weighted sum of the task losses (weights 1).
	for e := 0; e < 2; e++ {
		if got, sum := h.Metrics["val_loss"][e], h.Metrics["val_a_loss"][e]+h.Metrics["val_b_loss"][e]; math.Abs(got-sum) > 1e-6 {
			t.Errorf("epoch %d: val_loss %v, task sum %v", e+1, got, sum)
		}
	}
	var b strings.Builder
	if err := h.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 3 || lines[0] != "epoch,"+strings.Join(want, ",") || !strings.HasPrefix(lines[2], "2,") {
		t.Errorf("csv:\n%s", b.String())
	}
}

func TestFitErrors(t *testing.T) {
	good := synthetic(50, 1)
	edit := func(f func(*datasets.Dataset)) *datasets.Dataset {
		d := synthetic(50, 1)
		f(d)
		return d
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name string
		ctx  context.Context
		data *datasets.Dataset
		cfg  FitConfig
		want string
		is   error
	}{
		{"nil data", nil, nil, FitConfig{}, "training data is nil", nil},
		{"empty data", nil, edit(func(d *datasets.Dataset) { d.Features = nil; d.Labels[0].Values = nil; d.Labels[1].Values = nil }), FitConfig{}, "empty", datasets.ErrEmpty},
		{"label out of range", nil, edit(func(d *datasets.Dataset) { d.Labels[1].Values[17] = 2 }), FitConfig{}, `task "b": example 17: label 2 outside [0, 2)`, nil},
		{"wrong width", nil, edit(func(d *datasets.Dataset) { d.Shape = []int{5}; d.Features = d.Features[:250] }), FitConfig{}, "examples of shape [5] (width 5), but the model's input is [6] (width 6)", nil},
		{"missing task", nil, edit(func(d *datasets.Dataset) { d.Labels = d.Labels[:1] }), FitConfig{}, `task "b"`, nil},
		{"class count", nil, edit(func(d *datasets.Dataset) { d.Labels[0].Classes = 4 }), FitConfig{}, `task "a" has 4 classes, but the model's task has 3`, nil},
		{"nan feature", nil, edit(func(d *datasets.Dataset) { d.Features[6*9+2] = float32(math.NaN()) }), FitConfig{}, "example 9", nil},
		{"bad split", nil, good, FitConfig{ValidationSplit: 1}, "validation split 1", nil},
		{"bad batch", nil, good, FitConfig{BatchSize: -4}, "batch size -4", nil},
		{"bad optimizer", nil, good, FitConfig{Optimizer: optim.Config{Name: "adagrad"}}, `unknown optimizer "adagrad"`, nil},
		{"cancelled", cancelled, good, FitConfig{}, "stopped before step 1", context.Canceled},
		{"exploding loss", nil, good, FitConfig{Epochs: 3, Optimizer: optim.Config{Name: optim.SGDName, LearningRate: 1e30}}, "loss", ErrNonFinite},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := tc.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			_, err := MustNew(syntheticSpec()).Fit(ctx, tc.data, tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Fit() error = %v, want one containing %q", err, tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v is not %v", err, tc.is)
			}
		})
	}
}

func TestNonFiniteLossNamesTaskAndKeepsWeights(t *testing.T) {
	m := MustNew(syntheticSpec())
	_, err := m.Fit(context.Background(), synthetic(200, 1), FitConfig{Epochs: 5, Optimizer: optim.Config{Name: optim.SGDName, LearningRate: 1e30}})
	if !errors.Is(err, ErrNonFinite) || !strings.Contains(err.Error(), "step") || !strings.Contains(err.Error(), `task "`) {
		t.Fatalf("error %v, want ErrNonFinite naming the step and task", err)
	}
	for _, name := range m.Params() {
		for _, v := range m.params.Value(name).Data().([]float32) {
			if math.IsNaN(float64(v)) {
				t.Fatalf("parameter %s holds NaN after the failed step", name)
			}
		}
	}
}

func TestPredict(t *testing.T) {
	m := MustNew(syntheticSpec())
	d := synthetic(300, 5)
	if _, err := m.Fit(context.Background(), d, FitConfig{Epochs: 3}); err != nil {
		t.Fatal(err)
	}
	rows := make([][]float32, d.Len())
	for i := range rows {
		rows[i] = d.Features[i*6 : (i+1)*6]
	}
	preds, err := m.Predict(context.Background(), rows)
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Evaluate(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	for ti, p := range preds {
		var sum float64
		for _, v := range p.Probs[299] {
			sum += float64(v)
		}
		if math.Abs(sum-1) > 1e-5 {
			t.Errorf("task %s: probabilities of row 299 sum to %v", p.Task, sum)
		}
		hits := 0
		for i, c := range p.Classes() {
			if c == d.Labels[ti].Values[i] {
				hits++
			}
		}
		if acc := float64(hits) / 300; acc != res.Tasks[ti].Accuracy {
			t.Errorf("task %s: Predict accuracy %v, Evaluate accuracy %v", p.Task, acc, res.Tasks[ti].Accuracy)
		}
	}
	for _, tc := range []struct {
		name string
		rows [][]float32
		want string
	}{
		{"no rows", nil, "no input rows"},
		{"short row", [][]float32{make([]float32, 6), make([]float32, 5)}, "row 1 has 5 values, but the model's input [6] has width 6"},
		{"inf value", [][]float32{{0, 0, float32(math.Inf(1)), 0, 0, 0}}, "row 0 value 2 is +Inf"},
	} {
		if _, err := m.Predict(context.Background(), tc.rows); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}
