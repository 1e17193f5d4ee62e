package graph

import (
	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
)

// BCEWithLogits returns Σ_i w_i · mean_j ℓ(z_ij, t_ij), the binary
// cross-entropy of logits z against targets t in [0, 1], both (batch, k),
// with per-example weights w (batch). It is computed from the logits in
// the stable form ℓ(z, t) = max(z, 0) − z·t + log(1 + exp(−|z|)), never
// as log(sigmoid(z)), which overflows to −Inf for very negative z.
func (b *Builder) BCEWithLogits(logits, target, weights *gorgonia.Node) (loss *gorgonia.Node, err error) {
	defer recoverError(&err, "binary cross-entropy: logits %v, targets %v, weights %v", shapeOf(logits), shapeOf(target), shapeOf(weights))
	if err := checkLossShapes("binary cross-entropy", logits, target, weights); err != nil {
		return nil, err
	}
	c := opChain{what: "binary cross-entropy"}
	pos := c.unary("max(z, 0)", gorgonia.Rectify, logits)
	zt := c.binary("z·t", gorgonia.HadamardProd, logits, target)
	negAbs := c.unary("−|z|", gorgonia.Neg, c.unary("|z|", gorgonia.Abs, logits))
	soft := c.unary("log(1 + exp(−|z|))", gorgonia.Log1p, c.unary("exp(−|z|)", gorgonia.Exp, negAbs))
	l := c.binary("sum of terms", gorgonia.Add, c.binary("max(z, 0) − z·t", gorgonia.Sub, pos, zt), soft)
	if c.err != nil {
		return nil, c.err
	}
	return b.meanOverColumns("binary cross-entropy", l, weights)
}

// meanOverColumns reduces per-element losses (batch, k) to
// Σ_i w_i · mean_j rows_ij.
func (b *Builder) meanOverColumns(what string, rows, weights *gorgonia.Node) (*gorgonia.Node, error) {
	loss, err := weightedSum(what, rows, weights, false)
	if err != nil {
		return nil, err
	}
	k := float64(rows.Shape()[1])
	if k == 1 {
		return loss, nil
	}
	if loss, err = gorgonia.Mul(loss, b.constant(1/k)); err != nil {
		return nil, errors.Wrapf(err, "graph: %s: scale by 1/k", what)
	}
	return loss, nil
}

// constant returns a scalar constant of the Store's dtype.
func (b *Builder) constant(v float64) *gorgonia.Node {
	if b.Params.dtype == gorgonia.Float32 {
		return gorgonia.NewConstant(float32(v))
	}
	return gorgonia.NewConstant(v)
}
