package combine

import (
	"fmt"
	"math"
)

// CAGrad's rescalings of d (LibMTL's and the official code's rescale).
const (
	RescaleNone   = "none"  // rescale=0: d as solved
	RescaleLinear = "1+c"   // rescale=2: d/(1+c)
	RescaleSquare = "1+c^2" // rescale=1, the default: d/(1+c²)
)

// paretoTol is the relative size below which CAGrad treats g_w as zero,
// in units of the gradient matrix's Frobenius norm (torchjd's norm_eps
// on its trace-normalised Gramian).
const paretoTol = 1e-4

// CAGrad is conflict-averse gradient descent (Liu et al. 2021,
// "Conflict-Averse Gradient Descent for Multi-task Learning", Algorithm 1;
// LibMTL/weighting/CAGrad.py and the official code,
// github.com/Cranial-XIX/CAGrad). With g0 the mean gradient and
// √φ = c‖g0‖, it solves the dual problem over the simplex
//
//	min_w  g_w·g0 + √φ ‖g_w‖,   g_w = Σ w_t g_t,
//
// and returns d = g0 + (√φ/‖g_w‖) g_w, the direction within distance
// c‖g0‖ of g0 that maximises the worst task's improvement min_i g_i·d,
// divided by the Rescale factor. In terms of α,
// α_t = (1/T + (√φ/‖g_w‖) w_t) / rescale.
//
// Solver: LibMTL calls scipy's SLSQP on w; we run accelerated projected
// gradient (FISTA with backtracking and adaptive restart) on the simplex,
// on G divided by its trace (the minimiser is unchanged) with ‖g_w‖
// smoothed as sqrt(‖g_w‖² + 1e-18), to a projected-gradient residual of
// 1e-12 or MaxIter iterations.
//
// Degenerate cases: c = 0 gives the mean gradient exactly (α = 1/T). When
// ‖g_w‖ ≤ 1e-4·sqrt(tr G) the gradients are (numerically)
// Pareto-stationary and α = 0, as torchjd's CAGrad does (LibMTL divides by
// ‖g_w‖ + 1e-8 instead, which can blow up); this covers all-zero
// gradients. LibMTL's direction is not multiplied by T (the official
// NYUv2 code multiplies it by 3 "to match the sum loss").
type CAGrad struct {
	// C is c ≥ 0; 0 gives the mean gradient. (Config maps 0 to 0.5.)
	C float64
	// Rescale is "1+c^2" (or ""), "1+c" or "none".
	Rescale string
	// MaxIter caps the solver's iterations; 0 means 2000.
	MaxIter int
}

var _ Combiner = CAGrad{}

// Name returns "cagrad".
func (CAGrad) Name() string { return CAGradName }

// Weights returns the CAGrad weights.
func (c CAGrad) Weights(gram [][]float64) ([]float64, error) {
	if !(c.C >= 0) || math.IsInf(c.C*c.C, 0) {
		return nil, fmt.Errorf("%w: cagrad c %v, want a finite value ≥ 0 with a finite square", ErrConfig, c.C)
	}
	if err := checkRescale(c.Rescale); err != nil {
		return nil, err
	}
	g, err := newGramian(gram)
	if err != nil {
		return nil, err
	}
	n := g.n
	scale := 1.0
	switch c.Rescale {
	case "", RescaleSquare:
		scale = 1 + c.C*c.C
	case RescaleLinear:
		scale = 1 + c.C
	}
	mean := 1 / float64(n)
	if c.C == 0 {
		return uniform(n, mean/scale), nil
	}
	tr := g.trace()
	if tr == 0 {
		return make([]float64, n), nil
	}
	h := g.times(1 / tr)
	b := make([]float64, n) // G g0 coefficients: (G·1/T)
	h.mulVec(b, uniform(n, mean))
	r := c.C * math.Sqrt(math.Max(sum(b)*mean, 0)) // c‖g0‖ (normalised)
	if r == 0 {
		return uniform(n, mean/scale), nil // g0 = 0: d = g0 = 0
	}
	iters := c.MaxIter
	if iters <= 0 {
		iters = defaultCAGradIter
	}
	w := cagradDual(h, b, r, iters)
	gw := math.Sqrt(math.Max(h.quad(w, w), 0))
	if gw <= paretoTol {
		return make([]float64, n), nil
	}
	lambda := r / gw
	alpha := make([]float64, n)
	for t := range alpha {
		alpha[t] = (mean + lambda*w[t]) / scale
	}
	return alpha, nil
}

// cagradSmooth is added to ‖g_w‖² (with G of unit trace) so that the
// dual objective is differentiable everywhere.
const cagradSmooth = 1e-18

// cagradDual minimises F(w) = b·w + r·sqrt(wᵀGw + δ) over the simplex by
// FISTA with backtracking (Beck & Teboulle 2009) and function-value
// restart (O'Donoghue & Candès 2015), starting from the uniform weights.
func cagradDual(g gramian, b []float64, r float64, maxIter int) []float64 {
	n := g.n
	gv := make([]float64, n)
	f := func(w []float64) float64 {
		return dot(b, w) + r*math.Sqrt(math.Max(g.quad(w, w), 0)+cagradSmooth)
	}
	grad := func(dst, w []float64) {
		g.mulVec(gv, w)
		k := r / math.Sqrt(math.Max(dot(w, gv), 0)+cagradSmooth)
		for i := range dst {
			dst[i] = b[i] + k*gv[i]
		}
	}
	w := uniform(n, 1/float64(n))
	y := append([]float64(nil), w...)
	z := make([]float64, n)
	gy := make([]float64, n)
	scratch := make([]float64, n)
	fw := f(w)
	step, t := 1.0, 1.0 // step = 1/L
	restarted := false
	for iter := 0; iter < maxIter; iter++ {
		grad(gy, y)
		fy := f(y)
		var fz float64
		for k := 0; k < 100; k++ {
			for i := range z {
				z[i] = y[i] - step*gy[i]
			}
			projectSimplex(z, z, scratch)
			lin, quad := 0.0, 0.0
			for i := range z {
				d := z[i] - y[i]
				lin += gy[i] * d
				quad += d * d
			}
			fz = f(z)
			if fz <= fy+lin+quad/(2*step)+1e-15*math.Abs(fy) {
				break
			}
			step /= 2
		}
		if fz > fw {
			if restarted {
				break // no progress even from w itself: converged to rounding
			}
			copy(y, w)
			t = 1
			restarted = true
			continue
		}
		restarted = false
		res := 0.0 // the gradient mapping at y, ‖y − z‖/step
		tn := (1 + math.Sqrt(1+4*t*t)) / 2
		for i := range y {
			res = math.Max(res, math.Abs(z[i]-y[i]))
			y[i] = z[i] + (t-1)/tn*(z[i]-w[i])
		}
		copy(w, z)
		fw, t = fz, tn
		if res/step < 1e-12 {
			break
		}
		step *= 1.25 // let the step grow back after a curved region
	}
	return w
}

func checkRescale(rescale string) error {
	switch rescale {
	case "", RescaleNone, RescaleLinear, RescaleSquare:
		return nil
	}
	return fmt.Errorf("%w: cagrad rescale %q, want none, 1+c or 1+c^2", ErrConfig, rescale)
}
