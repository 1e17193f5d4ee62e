package graph

import (
	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
)

// MaxPool2d takes the maximum of x, shaped (batch, C, H, W), over square
// windows of side size moved by stride, without padding. The output is
// (batch, C, H', W') with H' = (H-size)/stride + 1 (rounded down, so a
// partial window at the edge is dropped, as in PyTorch), W' likewise.
// The gradient flows to the first maximum of each window only.
func (b *Builder) MaxPool2d(x *gorgonia.Node, size, stride int) (y *gorgonia.Node, err error) {
	defer recoverError(&err, "max-pool %v, size %d, stride %d", shapeOf(x), size, stride)
	if x == nil {
		return nil, errors.New("graph: max-pool: input is nil")
	}
	xs := x.Shape()
	switch {
	case xs.Dims() != 4:
		return nil, errors.Errorf("graph: max-pool: input shape %v, want (batch, channels, height, width)", xs)
	case size < 1:
		return nil, errors.Errorf("graph: max-pool: window size %d, want at least 1", size)
	case stride < 1:
		return nil, errors.Errorf("graph: max-pool: stride %d, want at least 1", stride)
	case xs[2] < size || xs[3] < size:
		return nil, errors.Errorf("graph: max-pool: window %d larger than input %v", size, xs)
	}
	g := convGeom{c: xs[1], h: xs[2], w: xs[3], k: size, stride: stride, oh: (xs[2]-size)/stride + 1, ow: (xs[3]-size)/stride + 1}
	if y, err = gorgonia.ApplyOp(maxPoolOp{n: xs[0], g: g, out: new(owned)}, x); err != nil {
		return nil, errors.Wrapf(err, "graph: max-pool %v, size %d, stride %d", xs, size, stride)
	}
	return y, nil
}
