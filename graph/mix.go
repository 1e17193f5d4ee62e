package graph

import (
	"math/rand"

	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Softmax returns probabilities over the last axis of logits (batch, k),
// computed as exp(LogSoftmax(logits)).
//
// It never uses gorgonia.SoftMax: in Gorgonia v0.9.18 SoftMax and
// LogSoftMax hash alike (softmaxOp.WriteHash leaves out isLog), so a graph
// holding both on the same logits merges them into whichever was built
// first, and a loss on "log-probabilities" silently reads probabilities.
func (b *Builder) Softmax(logits *gorgonia.Node) (y *gorgonia.Node, err error) {
	defer recoverError(&err, "softmax on %v", shapeOf(logits))
	logp, err := b.LogSoftmax(logits)
	if err != nil {
		return nil, err
	}
	if y, err = gorgonia.Exp(logp); err != nil {
		return nil, errors.Wrapf(err, "graph: softmax on %v", logits.Shape())
	}
	return y, nil
}

// Concat joins matrices (batch, k_i) side by side into (batch, Σ k_i).
func (b *Builder) Concat(xs ...*gorgonia.Node) (y *gorgonia.Node, err error) {
	defer recoverError(&err, "concat of %d nodes", len(xs))
	if len(xs) == 0 {
		return nil, errors.New("graph: concat of no nodes")
	}
	for i, x := range xs {
		if x == nil {
			return nil, errors.Errorf("graph: concat: node %d is nil", i)
		}
		if x.Shape().Dims() != 2 || x.Shape()[0] != xs[0].Shape()[0] {
			return nil, errors.Errorf("graph: concat: node %d has shape %v, want (%d, k)", i, x.Shape(), xs[0].Shape()[0])
		}
	}
	if len(xs) == 1 {
		return xs[0], nil
	}
	if y, err = gorgonia.Concat(1, xs...); err != nil {
		return nil, errors.Wrap(err, "graph: concat")
	}
	return y, nil
}

// MixExperts returns Σ_i gate[:, i] ⊙ experts[i]: each row's mixture of
// the experts' outputs (batch, d) under the gate's weights (batch, n), as
// in a mixture of experts.
func (b *Builder) MixExperts(gate *gorgonia.Node, experts []*gorgonia.Node) (y *gorgonia.Node, err error) {
	defer recoverError(&err, "mixture of %d experts under gate %v", len(experts), shapeOf(gate))
	if gate == nil {
		return nil, errors.New("graph: mixture: gate is nil")
	}
	gs := gate.Shape()
	if gs.Dims() != 2 || gs[1] != len(experts) {
		return nil, errors.Errorf("graph: mixture: gate shape %v for %d experts, want (batch, %d)", gs, len(experts), len(experts))
	}
	for i, e := range experts {
		if e == nil {
			return nil, errors.Errorf("graph: mixture: expert %d is nil", i)
		}
		if e.Shape().Dims() != 2 || e.Shape()[0] != gs[0] || !e.Shape().Eq(experts[0].Shape()) {
			return nil, errors.Errorf("graph: mixture: expert %d has shape %v, want (%d, d) like expert 0 %v", i, e.Shape(), gs[0], experts[0].Shape())
		}
	}
	for i, e := range experts {
		col, err := gorgonia.Slice(gate, nil, gorgonia.S(i))
		if err != nil {
			return nil, errors.Wrapf(err, "graph: mixture: gate column %d", i)
		}
		if col, err = gorgonia.Reshape(col, tensor.Shape{gs[0], 1}); err != nil {
			return nil, errors.Wrapf(err, "graph: mixture: gate column %d", i)
		}
		term, err := gorgonia.BroadcastHadamardProd(e, col, nil, []byte{1})
		if err != nil {
			return nil, errors.Wrapf(err, "graph: mixture: expert %d %v x gate column", i, e.Shape())
		}
		if y == nil {
			y = term
		} else if y, err = gorgonia.Add(y, term); err != nil {
			return nil, errors.Wrapf(err, "graph: mixture: adding expert %d", i)
		}
	}
	return y, nil
}

// CrossStitch mixes same-shaped activations xs[0..T-1] of T task towers
// with a learned T×T matrix α named name: y_t = Σ_s α_ts x_s (Misra et al.
// 2016, one α per layer). α starts near the identity: self weight,
// spread evenly over the other towers so that every row sums to 1.
func (b *Builder) CrossStitch(name string, xs []*gorgonia.Node, self float64) (ys []*gorgonia.Node, err error) {
	defer recoverError(&err, "cross-stitch %q over %d towers", name, len(xs))
	t := len(xs)
	if t == 0 {
		return nil, errors.Errorf("graph: cross-stitch %q: no towers", name)
	}
	for i, x := range xs {
		if x == nil {
			return nil, errors.Errorf("graph: cross-stitch %q: tower %d is nil", name, i)
		}
		if !x.Shape().Eq(xs[0].Shape()) {
			return nil, errors.Errorf("graph: cross-stitch %q: tower %d has shape %v, tower 0 %v", name, i, x.Shape(), xs[0].Shape())
		}
	}
	if t == 1 {
		return xs, nil
	}
	init := func(_ *rand.Rand, _, _ int, dst []float64) {
		for i := range dst {
			dst[i] = (1 - self) / float64(t-1)
			if i/t == i%t {
				dst[i] = self
			}
		}
	}
	alpha, err := b.param(name, tensor.Shape{t, t}, t, t, init)
	if err != nil {
		return nil, err
	}
	ys = make([]*gorgonia.Node, t)
	for i := range ys {
		for s, x := range xs {
			a, err := gorgonia.Slice(alpha, gorgonia.S(i), gorgonia.S(s))
			if err != nil {
				return nil, errors.Wrapf(err, "graph: cross-stitch %q: α[%d,%d]", name, i, s)
			}
			term, err := gorgonia.Mul(a, x)
			if err != nil {
				return nil, errors.Wrapf(err, "graph: cross-stitch %q: α[%d,%d] x %v", name, i, s, x.Shape())
			}
			if ys[i] == nil {
				ys[i] = term
			} else if ys[i], err = gorgonia.Add(ys[i], term); err != nil {
				return nil, errors.Wrapf(err, "graph: cross-stitch %q: tower %d", name, i)
			}
		}
	}
	return ys, nil
}
