package weighting

import (
	"fmt"
	"math"
)

// UWInit is the initial log-variance s_t of every task under uncertainty
// weighting, LibMTL's value (its UW.init_param); each task's effective
// weight 1/(2·exp(s_t)) then starts at exp(0.5)/2 ≈ 0.824.
const UWInit = -0.5

// UW is uncertainty weighting (Kendall, Gal & Cipolla 2018, "Multi-task
// learning using uncertainty to weigh losses for scene geometry and
// semantics", CVPR), in LibMTL's form:
//
//	total = Σ_t L_t/(2·exp(s_t)) + s_t/2
//
// with one learned log-variance s_t per task, a graph parameter trained
// with the model and initialised to [UWInit]. (The paper writes
// 1/(2σ_t²)·L_t + log σ_t, i.e. s_t = log σ_t², for regression and
// 1/σ_t²·L_t for classification; LibMTL, followed here, uses the
// regression form for every task.) For fixed L_t the total is smallest at
// s_t = log L_t.
//
// The weights are not known before the step, so the trainer builds the
// total in the graph ([Symbolic] reports true) and Weights returns an error
// wrapping ErrSymbolic. [UWTotal], [UWGrad] and [UWWeights] are the
// formula as plain functions.
type UW struct {
	k int
}

var _ Weighting = UW{}

// Name returns "uw".
func (UW) Name() string { return UWName }

// Weights returns an error wrapping ErrSymbolic: uw's total is built in
// the graph.
func (UW) Weights([]float64) ([]float64, error) {
	return nil, fmt.Errorf("%w: uw learns log-variances s_t as graph parameters, total Σ L_t/(2·exp(s_t)) + s_t/2 (see UWTotal)", ErrSymbolic)
}

// EndEpoch does nothing.
func (UW) EndEpoch([]float64) {}

// UWTotal returns Σ_t L_t/(2·exp(s_t)) + s_t/2 for losses L and
// log-variances s. It returns NaN when the lengths differ.
func UWTotal(losses, logVars []float64) float64 {
	if len(losses) != len(logVars) {
		return math.NaN()
	}
	var total float64
	for t, l := range losses {
		s := logVars[t]
		total += l*math.Exp(-s)/2 + s/2
	}
	return total
}

// UWGrad returns the partial derivatives of UWTotal:
//
//	∂total/∂L_t = exp(-s_t)/2            (task t's effective weight)
//	∂total/∂s_t = 1/2 - L_t·exp(-s_t)/2
//
// It returns nil, nil when the lengths differ.
func UWGrad(losses, logVars []float64) (dLosses, dLogVars []float64) {
	if len(losses) != len(logVars) {
		return nil, nil
	}
	dLosses = make([]float64, len(losses))
	dLogVars = make([]float64, len(losses))
	for t, l := range losses {
		w := math.Exp(-logVars[t]) / 2
		dLosses[t] = w
		dLogVars[t] = 0.5 - l*w
	}
	return dLosses, dLogVars
}

// UWWeights returns the effective loss weights 1/(2·exp(s_t)) of
// log-variances s, the values LibMTL's UW reports as its weights.
func UWWeights(logVars []float64) []float64 {
	w := make([]float64, len(logVars))
	for t, s := range logVars {
		w[t] = math.Exp(-s) / 2
	}
	return w
}
