package combine

import (
	"math/rand/v2"
	"testing"
)

// The worked example shared by several tests: g1 = (1, 0), g2 = (−1, 1),
// which conflict (g1·g2 = −1); G = [[1, −1], [−1, 2]].
var (
	conflict2     = [][]float64{{1, 0}, {-1, 1}}
	conflict2Gram = [][]float64{{1, -1}, {-1, 2}}
)

func TestPCGrad(t *testing.T) {
	cases := []struct {
		name string
		vs   [][]float64
		want []float64
	}{
		{
			// By hand: g1' = g1 − (−1/2) g2 = (1/2, 1/2) (now ⊥ g2);
			// g2' = g2 − (−1/1) g1 = (0, 1) (now ⊥ g1).
			// d = g1' + g2' = (1/2, 3/2) = 2 g1 + 3/2 g2.
			"two conflicting", conflict2, []float64{2, 1.5},
		},
		{
			// No conflict: nothing is projected, α = 1 (the sum).
			"no conflict", [][]float64{{1, 0}, {1, 1}, {0, 2}}, []float64{1, 1, 1},
		},
		{
			// g1 = (1,0), g2 = (0,1), g3 = (−1,−1), by hand in index order
			// (Rand nil): g1' = g1 + ½g3 = (½,−½); g2' = g2 + ½g3 = (−½,½);
			// g3 meets g1 (dot −1): g3' = g3 + g1 = (0,−1), then g2
			// (dot −1): g3'' = g3' + g2 = 0. α = (1,0,½) + (0,1,½) +
			// (1,1,1) = (2, 2, 2), d = 0.
			"three summing to zero", [][]float64{{1, 0}, {0, 1}, {-1, -1}}, []float64{2, 2, 2},
		},
		{
			// A zero gradient is never projected against and never
			// projected (its dot products are 0).
			"zero gradient", [][]float64{{1, 0}, {0, 0}}, []float64{1, 1},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := mustWeights(t, PCGrad{}, gramOf(tc.vs))
			assertClose(t, "alpha", got, tc.want, 1e-12)
			// LibMTL's own check: each projected gradient no longer
			// conflicts with the last task it was projected against; for
			// T = 2 both projections are orthogonal to the other task.
			if len(tc.vs) == 2 {
				c1 := []float64{1, got[1] - 1} // g1' = g1 + (α2−1)·g2
				g1p := direction(c1, tc.vs)
				if d := dotv(g1p, tc.vs[1]); d < -1e-12 {
					t.Errorf("g1'·g2 = %v, want ≥ 0", d)
				}
			}
		})
	}
}

// For T = 2 each task has one other to visit, so the order, and hence the
// seed, does not matter.
func TestPCGradTwoTasksOrderIndependent(t *testing.T) {
	want := mustWeights(t, PCGrad{}, conflict2Gram)
	for seed := uint64(0); seed < 5; seed++ {
		got := mustWeights(t, PCGrad{Rand: rand.New(rand.NewPCG(seed, 9))}, conflict2Gram)
		assertClose(t, "alpha", got, want, 0)
	}
}

// The same seed gives the same sequence of weights; the shuffling is
// drawn from Rand on every call.
func TestPCGradSeededDeterminism(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	gram := gramOf(randVecs(rng, 5, 3)) // 5 tasks in 3-D: many conflicts
	a := mustNew(t, Config{Name: PCGradName, Seed: 42})
	b := mustNew(t, Config{Name: PCGradName, Seed: 42})
	distinct := map[[5]float64]bool{}
	for step := 0; step < 20; step++ {
		x := mustWeights(t, a, gram)
		y := mustWeights(t, b, gram)
		assertClose(t, "same seed", x, y, 0)
		distinct[[5]float64(x)] = true
	}
	if len(distinct) < 2 {
		t.Errorf("20 calls gave one result; the order is not being shuffled")
	}
}
