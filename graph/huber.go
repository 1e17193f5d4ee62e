package graph

import (
	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
)

// Huber returns Σ_i w_i · mean_j h(p_ij − t_ij) for predictions p and
// targets t (batch, k) and per-example weights w (batch), where
// h(e) = e²/2 for |e| ≤ delta and delta·(|e| − delta/2) beyond: squared
// error near the target, absolute error far from it, so outliers pull
// less. With delta = 1 it is the smooth-L1 loss of box regression
// (Girshick 2015; PyTorch's smooth_l1_loss with beta 1). delta must be
// positive.
//
// It is built as q = |e| − relu(|e| − delta) (that is, min(|e|, delta)),
// h = q²/2 + delta·relu(|e| − delta).
func (b *Builder) Huber(pred, target, weights *gorgonia.Node, delta float64) (loss *gorgonia.Node, err error) {
	defer recoverError(&err, "huber: predictions %v, targets %v, weights %v", shapeOf(pred), shapeOf(target), shapeOf(weights))
	if err := checkLossShapes("huber", pred, target, weights); err != nil {
		return nil, err
	}
	if !(delta > 0) {
		return nil, errors.Errorf("graph: huber: delta %v, want > 0", delta)
	}
	c := opChain{what: "huber"}
	abs := c.unary("|e|", gorgonia.Abs, c.binary("p − t", gorgonia.Sub, pred, target))
	over := c.unary("relu(|e| − delta)", gorgonia.Rectify, c.binary("|e| − delta", gorgonia.Sub, abs, b.constant(delta)))
	q := c.binary("min(|e|, delta)", gorgonia.Sub, abs, over)
	sq := c.binary("q²/2", gorgonia.Mul, c.unary("q²", gorgonia.Square, q), b.constant(0.5))
	h := c.binary("sum of terms", gorgonia.Add, sq, c.binary("delta·relu(|e| − delta)", gorgonia.Mul, over, b.constant(delta)))
	if c.err != nil {
		return nil, c.err
	}
	return b.meanOverColumns("huber", h, weights)
}
