package graph

import (
	"fmt"
	"hash"
	"hash/fnv"

	"github.com/chewxy/hm"
	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// StopGradient returns a node whose value is a copy of x's but through
// which no gradient flows back, like tf.stop_gradient or torch's detach:
// for cost = f(x) + g(StopGradient(x)), dcost/dx is f'(x) alone. A cost
// that depends on x only through StopGradient cannot be differentiated
// with respect to x (gorgonia.Grad reports a non-differentiable WRT).
func (b *Builder) StopGradient(x *gorgonia.Node) (y *gorgonia.Node, err error) {
	defer recoverError(&err, "stop-gradient on %v", shapeOf(x))
	if x == nil {
		return nil, errors.New("graph: stop-gradient: input is nil")
	}
	if y, err = gorgonia.ApplyOp(stopGradientOp{}, x); err != nil {
		return nil, errors.Wrapf(err, "graph: stop-gradient on %v", x.Shape())
	}
	return y, nil
}

// stopGradientOp is the identity in the forward pass and differentiable
// with respect to none of its inputs, so gorgonia.Backpropagate neither
// marks its node active nor calls SymDiff: no gradient term reaches x
// through it.
type stopGradientOp struct{}

var (
	_ gorgonia.SDOp            = stopGradientOp{}
	_ gorgonia.ADOp            = stopGradientOp{}
	_ gorgonia.UsePreallocDoer = stopGradientOp{}
)

// Arity is one input.
func (stopGradientOp) Arity() int { return 1 }

// Type is a → a, for a tensor or scalar of any rank and dtype.
func (stopGradientOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(a, a)
}

// InferShape keeps the input's shape.
func (stopGradientOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	if len(in) != 1 {
		return nil, errors.Errorf("graph: stop-gradient: %d input shapes, want 1", len(in))
	}
	s, ok := in[0].(tensor.Shape)
	if !ok {
		return nil, errors.Errorf("graph: stop-gradient: input shape is %T, want tensor.Shape", in[0])
	}
	return s.Clone(), nil
}

// Do returns a copy of the input.
func (stopGradientOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	if len(in) != 1 {
		return nil, errors.Errorf("graph: stop-gradient: %d inputs, want 1", len(in))
	}
	v, err := gorgonia.CloneValue(in[0])
	if err != nil {
		return nil, errors.Wrap(err, "graph: stop-gradient: copy input")
	}
	return v, nil
}

// UsePreallocDo copies the input into prealloc when both are dense
// tensors of one shape, and falls back on Do otherwise.
func (op stopGradientOp) UsePreallocDo(prealloc gorgonia.Value, in ...gorgonia.Value) (gorgonia.Value, error) {
	if len(in) == 1 {
		dst, ok1 := prealloc.(*tensor.Dense)
		src, ok2 := in[0].(*tensor.Dense)
		if ok1 && ok2 && dst.Shape().Eq(src.Shape()) && dst.Dtype() == src.Dtype() && !src.IsView() {
			if err := tensor.Copy(dst, src); err != nil {
				return nil, errors.Wrap(err, "graph: stop-gradient: copy input")
			}
			return dst, nil
		}
	}
	return op.Do(in...)
}

// ReturnsPtr is false: the output is a copy.
func (stopGradientOp) ReturnsPtr() bool { return false }

// CallsExtern is false: the op runs in Go.
func (stopGradientOp) CallsExtern() bool { return false }

// OverwritesInput is -1: the input is left alone.
func (stopGradientOp) OverwritesInput() int { return -1 }

// WriteHash identifies the op for Gorgonia's common-subexpression merging.
func (stopGradientOp) WriteHash(h hash.Hash) { fmt.Fprint(h, "gomtl.StopGradient") }

// Hashcode hashes WriteHash's bytes.
func (op stopGradientOp) Hashcode() uint32 {
	h := fnv.New32a()
	op.WriteHash(h)
	return h.Sum32()
}

// String names the op in graph dumps.
func (stopGradientOp) String() string { return "StopGradient" }

// DiffWRT is false for every input.
func (stopGradientOp) DiffWRT(inputs int) []bool { return make([]bool, inputs) }

// SymDiff is never called by gorgonia.Backpropagate for an op that is
// differentiable with respect to nothing; if it is, it returns no
// gradient nodes.
func (stopGradientOp) SymDiff(inputs gorgonia.Nodes, _, _ *gorgonia.Node) (gorgonia.Nodes, error) {
	return make(gorgonia.Nodes, len(inputs)), nil
}

// DoDiff, for machines that differentiate automatically, adds nothing to
// the input's gradient.
func (stopGradientOp) DoDiff(_ gorgonia.ExecutionContext, _ gorgonia.Nodes, _ *gorgonia.Node) error {
	return nil
}
