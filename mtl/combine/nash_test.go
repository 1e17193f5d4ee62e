package combine

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestNashMTLWorked(t *testing.T) {
	cases := []struct {
		name string
		m    NashMTL
		gram [][]float64
		want []float64
	}{
		// Orthogonal gradients: (Gα)_i = G_ii α_i = 1/α_i, so
		// α_i = 1/‖g_i‖: (½, 1) for norms 2 and 1.
		{"orthogonal", NashMTL{}, [][]float64{{4, 0}, {0, 1}}, []float64{0.5, 1}},
		// Identical gradients g: by symmetry α1 = α2 = a with
		// ‖g‖²·2a = 1/a, a = 1/sqrt(2‖g‖²) = ½ for ‖g‖² = 2.
		{"identical", NashMTL{}, [][]float64{{2, 2}, {2, 2}}, []float64{0.5, 0.5}},
		// Frobenius: G/‖G‖_F = diag(4,1)/√17, α_i = 17^{1/4}/‖g_i‖.
		{"frobenius", NashMTL{Frobenius: true}, [][]float64{{4, 0}, {0, 1}}, []float64{math.Pow(17, 0.25) / 2, math.Pow(17, 0.25)}},
		// All zero: α = 1.
		{"all zero", NashMTL{}, [][]float64{{0, 0}, {0, 0}}, []float64{1, 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := mustWeights(t, tc.m, tc.gram)
			assertClose(t, "alpha", got, tc.want, 1e-9)
		})
	}
}

// The defining condition: α > 0 and (Gα)_i = 1/α_i to 1e-8 (relative to
// 1/α_i), on random Gramians of full rank, including badly scaled and
// conflicting ones.
func TestNashMTLStationarity(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 5))
	for rep := 0; rep < 30; rep++ {
		tasks := 2 + rep%7
		vs := randVecs(rng, tasks, tasks+2)
		for _, v := range vs {
			k := math.Exp(2 * rng.NormFloat64())
			for i := range v {
				v[i] *= k
			}
		}
		gram := gramOf(vs)
		alpha := mustWeights(t, NashMTL{}, gram)
		for i := range alpha {
			if !(alpha[i] > 0) {
				t.Fatalf("rep %d: α = %v, want > 0", rep, alpha)
			}
			gi := dotv(gram[i], alpha)
			if r := math.Abs(gi*alpha[i] - 1); r > 1e-8 {
				t.Fatalf("rep %d: task %d: (Gα)_i = %v, 1/α_i = %v", rep, i, gi, 1/alpha[i])
			}
		}
		// Hence ‖d‖² = αᵀGα = T.
		d := direction(alpha, vs)
		if n2 := dotv(d, d); math.Abs(n2-float64(tasks)) > 1e-7*float64(tasks) {
			t.Errorf("rep %d: ‖d‖² = %v, want T = %d", rep, n2, tasks)
		}
	}
}

// Singular cases rely on the ridge: positive, finite weights, and d ≈ 0
// along the degenerate tasks.
func TestNashMTLDegenerate(t *testing.T) {
	cases := []struct {
		name string
		vs   [][]float64
	}{
		{"opposite", [][]float64{{1, 2}, {-1, -2}}},
		{"zero gradient", [][]float64{{1, 0}, {0, 0}, {0, 1}}},
		{"more tasks than dimensions", [][]float64{{1, 0}, {0, 1}, {-1, -1}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			alpha := mustWeights(t, NashMTL{}, gramOf(tc.vs))
			for _, a := range alpha {
				if !(a > 0) || math.IsInf(a, 0) {
					t.Fatalf("α = %v", alpha)
				}
			}
		})
	}
}
