package weighting_test

import (
	"fmt"

	"github.com/gomtl/gomtl/mtl/weighting"
)

// DWA over three epochs: equal weights for the first two, then more weight
// for the task whose loss fell less.
func ExampleNew() {
	w, err := weighting.New(weighting.Config{Name: weighting.DWAName}, []float64{1, 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	epochMeans := [][]float64{{1, 2}, {0.5, 1.8}, {0.4, 0.9}}
	for epoch, means := range epochMeans {
		ws, err := w.Weights(nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("epoch %d: %.4f\n", epoch, ws)
		w.EndEpoch(means)
	}
	// Output:
	// epoch 0: [1.0000 1.0000]
	// epoch 1: [1.0000 1.0000]
	// epoch 2: [0.9003 1.0997]
}

// GradNorm's step: use the current weights, then tell it the step's losses
// and per-task gradient norms so it moves the next step's weights.
func ExampleGradientAware() {
	cfg := weighting.Config{Name: weighting.GradNormName, LR: 0.1}
	w, err := weighting.New(cfg, []float64{1, 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("needs task gradients:", weighting.NeedsTaskGradients(cfg.Name))
	ws, _ := w.Weights(nil) // the weights this step trains with
	fmt.Printf("step 0: %.2f\n", ws)
	if err := w.(weighting.GradientAware).Update([]float64{2, 1}, []float64{1, 3}); err != nil {
		fmt.Println(err)
		return
	}
	ws, _ = w.Weights(nil)
	fmt.Printf("step 1: %.2f\n", ws)
	// Output:
	// needs task gradients: true
	// step 0: [1.00 1.00]
	// step 1: [1.10 0.90]
}
