package graph

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// The convolution and max-pooling ops below replace Gorgonia's Conv2d and
// MaxPool2D, which unfold the whole batch into a (batch, oh, ow, c·k²)
// tensor, transpose the product back to (batch, f, oh, ow), add the bias
// through a broadcast copy and start a goroutine per example: about five
// times slower than these on MultiMNIST's LeNet. Each op unfolds one
// example at a time into a scratch buffer that stays in cache, multiplies
// with the BLAS Gorgonia uses, fuses the bias, and writes into the
// register the tape machine hands it (UsePreallocDo).

// convOp is conv(x, w) + b: x (n, c, h, w), w (f, c, k, k), b (1, f, 1, 1).
type convOp struct {
	n, f int
	g    convGeom
	s    *scratch
	out  *owned
}

// convFilterGradOp is the convolution's gradient with respect to its
// kernel, from x and the output's gradient dy.
type convFilterGradOp struct{ convOp }

// convInputGradOp is the convolution's gradient with respect to its
// input, from the kernel w and the output's gradient dy.
type convInputGradOp struct{ convOp }

// convBiasGradOp is the convolution's gradient with respect to its bias:
// dy summed over examples and positions, shaped (1, f, 1, 1).
type convBiasGradOp struct{ convOp }

// maxPoolOp is max-pooling of x (n, c, h, w) over windows of g.k.
type maxPoolOp struct {
	n   int
	g   convGeom
	out *owned
}

// maxPoolGradOp is max-pooling's gradient with respect to its input, from
// x and the output's gradient dy.
type maxPoolGradOp struct{ maxPoolOp }

// scratch is one op's unfolding buffer, kept across runs.
type scratch struct {
	f32 []float32
	f64 []float64
}

func (s *scratch) float32s(n int) []float32 {
	if len(s.f32) < n {
		s.f32 = make([]float32, n)
	}
	return s.f32[:n]
}

func (s *scratch) float64s(n int) []float64 {
	if len(s.f64) < n {
		s.f64 = make([]float64, n)
	}
	return s.f64[:n]
}

func (op convOp) xShape() tensor.Shape { return tensor.Shape{op.n, op.g.c, op.g.h, op.g.w} }
func (op convOp) wShape() tensor.Shape { return tensor.Shape{op.f, op.g.c, op.g.k, op.g.k} }
func (op convOp) bShape() tensor.Shape { return tensor.Shape{1, op.f, 1, 1} }
func (op convOp) yShape() tensor.Shape { return tensor.Shape{op.n, op.f, op.g.oh, op.g.ow} }

func (op maxPoolOp) xShape() tensor.Shape { return tensor.Shape{op.n, op.g.c, op.g.h, op.g.w} }
func (op maxPoolOp) yShape() tensor.Shape { return tensor.Shape{op.n, op.g.c, op.g.oh, op.g.ow} }

func (convOp) Arity() int           { return 3 }
func (convFilterGradOp) Arity() int { return 2 }
func (convInputGradOp) Arity() int  { return 2 }
func (convBiasGradOp) Arity() int   { return 1 }
func (maxPoolOp) Arity() int        { return 1 }
func (maxPoolGradOp) Arity() int    { return 2 }

func (op convOp) Type() hm.Type           { return fnType(op.Arity()) }
func (op convFilterGradOp) Type() hm.Type { return fnType(op.Arity()) }
func (op convInputGradOp) Type() hm.Type  { return fnType(op.Arity()) }
func (op convBiasGradOp) Type() hm.Type   { return fnType(op.Arity()) }
func (op maxPoolOp) Type() hm.Type        { return fnType(op.Arity()) }
func (op maxPoolGradOp) Type() hm.Type    { return fnType(op.Arity()) }

func (op convOp) InferShape(...gorgonia.DimSizer) (tensor.Shape, error) { return op.yShape(), nil }
func (op convFilterGradOp) InferShape(...gorgonia.DimSizer) (tensor.Shape, error) {
	return op.wShape(), nil
}
func (op convInputGradOp) InferShape(...gorgonia.DimSizer) (tensor.Shape, error) {
	return op.xShape(), nil
}
func (op convBiasGradOp) InferShape(...gorgonia.DimSizer) (tensor.Shape, error) {
	return op.bShape(), nil
}
func (op maxPoolOp) InferShape(...gorgonia.DimSizer) (tensor.Shape, error) { return op.yShape(), nil }
func (op maxPoolGradOp) InferShape(...gorgonia.DimSizer) (tensor.Shape, error) {
	return op.xShape(), nil
}

// kernel describes a convolution's kernels: filters@k×k/stride+padding.
func (op convOp) kernel() string {
	return fmt.Sprintf("(%d@%d×%d/%d+%d)", op.f, op.g.k, op.g.k, op.g.stride, op.g.pad)
}

// window describes a pooling's windows: size/stride.
func (op maxPoolOp) window() string { return fmt.Sprintf("(%d/%d)", op.g.k, op.g.stride) }

func (op convOp) String() string           { return "gomtl.Conv2d" + op.kernel() }
func (op convFilterGradOp) String() string { return "gomtl.Conv2dFilterGrad" + op.kernel() }
func (op convInputGradOp) String() string  { return "gomtl.Conv2dInputGrad" + op.kernel() }
func (op convBiasGradOp) String() string   { return "gomtl.Conv2dBiasGrad" + op.kernel() }
func (op maxPoolOp) String() string        { return "gomtl.MaxPool2d" + op.window() }
func (op maxPoolGradOp) String() string    { return "gomtl.MaxPool2dGrad" + op.window() }

// WriteHash writes the op's name and whole geometry: two ops hash alike
// only when they compute the same function.
func (op convOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "%s %d %+v", op, op.n, op.g) }
func (op convFilterGradOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "%s %d %+v", op, op.n, op.g)
}
func (op convInputGradOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "%s %d %+v", op, op.n, op.g) }
func (op convBiasGradOp) WriteHash(h hash.Hash)  { fmt.Fprintf(h, "%s %d %+v", op, op.n, op.g) }
func (op maxPoolOp) WriteHash(h hash.Hash)       { fmt.Fprintf(h, "%s %d %+v", op, op.n, op.g) }
func (op maxPoolGradOp) WriteHash(h hash.Hash)   { fmt.Fprintf(h, "%s %d %+v", op, op.n, op.g) }

func (op convOp) Hashcode() uint32           { return hashOf(op) }
func (op convFilterGradOp) Hashcode() uint32 { return hashOf(op) }
func (op convInputGradOp) Hashcode() uint32  { return hashOf(op) }
func (op convBiasGradOp) Hashcode() uint32   { return hashOf(op) }
func (op maxPoolOp) Hashcode() uint32        { return hashOf(op) }
func (op maxPoolGradOp) Hashcode() uint32    { return hashOf(op) }

func (convOp) ReturnsPtr() bool           { return false }
func (convFilterGradOp) ReturnsPtr() bool { return false }
func (convInputGradOp) ReturnsPtr() bool  { return false }
func (convBiasGradOp) ReturnsPtr() bool   { return false }
func (maxPoolOp) ReturnsPtr() bool        { return false }
func (maxPoolGradOp) ReturnsPtr() bool    { return false }

func (convOp) CallsExtern() bool           { return false }
func (convFilterGradOp) CallsExtern() bool { return false }
func (convInputGradOp) CallsExtern() bool  { return false }
func (convBiasGradOp) CallsExtern() bool   { return false }
func (maxPoolOp) CallsExtern() bool        { return false }
func (maxPoolGradOp) CallsExtern() bool    { return false }

func (convOp) OverwritesInput() int           { return -1 }
func (convFilterGradOp) OverwritesInput() int { return -1 }
func (convInputGradOp) OverwritesInput() int  { return -1 }
func (convBiasGradOp) OverwritesInput() int   { return -1 }
func (maxPoolOp) OverwritesInput() int        { return -1 }
func (maxPoolGradOp) OverwritesInput() int    { return -1 }

func (convOp) DiffWRT(int) []bool    { return []bool{true, true, true} }
func (maxPoolOp) DiffWRT(int) []bool { return []bool{true} }

// The gradient ops are not differentiated again (they would otherwise
// inherit the forward ops' SymDiff): no graph of gomtl differentiates
// through a convolution's or a pooling's gradient.
func (op convFilterGradOp) DiffWRT(n int) []bool { return make([]bool, n) }
func (op convInputGradOp) DiffWRT(n int) []bool  { return make([]bool, n) }
func (op convBiasGradOp) DiffWRT(n int) []bool   { return make([]bool, n) }
func (op maxPoolGradOp) DiffWRT(n int) []bool    { return make([]bool, n) }

func (op convFilterGradOp) SymDiff(gorgonia.Nodes, *gorgonia.Node, *gorgonia.Node) (gorgonia.Nodes, error) {
	return nil, errors.Errorf("graph: %v cannot be differentiated", op)
}
func (op convInputGradOp) SymDiff(gorgonia.Nodes, *gorgonia.Node, *gorgonia.Node) (gorgonia.Nodes, error) {
	return nil, errors.Errorf("graph: %v cannot be differentiated", op)
}
func (op convBiasGradOp) SymDiff(gorgonia.Nodes, *gorgonia.Node, *gorgonia.Node) (gorgonia.Nodes, error) {
	return nil, errors.Errorf("graph: %v cannot be differentiated", op)
}
func (op maxPoolGradOp) SymDiff(gorgonia.Nodes, *gorgonia.Node, *gorgonia.Node) (gorgonia.Nodes, error) {
	return nil, errors.Errorf("graph: %v cannot be differentiated", op)
}

// SymDiff returns the gradient nodes of x, w and b.
func (op convOp) SymDiff(in gorgonia.Nodes, _, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if len(in) != 3 {
		return nil, errors.Errorf("graph: %v: %d inputs to differentiate, want 3", op, len(in))
	}
	// Each gradient op shares the unfolding scratch but has its own output.
	grad1, grad2, grad3 := op, op, op
	grad1.out, grad2.out, grad3.out = new(owned), new(owned), new(owned)
	dx, err := gorgonia.ApplyOp(convInputGradOp{grad1}, in[1], grad)
	if err != nil {
		return nil, errors.Wrapf(err, "graph: %v: input gradient", op)
	}
	dw, err := gorgonia.ApplyOp(convFilterGradOp{grad2}, in[0], grad)
	if err != nil {
		return nil, errors.Wrapf(err, "graph: %v: kernel gradient", op)
	}
	db, err := gorgonia.ApplyOp(convBiasGradOp{grad3}, grad)
	if err != nil {
		return nil, errors.Wrapf(err, "graph: %v: bias gradient", op)
	}
	return gorgonia.Nodes{dx, dw, db}, nil
}

// SymDiff returns the gradient node of x.
func (op maxPoolOp) SymDiff(in gorgonia.Nodes, _, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if len(in) != 1 {
		return nil, errors.Errorf("graph: %v: %d inputs to differentiate, want 1", op, len(in))
	}
	dx, err := gorgonia.ApplyOp(maxPoolGradOp{maxPoolOp{n: op.n, g: op.g, out: new(owned)}}, in[0], grad)
	if err != nil {
		return nil, errors.Wrapf(err, "graph: %v: input gradient", op)
	}
	return gorgonia.Nodes{dx}, nil
}

func (op convOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	return op.UsePreallocDo(nil, in...)
}
func (op convFilterGradOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	return op.UsePreallocDo(nil, in...)
}
func (op convInputGradOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	return op.UsePreallocDo(nil, in...)
}
func (op convBiasGradOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	return op.UsePreallocDo(nil, in...)
}
func (op maxPoolOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	return op.UsePreallocDo(nil, in...)
}
func (op maxPoolGradOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	return op.UsePreallocDo(nil, in...)
}
