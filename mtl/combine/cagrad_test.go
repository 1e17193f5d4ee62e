package combine

import (
	"math"
	"math/rand/v2"
	"testing"
)

// c = 0 is the mean gradient, exactly, whatever the rescaling.
func TestCAGradZeroCIsMean(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	gram := gramOf(randVecs(rng, 4, 3))
	for _, r := range []string{"", RescaleNone, RescaleLinear, RescaleSquare} {
		got := mustWeights(t, CAGrad{Rescale: r}, gram)
		assertClose(t, "alpha", got, []float64{0.25, 0.25, 0.25, 0.25}, 0)
	}
}

// torchjd's documented example (torchjd/aggregation/_cagrad.py):
// J = [[−4, 1, 1], [6, 1, 1]], c = 0.5, no rescaling, gives
// d = (0.1835, 1.2041, 1.2041). By hand: g0 = (1,1,1), √φ = 0.5·√3; with
// s = 6 − 10w the dual is 2 + s + √φ·sqrt(s² + 2), increasing in s, so
// w = (1, 0), g_w = g1, ‖g_w‖ = √18 and α = (½ + √φ/√18, ½).
func TestCAGradTorchJDExample(t *testing.T) {
	vs := [][]float64{{-4, 1, 1}, {6, 1, 1}}
	k := 0.5 * math.Sqrt(3) / math.Sqrt(18)
	cases := []struct {
		rescale string
		div     float64
	}{
		{RescaleNone, 1},
		{RescaleLinear, 1.5},
		{RescaleSquare, 1.25},
		{"", 1.25}, // LibMTL's default rescale=1
	}
	for _, tc := range cases {
		got := mustWeights(t, CAGrad{C: 0.5, Rescale: tc.rescale}, gramOf(vs))
		assertClose(t, "alpha "+tc.rescale, got, []float64{(0.5 + k) / tc.div, 0.5 / tc.div}, 1e-9)
	}
	d := direction(mustWeights(t, CAGrad{C: 0.5, Rescale: RescaleNone}, gramOf(vs)), vs)
	assertClose(t, "d (torchjd's printout)", d, []float64{0.1835, 1.2041, 1.2041}, 5e-5)
}

// The paper's defining property (Liu et al. 2021, eq. 3 and its dual):
// d maximises min_i g_i·d over the ball ‖d − g0‖ ≤ c‖g0‖. Weak duality
// says min_i g_i·d ≤ F(w) = g_w·g0 + c‖g0‖‖g_w‖ for every feasible d and
// every w on the simplex, so d on the ball's boundary with
// min_i g_i·d = F(w*) proves both optimal; we also check F(w*) against
// random points of the simplex.
func TestCAGradPrimalDual(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 3))
	for rep := 0; rep < 20; rep++ {
		tasks := 2 + rep%4
		vs := randVecs(rng, tasks, 3+rep%3)
		for _, v := range vs { // uneven scales
			k := math.Exp(rng.NormFloat64())
			for i := range v {
				v[i] *= k
			}
		}
		gram := gramOf(vs)
		c := []float64{0.1, 0.5, 0.9}[rep%3]
		alpha := mustWeights(t, CAGrad{C: c, Rescale: RescaleNone}, gram)
		d := direction(alpha, vs)
		g0 := direction(uniform(tasks, 1/float64(tasks)), vs)
		r := c * normv(g0)
		if alpha[0] == 0 && alpha[1] == 0 {
			continue // Pareto-stationary: d = 0 (checked elsewhere)
		}
		dist := make([]float64, len(d))
		for i := range d {
			dist[i] = d[i] - g0[i]
		}
		if math.Abs(normv(dist)-r) > 1e-9*normv(g0) {
			t.Fatalf("rep %d: ‖d − g0‖ = %v, want c‖g0‖ = %v", rep, normv(dist), r)
		}
		worst := math.Inf(1)
		for _, v := range vs {
			worst = math.Min(worst, dotv(v, d))
		}
		// Recover w* from α = 1/T + λw: w ∝ α − 1/T.
		w := make([]float64, tasks)
		for i := range w {
			w[i] = alpha[i] - 1/float64(tasks)
		}
		sw := sum(w)
		for i := range w {
			w[i] /= sw
		}
		dual := func(w []float64) float64 {
			gw := direction(w, vs)
			return dotv(gw, g0) + r*normv(gw)
		}
		scale := gram[0][0]
		for i := range gram {
			scale = math.Max(scale, gram[i][i])
		}
		if gap := dual(w) - worst; math.Abs(gap) > 1e-7*scale {
			t.Errorf("rep %d: duality gap %v (min_i g_i·d = %v, F(w*) = %v)", rep, gap, worst, dual(w))
		}
		for k := 0; k < 200; k++ {
			u := make([]float64, tasks)
			for i := range u {
				u[i] = rng.ExpFloat64()
			}
			su := sum(u)
			for i := range u {
				u[i] /= su
			}
			if dual(u) < dual(w)-1e-9*scale {
				t.Fatalf("rep %d: F(%v) = %v below F(w*) = %v", rep, u, dual(u), dual(w))
			}
		}
	}
}

// Pareto-stationary gradients (the origin in their hull) with c ≥ 1: the
// dual's minimiser is g_w = 0 and d = 0 (torchjd's rule); opposite
// gradients give g0 = 0 and d = 0 too.
func TestCAGradParetoStationary(t *testing.T) {
	cases := []struct {
		name string
		c    float64
		vs   [][]float64
	}{
		{"origin in hull, c = 1", 1, [][]float64{{1, 0}, {-1, 1}, {-1, -1}}},
		{"opposite", 0.5, [][]float64{{1, 2}, {-1, -2}}},
		{"all zero", 0.5, [][]float64{{0, 0}, {0, 0}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			alpha := mustWeights(t, CAGrad{C: tc.c}, gramOf(tc.vs))
			d := direction(alpha, tc.vs)
			if normv(d) > 1e-9 {
				t.Errorf("d = %v (α %v), want 0", d, alpha)
			}
		})
	}
}
