package combine

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

func TestMinNormLine(t *testing.T) {
	cases := []struct {
		name            string
		v11, v12, v22   float64
		gamma, wantCost float64
	}{
		// Interior: g1 = (1,0), g2 = (−1,1): γ = (g2−g1)·g2/‖g1−g2‖² =
		// 3/5, cost ‖(1/5, 2/5)‖² = 1/5.
		{"interior", 1, -1, 2, 0.6, 0.2},
		// g1 = (1,0), g2 = (2,0): g1 is the nearest point, γ = 1.
		{"first end", 1, 2, 4, 1, 1},
		// g1 = (2,0), g2 = (1,0): γ = 0.
		{"second end", 4, 2, 1, 0, 1},
		// Identical: every γ works; we return ½.
		{"identical", 2, 2, 2, 0.5, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g, c := minNormLine(tc.v11, tc.v12, tc.v22)
			assertClose(t, "gamma, cost", []float64{g, c}, []float64{tc.gamma, tc.wantCost}, 1e-15)
		})
	}
}

func TestMGDA(t *testing.T) {
	cases := []struct {
		name string
		m    MGDA
		vs   [][]float64
		want []float64
		tol  float64
	}{
		// The T = 2 closed form on g1 = (1,0), g2 = (−1,1):
		// α1 = (g2−g1)·g2/‖g1−g2‖² = 3/5, d = (1/5, 2/5), with
		// d·g1 = d·g2 = ‖d‖² = 1/5.
		{"two conflicting", MGDA{}, conflict2, []float64{0.6, 0.4}, 1e-15},
		// Three orthogonal gradients with ‖g_t‖² = 1, 2, 4: the min-norm
		// point has α_t ∝ 1/‖g_t‖², α = (4, 2, 1)/7 (Lagrange conditions).
		{"orthogonal", MGDA{}, [][]float64{{1, 0, 0}, {0, math.Sqrt2, 0}, {0, 0, 2}}, []float64{4.0 / 7, 2.0 / 7, 1.0 / 7}, 1e-5},
		// 0 = 2 g1 + g2 + g3 with g1 = (1,0), g2 = (−1,1), g3 = (−1,−1):
		// the origin is in the hull, at α = (½, ¼, ¼).
		{"origin in hull", MGDA{}, [][]float64{{1, 0}, {-1, 1}, {-1, -1}}, []float64{0.5, 0.25, 0.25}, 1e-5},
		// Min-norm point on an edge: g3 = (1,1) is dominated, α3 = 0
		// and (½, ½, 0) on g1 = (1,0), g2 = (0,1).
		{"edge", MGDA{}, [][]float64{{1, 0}, {0, 1}, {1, 1}}, []float64{0.5, 0.5, 0}, 1e-6},
		// "l2": ĝ = (1,0), (0,1), β = (½,½), α = β/‖g‖ = (¼, ½),
		// d = (½, ½).
		{"l2", MGDA{Norm: NormL2}, [][]float64{{2, 0}, {0, 1}}, []float64{0.25, 0.5}, 1e-15},
		// "loss" with L = (2, 1): ĝ = (1,0), (0,1), the same β, α = β/L.
		{"loss", MGDA{Norm: NormLoss, Losses: []float64{2, 1}}, [][]float64{{2, 0}, {0, 1}}, []float64{0.25, 0.5}, 1e-15},
		// "loss+" with L = (1, 2): ĝ = (1,0), (0,½); line: γ = (¼)/(1¼)
		// = 1/5, β = (1/5, 4/5), α = β/(L‖g‖) = (1/10, 2/5).
		{"loss+", MGDA{Norm: NormLossPlus, Losses: []float64{1, 2}}, [][]float64{{2, 0}, {0, 1}}, []float64{0.1, 0.4}, 1e-15},
		// A zero gradient is the min-norm point: β = e_2, d = 0 ...
		{"zero gradient", MGDA{}, [][]float64{{1, 0}, {0, 0}, {0, 1}}, []float64{0, 1, 0}, 1e-12},
		// ... and under "l2" its normaliser is 0: α = e_2 as well.
		{"zero gradient l2", MGDA{Norm: NormL2}, [][]float64{{1, 0}, {0, 0}}, []float64{0, 1}, 0},
		// Identical gradients: the symmetric choice.
		{"identical", MGDA{}, [][]float64{{1, 2}, {1, 2}}, []float64{0.5, 0.5}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := mustWeights(t, tc.m, gramOf(tc.vs))
			assertClose(t, "alpha", got, tc.want, tc.tol)
		})
	}
}

// Frank–Wolfe for T = 3 against a brute-force grid over the simplex: the
// solver's ‖d‖² is at most the grid's best (step 1/600) plus the solver's
// tolerance, and its weights are on the simplex.
func TestMGDAAgainstGrid(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for rep := 0; rep < 6; rep++ {
		vs := randVecs(rng, 3, 2+rep%3)
		gram := gramOf(vs)
		alpha := mustWeights(t, MGDA{}, gram)
		if s := alpha[0] + alpha[1] + alpha[2]; math.Abs(s-1) > 1e-12 || alpha[0] < 0 || alpha[1] < 0 || alpha[2] < 0 {
			t.Fatalf("rep %d: weights %v not on the simplex", rep, alpha)
		}
		got := normv(direction(alpha, vs))
		got *= got
		const steps = 600
		best := math.Inf(1)
		for i := 0; i <= steps; i++ {
			for j := 0; i+j <= steps; j++ {
				w := []float64{float64(i) / steps, float64(j) / steps, float64(steps-i-j) / steps}
				d := direction(w, vs)
				best = math.Min(best, dotv(d, d))
			}
		}
		scale := gram[0][0] + gram[1][1] + gram[2][2]
		if got > best+1e-5*scale {
			t.Errorf("rep %d: solver ‖d‖² = %v, grid %v", rep, got, best)
		}
	}
}

// The weights do not depend on the gradients' scale (the original's
// stopping rule did).
func TestMGDAScaleFree(t *testing.T) {
	vs := [][]float64{{1, 0.2, 0}, {-0.5, 1, 0.3}, {0.1, -0.4, 1}}
	gram := gramOf(vs)
	want := mustWeights(t, MGDA{}, gram)
	for _, k := range []float64{1e-12, 1e8} {
		g := gramOf(vs)
		for i := range g {
			for j := range g[i] {
				g[i][j] *= k
			}
		}
		assertClose(t, "scaled", mustWeights(t, MGDA{}, g), want, 1e-12)
	}
}

func TestMGDALossErrors(t *testing.T) {
	gram := conflict2Gram
	cases := []struct {
		name   string
		losses []float64
	}{
		{"none", nil},
		{"too few", []float64{1}},
		{"zero", []float64{1, 0}},
		{"negative", []float64{-1, 1}},
		{"nan", []float64{math.NaN(), 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := &MGDA{Norm: NormLoss}
			m.SetLosses(tc.losses)
			if _, err := m.Weights(gram); !errors.Is(err, ErrLosses) {
				t.Errorf("got %v, want an ErrLosses", err)
			}
		})
	}
}

func TestMGDASetLossesCopies(t *testing.T) {
	c := mustNew(t, Config{Name: MGDAName, Norm: NormLoss})
	losses := []float64{2, 1}
	c.(LossAware).SetLosses(losses)
	losses[0] = -1 // must not reach the combiner
	got := mustWeights(t, c, gramOf([][]float64{{2, 0}, {0, 1}}))
	assertClose(t, "alpha", got, []float64{0.25, 0.5}, 1e-15)
}
