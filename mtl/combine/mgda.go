package combine

import (
	"errors"
	"fmt"
	"math"
)

// MGDA's gradient normalisations (LibMTL's mgda_gn).
const (
	NormNone     = "none"  // g_t as is
	NormL2       = "l2"    // g_t / ‖g_t‖
	NormLoss     = "loss"  // g_t / L_t
	NormLossPlus = "loss+" // g_t / (L_t ‖g_t‖)
)

// ErrLosses is wrapped by the errors MGDA returns when a loss-based
// normalisation has no usable losses.
var ErrLosses = errors.New("combine: invalid losses")

// MGDA is the multiple-gradient descent algorithm of Sener & Koltun 2018,
// "Multi-Task Learning as Multi-Objective Optimization": d is the min-norm
// point of the convex hull of the (normalised) task gradients, found by
// the Frank–Wolfe-type MinNormSolver of the official code (initialised
// from the best pair, at most MaxIter iterations, stop when the weights
// move less than 1e-5), exact for T = 2:
//
//	α_1 = clip((g_2−g_1)·g_2 / ‖g_1−g_2‖², 0, 1),  α_2 = 1 − α_1.
//
// Departures from LibMTL/weighting/MGDA.py: the 2-point line solver is
// exact at its ends (the original returns 0.999 or 0.001 instead of 1 or
// 0) and gives ½ for two identical gradients; G is divided by its largest
// diagonal entry before solving, which leaves the minimiser unchanged but
// makes the solver's step and stopping rule scale-free (the original stops
// almost at once when gradients are tiny); when the iteration cap is
// reached the last iterate is returned (LibMTL returns None).
//
// With a normalisation, the solver works on ĝ_t = g_t/s_t and the weights
// are returned on the original gradients, α_t = β_t/s_t, so that
// d = Σ β_t ĝ_t as in LibMTL. If a normaliser is zero (a zero gradient
// under "l2" or "loss+"), that zero gradient is itself the min-norm point:
// α puts 1 on the first such task and d = 0.
//
// Without normalisation a zero gradient is likewise the min-norm point
// (β = e_t, d = 0), and all-zero gradients give β = 1/T.
//
// MGDA is only the solver, so the trainer can run it on representation
// gradients for MGDA-UB.
type MGDA struct {
	// Norm is the gradient normalisation: "none" (or ""), "l2", "loss" or
	// "loss+".
	Norm string
	// MaxIter caps the solver's iterations; 0 means 250 (MinNormSolver's
	// MAX_ITER).
	MaxIter int
	// Losses are the current task losses, needed by "loss" and "loss+";
	// SetLosses sets them. They must be finite and > 0.
	Losses []float64
}

var (
	_ Combiner  = MGDA{}
	_ LossAware = (*MGDA)(nil)
)

// Name returns "mgda".
func (MGDA) Name() string { return MGDAName }

// SetLosses records the current task losses (copied).
func (m *MGDA) SetLosses(losses []float64) {
	m.Losses = append(m.Losses[:0], losses...)
}

// Weights returns the min-norm weights, expressed on the original
// gradients.
func (m MGDA) Weights(gram [][]float64) ([]float64, error) {
	if err := checkNorm(m.Norm); err != nil {
		return nil, err
	}
	g, err := newGramian(gram)
	if err != nil {
		return nil, err
	}
	norm := m.Norm
	if norm == "" {
		norm = NormNone
	}
	iters := m.MaxIter
	if iters <= 0 {
		iters = defaultMGDAIter
	}
	if norm == NormNone {
		return minNorm(g, iters), nil
	}
	s := make([]float64, g.n)
	if norm == NormLoss || norm == NormLossPlus {
		if len(m.Losses) != g.n {
			return nil, fmt.Errorf("%w: mgda normalisation %q needs %d losses, have %d", ErrLosses, norm, g.n, len(m.Losses))
		}
		for t, l := range m.Losses {
			if !(l > 0) || math.IsInf(l, 0) {
				return nil, fmt.Errorf("%w: mgda normalisation %q needs finite losses > 0, task %d has %v", ErrLosses, norm, t, l)
			}
		}
	}
	for t := range s {
		switch norm {
		case NormL2:
			s[t] = math.Sqrt(g.at(t, t))
		case NormLoss:
			s[t] = m.Losses[t]
		case NormLossPlus:
			s[t] = m.Losses[t] * math.Sqrt(g.at(t, t))
		}
	}
	for t, v := range s {
		if v == 0 {
			alpha := make([]float64, g.n)
			alpha[t] = 1
			return alpha, nil
		}
	}
	beta := minNorm(g.scaled(s), iters)
	for t := range beta {
		beta[t] /= s[t]
	}
	return beta, nil
}

func checkNorm(norm string) error {
	switch norm {
	case "", NormNone, NormL2, NormLoss, NormLossPlus:
		return nil
	}
	return fmt.Errorf("%w: mgda normalisation %q, want none, l2, loss or loss+", ErrConfig, norm)
}
