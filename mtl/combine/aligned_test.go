package combine

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestAlignedMTLWorked(t *testing.T) {
	cases := []struct {
		name string
		gram [][]float64
		want []float64
	}{
		// Orthogonal, norms 2 and 1: V = I, λ = (4, 1), λ_min = 1,
		// B = diag(1/2, 1), α = B·1 = (½, 1): both aligned gradients have
		// norm 1.
		{"orthogonal", [][]float64{{4, 0}, {0, 1}}, []float64{0.5, 1}},
		// G = [[2,1],[1,2]]: λ = 3 on (1,1)/√2 and 1 on (1,−1)/√2.
		// B·1 = sqrt(1/3)·(1,1) (the (1,−1) part is orthogonal to 1).
		{"equal norms at 60°", [][]float64{{2, 1}, {1, 2}}, []float64{1 / math.Sqrt(3), 1 / math.Sqrt(3)}},
		// Identical unit gradients: λ = 2 on (1,1)/√2, 0 dropped;
		// B = sqrt(2)·(1/√2)·vvᵀ = ½[[1,1],[1,1]], α = (1, 1).
		{"identical", [][]float64{{1, 1}, {1, 1}}, []float64{1, 1}},
		// Nothing above the tolerance: B = I (torchjd), α = 1.
		{"all zero", [][]float64{{0, 0}, {0, 0}}, []float64{1, 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := mustWeights(t, AlignedMTL{}, tc.gram)
			assertClose(t, "alpha", got, tc.want, 1e-12)
		})
	}
}

// The paper's defining property: the aligned gradient matrix Jᵀ B has
// Gramian B G B = λ_min·I for a full-rank G (all singular values
// sqrt(λ_min), condition number 1), and λ_min·V_r V_rᵀ (a scaled
// projector, B G B·B G B = λ_min·B G B) when G is singular.
func TestAlignedMTLAligns(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	cases := []struct {
		name     string
		vs       [][]float64
		fullRank bool
	}{
		{"4 tasks in 6-D", randVecs(rng, 4, 6), true},
		{"3 tasks in 3-D", randVecs(rng, 3, 3), true},
		{"4 tasks in 2-D", randVecs(rng, 4, 2), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g, err := newGramian(gramOf(tc.vs))
			if err != nil {
				t.Fatal(err)
			}
			n := g.n
			b, err := balance(g)
			if err != nil {
				t.Fatal(err)
			}
			m := mul(n, b, mul(n, g.a, b)) // B G B
			var lmin float64
			if tc.fullRank {
				lmin = m[0]
				for i := 0; i < n; i++ {
					for j := 0; j < n; j++ {
						want := 0.0
						if i == j {
							want = lmin
						}
						if math.Abs(m[i*n+j]-want) > 1e-10*g.trace() {
							t.Fatalf("BGB[%d][%d] = %v, want %v", i, j, m[i*n+j], want)
						}
					}
				}
			} else {
				// P = BGB/λ_min must be a projector: P·P = P, with λ_min
				// read off the trace (rank 2 in 2-D).
				lmin = (m[0] + m[n+1] + m[2*n+2] + m[3*n+3]) / 2
				p := make([]float64, len(m))
				for i := range m {
					p[i] = m[i] / lmin
				}
				pp := mul(n, p, p)
				for i := range p {
					if math.Abs(pp[i]-p[i]) > 1e-10 {
						t.Fatalf("BGB/λ_min is not a projector: %v vs %v", pp, p)
					}
				}
			}
			// And α from Weights is B·1.
			alpha := mustWeights(t, AlignedMTL{}, gramOf(tc.vs))
			for i := 0; i < n; i++ {
				if want := sum(b[i*n : (i+1)*n]); math.Abs(alpha[i]-want) > 1e-12 {
					t.Fatalf("α = %v, B·1 differs at %d", alpha, i)
				}
			}
		})
	}
}

// mul returns the n×n product x·y of row-major matrices.
func mul(n int, x, y []float64) []float64 {
	z := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for k := 0; k < n; k++ {
			for j := 0; j < n; j++ {
				z[i*n+j] += x[i*n+k] * y[k*n+j]
			}
		}
	}
	return z
}
