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
type logSoftmaxOp struct{}

// logSoftmaxGradOp is the gradient of log-softmax with respect to its
// input, given its output y and the gradient dy of the output:
// dx = dy − exp(y) · Σ_c dy, row by row. It has no gradient of its own:
// graphs differentiated twice use the composed log-softmax.
type logSoftmaxGradOp struct{}

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

func (logSoftmaxOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	x, err := denseInputs("log-softmax", in, 1)
	if err != nil {
		return nil, err
	}
	out := tensor.New(tensor.WithShape(x[0].Shape().Clone()...), tensor.Of(x[0].Dtype()))
	cols := x[0].Shape()[1]
	switch xs := x[0].Data().(type) {
	case []float32:
		logSoftmaxRows(out.Data().([]float32), xs, cols)
	case []float64:
		logSoftmaxRows(out.Data().([]float64), xs, cols)
	default:
		return nil, errors.Errorf("graph: log-softmax: dtype %v, want float32 or float64", x[0].Dtype())
	}
	return out, nil
}

func (logSoftmaxGradOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	v, err := denseInputs("log-softmax gradient", in, 2)
	if err != nil {
		return nil, err
	}
	y, dy := v[0], v[1]
	if !y.Shape().Eq(dy.Shape()) || y.Dtype() != dy.Dtype() {
		return nil, errors.Errorf("graph: log-softmax gradient: output %v %v, its gradient %v %v", y.Shape(), y.Dtype(), dy.Shape(), dy.Dtype())
	}
	out := tensor.New(tensor.WithShape(y.Shape().Clone()...), tensor.Of(y.Dtype()))
	cols := y.Shape()[1]
	switch ys := y.Data().(type) {
	case []float32:
		logSoftmaxGradRows(out.Data().([]float32), ys, dy.Data().([]float32), cols)
	case []float64:
		logSoftmaxGradRows(out.Data().([]float64), ys, dy.Data().([]float64), cols)
	default:
		return nil, errors.Errorf("graph: log-softmax gradient: dtype %v, want float32 or float64", y.Dtype())
	}
	return out, nil
}

// denseInputs checks that in holds n dense matrices.
func denseInputs(what string, in []gorgonia.Value, n int) ([]*tensor.Dense, error) {
	if len(in) != n {
		return nil, errors.Errorf("graph: %s: %d inputs, want %d", what, len(in), n)
	}
	out := make([]*tensor.Dense, n)
	for i, v := range in {
		d, ok := v.(*tensor.Dense)
		if !ok || d.Shape().Dims() != 2 {
			return nil, errors.Errorf("graph: %s: input %d is %T %v, want a dense (rows, classes) matrix", what, i, v, v.Shape())
		}
		out[i] = d
	}
	return out, nil
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
	dx, err := gorgonia.ApplyOp(logSoftmaxGradOp{}, output, grad)
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
