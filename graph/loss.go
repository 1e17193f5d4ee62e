package graph

import (
	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
)

// LogSoftmax returns log-probabilities over the last axis of logits
// (batch, classes), computed by a fused, stable op of this package (see
// logSoftmaxOp for why not Gorgonia's LogSoftMax).
func (b *Builder) LogSoftmax(logits *gorgonia.Node) (y *gorgonia.Node, err error) {
	defer recoverError(&err, "log-softmax on %v", shapeOf(logits))
	if logits.Shape().Dims() != 2 {
		return nil, errors.Errorf("graph: log-softmax: logits shape %v, want (batch, classes)", logits.Shape())
	}
	if b.ComposedSoftmax {
		return b.composedLogSoftmax(logits)
	}
	if y, err = gorgonia.ApplyOp(logSoftmaxOp{new(owned)}, logits); err != nil {
		return nil, errors.Wrapf(err, "graph: log-softmax on %v", logits.Shape())
	}
	return y, nil
}

// composedLogSoftmax is x − m − log Σ_c exp(x − m) with m the row maximum
// behind a stop-gradient (the result does not depend on m, so its
// gradient through m is zero), built from primitive ops.
func (b *Builder) composedLogSoftmax(x *gorgonia.Node) (*gorgonia.Node, error) {
	rows := x.Shape()[0]
	wrap := func(err error, what string) error {
		return errors.Wrapf(err, "graph: log-softmax on %v: %s", x.Shape(), what)
	}
	m, err := gorgonia.Max(x, 1)
	if err != nil {
		return nil, wrap(err, "row maximum")
	}
	if m, err = b.StopGradient(m); err != nil {
		return nil, err
	}
	if m, err = gorgonia.Reshape(m, []int{rows, 1}); err != nil {
		return nil, wrap(err, "reshape maximum")
	}
	z, err := gorgonia.BroadcastSub(x, m, nil, []byte{1})
	if err != nil {
		return nil, wrap(err, "shift")
	}
	e, err := gorgonia.Exp(z)
	if err != nil {
		return nil, wrap(err, "exp")
	}
	s, err := gorgonia.Sum(e, 1)
	if err != nil {
		return nil, wrap(err, "sum")
	}
	lse, err := gorgonia.Log(s)
	if err != nil {
		return nil, wrap(err, "log")
	}
	if lse, err = gorgonia.Reshape(lse, []int{rows, 1}); err != nil {
		return nil, wrap(err, "reshape log-sum-exp")
	}
	y, err := gorgonia.BroadcastSub(z, lse, nil, []byte{1})
	if err != nil {
		return nil, wrap(err, "normalise")
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
	ps := logp.Shape()
	if loss, err = gorgonia.ApplyOp(crossEntropyOp{rows: ps[0], classes: ps[1]}, logp, target, weights); err != nil {
		return nil, errors.Wrap(err, "graph: cross-entropy")
	}
	return loss, nil
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
	return b.meanOverColumns("mse", sq, weights)
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
