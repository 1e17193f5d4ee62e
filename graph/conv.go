package graph

import (
	"fmt"

	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Conv2d adds a 2-D convolution (cross-correlation, as in PyTorch and
// Keras) of x, shaped (batch, C, H, W), with filters square kernels of
// side kernel, moved by stride and applied to x zero-padded by padding on
// every side. The output is (batch, filters, H', W') with
// H' = (H+2·padding-kernel)/stride + 1 (rounded down), W' likewise.
//
// The kernel is the parameter name+".w" of shape (filters, C, kernel,
// kernel), drawn by GlorotUniform with fanIn C·kernel² and fanOut
// filters·kernel² (Keras's convention); the bias name+".b" has shape
// (1, filters, 1, 1), broadcast over batch, height and width, and starts
// at zero. The convolution unfolds one example at a time (im2col) and
// multiplies with the BLAS Gorgonia uses, the bias fused in (convOp).
func (b *Builder) Conv2d(name string, x *gorgonia.Node, filters, kernel, stride, padding int) (y *gorgonia.Node, err error) {
	defer recoverError(&err, "conv2d %q: input %v, %d filters, kernel %d, stride %d, padding %d", name, shapeOf(x), filters, kernel, stride, padding)
	if x == nil {
		return nil, errors.Errorf("graph: conv2d %q: input is nil", name)
	}
	xs := x.Shape()
	if xs.Dims() != 4 {
		return nil, errors.Errorf("graph: conv2d %q: input shape %v, want (batch, channels, height, width)", name, xs)
	}
	switch {
	case filters < 1:
		return nil, errors.Errorf("graph: conv2d %q: %d filters, want at least 1", name, filters)
	case kernel < 1:
		return nil, errors.Errorf("graph: conv2d %q: kernel size %d, want at least 1", name, kernel)
	case stride < 1:
		return nil, errors.Errorf("graph: conv2d %q: stride %d, want at least 1", name, stride)
	case padding < 0:
		return nil, errors.Errorf("graph: conv2d %q: padding %d, want at least 0", name, padding)
	case kernel > MaxElements || stride > MaxElements || padding > MaxElements:
		return nil, errors.Errorf("graph: conv2d %q: kernel %d, stride %d, padding %d: more than graph.MaxElements (%d)", name, kernel, stride, padding, MaxElements)
	}
	if xs[2]+2*padding < kernel || xs[3]+2*padding < kernel {
		return nil, errors.Errorf("graph: conv2d %q: kernel %d larger than input %v padded by %d", name, kernel, xs, padding)
	}
	c := xs[1]
	oh, ow := (xs[2]+2*padding-kernel)/stride+1, (xs[3]+2*padding-kernel)/stride+1
	if _, err := shapeSize(fmt.Sprintf("conv2d %q: output", name), []int{xs[0], filters, oh, ow}); err != nil {
		return nil, err
	}
	// The op unfolds one example at a time into (c·kernel², oh·ow) patches.
	if _, err := shapeSize(fmt.Sprintf("conv2d %q: patches", name), []int{c, kernel, kernel, oh, ow}); err != nil {
		return nil, err
	}
	w, err := b.param(name+".w", tensor.Shape{filters, c, kernel, kernel}, c*kernel*kernel, filters*kernel*kernel, GlorotUniform)
	if err != nil {
		return nil, err
	}
	bias, err := b.param(name+".b", tensor.Shape{1, filters, 1, 1}, c*kernel*kernel, filters*kernel*kernel, Zeros)
	if err != nil {
		return nil, err
	}
	op := convOp{n: xs[0], f: filters, g: convGeom{c: c, h: xs[2], w: xs[3], k: kernel, stride: stride, pad: padding, oh: oh, ow: ow}, s: &scratch{}, out: new(owned)}
	if y, err = gorgonia.ApplyOp(op, x, w, bias); err != nil {
		return nil, errors.Wrapf(err, "graph: conv2d %q: %v * %v", name, xs, w.Shape())
	}
	return y, nil
}

// Flatten reshapes x of shape (batch, d1, d2, ...) to (batch, d1·d2·...),
// as between convolutional and dense layers. A matrix (batch, d) is
// returned as it is.
func (b *Builder) Flatten(x *gorgonia.Node) (y *gorgonia.Node, err error) {
	defer recoverError(&err, "flatten %v", shapeOf(x))
	if x == nil {
		return nil, errors.New("graph: flatten: input is nil")
	}
	xs := x.Shape()
	switch {
	case xs.Dims() < 2:
		return nil, errors.Errorf("graph: flatten: input shape %v, want (batch, d1, ...)", xs)
	case xs.Dims() == 2:
		return x, nil
	}
	return b.Reshape(x, xs[0], xs.TotalSize()/xs[0])
}

// Reshape returns x with the given shape, which must hold the same number
// of values; the values keep their row-major order. It turns, for
// instance, a (batch, 784) matrix of MNIST pixels into (batch, 1, 28, 28)
// images.
func (b *Builder) Reshape(x *gorgonia.Node, shape ...int) (y *gorgonia.Node, err error) {
	defer recoverError(&err, "reshape %v to %v", shapeOf(x), shape)
	if x == nil {
		return nil, errors.New("graph: reshape: input is nil")
	}
	to := tensor.Shape(append([]int(nil), shape...))
	if len(to) == 0 {
		return nil, errors.Errorf("graph: reshape %v: no target shape", x.Shape())
	}
	for _, d := range to {
		if d < 1 {
			return nil, errors.Errorf("graph: reshape %v to %v: sizes must be at least 1", x.Shape(), to)
		}
	}
	if to.TotalSize() != x.Shape().TotalSize() {
		return nil, errors.Errorf("graph: reshape %v to %v: %d values, want %d", x.Shape(), to, x.Shape().TotalSize(), to.TotalSize())
	}
	if x.Shape().Eq(to) {
		return x, nil
	}
	if y, err = gorgonia.Reshape(x, to); err != nil {
		return nil, errors.Wrapf(err, "graph: reshape %v to %v", x.Shape(), to)
	}
	return y, nil
}
