package graph

import (
	"fmt"
	"hash"
	"hash/fnv"
	"math"

	"github.com/chewxy/hm"
	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// logSoftmaxOp is log-softmax over the last axis of a (rows, classes)
// matrix, row by row: y = x − m − log Σ exp(x − m) with m the row's
// maximum. It replaces Gorgonia's fused LogSoftMax, whose forward pass in
// gorgonia/tensor v0.9.24 starts every row's maximum from the first row's
// first value (and skips the row's own first value): a row whose first
// class dominates by more than ~88 overflows exp in float32 and turns the
// row, and the cross-entropy, into -Inf and NaN. It also starts one
// goroutine per row. Its gradient is logSoftmaxGradOp.
type logSoftmaxOp struct{ out *owned }

// logSoftmaxGradOp is the gradient of log-softmax with respect to its
// input, given its output y and the gradient dy of the output:
// dx = dy − exp(y) · Σ_c dy, row by row. It has no gradient of its own:
// graphs differentiated twice use the composed log-softmax.
type logSoftmaxGradOp struct{ out *owned }

func (logSoftmaxOp) Arity() int     { return 1 }
func (logSoftmaxGradOp) Arity() int { return 2 }

func (logSoftmaxOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(a, a)
}

func (logSoftmaxGradOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(a, a, a)
}

func (logSoftmaxOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	return matrixShape("log-softmax", in)
}

func (logSoftmaxGradOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	return matrixShape("log-softmax gradient", in)
}

// matrixShape returns the shape of the first input, which must be a matrix.
func matrixShape(what string, in []gorgonia.DimSizer) (tensor.Shape, error) {
	if len(in) == 0 {
		return nil, errors.Errorf("graph: %s: no input shape", what)
	}
	s, ok := in[0].(tensor.Shape)
	if !ok || s.Dims() != 2 {
		return nil, errors.Errorf("graph: %s: input shape %v, want (rows, classes)", what, in[0])
	}
	return s.Clone(), nil
}

func (op logSoftmaxOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	return op.UsePreallocDo(nil, in...)
}

// UsePreallocDo writes the log-softmax into pre when it fits.
func (op logSoftmaxOp) UsePreallocDo(pre gorgonia.Value, in ...gorgonia.Value) (gorgonia.Value, error) {
	v, err := matrices(in, 1)
	if err != nil {
		return nil, opError(op, err)
	}
	x := v[0]
	out := op.out.output(pre, x.Shape(), x.Dtype())
	if x.Dtype() == tensor.Float32 {
		logSoftmaxRows(out.Float32s(), x.Float32s(), x.Shape()[1])
	} else {
		logSoftmaxRows(out.Float64s(), x.Float64s(), x.Shape()[1])
	}
	return out, nil
}

func (op logSoftmaxGradOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	return op.UsePreallocDo(nil, in...)
}

// UsePreallocDo writes the gradient into pre when it fits.
func (op logSoftmaxGradOp) UsePreallocDo(pre gorgonia.Value, in ...gorgonia.Value) (gorgonia.Value, error) {
	v, err := matrices(in, 2)
	if err != nil {
		return nil, opError(op, err)
	}
	y, dy := v[0], v[1]
	out := op.out.output(pre, y.Shape(), y.Dtype())
	if y.Dtype() == tensor.Float32 {
		logSoftmaxGradRows(out.Float32s(), y.Float32s(), dy.Float32s(), y.Shape()[1])
	} else {
		logSoftmaxGradRows(out.Float64s(), y.Float64s(), dy.Float64s(), y.Shape()[1])
	}
	return out, nil
}

// matrices checks that in holds n float (rows, classes) matrices of one
// shape and dtype.
func matrices(in []gorgonia.Value, n int) ([3]*tensor.Dense, error) {
	if len(in) > 0 && in[0].Shape().Dims() != 2 {
		return [3]*tensor.Dense{}, errors.Errorf("input shape %v, want (rows, classes)", in[0].Shape())
	}
	return sameShaped(in, n)
}

// logSoftmaxRows sets y to the row-wise log-softmax of x.
func logSoftmaxRows[T float32 | float64](y, x []T, cols int) {
	for r := 0; r+cols <= len(x); r += cols {
		row, out := x[r:r+cols], y[r:r+cols]
		m := row[0]
		for _, v := range row[1:] {
			m = max(m, v)
		}
		var s float64
		for _, v := range row {
			s += math.Exp(float64(v - m))
		}
		lse := m + T(math.Log(s))
		for j, v := range row {
			out[j] = v - lse
		}
	}
}

// logSoftmaxGradRows sets dx to the gradient of the log-softmax whose
// output is y, given the output's gradient dy.
func logSoftmaxGradRows[T float32 | float64](dx, y, dy []T, cols int) {
	for r := 0; r+cols <= len(y); r += cols {
		var s T
		for _, g := range dy[r : r+cols] {
			s += g
		}
		for j := r; j < r+cols; j++ {
			dx[j] = dy[j] - T(math.Exp(float64(y[j])))*s
		}
	}
}

func (logSoftmaxOp) ReturnsPtr() bool      { return false }
func (logSoftmaxOp) CallsExtern() bool     { return false }
func (logSoftmaxOp) OverwritesInput() int  { return -1 }
func (logSoftmaxOp) String() string        { return "gomtl.LogSoftmax" }
func (logSoftmaxOp) WriteHash(h hash.Hash) { fmt.Fprint(h, "gomtl.LogSoftmax") }
func (op logSoftmaxOp) Hashcode() uint32   { return hashOf(op) }
func (logSoftmaxOp) DiffWRT(n int) []bool  { return []bool{true} }

// SymDiff returns the gradient node of the input.
func (logSoftmaxOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if len(inputs) != 1 {
		return nil, errors.Errorf("graph: log-softmax: %d inputs to differentiate, want 1", len(inputs))
	}
	dx, err := gorgonia.ApplyOp(logSoftmaxGradOp{new(owned)}, output, grad)
	if err != nil {
		return nil, errors.Wrap(err, "graph: log-softmax gradient")
	}
	return gorgonia.Nodes{dx}, nil
}

func (logSoftmaxGradOp) ReturnsPtr() bool      { return false }
func (logSoftmaxGradOp) CallsExtern() bool     { return false }
func (logSoftmaxGradOp) OverwritesInput() int  { return -1 }
func (logSoftmaxGradOp) String() string        { return "gomtl.LogSoftmaxGrad" }
func (logSoftmaxGradOp) WriteHash(h hash.Hash) { fmt.Fprint(h, "gomtl.LogSoftmaxGrad") }
func (op logSoftmaxGradOp) Hashcode() uint32   { return hashOf(op) }
func (logSoftmaxGradOp) DiffWRT(n int) []bool  { return make([]bool, n) }

// SymDiff refuses: the gradient has no gradient of its own.
func (logSoftmaxGradOp) SymDiff(gorgonia.Nodes, *gorgonia.Node, *gorgonia.Node) (gorgonia.Nodes, error) {
	return nil, errors.New("graph: the log-softmax gradient cannot be differentiated again (use Builder.ComposedSoftmax)")
}

// hashOf hashes an op's WriteHash.
func hashOf(op interface{ WriteHash(hash.Hash) }) uint32 {
	h := fnv.New32a()
	op.WriteHash(h)
	return h.Sum32()
}
