package graph

import (
	"math/rand/v2"

	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
)

// Dropout adds inverted dropout, y = x ⊙ mask, for 0 <= rate < 1. The mask
// is a new input node named name+".mask" of x's shape; fill it with
// FillDropoutMask before every training run, so that the randomness comes
// from a seeded generator the caller owns (Gorgonia's own Dropout seeds
// from the clock). The mask starts as all ones, which is no dropout. A
// graph built for inference does not call Dropout.
func (b *Builder) Dropout(name string, x *gorgonia.Node, rate float64) (y, mask *gorgonia.Node, err error) {
	defer recoverError(&err, "dropout %q: input %v, rate %v", name, shapeOf(x), rate)
	if x == nil {
		return nil, nil, errors.Errorf("graph: dropout %q: input is nil", name)
	}
	if !validRate(rate) {
		return nil, nil, errors.Errorf("graph: dropout %q: rate %v, want 0 <= rate < 1", name, rate)
	}
	if mask, err = b.Input(name+".mask", x.Shape()...); err != nil {
		return nil, nil, err
	}
	if err := fillConst(mask, 1); err != nil {
		return nil, nil, err
	}
	if y, err = gorgonia.HadamardProd(x, mask); err != nil {
		return nil, nil, errors.Wrapf(err, "graph: dropout %q: %v x mask %v", name, x.Shape(), mask.Shape())
	}
	return y, mask, nil
}

// FillDropoutMask fills the float32 or float64 tensor bound to mask in
// place: each value is 0 with probability rate and 1/(1-rate) otherwise,
// so that the expected value of x ⊙ mask is x. It draws exactly one
// rng.Float64 per value, so the masks are the same for the same generator
// state whatever the rate.
func FillDropoutMask(mask *gorgonia.Node, rate float64, rng *rand.Rand) error {
	if mask == nil {
		return errors.New("graph: dropout mask is nil")
	}
	if rng == nil {
		return errors.Errorf("graph: dropout mask %q: random generator is nil", mask.Name())
	}
	if !validRate(rate) {
		return errors.Errorf("graph: dropout mask %q: rate %v, want 0 <= rate < 1", mask.Name(), rate)
	}
	if mask.Value() == nil {
		return errors.Errorf("graph: dropout mask %q has no value", mask.Name())
	}
	keep := 1 / (1 - rate)
	switch data := mask.Value().Data().(type) {
	case []float64:
		for i := range data {
			data[i] = keep
			if rng.Float64() < rate {
				data[i] = 0
			}
		}
	case []float32:
		for i := range data {
			data[i] = float32(keep)
			if rng.Float64() < rate {
				data[i] = 0
			}
		}
	default:
		return errors.Errorf("graph: dropout mask %q holds %T, want []float32 or []float64", mask.Name(), data)
	}
	return nil
}

// validRate reports whether rate is in [0, 1); NaN is not.
func validRate(rate float64) bool { return rate >= 0 && rate < 1 }

// fillConst sets every value of the float32 or float64 tensor bound to n.
func fillConst(n *gorgonia.Node, v float64) error {
	switch data := n.Value().Data().(type) {
	case []float64:
		for i := range data {
			data[i] = v
		}
	case []float32:
		for i := range data {
			data[i] = float32(v)
		}
	default:
		return errors.Errorf("graph: %q holds %T, want []float32 or []float64", n.Name(), data)
	}
	return nil
}
