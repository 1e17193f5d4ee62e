package combine

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestUPGradWorked(t *testing.T) {
	cases := []struct {
		name string
		vs   [][]float64
		want []float64
	}{
		// g1 = (1,0), g2 = (−1,1). g1/2 conflicts with g2 and projects
		// onto g2's normal plane: (½,0) + ¼(−1,1) = (¼,¼), weights
		// (½, ¼); g2/2 projects onto g1's: (−½,½) + ½(1,0) = (0,½),
		// weights (½, ½). α = (1, ¾), d = (¼, ¾), with g1·d = ¼ and
		// g2·d = ½. (For T = 2 this is PCGrad's d halved.)
		{"two conflicting", conflict2, []float64{1, 0.75}},
		// No conflict: each g_i/T is in the dual cone, α = 1/T.
		{"no conflict", [][]float64{{1, 0}, {1, 1}, {0, 2}}, []float64{1.0 / 3, 1.0 / 3, 1.0 / 3}},
		// Opposite gradients: the dual cone is the plane ⊥ g, and both
		// projections are 0: v = (½,½) for each, α = (1, 1), d = 0.
		{"opposite", [][]float64{{1, 2}, {-1, -2}}, []float64{1, 1}},
		// All zero: the mean.
		{"all zero", [][]float64{{0, 0}, {0, 0}}, []float64{0.5, 0.5}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := mustWeights(t, UPGrad{}, gramOf(tc.vs))
			assertClose(t, "alpha", got, tc.want, 1e-9)
		})
	}
}

// The paper's defining property: d is in the dual cone of the gradients
// (g_i·d ≥ 0, to rounding and the 1e-12 ridge), and each projected
// g_i/T satisfies the QP's optimality conditions: v ≥ e_i/T, G v ≥ 0,
// and (G v)_j = 0 wherever v_j > e_ij/T (complementarity).
func TestUPGradDualCone(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	for rep := 0; rep < 30; rep++ {
		tasks := 2 + rep%8
		vs := randVecs(rng, tasks, 2+rep%5)
		gram := gramOf(vs)
		alpha := mustWeights(t, UPGrad{}, gram)
		d := direction(alpha, vs)
		tr := 0.0
		for i := range gram {
			tr += gram[i][i]
		}
		for i, v := range vs {
			if p := dotv(v, d); p < -1e-9*tr {
				t.Fatalf("rep %d: g_%d·d = %v < 0", rep, i, p)
			}
		}
		// The per-task QPs, solved again, meet the KKT conditions.
		g, _ := newGramian(gram)
		a := g.times(1 / tr)
		q := newBoxQP(tasks)
		lin := make([]float64, tasks)
		for i := 0; i < tasks; i++ {
			for j := range lin {
				lin[j] = a.at(j, i) / float64(tasks)
			}
			z := q.solve(a, lin, 100)
			for j, zj := range z {
				grad := lin[j]
				for k := range z {
					grad += a.at(j, k) * z[k]
				}
				if zj < 0 || grad < -1e-12 || (zj > 1e-12 && math.Abs(grad) > 1e-12) {
					t.Fatalf("rep %d task %d: z_%d = %v, multiplier %v", rep, i, j, zj, grad)
				}
			}
		}
	}
}

// UPGrad with torchjd's reg_eps 1e-4 moves the weights by about that
// much, relative.
func TestUPGradTorchJDRidge(t *testing.T) {
	got := mustWeights(t, UPGrad{RegEps: 1e-4}, conflict2Gram)
	assertClose(t, "alpha", got, []float64{1, 0.75}, 1e-3)
}
