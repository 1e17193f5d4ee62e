package callback_test

import (
	"context"
	"math/rand"
	"reflect"
	"slices"
	"testing"

	"github.com/gomtl/gomtl/datasets"
	"github.com/gomtl/gomtl/mtl"
)

// synthetic returns n examples of width 6 with two learnable tasks: "a"
// (3 classes) is the argmax of the first three features, "b" (2 classes)
// is whether features 3 and 4 sum above zero. (A copy of package mtl's
// test helper.)
func synthetic(n int, seed int64) *datasets.Dataset {
	rng := rand.New(rand.NewSource(seed))
	d := &datasets.Dataset{Name: "synthetic", Shape: []int{6}, Features: make([]float32, n*6),
		Labels: []datasets.Labels{{Task: "a", Classes: 3, Values: make([]int, n)}, {Task: "b", Classes: 2, Values: make([]int, n)}}}
	for i := 0; i < n; i++ {
		x := d.Features[i*6 : (i+1)*6]
		for j := range x {
			x[j] = float32(rng.NormFloat64())
		}
		a := 0
		for j := 1; j < 3; j++ {
			if x[j] > x[a] {
				a = j
			}
		}
		d.Labels[0].Values[i] = a
		if x[3]+x[4] > 0 {
			d.Labels[1].Values[i] = 1
		}
	}
	return d
}

// tinySpec is a small two-task MLP for synthetic data.
func tinySpec() mtl.Spec {
	return mtl.Spec{Input: []int{6}, Shared: []mtl.Layer{mtl.Dense(8, mtl.ReLU)},
		Tasks: []mtl.Task{mtl.Classify("a", 3), mtl.Classify("b", 2)}, Seed: 3}
}

// trainData is the training data of every run: 100 examples, of which
// the last 20 validate, so 80 train in 5 steps of 16 per epoch.
func trainData() *datasets.Dataset { return synthetic(100, 1) }

// stepsPerEpoch is the number of steps of one epoch on trainData.
const stepsPerEpoch = 5

// fitConfig is the configuration of every run, with the given epochs and
// callbacks.
func fitConfig(epochs int, cbs ...mtl.Callback) mtl.FitConfig {
	return mtl.FitConfig{Epochs: epochs, BatchSize: 16, ValidationSplit: 0.2, Seed: 4, Callbacks: cbs}
}

// fit trains a fresh model of tinySpec on trainData with cfg.
func fit(t *testing.T, ctx context.Context, cfg mtl.FitConfig) (*mtl.Model, *mtl.History, error) {
	t.Helper()
	m, err := mtl.New(tinySpec())
	if err != nil {
		t.Fatal(err)
	}
	h, err := m.Fit(ctx, trainData(), cfg)
	return m, h, err
}

// mustFit is fit for runs that must succeed.
func mustFit(t *testing.T, cfg mtl.FitConfig) (*mtl.Model, *mtl.History) {
	t.Helper()
	m, h, err := fit(t, context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m, h
}

// rateLog returns a callback that appends the learning rate of every
// epoch, read at EpochStart, to *rates.
func rateLog(rates *[]float64) mtl.Callback {
	return mtl.CallbackFunc(func(tr *mtl.Training, e mtl.Event) error {
		if e.Kind == mtl.EpochStart {
			*rates = append(*rates, tr.LearningRate())
		}
		return nil
	})
}

// feed returns a callback that sets key in every epoch's row to vals[epoch-1]
// at EpochEnd (the row is shared by the callbacks that follow), so that
// the callbacks after it see a scripted sequence of monitored values.
func feed(key string, vals ...float64) mtl.Callback {
	return mtl.CallbackFunc(func(_ *mtl.Training, e mtl.Event) error {
		if e.Kind == mtl.EpochEnd {
			e.Metrics[key] = vals[e.Epoch-1]
		}
		return nil
	})
}

// weightsAt returns a callback that stores a copy of the model's weights
// at every EpochEnd in w, by epoch.
func weightsAt(w map[int]*mtl.Weights) mtl.Callback {
	return mtl.CallbackFunc(func(tr *mtl.Training, e mtl.Event) error {
		if e.Kind == mtl.EpochEnd {
			w[e.Epoch] = tr.Model().CopyWeights()
		}
		return nil
	})
}

// fallingLoss fails the test unless every epoch's training loss after the
// first is below the first's: the premise of the runs that monitor "loss"
// in mode "max", where then nothing improves after epoch 1.
func fallingLoss(t *testing.T, h *mtl.History) {
	t.Helper()
	loss := h.Metrics["loss"]
	for i := 1; i < len(loss); i++ {
		if !(loss[i] < loss[0]) {
			t.Fatalf("training loss %v does not stay below epoch 1's; the test's premise fails", loss)
		}
	}
}

// sameRun fails unless two runs ended with identical weights and
// histories (training time aside).
func sameRun(t *testing.T, what string, m1, m2 *mtl.Model, h1, h2 *mtl.History) {
	t.Helper()
	if !reflect.DeepEqual(m1.CopyWeights(), m2.CopyWeights()) {
		t.Errorf("%s: the weights differ from the uninterrupted run's", what)
	}
	if !slices.Equal(h1.Keys, h2.Keys) || !reflect.DeepEqual(h1.Metrics, h2.Metrics) || h1.TrainExamples != h2.TrainExamples {
		t.Errorf("%s: the history differs:\n got %v\nwant %v", what, h2.Metrics, h1.Metrics)
	}
}
