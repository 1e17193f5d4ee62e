package combine

import (
	"fmt"
	"math"
)

// defaultUPGradReg is UPGrad.RegEps's default.
const defaultUPGradReg = 1e-12

// UPGrad is the unconflicting projection of gradients of Jacobian descent
// (Quinton & Rey 2024, "Jacobian descent for multi-objective
// optimization"; torchjd's UPGrad, github.com/TorchJD/torchjd, also in
// LibMTL/weighting/UPGrad.py). Each task's gradient, weighted by the
// uniform preference 1/T, is projected onto the dual cone of all the
// gradients {x : g_j·x ≥ 0 ∀j}, and the projections are added. By the
// paper's Proposition 1 the projection of Jᵀu has weights
//
//	v = argmin_v vᵀ G v  subject to  v ≥ u  (elementwise),
//
// and α = Σ_i v_i over u_i = e_i/T. Each QP is solved exactly by a primal
// active-set method (Nocedal & Wright, Algorithm 16.3) on z = v − u ≥ 0,
// with Cholesky solves on the free set, at most MaxIter working-set
// changes per task.
//
// As in torchjd, G is first divided by its trace (the squared Frobenius
// norm of the gradient matrix; the minimisers are unchanged) and a ridge
// RegEps·I is added so that the QP is strictly convex. torchjd's default
// reg_eps is 1e-4; ours is 1e-12, because our solver does not need the
// margin quadprog does, and the ridge trades dual-cone membership away:
// the QP's optimality conditions give G̃v ≥ −RegEps·v, so g_i·d can be
// negative by about RegEps·‖J‖_F² times the weights. Set RegEps to 1e-4
// to reproduce torchjd. torchjd also
// treats a trace below norm_eps = 1e-4 (absolute) as zero gradients;
// here NormEps defaults to 0, so only an exactly zero trace gives the
// fallback α = 1/T (the mean, which is what torchjd returns there),
// because an absolute 1e-4 would silently turn UPGrad into the mean once
// gradients get small.
//
// Properties the tests check: d lies in the dual cone (g_i·d ≥ 0 up to
// rounding), and when no two gradients conflict (G ≥ 0 entrywise) each
// g_i/T is already in the cone, so α = 1/T, the mean gradient.
type UPGrad struct {
	// NormEps: a trace of G at or below it counts as all-zero gradients;
	// 0 means exactly zero (torchjd: 1e-4).
	NormEps float64
	// RegEps is the ridge added to the trace-normalised G; 0 means 1e-12
	// (torchjd: 1e-4).
	RegEps float64
	// MaxIter caps the active-set changes per task; 0 means 100.
	MaxIter int
}

var _ Combiner = UPGrad{}

// Name returns "upgrad".
func (UPGrad) Name() string { return UPGradName }

// Weights returns the UPGrad weights.
func (u UPGrad) Weights(gram [][]float64) ([]float64, error) {
	for _, f := range []struct {
		name string
		v    float64
	}{{"norm_eps", u.NormEps}, {"reg_eps", u.RegEps}} {
		if !(f.v >= 0) || math.IsInf(f.v, 0) {
			return nil, fmt.Errorf("%w: upgrad %s %v, want a finite value ≥ 0", ErrConfig, f.name, f.v)
		}
	}
	g, err := newGramian(gram)
	if err != nil {
		return nil, err
	}
	n := g.n
	mean := 1 / float64(n)
	tr := g.trace()
	if tr <= u.NormEps {
		return uniform(n, mean), nil
	}
	reg := u.RegEps
	if reg == 0 {
		reg = defaultUPGradReg
	}
	iters := u.MaxIter
	if iters <= 0 {
		iters = defaultUPGradIter
	}
	a := g.times(1 / tr)
	for i := 0; i < n; i++ {
		a.a[i*n+i] += reg
	}
	alpha := make([]float64, n)
	q := newBoxQP(n)
	lin := make([]float64, n)
	for i := 0; i < n; i++ {
		// v = u + z: min ½zᵀAz + zᵀ(A u) over z ≥ 0, u = e_i/T.
		for j := range lin {
			lin[j] = a.at(j, i) * mean
		}
		z := q.solve(a, lin, iters)
		for j, zj := range z {
			alpha[j] += zj
		}
		alpha[i] += mean
	}
	return alpha, nil
}
