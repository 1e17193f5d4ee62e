package graph

import (
	"math"
	"math/rand"
	"strings"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestBCEAndHuberValues checks the losses on values worked by hand.
func TestBCEAndHuberValues(t *testing.T) {
	b := NewBuilder(NewStore(tensor.Float64, 1))
	z := must(b.Input("z", 4, 1))
	target := must(b.Input("t", 4, 1))
	w := must(b.Input("w", 4))
	copy(z.Value().Data().([]float64), []float64{0, 2, -3, -1000})
	copy(target.Value().Data().([]float64), []float64{1, 0, 1, 1})
	copy(w.Value().Data().([]float64), []float64{0.25, 0.25, 0.25, 0.25})
	bce := must(b.BCEWithLogits(z, target, w))
	// Huber with delta 1 on errors 0.5, 2, -3 and -1001 (z - t).
	huber := must(b.Huber(z, target, w, 1))
	vm := gorgonia.NewTapeMachine(b.G, gorgonia.TraceExec(), gorgonia.WithWatchlist(bce, huber))
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		got, want float64
	}{
		// log 2; 2 + log(1+e^-2); 3 + log(1+e^-3); 1000 (no overflow).
		{"bce", bce.Value().Data().(float64), (0.6931471806 + 2.1269280110 + 3.0485873516 + 1000) / 4},
		// h(-1) = 0.5, h(2) = 1.5, h(-4) = 3.5, h(-1001) = 1000.5.
		{"huber", huber.Value().Data().(float64), (0.5 + 1.5 + 3.5 + 1000.5) / 4},
	} {
		if math.Abs(tc.got-tc.want) > 1e-8 {
			t.Errorf("%s = %.10f, want %.10f", tc.name, tc.got, tc.want)
		}
	}
}

// TestBCEAndHuberGradients checks both losses, after a dense layer,
// against central finite differences, with errors kept away from the
// kinks of |e| and relu.
func TestBCEAndHuberGradients(t *testing.T) {
	for _, tc := range []struct {
		name string
		loss func(b *Builder, pred, target, w *gorgonia.Node) (*gorgonia.Node, error)
		fill func(data []float64, rng *rand.Rand)
	}{
		{"bce", func(b *Builder, p, tg, w *gorgonia.Node) (*gorgonia.Node, error) { return b.BCEWithLogits(p, tg, w) },
			func(data []float64, rng *rand.Rand) {
				for i := range data {
					data[i] = float64(rng.Intn(2))
				}
			}},
		{"huber", func(b *Builder, p, tg, w *gorgonia.Node) (*gorgonia.Node, error) { return b.Huber(p, tg, w, 0.7) },
			func(data []float64, rng *rand.Rand) {
				for i := range data {
					data[i] = 3 * rng.NormFloat64()
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewSource(3))
			b := NewBuilder(NewStore(tensor.Float64, 2))
			x := must(b.Input("x", 5, 4))
			fill(t, x, rng)
			pred := must(b.Dense("d", x, 3))
			target := must(b.Input("t", 5, 3))
			tc.fill(target.Value().Data().([]float64), rng)
			w := must(b.Input("w", 5))
			copy(w.Value().Data().([]float64), []float64{0.2, 0.2, 0.3, 0.3, 0})
			cost := must(tc.loss(b, pred, target, w))
			wrt := []*gorgonia.Node{x, b.G.ByName("d.w")[0], b.G.ByName("d.b")[0]}
			worst, err := CheckGradients(b.G, cost, wrt, GradCheckConfig{})
			if err != nil {
				t.Fatal(err)
			}
			if worst.RelErr > 1e-6 {
				t.Errorf("worst gradient mismatch %+v, want relative error <= 1e-6", worst)
			}
		})
	}
}

// TestRobustLossErrors: bad shapes and a bad delta are errors.
func TestRobustLossErrors(t *testing.T) {
	b := NewBuilder(NewStore(tensor.Float64, 1))
	x := must(b.Input("x", 2, 3))
	w := must(b.Input("w", 2))
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"bce shapes", func() error { _, err := b.BCEWithLogits(x, must(b.Input("t", 2, 1)), w); return err }(), "predictions (2, 3) and targets (2, 1)"},
		{"huber delta", func() error { _, err := b.Huber(x, x, w, 0); return err }(), "delta 0, want > 0"},
		{"huber nil", func() error { _, err := b.Huber(nil, x, w, 1); return err }(), "nil"},
	} {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, tc.err, tc.want)
		}
	}
}
