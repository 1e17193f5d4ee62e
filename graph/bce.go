package graph

import "gorgonia.org/gorgonia"

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
