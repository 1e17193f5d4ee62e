package combine

import "math"

// minNormStop is MinNormSolver's STOP_CRIT: the solver stops when an
// iteration moves the weights by less than this in L1.
const minNormStop = 1e-5

// minNorm returns the weights β on the simplex of the min-norm point
// Σ β_t g_t of the convex hull of the gradients whose Gramian is g, by
// find_min_norm_element of Sener & Koltun's MinNormSolver
// (github.com/isl-org/MultiObjectiveOptimization,
// multi_task/min_norm_solvers.py; the same code is in
// LibMTL/weighting/MGDA.py): start from the best pair's exact line
// solution, which is optimal for T = 2, then iterate a projected-gradient
// step to the simplex followed by an exact line search between the
// current point and the new one, for at most maxIter iterations or until
// the step is below 1e-5 in L1.
//
// Departures, each documented on MGDA: the line solver is exact (the
// original returns 0.999 or 0.001 instead of 1 or 0 at the ends, and
// ½ is chosen for two identical gradients), and G is divided by its
// largest diagonal entry first (the minimiser is unchanged), which makes
// the original's step length and stopping rule independent of the
// gradients' scale.
func minNorm(g gramian, maxIter int) []float64 {
	n := g.n
	sol := make([]float64, n)
	if n == 1 {
		sol[0] = 1
		return sol
	}
	s := 0.0
	for i := 0; i < n; i++ {
		s = math.Max(s, g.at(i, i))
	}
	if s == 0 {
		// Every gradient is zero: any point is the min-norm point.
		return uniform(n, 1/float64(n))
	}
	h := g.times(1 / s)

	// _min_norm_2d: the best pair, first found on ties.
	best, bi, bj, bgamma := math.Inf(1), 0, 1, 0.0
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			gamma, cost := minNormLine(h.at(i, i), h.at(i, j), h.at(j, j))
			if cost < best {
				best, bi, bj, bgamma = cost, i, j, gamma
			}
		}
	}
	sol[bi] = bgamma
	sol[bj] = 1 - bgamma
	if n < 3 {
		return sol
	}

	grad := make([]float64, n)
	next := make([]float64, n)
	hs := make([]float64, n)
	scratch := make([]float64, n)
	for iter := 0; iter < maxIter; iter++ {
		h.mulVec(hs, sol)
		for i, v := range hs {
			grad[i] = -v
		}
		nextPoint(next, sol, grad, scratch)
		v11 := dot(sol, hs)
		v12 := dot(next, hs)
		v22 := h.quad(next, next)
		nc, _ := minNormLine(v11, v12, v22)
		change := 0.0
		for i := range sol {
			nv := nc*sol[i] + (1-nc)*next[i]
			change += math.Abs(nv - sol[i])
			next[i] = nv
		}
		if change < minNormStop {
			return sol
		}
		copy(sol, next)
	}
	return sol
}

// minNormLine returns the γ ∈ [0, 1] minimising ‖γ v1 + (1−γ) v2‖² given
// v1·v1, v1·v2 and v2·v2, and that minimum (MinNormSolver's
// _min_norm_element_from2, with exact ends). Its closed form is
// γ = clip((v2−v1)·v2 / ‖v1−v2‖², 0, 1); for v1 = v2 it returns ½.
func minNormLine(v11, v12, v22 float64) (gamma, cost float64) {
	den := v11 + v22 - 2*v12 // ‖v1 − v2‖²
	if !(den > 0) {
		return 0.5, v11
	}
	if v12 >= v11 {
		return 1, v11
	}
	if v12 >= v22 {
		return 0, v22
	}
	gamma = (v22 - v12) / den
	return gamma, v22 + gamma*(v12-v22)
}

// nextPoint is MinNormSolver's _next_point: a step along the gradient
// projected onto the simplex's tangent space, as far as the nearest face
// (steps shorter than 1e-7 ignored), projected back onto the simplex.
func nextPoint(dst, cur, grad, scratch []float64) {
	n := float64(len(cur))
	mean := sum(grad) / n
	t := 1.0
	have1 := false
	min1, min2 := math.Inf(1), math.Inf(1)
	for i, gi := range grad {
		p := gi - mean
		switch {
		case p < 0:
			if tm := -cur[i] / p; tm > 1e-7 {
				have1 = true
				min1 = math.Min(min1, tm)
			}
		case p > 0:
			if tm := (1 - cur[i]) / p; tm > 1e-7 {
				min2 = math.Min(min2, tm)
			}
		}
	}
	if have1 {
		t = min1
	}
	t = math.Min(t, min2)
	for i, gi := range grad {
		dst[i] = (gi-mean)*t + cur[i]
	}
	projectSimplex(dst, dst, scratch)
}
