package callback_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/gomtl/gomtl/mtl"
	"github.com/gomtl/gomtl/mtl/callback"
)

// The examples train a small two-task MLP on synthetic data (see
// helpers_test.go): 80 training and 20 validation examples.
func exampleModel() *mtl.Model {
	return mtl.MustNew(mtl.Spec{Input: []int{6}, Shared: []mtl.Layer{mtl.Dense(8, mtl.ReLU)},
		Tasks: []mtl.Task{mtl.Classify("a", 3), mtl.Classify("b", 2)}, Seed: 3})
}

// Early stopping on the training loss in mode "max": the loss falls, so
// no epoch improves on the first, and training stops after 1+Patience
// epochs.
func ExampleEarlyStopping() {
	es, err := callback.NewEarlyStopping(callback.EarlyStoppingConfig{Monitor: "loss", Mode: "max", Patience: 2, RestoreBestWeights: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	m := exampleModel()
	hist, err := m.Fit(context.Background(), synthetic(100, 1), mtl.FitConfig{Epochs: 10, BatchSize: 16, ValidationSplit: 0.2, Callbacks: []mtl.Callback{es}})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, best := es.Best()
	fmt.Printf("trained %d of 10 epochs, stopped after epoch %d, weights of epoch %d\n", hist.Epochs(), es.StoppedEpoch(), best)
	// Output:
	// trained 3 of 10 epochs, stopped after epoch 3, weights of epoch 1
}

// ReduceLROnPlateau halves Adam's rate (1e-3) whenever an epoch does not
// improve on the best: here every epoch after the first.
func ExampleReduceLROnPlateau() {
	r, err := callback.NewReduceLROnPlateau(callback.ReduceLROnPlateauConfig{Monitor: "loss", Mode: "max", Patience: 1, Factor: 0.5})
	if err != nil {
		fmt.Println(err)
		return
	}
	var rates []float64
	logRate := mtl.CallbackFunc(func(t *mtl.Training, e mtl.Event) error {
		if e.Kind == mtl.EpochStart {
			rates = append(rates, t.LearningRate())
		}
		return nil
	})
	_, err = exampleModel().Fit(context.Background(), synthetic(100, 1), mtl.FitConfig{Epochs: 4, BatchSize: 16, Callbacks: []mtl.Callback{r, logRate}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rates)
	// Output:
	// [0.001 0.001 0.0005 0.00025]
}

// A LearningRateScheduler sets the rate at the start of every epoch.
func ExampleLearningRateScheduler() {
	var rates []float64
	logRate := mtl.CallbackFunc(func(t *mtl.Training, e mtl.Event) error {
		if e.Kind == mtl.EpochStart {
			rates = append(rates, t.LearningRate())
		}
		return nil
	})
	cbs := []mtl.Callback{callback.LearningRateScheduler{Schedule: callback.StepDecay(1e-2, 0.5, 2)}, logRate}
	_, err := exampleModel().Fit(context.Background(), synthetic(100, 1), mtl.FitConfig{Epochs: 5, BatchSize: 16, Callbacks: cbs})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rates)
	// Output:
	// [0.01 0.01 0.005 0.005 0.0025]
}

// CosineDecay anneals the rate from 0.1 to 0 over 4 epochs.
func ExampleCosineDecay() {
	s := callback.CosineDecay(0.1, 0, 4)
	for epoch := 1; epoch <= 5; epoch++ {
		fmt.Printf("epoch %d: %.4f\n", epoch, s(epoch, 0))
	}
	// Output:
	// epoch 1: 0.1000
	// epoch 2: 0.0854
	// epoch 3: 0.0500
	// epoch 4: 0.0146
	// epoch 5: 0.0000
}

// TerminateOnNaN fails training when a loss or metric is not finite;
// here a callback before it spoils epoch 2's validation loss.
func ExampleTerminateOnNaN() {
	spoil := mtl.CallbackFunc(func(_ *mtl.Training, e mtl.Event) error {
		if e.Kind == mtl.EpochEnd && e.Epoch == 2 {
			e.Metrics["val_loss"] = math.NaN()
		}
		return nil
	})
	hist, err := exampleModel().Fit(context.Background(), synthetic(100, 1), mtl.FitConfig{Epochs: 5, BatchSize: 16, ValidationSplit: 0.2,
		Callbacks: []mtl.Callback{spoil, callback.TerminateOnNaN{}}})
	fmt.Println("not finite:", errors.Is(err, mtl.ErrNonFinite))
	fmt.Println("epochs:", hist.Epochs())
	// Output:
	// not finite: true
	// epochs: 2
}

// CSVLogger keeps a CSV of the History up to date at every epoch's end.
func ExampleCSVLogger() {
	dir, err := os.MkdirTemp("", "csvlogger")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "log.csv")
	_, err = exampleModel().Fit(context.Background(), synthetic(100, 1), mtl.FitConfig{Epochs: 3, BatchSize: 16,
		Callbacks: []mtl.Callback{callback.CSVLogger{Path: path}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	b, err := os.ReadFile(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	fmt.Println(lines[0])
	fmt.Println(len(lines)-1, "epochs")
	// Output:
	// epoch,loss,a_loss,a_accuracy,b_loss,b_accuracy
	// 3 epochs
}

// ModelCheckpoint saves the model at every epoch's end, here into a
// folder per epoch; mtl.Load reads each back.
func ExampleModelCheckpoint() {
	dir, err := os.MkdirTemp("", "modelckpt")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	mc, err := callback.NewModelCheckpoint(callback.ModelCheckpointConfig{Dir: filepath.Join(dir, "epoch-{epoch}")})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = exampleModel().Fit(context.Background(), synthetic(100, 1), mtl.FitConfig{Epochs: 3, BatchSize: 16, Callbacks: []mtl.Callback{mc}})
	if err != nil {
		fmt.Println(err)
		return
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		_, err := mtl.Load(filepath.Join(dir, e.Name()))
		fmt.Println(e.Name(), err == nil)
	}
	// Output:
	// epoch-1 true
	// epoch-2 true
	// epoch-3 true
}
