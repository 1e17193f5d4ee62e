package graph

import (
	"math"
	"math/rand"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestBalanceTotals checks the three ways of joining task losses on two
// MSE losses after one dense layer: values worked from the formulas and
// gradients (dense parameters and uncertainty weighting's log-variances)
// against central finite differences.
func TestBalanceTotals(t *testing.T) {
	for _, tc := range []struct {
		name  string
		total func(b *Builder, losses []*gorgonia.Node) (*gorgonia.Node, []*gorgonia.Node, error)
		want  func(l []float64) float64
	}{
		{"weighted", func(b *Builder, losses []*gorgonia.Node) (*gorgonia.Node, []*gorgonia.Node, error) {
			w1, w2 := must(b.Scalar("w1", 0.3)), must(b.Scalar("w2", 2))
			total, err := b.WeightedSum(losses, []*gorgonia.Node{w1, w2})
			return total, nil, err
		}, func(l []float64) float64 { return 0.3*l[0] + 2*l[1] }},
		// LibMTL's UW: Σ L/(2 e^s) + s/2 with s = -0.5 at the start.
		{"uncertainty", func(b *Builder, losses []*gorgonia.Node) (*gorgonia.Node, []*gorgonia.Node, error) {
			return b.UncertaintyWeighted([]string{"uw.a", "uw.b"}, losses, -0.5)
		}, func(l []float64) float64 { return (l[0]+l[1])/(2*math.Exp(-0.5)) - 0.5 }},
		{"geometric", func(b *Builder, losses []*gorgonia.Node) (*gorgonia.Node, []*gorgonia.Node, error) {
			total, err := b.GeometricMean(losses, 0)
			return total, nil, err
		}, func(l []float64) float64 { return math.Sqrt(l[0] * l[1]) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewSource(5))
			b := NewBuilder(NewStore(tensor.Float64, 2))
			x := must(b.Input("x", 4, 3))
			fill(t, x, rng)
			pred := must(b.Dense("d", x, 2))
			w := must(b.Input("w", 4))
			copy(w.Value().Data().([]float64), []float64{0.25, 0.25, 0.25, 0.25})
			var losses []*gorgonia.Node
			for _, name := range []string{"ta", "tb"} {
				target := must(b.Input(name, 4, 2))
				fill(t, target, rng)
				losses = append(losses, must(b.MSE(pred, target, w)))
			}
			total, extra, err := tc.total(b, losses)
			if err != nil {
				t.Fatal(err)
			}
			vm := gorgonia.NewTapeMachine(b.G, gorgonia.TraceExec(), gorgonia.WithWatchlist(total, losses[0], losses[1]))
			if err := vm.RunAll(); err != nil {
				t.Fatal(err)
			}
			l := []float64{losses[0].Value().Data().(float64), losses[1].Value().Data().(float64)}
			if got, want := total.Value().Data().(float64), tc.want(l); math.Abs(got-want) > 1e-12 {
				t.Errorf("total %v, want %v", got, want)
			}
			vm.Close()
			wrt := append([]*gorgonia.Node{b.G.ByName("d.w")[0], b.G.ByName("d.b")[0]}, extra...)
			worst, err := CheckGradients(b.G, total, wrt, GradCheckConfig{})
			if err != nil {
				t.Fatal(err)
			}
			if worst.RelErr > 1e-6 {
				t.Errorf("worst mismatch %+v", worst)
			}
		})
	}
}

// TestBalanceErrors asserts the errors for mismatched inputs.
func TestBalanceErrors(t *testing.T) {
	b := NewBuilder(NewStore(tensor.Float64, 2))
	l := must(b.Scalar("l", 1))
	if _, err := b.WeightedSum([]*gorgonia.Node{l}, nil); err == nil {
		t.Error("weighted sum with no weights: no error")
	}
	if _, _, err := b.UncertaintyWeighted([]string{"a", "b"}, []*gorgonia.Node{l}, 0); err == nil {
		t.Error("uncertainty weighting with two names for one loss: no error")
	}
	if _, err := b.GeometricMean(nil, 0); err == nil {
		t.Error("geometric mean of nothing: no error")
	}
}
