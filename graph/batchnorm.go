package graph

import (
	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// BatchNormEpsilon is added to the variance before its square root in
// BatchNorm (PyTorch's default).
const BatchNormEpsilon = 1e-5

// BatchNorm normalises x per feature: per column of a matrix (batch, F),
// per channel of images (batch, C, H, W), with statistics over the batch
// (and over H and W for images), then scales and shifts:
//
//	y = gamma·(x - mean)/sqrt(var + BatchNormEpsilon) + beta
//
// gamma (name+".gamma", ones) and beta (name+".beta", zeros) are trainable
// parameters of shape (1, F) or (1, C, 1, 1). The running statistics
// name+".running_mean" (zeros) and name+".running_var" (ones), of the same
// shape, are non-trainable state of the Store (see Store.StateNode): saved
// with the model, never handed to an optimiser.
//
// With train set, mean and var are the batch statistics weighted by rowW,
// a (batch) vector that sums to 1 over the real rows and is 0 on padding
// rows: mean = Σ_i w_i·x_i and var = Σ_i w_i·(x_i - mean)² (biased), each
// also averaged over H and W for images. Padding rows then change neither
// the real rows' outputs nor, when the loss gives them weight 0, any
// gradient. The returned stats hold the batch mean and var nodes: add
// stats.Nodes() to the tape machine's watchlist (gorgonia.TraceExec and
// gorgonia.WithWatchlist; the machine reuses an intermediate's memory once
// its last reader has run) and call stats.Update after each run.
//
// With train unset, mean and var are the running statistics, rowW is
// ignored (it may be nil) and stats is nil.
func (b *Builder) BatchNorm(name string, x, rowW *gorgonia.Node, train bool) (y *gorgonia.Node, stats *BatchNormStats, err error) {
	defer recoverError(&err, "batch-norm %q: input %v, row weights %v", name, shapeOf(x), shapeOf(rowW))
	if x == nil {
		return nil, nil, errors.Errorf("graph: batch-norm %q: input is nil", name)
	}
	xs := x.Shape()
	if xs.Dims() != 2 && xs.Dims() != 4 {
		return nil, nil, errors.Errorf("graph: batch-norm %q: input shape %v, want (batch, features) or (batch, channels, height, width)", name, xs)
	}
	if train {
		if rowW == nil {
			return nil, nil, errors.Errorf("graph: batch-norm %q: row weights are nil", name)
		}
		if ws := rowW.Shape(); ws.Dims() != 1 || ws[0] != xs[0] {
			return nil, nil, errors.Errorf("graph: batch-norm %q: row weights %v, want (%d)", name, ws, xs[0])
		}
	}
	bn := batchNorm{b: b, name: name, x: x}
	bn.param, bn.pattern = tensor.Shape{1, xs[1]}, []byte{0}
	if xs.Dims() == 4 {
		bn.param, bn.pattern = tensor.Shape{1, xs[1], 1, 1}, []byte{0, 2, 3}
	}
	gamma, err := b.param(name+".gamma", bn.param, xs[1], xs[1], Ones)
	if err != nil {
		return nil, nil, err
	}
	beta, err := b.param(name+".beta", bn.param, xs[1], xs[1], Zeros)
	if err != nil {
		return nil, nil, err
	}
	// The running statistics are created here, in this order, whatever
	// the mode, so that the Store's creation order does not depend on it.
	runMean, err := b.Params.entry(name+".running_mean", bn.param, 0, 0, Zeros, true)
	if err != nil {
		return nil, nil, err
	}
	runVar, err := b.Params.entry(name+".running_var", bn.param, 0, 0, Ones, true)
	if err != nil {
		return nil, nil, err
	}

	var mean, variance *gorgonia.Node // shaped like gamma
	if train {
		if stats, err = bn.batchStats(rowW); err != nil {
			return nil, nil, err
		}
		stats.runningMean, stats.runningVar = runMean, runVar
		if mean, err = bn.reshape("batch mean", stats.mean, bn.param); err != nil {
			return nil, nil, err
		}
		if variance, err = bn.reshape("batch variance", stats.variance, bn.param); err != nil {
			return nil, nil, err
		}
	} else {
		if mean, err = b.state(name+".running_mean", bn.param, Zeros); err != nil {
			return nil, nil, err
		}
		if variance, err = b.state(name+".running_var", bn.param, Ones); err != nil {
			return nil, nil, err
		}
	}

	centred, err := gorgonia.BroadcastSub(x, mean, nil, bn.pattern)
	if err != nil {
		return nil, nil, errors.Wrapf(err, "graph: batch-norm %q: %v - mean %v", name, xs, mean.Shape())
	}
	shifted, err := gorgonia.Add(variance, bn.b.constant(BatchNormEpsilon))
	if err != nil {
		return nil, nil, errors.Wrapf(err, "graph: batch-norm %q: variance + epsilon", name)
	}
	// Sqrt then divide, not gorgonia.InverseSqrt: v0.9.18 differentiates
	// y = 1/sqrt(x) as -g/(2y³) instead of -g·y³/2.
	std, err := gorgonia.Sqrt(shifted)
	if err != nil {
		return nil, nil, errors.Wrapf(err, "graph: batch-norm %q: sqrt(variance + epsilon)", name)
	}
	scale, err := gorgonia.HadamardDiv(gamma, std)
	if err != nil {
		return nil, nil, errors.Wrapf(err, "graph: batch-norm %q: gamma %v / std %v", name, gamma.Shape(), std.Shape())
	}
	scaled, err := gorgonia.BroadcastHadamardProd(centred, scale, nil, bn.pattern)
	if err != nil {
		return nil, nil, errors.Wrapf(err, "graph: batch-norm %q: %v x scale %v", name, xs, scale.Shape())
	}
	if y, err = gorgonia.BroadcastAdd(scaled, beta, nil, bn.pattern); err != nil {
		return nil, nil, errors.Wrapf(err, "graph: batch-norm %q: %v + beta %v", name, xs, beta.Shape())
	}
	return y, stats, nil
}

// batchNorm holds what BatchNorm's helpers share.
type batchNorm struct {
	b       *Builder
	name    string
	x       *gorgonia.Node
	param   tensor.Shape // (1, F) or (1, C, 1, 1)
	pattern []byte       // axes along which param broadcasts to x
}

// batchStats adds the weighted batch mean and (biased) variance, each of
// shape (F) or (C).
func (bn batchNorm) batchStats(rowW *gorgonia.Node) (*BatchNormStats, error) {
	xs := bn.x.Shape()
	perRow := 1 // values of one feature in one row
	if xs.Dims() == 4 {
		perRow = xs[2] * xs[3]
	}
	// w holds w_i/perRow as a column (batch, 1), so that Σ_i Σ_hw w·v is
	// the weighted mean over rows of each row's mean over H and W.
	w, err := bn.reshape("row weights", rowW, tensor.Shape{xs[0], 1})
	if err != nil {
		return nil, err
	}
	if perRow > 1 {
		if w, err = gorgonia.Mul(w, bn.b.constant(1/float64(perRow))); err != nil {
			return nil, errors.Wrapf(err, "graph: batch-norm %q: row weights / %d", bn.name, perRow)
		}
	}
	mean, err := bn.weightedMean("mean", bn.x, w)
	if err != nil {
		return nil, err
	}
	m, err := bn.reshape("batch mean", mean, bn.param)
	if err != nil {
		return nil, err
	}
	centred, err := gorgonia.BroadcastSub(bn.x, m, nil, bn.pattern)
	if err != nil {
		return nil, errors.Wrapf(err, "graph: batch-norm %q: %v - batch mean %v", bn.name, xs, m.Shape())
	}
	sq, err := gorgonia.Square(centred)
	if err != nil {
		return nil, errors.Wrapf(err, "graph: batch-norm %q: squared deviations", bn.name)
	}
	variance, err := bn.weightedMean("variance", sq, w)
	if err != nil {
		return nil, err
	}
	return &BatchNormStats{name: bn.name, mean: mean, variance: variance, perRow: perRow}, nil
}

// weightedMean returns Σ_i Σ_hw w_i·v_i,c,h,w per feature c, for v shaped
// like x and w a (batch, 1) column.
func (bn batchNorm) weightedMean(what string, v, w *gorgonia.Node) (*gorgonia.Node, error) {
	xs := bn.x.Shape()
	rows := v
	if xs.Dims() == 4 {
		flat, err := bn.reshape(what, v, tensor.Shape{xs[0], xs[1], xs[2] * xs[3]})
		if err != nil {
			return nil, err
		}
		if rows, err = gorgonia.Sum(flat, 2); err != nil {
			return nil, errors.Wrapf(err, "graph: batch-norm %q: %s: sum over height and width", bn.name, what)
		}
	}
	weighted, err := gorgonia.BroadcastHadamardProd(rows, w, nil, []byte{1})
	if err != nil {
		return nil, errors.Wrapf(err, "graph: batch-norm %q: %s: %v x row weights %v", bn.name, what, rows.Shape(), w.Shape())
	}
	sum, err := gorgonia.Sum(weighted, 0)
	if err != nil {
		return nil, errors.Wrapf(err, "graph: batch-norm %q: %s: sum over batch", bn.name, what)
	}
	return sum, nil
}

func (bn batchNorm) reshape(what string, n *gorgonia.Node, to tensor.Shape) (*gorgonia.Node, error) {
	if n.Shape().Eq(to) {
		return n, nil
	}
	r, err := gorgonia.Reshape(n, to)
	if err != nil {
		return nil, errors.Wrapf(err, "graph: batch-norm %q: reshape %s %v to %v", bn.name, what, n.Shape(), to)
	}
	return r, nil
}

// BatchNormStats holds the batch statistics of one BatchNorm built for
// training and updates the Store's running statistics from them.
type BatchNormStats struct {
	name           string
	mean, variance *gorgonia.Node // batch statistics, shape (F) or (C)
	runningMean    *tensor.Dense  // the Store's state
	runningVar     *tensor.Dense
	perRow         int // values per feature and row: 1, or H·W for images
}

// Nodes returns the batch mean and variance nodes, for the tape machine's
// watchlist.
func (s *BatchNormStats) Nodes() []*gorgonia.Node {
	return []*gorgonia.Node{s.mean, s.variance}
}

// Update moves the running statistics towards the batch statistics of the
// last run, which had n real rows:
//
//	running = (1-momentum)·running + momentum·batch
//
// with momentum in [0, 1] (PyTorch's default is 0.1). Following PyTorch,
// the running variance takes the unbiased batch variance var·m/(m-1),
// where m = n for matrices and m = n·H·W for images (the number of values
// behind each feature's statistics); when m <= 1 the running variance is
// left unchanged. n must be at least 1.
func (s *BatchNormStats) Update(n int, momentum float64) error {
	if s == nil {
		return errors.New("graph: batch-norm update: stats are nil (BatchNorm built for inference)")
	}
	if n < 1 {
		return errors.Errorf("graph: batch-norm %q update: %d real rows, want at least 1", s.name, n)
	}
	if !(momentum >= 0 && momentum <= 1) {
		return errors.Errorf("graph: batch-norm %q update: momentum %v, want 0 <= momentum <= 1", s.name, momentum)
	}
	mean, err := valuesOf(s.mean, "batch mean")
	if err != nil {
		return errors.WithMessagef(err, "graph: batch-norm %q update", s.name)
	}
	variance, err := valuesOf(s.variance, "batch variance")
	if err != nil {
		return errors.WithMessagef(err, "graph: batch-norm %q update", s.name)
	}
	m := n * s.perRow
	correction := float64(m) / float64(m-1)
	if err := blend(s.runningMean, mean, 1, momentum); err != nil {
		return errors.WithMessagef(err, "graph: batch-norm %q update: running mean", s.name)
	}
	if m > 1 {
		if err := blend(s.runningVar, variance, correction, momentum); err != nil {
			return errors.WithMessagef(err, "graph: batch-norm %q update: running variance", s.name)
		}
	}
	return nil
}

// valuesOf copies the float32 or float64 values bound to n, described as
// what in errors (which have no package prefix: callers add context).
func valuesOf(n *gorgonia.Node, what string) ([]float64, error) {
	if n.Value() == nil {
		return nil, errors.Errorf("%s has no value: run the machine first", what)
	}
	switch data := n.Value().Data().(type) {
	case []float64:
		return append([]float64(nil), data...), nil
	case []float32:
		out := make([]float64, len(data))
		for i, v := range data {
			out[i] = float64(v)
		}
		return out, nil
	default:
		return nil, errors.Errorf("%s holds %T, want []float32 or []float64", what, data)
	}
}

// blend sets dst = (1-momentum)·dst + momentum·scale·batch. Its errors have
// no package prefix: callers add context.
func blend(dst *tensor.Dense, batch []float64, scale, momentum float64) error {
	if dst.Shape().TotalSize() != len(batch) {
		return errors.Errorf("%d batch values for state of shape %v", len(batch), dst.Shape())
	}
	switch data := dst.Data().(type) {
	case []float64:
		for i, v := range batch {
			data[i] = (1-momentum)*data[i] + momentum*scale*v
		}
	case []float32:
		for i, v := range batch {
			data[i] = float32((1-momentum)*float64(data[i]) + momentum*scale*v)
		}
	default:
		return errors.Errorf("state holds %T, want []float32 or []float64", data)
	}
	return nil
}
