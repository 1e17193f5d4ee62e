package combine

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestIMTLWorked(t *testing.T) {
	cases := []struct {
		name string
		vs   [][]float64
		want []float64
	}{
		// g1 = (1,0), g2 = (0,2): d = (α1, 2α2), d·u1 = α1, d·u2 = 2α2;
		// equal with α1 + α2 = 1: α = (2/3, 1/3), d = (2/3, 2/3).
		{"orthogonal", [][]float64{{1, 0}, {0, 2}}, []float64{2.0 / 3, 1.0 / 3}},
		// Equal norms: d = α1 g1 + α2 g2, d·u1 = d·u2 forces α1 = α2
		// (the bisector), whatever the angle.
		{"equal norms", [][]float64{{1, 0}, {0.6, 0.8}}, []float64{0.5, 0.5}},
		// Identical gradients: the system is singular, the minimum-norm
		// solution is α = (1, 0) (d = g either way).
		{"identical", [][]float64{{1, 2}, {1, 2}}, []float64{1, 0}},
		// A zero gradient has no direction: α = 0 for it, the others as
		// if it were absent.
		{"zero gradient", [][]float64{{1, 0}, {0, 0}, {0, 2}}, []float64{2.0 / 3, 0, 1.0 / 3}},
		{"all zero", [][]float64{{0, 0}, {0, 0}}, []float64{0.5, 0.5}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := mustWeights(t, IMTL{}, gramOf(tc.vs))
			assertClose(t, "alpha", got, tc.want, 1e-12)
		})
	}
}

// The paper's defining property: d·u_t is the same for every task, and
// the weights sum to 1.
func TestIMTLEqualProjections(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for rep := 0; rep < 20; rep++ {
		tasks := 2 + rep%5
		vs := randVecs(rng, tasks, tasks+3)
		for _, v := range vs {
			k := math.Exp(rng.NormFloat64())
			for i := range v {
				v[i] *= k
			}
		}
		alpha := mustWeights(t, IMTL{}, gramOf(vs))
		if s := sum(alpha); math.Abs(s-1) > 1e-12 {
			t.Fatalf("rep %d: Σα = %v, want 1", rep, s)
		}
		d := direction(alpha, vs)
		p0 := dotv(d, vs[0]) / normv(vs[0])
		for i, v := range vs {
			if p := dotv(d, v) / normv(v); math.Abs(p-p0) > 1e-9*math.Abs(p0) {
				t.Fatalf("rep %d: d·u_%d = %v, d·u_0 = %v", rep, i, p, p0)
			}
		}
	}
}
