package graph_test

import (
	"fmt"

	"github.com/gomtl/gomtl/graph"
	"gorgonia.org/tensor"
)

// Build a dense softmax classifier in float64 and check its symbolic
// gradients against finite differences.
func ExampleCheckGradients() {
	b := graph.NewBuilder(graph.NewStore(tensor.Float64, 1))
	x, _ := b.Input("x", 2, 3)
	target, _ := b.Input("target", 2, 4)
	weights, _ := b.Input("weights", 2)
	copy(x.Value().Data().([]float64), []float64{0.5, -1, 2, 1.5, 0.3, -0.7})
	copy(target.Value().Data().([]float64), []float64{0, 1, 0, 0, 0, 0, 0, 1})
	copy(weights.Value().Data().([]float64), []float64{0.5, 0.5}) // mean over 2 rows

	logits, _ := b.Dense("out", x, 4)
	logp, _ := b.LogSoftmax(logits)
	loss, _ := b.CrossEntropy(logp, target, weights)

	w := b.G.ByName("out.w")[0]
	worst, err := graph.CheckGradients(b.G, loss, append(b.G.ByName("out.b"), w, x), graph.GradCheckConfig{})
	fmt.Println(err, worst.RelErr < 1e-7)
	// Output: <nil> true
}
