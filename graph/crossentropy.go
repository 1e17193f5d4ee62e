package graph

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// crossEntropyOp is -Σ_i w_i Σ_c t_ic · logp_ic for logp and t (rows,
// classes) and w (rows), in one pass. Built from Gorgonia's ops it took
// five forward and ten backward nodes (products, sums, a negation, the
// reshapes, sizes and repeats of their gradients), each an instruction
// and an allocation per step.
type crossEntropyOp struct{ rows, classes int }

// crossEntropyGradOp is the cross-entropy's gradient with respect to
// logp given the loss's (scalar) gradient g: -g · w_i · t_ic. It is linear
// in g, so its own gradient with respect to g is the cross-entropy of the
// incoming gradient (MGDA-UB differentiates twice); t and w are inputs.
type crossEntropyGradOp struct {
	rows, classes int
	out           *owned
}

func (crossEntropyOp) Arity() int     { return 3 }
func (crossEntropyGradOp) Arity() int { return 3 }

func (crossEntropyOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	m, v := gorgonia.TensorType{Dims: 2, Of: a}, gorgonia.TensorType{Dims: 1, Of: a}
	return hm.NewFnType(m, m, v, a)
}

func (crossEntropyGradOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	m, v := gorgonia.TensorType{Dims: 2, Of: a}, gorgonia.TensorType{Dims: 1, Of: a}
	return hm.NewFnType(m, v, a, m)
}

func (crossEntropyOp) InferShape(...gorgonia.DimSizer) (tensor.Shape, error) {
	return tensor.ScalarShape(), nil
}

func (op crossEntropyGradOp) InferShape(...gorgonia.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{op.rows, op.classes}, nil
}

func (op crossEntropyOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	v, err := operands(in, tensor.Shape{op.rows, op.classes}, tensor.Shape{op.rows, op.classes}, tensor.Shape{op.rows})
	if err != nil {
		return nil, opError(op, err)
	}
	if v[0].Dtype() == tensor.Float32 {
		return gorgonia.NewF32(float32(crossEntropy(v[0].Float32s(), v[1].Float32s(), v[2].Float32s()))), nil
	}
	return gorgonia.NewF64(crossEntropy(v[0].Float64s(), v[1].Float64s(), v[2].Float64s())), nil
}

func (op crossEntropyGradOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	return op.UsePreallocDo(nil, in...)
}

// UsePreallocDo writes the gradient into pre when it fits.
func (op crossEntropyGradOp) UsePreallocDo(pre gorgonia.Value, in ...gorgonia.Value) (gorgonia.Value, error) {
	if len(in) != 3 {
		return nil, errors.Errorf("graph: %v: %d inputs, want 3", op, len(in))
	}
	g, ok := scalarOf(in[2])
	if !ok {
		return nil, errors.Errorf("graph: %v: the loss's gradient is %T %v, want a scalar", op, in[2], in[2].Shape())
	}
	v, err := operands(in[:2], tensor.Shape{op.rows, op.classes}, tensor.Shape{op.rows})
	if err != nil {
		return nil, opError(op, err)
	}
	d := op.out.output(pre, tensor.Shape{op.rows, op.classes}, v[0].Dtype())
	if v[0].Dtype() == tensor.Float32 {
		crossEntropyGrad(v[0].Float32s(), v[1].Float32s(), float32(g), d.Float32s())
	} else {
		crossEntropyGrad(v[0].Float64s(), v[1].Float64s(), g, d.Float64s())
	}
	return d, nil
}

// scalarOf returns the value of a scalar float Value.
func scalarOf(v gorgonia.Value) (float64, bool) {
	switch d := v.Data().(type) {
	case float32:
		return float64(d), true
	case float64:
		return d, true
	case []float32:
		if len(d) == 1 {
			return float64(d[0]), true
		}
	case []float64:
		if len(d) == 1 {
			return d[0], true
		}
	}
	return 0, false
}

// crossEntropy sums in float64, row by row.
func crossEntropy[T float32 | float64](logp, t, w []T) float64 {
	k := len(logp) / max(len(w), 1)
	var total float64
	for i, wi := range w {
		var row T
		tr := t[i*k : (i+1)*k]
		for c, lp := range logp[i*k : (i+1)*k] {
			row += tr[c] * lp
		}
		total -= float64(wi) * float64(row)
	}
	return total
}

func crossEntropyGrad[T float32 | float64](t, w []T, g T, d []T) {
	k := len(t) / max(len(w), 1)
	for i, wi := range w {
		s := -g * wi
		dr := d[i*k : (i+1)*k]
		for c, tc := range t[i*k : (i+1)*k] {
			dr[c] = s * tc
		}
	}
}

func (crossEntropyOp) DiffWRT(int) []bool     { return []bool{true, false, false} }
func (crossEntropyGradOp) DiffWRT(int) []bool { return []bool{false, false, true} }

// SymDiff returns the gradient node of logp (nil for t and w).
func (op crossEntropyOp) SymDiff(in gorgonia.Nodes, _, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if len(in) != 3 {
		return nil, errors.Errorf("graph: cross-entropy: %d inputs to differentiate, want 3", len(in))
	}
	d, err := gorgonia.ApplyOp(crossEntropyGradOp{rows: op.rows, classes: op.classes, out: new(owned)}, in[1], in[2], grad)
	if err != nil {
		return nil, errors.Wrap(err, "graph: cross-entropy gradient")
	}
	return gorgonia.Nodes{d, nil, nil}, nil
}

// SymDiff returns the gradient node of g (nil for t and w).
func (op crossEntropyGradOp) SymDiff(in gorgonia.Nodes, _, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if len(in) != 3 {
		return nil, errors.Errorf("graph: cross-entropy gradient: %d inputs to differentiate, want 3", len(in))
	}
	d, err := gorgonia.ApplyOp(crossEntropyOp{rows: op.rows, classes: op.classes}, grad, in[0], in[1])
	if err != nil {
		return nil, errors.Wrap(err, "graph: gradient of the cross-entropy gradient")
	}
	return gorgonia.Nodes{nil, nil, d}, nil
}

func (crossEntropyOp) ReturnsPtr() bool         { return false }
func (crossEntropyGradOp) ReturnsPtr() bool     { return false }
func (crossEntropyOp) CallsExtern() bool        { return false }
func (crossEntropyGradOp) CallsExtern() bool    { return false }
func (crossEntropyOp) OverwritesInput() int     { return -1 }
func (crossEntropyGradOp) OverwritesInput() int { return -1 }
func (crossEntropyOp) String() string           { return "gomtl.CrossEntropy" }
func (crossEntropyGradOp) String() string       { return "gomtl.CrossEntropyGrad" }
func (op crossEntropyOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "%s %+v", op, op) }
func (op crossEntropyGradOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "%s %+v", op, op)
}
func (op crossEntropyOp) Hashcode() uint32     { return hashOf(op) }
func (op crossEntropyGradOp) Hashcode() uint32 { return hashOf(op) }
