package mtl

import (
	"context"
	"reflect"
	"testing"

	"github.com/gomtl/gomtl/datasets"
	"gorgonia.org/gorgonia"
)

// TestReLUAfterPoolingIsExact trains LeNet (each convolution's ReLU
// followed by max-pooling) with the ReLU moved after the pooling and
// without, and requires bit-identical weights and histories; it also
// checks that the move happened: no ReLU reads a convolution's output.
func TestReLUAfterPoolingIsExact(t *testing.T) {
	train, _ := mnist(t)
	multi, err := datasets.MultiMNISTFrom(train.Head(300), 1)
	if err != nil {
		t.Fatal(err)
	}
	spec := LeNet().Spec(Classify("left", 10), Classify("right", 10))
	defer func(old bool) { reluAfterPool = old }(reluAfterPool)
	var weights [2]*Weights
	var hists [2]*History
	for i, swap := range []bool{true, false} {
		reluAfterPool = swap
		m := MustNew(spec)
		if hists[i], err = m.Fit(context.Background(), multi, FitConfig{Epochs: 2, BatchSize: 32, Seed: 3}); err != nil {
			t.Fatal(err)
		}
		weights[i] = m.CopyWeights()

		p, err := buildProgram(m.spec, m.params, 32, true, -1)
		if err != nil {
			t.Fatal(err)
		}
		convReLUs := 0
		for _, n := range p.g.AllNodes() {
			if n.Op() == nil || n.Op().String() != "gomtl.Conv2d(10@5×5/1+0)" {
				continue
			}
			for readers := p.g.To(n.ID()); readers.Next(); {
				if op := readers.Node().(*gorgonia.Node).Op(); op != nil && op.String() == "gomtl.ReLU" {
					convReLUs++
				}
			}
		}
		if want := map[bool]int{true: 0, false: 1}[swap]; convReLUs != want {
			t.Errorf("swap %v: %d ReLUs read the first convolution, want %d", swap, convReLUs, want)
		}
	}
	if !reflect.DeepEqual(weights[0], weights[1]) {
		t.Error("weights differ between ReLU after and before pooling")
	}
	if !reflect.DeepEqual(hists[0].Metrics, hists[1].Metrics) {
		t.Errorf("histories differ:\nafter  %v\nbefore %v", hists[0].Metrics, hists[1].Metrics)
	}
}
