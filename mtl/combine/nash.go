package combine

import (
	"fmt"
	"math"
)

// nashTol is the accuracy of Nash-MTL's weights: Newton stops when
// max_i |α_i (Gα)_i − 1| ≤ nashTol, a scale-free form of Gα = 1/α.
const nashTol = 1e-10

// defaultNashRidge is NashMTL.Ridge's default.
const defaultNashRidge = 1e-10

// NashMTL is Nash-MTL (Navon et al. 2022, "Multi-Task Learning as a
// Bargaining Game"; LibMTL/weighting/Nash_MTL.py and the official code,
// github.com/AvivNavon/nash-mtl): the Nash bargaining solution, α > 0 with
//
//	(Gα)_i = 1/α_i  for every task i,
//
// so that every task's improvement g_i·d equals 1/α_i. This is the
// stationarity condition of the convex function
// f(α) = ½ αᵀGα − Σ_i log α_i, which we minimise by Newton's method with
// the damped step 1/(1+λ) of self-concordant minimisation (λ the Newton
// decrement; full steps once λ ≤ 1/4), which keeps α > 0 and decreases f,
// guarded by a positivity check, to max_i |α_i(Gα)_i − 1| ≤ 1e-10 or
// MaxIter steps. The paper and its code instead run up to 20 steps of a
// sequential convex approximation with cvxpy and stop at a residual of
// 1e-3; we solve the exact condition, so α is the paper's fixed point
// itself.
//
// A ridge is added to G's diagonal, Ridge·G_ii (Ridge·tr(G)/T for a zero
// gradient): f has no minimiser when some non-negative combination of the
// gradients is zero, i.e. the gradients are Pareto-stationary (a zero
// gradient, two opposite ones, more conflicting tasks than dimensions),
// and the ridge makes it exist. There α grows like 1/√Ridge on the
// degenerate tasks, which is finite and leaves d ≈ 0 along them. Being relative to
// each task's own squared norm, the default ridge changes every task's
// condition α_i(Gα)_i = 1 by about 1e-10 otherwise, whatever the tasks'
// scales. All-zero gradients give α = 1.
//
// Frobenius divides G by its Frobenius norm before solving, as LibMTL and
// the official code do; then α solves (G/‖G‖_F)α = 1/α, i.e. it is the
// exact solution times ‖G‖_F^{1/2}, and ‖d‖ grows with the gradients'
// scale (the exact solution always has ‖d‖² = αᵀGα = T). Their gradient
// clipping (max_norm) is the trainer's business, not a combiner's.
type NashMTL struct {
	// Frobenius divides G by its Frobenius norm first, as LibMTL does.
	Frobenius bool
	// Ridge is the relative ridge; 0 means 1e-10.
	Ridge float64
	// MaxIter caps the Newton steps; 0 means 200.
	MaxIter int
}

var _ Combiner = NashMTL{}

// Name returns "nash".
func (NashMTL) Name() string { return NashName }

// Weights returns the Nash bargaining weights.
func (m NashMTL) Weights(gram [][]float64) ([]float64, error) {
	if !(m.Ridge >= 0) || math.IsInf(m.Ridge, 0) {
		return nil, fmt.Errorf("%w: nash ridge %v, want a finite value ≥ 0", ErrConfig, m.Ridge)
	}
	g, err := newGramian(gram)
	if err != nil {
		return nil, err
	}
	n := g.n
	if m.Frobenius {
		if fn := g.frobenius(); fn > 0 {
			g = g.times(1 / fn)
		}
	}
	tr := g.trace()
	if tr == 0 {
		return uniform(n, 1), nil
	}
	ridge := m.Ridge
	if ridge == 0 {
		ridge = defaultNashRidge
	}
	a := g.times(1)
	for i := 0; i < n; i++ {
		if d := g.at(i, i); d > 0 {
			a.a[i*n+i] += ridge * d
		} else {
			a.a[i*n+i] += ridge * tr / float64(n)
		}
	}
	iters := m.MaxIter
	if iters <= 0 {
		iters = defaultNashIter
	}

	// Start from the best multiple of v_i = 1/sqrt(A_ii), the solution for
	// orthogonal gradients: s = argmin ½s²·vᵀAv − T log s.
	alpha := make([]float64, n)
	for i := range alpha {
		alpha[i] = 1 / math.Sqrt(a.at(i, i))
	}
	s := math.Sqrt(float64(n) / a.quad(alpha, alpha))
	for i := range alpha {
		alpha[i] *= s
	}
	ga := make([]float64, n)
	delta := make([]float64, n)
	rhs := make([]float64, n)
	hess := make([]float64, n*n)
	for iter := 0; iter < iters; iter++ {
		a.mulVec(ga, alpha)
		worst := 0.0
		for i := range alpha {
			worst = math.Max(worst, math.Abs(alpha[i]*ga[i]-1))
		}
		if worst <= nashTol {
			break
		}
		// Newton: (A + diag(1/α²)) Δ = −∇f = 1/α − Aα.
		copy(hess, a.a)
		for i, v := range alpha {
			hess[i*n+i] += 1 / (v * v)
			rhs[i] = 1/v - ga[i]
		}
		copy(delta, rhs)
		if !cholSolve(hess, n, delta) {
			return nil, fmt.Errorf("%w: nash: the gramian is not positive semi-definite", ErrGramian)
		}
		lambda2 := dot(rhs, delta) // −∇f·Δ, the squared Newton decrement
		step := 1.0
		if l := math.Sqrt(math.Max(lambda2, 0)); l > 0.25 {
			step = 1 / (1 + l)
		}
		for i, d := range delta {
			if d < 0 {
				step = math.Min(step, -0.99*alpha[i]/d)
			}
		}
		for i := range alpha {
			alpha[i] += step * delta[i]
		}
	}
	return alpha, nil
}
