package mtl_test

import (
	"context"
	"fmt"

	"github.com/gomtl/gomtl/datasets"
	"github.com/gomtl/gomtl/mtl"
)

// The seed article's model: one input, a shared Dense(64, ReLU) layer and
// two softmax heads, trained on part of MNIST with a 20% validation split.
func Example() {
	train, _ := datasets.MNIST(datasets.Train)
	test, _ := datasets.MNIST(datasets.Test)
	m, err := mtl.New(mtl.Spec{
		Input:  []int{784},
		Shared: []mtl.Layer{mtl.Dense(64, mtl.ReLU)},
		Tasks:  []mtl.Task{mtl.Classify("digit", 10), mtl.Classify("parity", 2)},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	hist, err := m.Fit(context.Background(), train, mtl.FitConfig{Epochs: 1, Limit: 5000, ValidationSplit: 0.2})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := m.Evaluate(context.Background(), test.Head(1000))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("history:", hist.Keys[:5])
	for _, r := range res.Tasks {
		fmt.Printf("%s: test accuracy above 80%%: %v\n", r.Task, r.Accuracy > 0.8)
	}
	// Output:
	// history: [loss digit_loss digit_accuracy parity_loss parity_accuracy]
	// digit: test accuracy above 80%: true
	// parity: test accuracy above 80%: true
}

// Predict returns one probability row per input and task.
func ExampleModel_Predict() {
	m := mtl.MustNew(mtl.Spec{
		Input:  []int{2},
		Shared: []mtl.Layer{mtl.Dense(4, mtl.Tanh)},
		Tasks:  []mtl.Task{mtl.Classify("sign", 2), mtl.Classify("bucket", 3)},
	})
	preds, err := m.Predict(context.Background(), [][]float32{{0.5, -1}, {2, 0}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range preds {
		fmt.Println(p.Task, len(p.Probs), len(p.Probs[0]))
	}
	// Output:
	// sign 2 2
	// bucket 2 3
}

// Errors name the task and the problem; no panic crosses the API.
func ExampleModel_Fit_badLabel() {
	m := mtl.MustNew(mtl.Spec{Input: []int{1}, Tasks: []mtl.Task{mtl.Classify("yes", 2)}})
	data := &datasets.Dataset{
		Name: "tiny", Shape: []int{1}, Features: []float32{0, 1, 2},
		Labels: []datasets.Labels{{Task: "yes", Classes: 2, Values: []int{0, 1, 7}}},
	}
	_, err := m.Fit(context.Background(), data, mtl.FitConfig{})
	fmt.Println(err)
	// Output:
	// mtl: training data: datasets: tiny: task "yes": example 2: label 7 outside [0, 2) (or NoLabel, -1)
}
