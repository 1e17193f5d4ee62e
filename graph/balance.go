package graph

import (
	"math/rand"

	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// WeightedSum returns Σ_t weights[t]·losses[t] for scalar nodes.
func (b *Builder) WeightedSum(losses, weights []*gorgonia.Node) (total *gorgonia.Node, err error) {
	defer recoverError(&err, "weighted sum of %d losses", len(losses))
	if len(losses) == 0 || len(losses) != len(weights) {
		return nil, errors.Errorf("graph: weighted sum: %d losses and %d weights", len(losses), len(weights))
	}
	for t := range losses {
		term, err := gorgonia.Mul(weights[t], losses[t])
		if err != nil {
			return nil, errors.Wrapf(err, "graph: weighted sum: term %d", t)
		}
		if total, err = addTerm(total, term); err != nil {
			return nil, errors.Wrapf(err, "graph: weighted sum: term %d", t)
		}
	}
	return total, nil
}

// UncertaintyWeighted returns uncertainty weighting's total (Kendall, Gal
// & Cipolla 2018, in LibMTL's form):
//
//	Σ_t losses[t]/(2·exp(s_t)) + s_t/2
//
// where s_t, a learned log-variance, is the one-element parameter named
// names[t], initialised at init. It returns the total and the s_t nodes.
func (b *Builder) UncertaintyWeighted(names []string, losses []*gorgonia.Node, init float64) (total *gorgonia.Node, logVars []*gorgonia.Node, err error) {
	defer recoverError(&err, "uncertainty weighting of %d losses", len(losses))
	if len(losses) == 0 || len(losses) != len(names) {
		return nil, nil, errors.Errorf("graph: uncertainty weighting: %d losses and %d names", len(losses), len(names))
	}
	fill := func(_ *rand.Rand, _, _ int, dst []float64) {
		for i := range dst {
			dst[i] = init
		}
	}
	for t, loss := range losses {
		s, err := b.param(names[t], tensor.Shape{1}, 0, 0, fill)
		if err != nil {
			return nil, nil, err
		}
		logVars = append(logVars, s)
		term, err := uncertaintyTerm(b, loss, s)
		if err != nil {
			return nil, nil, errors.WithMessagef(err, "graph: uncertainty weighting of %q", names[t])
		}
		if total, err = addTerm(total, term); err != nil {
			return nil, nil, errors.Wrapf(err, "graph: uncertainty weighting of %q", names[t])
		}
	}
	return total, logVars, nil
}

// uncertaintyTerm is loss·exp(−s)/2 + s/2 for a one-element s.
func uncertaintyTerm(b *Builder, loss, s *gorgonia.Node) (*gorgonia.Node, error) {
	sc, err := gorgonia.Sum(s)
	if err != nil {
		return nil, errors.Wrap(err, "log-variance to scalar")
	}
	neg, err := gorgonia.Neg(sc)
	if err != nil {
		return nil, errors.Wrap(err, "negate")
	}
	prec, err := gorgonia.Exp(neg)
	if err != nil {
		return nil, errors.Wrap(err, "precision")
	}
	scaled, err := gorgonia.Mul(loss, prec)
	if err != nil {
		return nil, errors.Wrap(err, "scaled loss")
	}
	sum, err := gorgonia.Add(scaled, sc)
	if err != nil {
		return nil, errors.Wrap(err, "regulariser")
	}
	half, err := gorgonia.Mul(sum, b.constant(0.5))
	if err != nil {
		return nil, errors.Wrap(err, "halve")
	}
	return half, nil
}

// GeometricMean returns (Π_t (losses[t] + eps))^(1/T), computed as
// exp(mean_t log(losses[t] + eps)): the geometric loss strategy
// (Chennupati et al. 2019). eps keeps a loss of exactly zero finite.
func (b *Builder) GeometricMean(losses []*gorgonia.Node, eps float64) (total *gorgonia.Node, err error) {
	defer recoverError(&err, "geometric mean of %d losses", len(losses))
	if len(losses) == 0 {
		return nil, errors.New("graph: geometric mean: no losses")
	}
	var logSum *gorgonia.Node
	for t, loss := range losses {
		shifted, err := gorgonia.Add(loss, b.constant(eps))
		if err != nil {
			return nil, errors.Wrapf(err, "graph: geometric mean: loss %d", t)
		}
		lg, err := gorgonia.Log(shifted)
		if err != nil {
			return nil, errors.Wrapf(err, "graph: geometric mean: log of loss %d", t)
		}
		if logSum, err = addTerm(logSum, lg); err != nil {
			return nil, errors.Wrapf(err, "graph: geometric mean: loss %d", t)
		}
	}
	mean, err := gorgonia.Mul(logSum, b.constant(1/float64(len(losses))))
	if err != nil {
		return nil, errors.Wrap(err, "graph: geometric mean: mean of logs")
	}
	if total, err = gorgonia.Exp(mean); err != nil {
		return nil, errors.Wrap(err, "graph: geometric mean: exp")
	}
	return total, nil
}

// addTerm returns sum + term, or term when sum is nil.
func addTerm(sum, term *gorgonia.Node) (*gorgonia.Node, error) {
	if sum == nil {
		return term, nil
	}
	return gorgonia.Add(sum, term)
}
