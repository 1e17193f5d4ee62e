package combine

import "math"

// A boxQP solves min ½zᵀAz + cᵀz subject to z ≥ 0 for a symmetric
// positive-definite A by the primal active-set method (Nocedal & Wright,
// Numerical Optimization, 2nd ed., Algorithm 16.3, specialised to bounds):
// the working set holds the coordinates fixed at 0; each step minimises
// over the free coordinates exactly (a Cholesky solve), moves towards that
// minimiser as far as feasibility allows, and adds the blocking
// coordinate; at a subspace minimiser, the coordinate with the most
// negative multiplier (Az + c)_i is freed, until all are ≥ 0. It
// terminates in finitely many steps; maxIter caps them anyway.
type boxQP struct {
	z, y, grad, sub, rhs []float64
	free                 []bool
	idx                  []int
}

func newBoxQP(n int) *boxQP {
	return &boxQP{
		z:    make([]float64, n),
		y:    make([]float64, n),
		grad: make([]float64, n),
		sub:  make([]float64, n*n),
		rhs:  make([]float64, n),
		free: make([]bool, n),
		idx:  make([]int, 0, n),
	}
}

// solve returns the minimiser, in storage the next call reuses. If a
// sub-system is not numerically positive definite it returns the current
// (feasible) iterate.
func (q *boxQP) solve(a gramian, c []float64, maxIter int) []float64 {
	n := a.n
	z, y, free := q.z, q.y, q.free
	clear(z)
	clear(free)
	// Multiplier tolerance: rounding in (Az + c) relative to the data.
	scale := 0.0
	for i := 0; i < n; i++ {
		scale = math.Max(scale, math.Abs(a.at(i, i)))
		scale = math.Max(scale, math.Abs(c[i]))
	}
	tol := 1e-14 * scale
	for iter := 0; iter < maxIter; iter++ {
		// Minimise over the free coordinates with the others at 0.
		q.idx = q.idx[:0]
		for i, f := range free {
			if f {
				q.idx = append(q.idx, i)
			}
		}
		clear(y)
		if m := len(q.idx); m > 0 {
			sub := q.sub[:m*m]
			rhs := q.rhs[:m]
			for r, i := range q.idx {
				rhs[r] = -c[i]
				for s, j := range q.idx {
					sub[r*m+s] = a.at(i, j)
				}
			}
			if !cholSolve(sub, m, rhs) {
				return z
			}
			for r, i := range q.idx {
				y[i] = rhs[r]
			}
		}
		// Step from z towards y, stopped by the first coordinate to hit 0.
		step, block := 1.0, -1
		for _, i := range q.idx {
			if y[i] < 0 && z[i]-y[i] > 0 {
				if s := z[i] / (z[i] - y[i]); s < step {
					step, block = s, i
				}
			}
		}
		for _, i := range q.idx {
			z[i] += step * (y[i] - z[i])
		}
		if block >= 0 {
			z[block] = 0
			free[block] = false
			for _, i := range q.idx { // others that reached 0 with it
				if z[i] <= 0 {
					z[i] = 0
					free[i] = false
				}
			}
			continue
		}
		// z is the subspace minimiser: check the multipliers of the bounds.
		a.mulVec(q.grad, z)
		worst, wi := -tol, -1
		for i := 0; i < n; i++ {
			if !free[i] {
				if l := q.grad[i] + c[i]; l < worst {
					worst, wi = l, i
				}
			}
		}
		if wi < 0 {
			return z
		}
		free[wi] = true
	}
	return z
}
