package mtl

import (
	"math"
	"testing"

	"github.com/gomtl/gomtl/graph"
)

// TestModelGradients checks the symbolic gradient of the whole two-head
// model's weighted total loss, as compiled for training (padded partial
// batch, task weights as graph inputs, watched outputs), against central
// finite differences.
func TestModelGradients(t *testing.T) {
	spec := syntheticSpec()
	spec.Shared = []Layer{Dense(5, ReLU), Dense(4, LeakyReLU)}
	spec.Tasks[0] = spec.Tasks[0].WithWeight(0.7).WithHead(Dense(3, Tanh))
	spec.Tasks[1] = spec.Tasks[1].WithWeight(1.9)
	p := float64Batch(t, spec, synthetic(8, 11), 8, 5) // 5 real rows, 3 padding rows
	worst, err := graph.CompareGradients(p.vm, p.total, p.params, graph.GradCheckConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if worst.RelErr > 1e-6 {
		t.Errorf("worst mismatch %+v, want relative error <= 1e-6", worst)
	}
}

// TestPaddingIsInvisible shows a padded partial batch trains exactly like a
// batch of its real rows: same loss, same gradients.
func TestPaddingIsInvisible(t *testing.T) {
	run := func(batch int) (float64, [][]float64) {
		p := float64Batch(t, syntheticSpec(), synthetic(3, 11), batch, 3)
		if err := p.vm.RunAll(); err != nil {
			t.Fatal(err)
		}
		var grads [][]float64
		for _, n := range p.params {
			g, err := n.Grad()
			if err != nil {
				t.Fatal(err)
			}
			grads = append(grads, append([]float64(nil), g.Data().([]float64)...))
		}
		return p.total.Value().Data().(float64), grads
	}
	exactLoss, exact := run(3)
	paddedLoss, padded := run(7)
	if math.Abs(exactLoss-paddedLoss) > 1e-12 {
		t.Errorf("loss %v with padding, %v without", paddedLoss, exactLoss)
	}
	for i := range exact {
		for j := range exact[i] {
			if math.Abs(exact[i][j]-padded[i][j]) > 1e-12 {
				t.Fatalf("parameter %d element %d: gradient %v with padding, %v without", i, j, padded[i][j], exact[i][j])
			}
		}
	}
}

// TestTaskWeightsAreInputs changes a task weight between runs without
// rebuilding and checks the total follows: total = Σ w_t · loss_t.
func TestTaskWeightsAreInputs(t *testing.T) {
	m := MustNew(syntheticSpec())
	p, err := m.program(4, true)
	if err != nil {
		t.Fatal(err)
	}
	d := synthetic(4, 1)
	b, err := m.bind(d, "test")
	if err != nil {
		t.Fatal(err)
	}
	p.load(0, b, []int{0, 1, 2, 3}, true)
	for _, w := range [][]float64{{1, 1}, {0.25, 3}} {
		if err := p.setTaskWeights(w); err != nil {
			t.Fatal(err)
		}
		if err := p.run(); err != nil {
			t.Fatal(err)
		}
		want := w[0]*p.loss(0) + w[1]*p.loss(1)
		if got := p.totalLoss(); math.Abs(got-want) > 1e-5 {
			t.Errorf("weights %v: total %v, want %v", w, got, want)
		}
	}
}
