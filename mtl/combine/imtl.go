package combine

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// imtlRcond is the relative singular-value cut-off of IMTL-G's linear
// solve: the system is solved in the least-squares, minimum-norm sense
// below it, so that a singular system (say, two identical gradients)
// still gives finite weights.
const imtlRcond = 1e-12

// IMTL is IMTL-G, the gradient half of impartial multi-task learning (Liu
// et al. ICLR 2021, "Towards Impartial Multi-task Learning";
// LibMTL/weighting/IMTL.py): the weights, summing to 1, for which d has
// the same projection on every task's unit gradient u_t = g_t/‖g_t‖,
// d·u_1 = d·u_t. With D and U the (T−1) rows g_1−g_t and u_1−u_t,
//
//	α_{2..T} = g_1 Uᵀ (D Uᵀ)^{-1},  α_1 = 1 − Σ_{t≥2} α_t,
//
// every product taken through G: (D Uᵀ)[a][b] = G_11/n_1 − G_1b/n_b −
// G_a1/n_1 + G_ab/n_b and (g_1 Uᵀ)[b] = G_11/n_1 − G_1b/n_b, n_t = ‖g_t‖.
// The system is solved through an SVD with a relative cut-off of 1e-12,
// so a singular one gives the minimum-norm least-squares weights (two
// identical gradients: α = (1, 0)). The loss-scale half of IMTL (IMTL-L)
// is a loss weighting, not a gradient combiner.
//
// A task with a zero gradient has no direction u_t: it gets α_t = 0 and
// the others are solved among themselves; all-zero gradients give
// α = 1/T.
type IMTL struct{}

var _ Combiner = IMTL{}

// Name returns "imtl".
func (IMTL) Name() string { return IMTLName }

// Weights returns the IMTL-G weights.
func (IMTL) Weights(gram [][]float64) ([]float64, error) {
	g, err := newGramian(gram)
	if err != nil {
		return nil, err
	}
	alpha := make([]float64, g.n)
	var idx []int
	for t := 0; t < g.n; t++ {
		if g.at(t, t) > 0 {
			idx = append(idx, t)
		}
	}
	switch len(idx) {
	case 0:
		return uniform(g.n, 1/float64(g.n)), nil
	case 1:
		alpha[idx[0]] = 1
		return alpha, nil
	}
	k := len(idx) - 1
	norm := make([]float64, len(idx))
	for a, t := range idx {
		norm[a] = math.Sqrt(g.at(t, t))
	}
	t0 := idx[0]
	g00 := g.at(t0, t0) / norm[0]
	// x (D Uᵀ) = g_1 Uᵀ, i.e. (D Uᵀ)ᵀ x = (g_1 Uᵀ)ᵀ.
	m := mat.NewDense(k, k, nil)
	rhs := mat.NewVecDense(k, nil)
	for b := 1; b <= k; b++ {
		tb := idx[b]
		rhs.SetVec(b-1, g00-g.at(t0, tb)/norm[b])
		for a := 1; a <= k; a++ {
			ta := idx[a]
			du := g00 - g.at(t0, tb)/norm[b] - g.at(ta, t0)/norm[0] + g.at(ta, tb)/norm[b]
			m.Set(b-1, a-1, du)
		}
	}
	var svd mat.SVD
	if !svd.Factorize(m, mat.SVDThin) {
		return nil, fmt.Errorf("combine: imtl: svd of the %d×%d system failed", k, k)
	}
	x := mat.NewVecDense(k, nil)
	if rank := svd.Rank(imtlRcond); rank > 0 {
		svd.SolveVecTo(x, rhs, rank)
	}
	rest := 0.0
	for a := 1; a <= k; a++ {
		alpha[idx[a]] = x.AtVec(a - 1)
		rest += x.AtVec(a - 1)
	}
	alpha[t0] = 1 - rest
	return alpha, nil
}
