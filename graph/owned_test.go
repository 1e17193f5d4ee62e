package graph

import (
	"math/rand"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestOwnedOutputsMatchFresh runs a network of every gomtl op (dense,
// ReLU, convolution, pooling, log-softmax, cross-entropy and their
// gradients) on new inputs several times, resetting the tape machine so
// that every op writes into its owned tensor, and requires the same
// gradients to the bit as ops that allocate a fresh tensor at every run:
// no op leaves a value behind that the next run reads.
func TestOwnedOutputsMatchFresh(t *testing.T) {
	const batch, side, classes, runs = 4, 8, 3, 3
	defer func(old bool) { reuseOwned = old }(reuseOwned)
	var grads [2][][]float32
	for mode, reuse := range []bool{true, false} {
		reuseOwned = reuse
		rng := rand.New(rand.NewSource(4))
		b := NewBuilder(NewStore(tensor.Float32, 9))
		x := must(b.Input("x", batch, 1, side, side))
		target := must(b.Input("target", batch, classes))
		w := must(b.Input("w", batch))
		h := must(b.Conv2d("c1", x, 3, 3, 1, 0))
		h = must(b.Activate(ReLU, h))
		h = must(b.MaxPool2d(h, 2, 2))
		h = must(b.Conv2d("c2", h, 2, 2, 1, 1))
		h = must(b.Activate(ReLU, must(b.Flatten(h))))
		h = must(b.Activate(ReLU, must(b.Dense("d", h, 5))))
		cost := must(b.CrossEntropy(must(b.LogSoftmax(must(b.Dense("out", h, classes)))), target, w))
		wrt := trainableNodes(b)
		if _, err := gorgonia.Grad(cost, wrt...); err != nil {
			t.Fatal(err)
		}
		vm := gorgonia.NewTapeMachine(b.G)
		for run := 0; run < runs; run++ {
			for _, n := range []*gorgonia.Node{x, target, w} {
				for i := range n.Value().Data().([]float32) {
					n.Value().Data().([]float32)[i] = float32(rng.NormFloat64())
				}
			}
			vm.Reset()
			if err := vm.RunAll(); err != nil {
				t.Fatal(err)
			}
			for _, n := range wrt {
				g, err := n.Grad()
				if err != nil {
					t.Fatal(err)
				}
				grads[mode] = append(grads[mode], append([]float32(nil), g.Data().([]float32)...))
			}
		}
		vm.Close()
	}
	for i := range grads[0] {
		for j := range grads[0][i] {
			if grads[0][i][j] != grads[1][i][j] {
				t.Fatalf("gradient %d of run %d, value %d: %g reusing owned outputs, %g with fresh ones", i%(len(grads[0])/runs), i/(len(grads[0])/runs), j, grads[0][i][j], grads[1][i][j])
			}
		}
	}
}
