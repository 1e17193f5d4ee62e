package combine

import "math/rand/v2"

// PCGrad projects conflicting gradients (Yu et al. 2020, "Gradient Surgery
// for Multi-Task Learning", Algorithm 1; LibMTL/weighting/PCGrad.py). For
// each task i, g_i' starts as g_i and visits the other tasks j in a random
// order; whenever g_i'·g_j < 0 it is projected onto the normal plane of
// g_j,
//
//	g_i' ← g_i' − (g_i'·g_j / ‖g_j‖²) g_j,
//
// always against the original g_j. The direction is d = Σ_i g_i', summed
// as LibMTL does (the paper's Algorithm 1 also sums).
//
// Each g_i' is tracked as a coefficient vector over the original
// gradients, so every dot product is taken through G and α is the sum of
// the coefficient vectors.
//
// The paper visits the tasks j ≠ i; LibMTL's loop also visits j = i,
// which only matters when the partly projected g_i' has turned against
// g_i itself. We follow the paper. A task with a zero gradient is never
// projected against (its dot products are 0).
type PCGrad struct {
	// Rand shuffles each task's visiting order; it advances on every call,
	// which makes PCGrad stateful. New seeds it from Config.Seed. Nil
	// means no shuffling: every task visits the others in index order.
	// Only a Rand that New built (or UnmarshalBinary restored) can be
	// saved by MarshalBinary.
	Rand *rand.Rand

	src *rand.PCG  // the source of rng, whose state MarshalBinary saves
	rng *rand.Rand // the Rand built on src; Rand != rng means Rand was replaced
}

// newPCGrad returns a PCGrad whose Rand draws from rand.NewPCG(seed,
// pcgradStream).
func newPCGrad(seed uint64) *PCGrad {
	src := rand.NewPCG(seed, pcgradStream)
	rng := rand.New(src)
	return &PCGrad{Rand: rng, src: src, rng: rng}
}

var _ Combiner = PCGrad{}

// Name returns "pcgrad".
func (PCGrad) Name() string { return PCGradName }

// Weights returns the coefficients of Σ_i g_i'. For T = 2 the visiting
// order does not matter (each task has one other), so the result is
// deterministic whatever Rand is.
func (p PCGrad) Weights(gram [][]float64) ([]float64, error) {
	g, err := newGramian(gram)
	if err != nil {
		return nil, err
	}
	n := g.n
	alpha := make([]float64, n)
	c := make([]float64, n)
	order := make([]int, 0, n)
	for i := 0; i < n; i++ {
		clear(c)
		c[i] = 1
		order = order[:0]
		for j := 0; j < n; j++ {
			if j != i {
				order = append(order, j)
			}
		}
		if p.Rand != nil {
			p.Rand.Shuffle(len(order), func(a, b int) { order[a], order[b] = order[b], order[a] })
		}
		for _, j := range order {
			gjj := g.at(j, j)
			if gjj <= 0 {
				continue
			}
			d := 0.0 // g_i'·g_j = Σ_k c_k G[k][j]
			for k, ck := range c {
				d += ck * g.at(k, j)
			}
			if d < 0 {
				c[j] -= d / gjj
			}
		}
		for k, ck := range c {
			alpha[k] += ck
		}
	}
	return alpha, nil
}
