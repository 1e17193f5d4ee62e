package graph

import (
	"fmt"
	"hash"
	"math"

	"github.com/chewxy/hm"
	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// reluOp is max(x, 0) element-wise, in one pass that writes into the
// register the tape machine hands it. Gorgonia's Rectify takes four
// passes and two temporaries per step, forward and backward (a
// comparison mask, then a product).
type reluOp struct{ out *owned }

// reluGradOp is ReLU's gradient given its output y and the output's
// gradient dy: dy where y > 0, else 0. It is linear in dy, so its own
// gradient with respect to dy is itself (MGDA-UB differentiates twice);
// y is held constant, as the step function is flat almost everywhere.
type reluGradOp struct{ out *owned }

func (reluOp) Arity() int     { return 1 }
func (reluGradOp) Arity() int { return 2 }

func (reluOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(a, a)
}

func (reluGradOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(a, a, a)
}

func (reluOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	return firstShape("relu", in)
}

func (reluGradOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	return firstShape("relu gradient", in)
}

// firstShape returns the shape of the first input.
func firstShape(what string, in []gorgonia.DimSizer) (tensor.Shape, error) {
	if len(in) == 0 {
		return nil, errors.Errorf("graph: %s: no input shape", what)
	}
	s, ok := in[0].(tensor.Shape)
	if !ok {
		return nil, errors.Errorf("graph: %s: input shape %v is not a tensor shape", what, in[0])
	}
	return s.Clone(), nil
}

func (op reluOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	return op.UsePreallocDo(nil, in...)
}
func (op reluGradOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	return op.UsePreallocDo(nil, in...)
}

// UsePreallocDo writes max(x, 0) into pre when it fits.
func (op reluOp) UsePreallocDo(pre gorgonia.Value, in ...gorgonia.Value) (gorgonia.Value, error) {
	v, err := sameShaped(in, 1)
	if err != nil {
		return nil, opError(op, err)
	}
	y := op.out.output(pre, v[0].Shape(), v[0].Dtype())
	if v[0].Dtype() == tensor.Float32 {
		relu(v[0].Float32s(), y.Float32s())
	} else {
		relu(v[0].Float64s(), y.Float64s())
	}
	return y, nil
}

// UsePreallocDo writes the input's gradient into pre when it fits.
func (op reluGradOp) UsePreallocDo(pre gorgonia.Value, in ...gorgonia.Value) (gorgonia.Value, error) {
	v, err := sameShaped(in, 2)
	if err != nil {
		return nil, opError(op, err)
	}
	dx := op.out.output(pre, v[0].Shape(), v[0].Dtype())
	if v[0].Dtype() == tensor.Float32 {
		reluGrad(v[0].Float32s(), v[1].Float32s(), dx.Float32s())
	} else {
		reluGrad(v[0].Float64s(), v[1].Float64s(), dx.Float64s())
	}
	return dx, nil
}

// parallelFrom is the size from which element-wise ops split their work
// across goroutines.
const parallelFrom = 1 << 16

// forRanges calls f on [lo, hi) ranges covering [0, n): one range below
// parallelFrom, one per worker from it.
func forRanges(n int, f func(lo, hi int)) {
	if n < parallelFrom {
		f(0, n)
		return
	}
	const chunk = 4096 // whole cache lines per range
	forParts((n+chunk-1)/chunk, func(_, lo, hi int) { f(lo*chunk, min(hi*chunk, n)) })
}

func relu[T float32 | float64](x, y []T) {
	forRanges(len(x), func(lo, hi int) {
		y := y[lo:hi]
		for i, v := range x[lo:hi] {
			y[i] = max(v, 0)
		}
	})
}

func reluGrad[T float32 | float64](y, dy, dx []T) {
	forRanges(len(y), func(lo, hi int) { mask(y[lo:hi], dy[lo:hi], dx[lo:hi]) })
}

// mask sets out to dy where y is positive and to 0 elsewhere, without a
// branch per value (a ReLU's signs are a coin toss to the predictor).
func mask[T float32 | float64](y, dy, out []T) {
	switch y := any(y).(type) {
	case []float32:
		dy, out := any(dy).([]float32)[:len(y)], any(out).([]float32)[:len(y)]
		for j, v := range y {
			out[j] = math.Float32frombits(math.Float32bits(dy[j]) & -uint32(positive(v)))
		}
	case []float64:
		dy, out := any(dy).([]float64)[:len(y)], any(out).([]float64)[:len(y)]
		for j, v := range y {
			out[j] = math.Float64frombits(math.Float64bits(dy[j]) & -uint64(positive(v)))
		}
	}
}

// positive is 1 when v > 0, else 0 (compiled to a flag set, not a jump).
func positive[T float32 | float64](v T) uint8 {
	var b uint8
	if v > 0 {
		b = 1
	}
	return b
}

func (reluOp) DiffWRT(int) []bool     { return []bool{true} }
func (reluGradOp) DiffWRT(int) []bool { return []bool{false, true} }

// SymDiff returns the gradient node of the input.
func (op reluOp) SymDiff(in gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if len(in) != 1 {
		return nil, errors.Errorf("graph: relu: %d inputs to differentiate, want 1", len(in))
	}
	dx, err := gorgonia.ApplyOp(reluGradOp{new(owned)}, output, grad)
	if err != nil {
		return nil, errors.Wrap(err, "graph: relu gradient")
	}
	return gorgonia.Nodes{dx}, nil
}

// SymDiff returns nil for y (held constant) and the gradient node of dy.
func (op reluGradOp) SymDiff(in gorgonia.Nodes, _, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if len(in) != 2 {
		return nil, errors.Errorf("graph: relu gradient: %d inputs to differentiate, want 2", len(in))
	}
	d, err := gorgonia.ApplyOp(reluGradOp{new(owned)}, in[0], grad)
	if err != nil {
		return nil, errors.Wrap(err, "graph: gradient of the relu gradient")
	}
	return gorgonia.Nodes{nil, d}, nil
}

func (reluOp) ReturnsPtr() bool         { return false }
func (reluGradOp) ReturnsPtr() bool     { return false }
func (reluOp) CallsExtern() bool        { return false }
func (reluGradOp) CallsExtern() bool    { return false }
func (reluOp) OverwritesInput() int     { return -1 }
func (reluGradOp) OverwritesInput() int { return -1 }
func (reluOp) String() string           { return "gomtl.ReLU" }
func (reluGradOp) String() string       { return "gomtl.ReLUGrad" }
func (op reluOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op reluGradOp) WriteHash(h hash.Hash) {
	fmt.Fprint(h, op.String())
}
func (op reluOp) Hashcode() uint32     { return hashOf(op) }
func (op reluGradOp) Hashcode() uint32 { return hashOf(op) }
