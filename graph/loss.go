package graph

import (
	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
)

// LogSoftmax returns log-probabilities over the last axis of logits
// (batch, classes), computed by Gorgonia's fused, stable LogSoftMax.
func (b *Builder) LogSoftmax(logits *gorgonia.Node) (y *gorgonia.Node, err error) {
	defer recoverError(&err, "log-softmax on %v", shapeOf(logits))
	if logits.Shape().Dims() != 2 {
		return nil, errors.Errorf("graph: log-softmax: logits shape %v, want (batch, classes)", logits.Shape())
	}
	if y, err = gorgonia.LogSoftMax(logits); err != nil {
		return nil, errors.Wrapf(err, "graph: log-softmax on %v", logits.Shape())
	}
	return y, nil
}

// CrossEntropy returns -Σ_i w_i Σ_c t_ic · logp_ic for log-probabilities
// logp and targets t of shape (batch, classes) and per-example weights w of
// shape (batch). With w_i = 1/n on n real rows and 0 on padding it is the
// mean cross-entropy of the real rows.
func (b *Builder) CrossEntropy(logp, target, weights *gorgonia.Node) (loss *gorgonia.Node, err error) {
	defer recoverError(&err, "cross-entropy: log-probs %v, targets %v, weights %v", shapeOf(logp), shapeOf(target), shapeOf(weights))
	if err := checkLossShapes("cross-entropy", logp, target, weights); err != nil {
		return nil, err
	}
	picked, err := gorgonia.HadamardProd(logp, target)
	if err != nil {
		return nil, errors.Wrap(err, "graph: cross-entropy: log-probs x targets")
	}
	return weightedSum("cross-entropy", picked, weights, true)
}

// MSE returns Σ_i w_i · mean_j (pred_ij - target_ij)² for pred and target
// of shape (batch, k) and per-example weights w of shape (batch).
func (b *Builder) MSE(pred, target, weights *gorgonia.Node) (loss *gorgonia.Node, err error) {
	defer recoverError(&err, "mse: predictions %v, targets %v, weights %v", shapeOf(pred), shapeOf(target), shapeOf(weights))
	if err := checkLossShapes("mse", pred, target, weights); err != nil {
		return nil, err
	}
	diff, err := gorgonia.Sub(pred, target)
	if err != nil {
		return nil, errors.Wrap(err, "graph: mse: predictions - targets")
	}
	sq, err := gorgonia.Square(diff)
	if err != nil {
		return nil, errors.Wrap(err, "graph: mse: square")
	}
	k := float64(pred.Shape()[1])
	scale := gorgonia.NewConstant(1/k, gorgonia.WithName("mse.1/k"))
	if b.Params.dtype != gorgonia.Float64 {
		scale = gorgonia.NewConstant(float32(1/k), gorgonia.WithName("mse.1/k"))
	}
	loss, err = weightedSum("mse", sq, weights, false)
	if err != nil {
		return nil, err
	}
	if loss, err = gorgonia.Mul(loss, scale); err != nil {
		return nil, errors.Wrap(err, "graph: mse: scale by 1/k")
	}
	return loss, nil
}

// weightedSum reduces rows (batch, k) to Σ_i w_i Σ_j rows_ij, negated when
// negate is set.
func weightedSum(what string, rows, weights *gorgonia.Node, negate bool) (*gorgonia.Node, error) {
	perExample, err := gorgonia.Sum(rows, 1)
	if err != nil {
		return nil, errors.Wrapf(err, "graph: %s: sum over classes", what)
	}
	weighted, err := gorgonia.HadamardProd(perExample, weights)
	if err != nil {
		return nil, errors.Wrapf(err, "graph: %s: per-example %v x weights %v", what, perExample.Shape(), weights.Shape())
	}
	total, err := gorgonia.Sum(weighted)
	if err != nil {
		return nil, errors.Wrapf(err, "graph: %s: sum over batch", what)
	}
	if negate {
		total, err = gorgonia.Neg(total)
		if err != nil {
			return nil, errors.Wrapf(err, "graph: %s: negate", what)
		}
	}
	return total, nil
}

func checkLossShapes(what string, pred, target, weights *gorgonia.Node) error {
	ps, ts, ws := pred.Shape(), target.Shape(), weights.Shape()
	if ps.Dims() != 2 || !ps.Eq(ts) {
		return errors.Errorf("graph: %s: predictions %v and targets %v must both be (batch, k)", what, ps, ts)
	}
	if ws.Dims() != 1 || ws[0] != ps[0] {
		return errors.Errorf("graph: %s: weights %v, want (%d)", what, ws, ps[0])
	}
	return nil
}
