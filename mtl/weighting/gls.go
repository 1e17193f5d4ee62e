package weighting

import (
	"fmt"
	"math"
)

// GLS is the geometric loss strategy (Chennupati et al. 2019, "MultiNet++:
// multi-stream feature aggregation and geometric loss strategy for
// multi-task learning", CVPR workshops; LibMTL's GLS): the total loss is
// the geometric mean of the task losses,
//
//	total = G = (Π_t L_t)^(1/K) = exp(mean_t log L_t).
//
// The trainer builds exp(mean(log L_t)) in the graph when it does not know
// the losses before the update ([Symbolic] reports true). When it does,
// the same gradient comes from per-step weights: ∂G/∂L_t = G/(K·L_t), so
//
//	w_t = G / (K·L_t)
//
// evaluated at the step's losses gives Σ_t w_t·∇L_t = ∇G, and Σ_t w_t·L_t =
// G, the same total. (LibMTL reports L_t/(K·Π L) as GLS's weights; its
// gradient, taken by autograd through G, is the one above.)
type GLS struct {
	k int
}

var _ Weighting = GLS{}

// Name returns "gls".
func (GLS) Name() string { return GLSName }

// Weights returns G/(K·L_t) for the step's losses. It returns an error
// wrapping ErrNoLosses when losses is nil, and one naming the task when a
// loss is not finite and > 0 (the geometric mean's gradient is undefined
// at 0).
func (g GLS) Weights(losses []float64) ([]float64, error) {
	if losses == nil {
		return nil, fmt.Errorf("%w: gls weights are G/(K·L_t)", ErrNoLosses)
	}
	if err := checkLen("losses", losses, g.k); err != nil {
		return nil, err
	}
	var meanLog float64
	for t, l := range losses {
		if !(l > 0) || math.IsInf(l, 0) {
			return nil, fmt.Errorf("weighting: gls: loss of task %d is %v, want a finite value > 0", t, l)
		}
		meanLog += math.Log(l)
	}
	meanLog /= float64(g.k)
	w := make([]float64, g.k)
	for t, l := range losses {
		// G/L_t computed in logs, so that a product of many small or large
		// losses cannot underflow or overflow.
		w[t] = math.Exp(meanLog-math.Log(l)) / float64(g.k)
	}
	return w, nil
}

// EndEpoch does nothing.
func (GLS) EndEpoch([]float64) {}
