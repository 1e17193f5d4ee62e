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

// A GradientWeigher chooses weights alpha for T gradients from their
// Gramian, gram[i][j] = <g_i, g_j>.
type GradientWeigher func(gram [][]float64) (alpha []float64, err error)

// MixGradients returns a node whose value is Σ_t alpha_t·grads[t], with
// alpha chosen by weigh from the Gramian of the grads' values each time
// the graph runs. The grads must have one shape; no gradient flows back
// through the node. It lets a graph combine per-task gradients of a
// shared representation (MGDA-UB) before backpropagating the combination
// through the layers below it.
func (b *Builder) MixGradients(name string, grads []*gorgonia.Node, weigh GradientWeigher) (y *gorgonia.Node, err error) {
	defer recoverError(&err, "mix gradients %q of %d nodes", name, len(grads))
	if len(grads) == 0 || weigh == nil {
		return nil, errors.Errorf("graph: mix gradients %q: %d gradients, weigher set %v", name, len(grads), weigh != nil)
	}
	for i, g := range grads {
		if g == nil || !g.Shape().Eq(grads[0].Shape()) {
			return nil, errors.Errorf("graph: mix gradients %q: gradient %d has shape %v, gradient 0 %v", name, i, shapeOf(g), grads[0].Shape())
		}
	}
	op := &mixGradOp{name: name, arity: len(grads), weigh: weigh}
	if y, err = gorgonia.ApplyOp(op, grads...); err != nil {
		return nil, errors.Wrapf(err, "graph: mix gradients %q", name)
	}
	return y, nil
}

// mixGradOp is MixGradients' op: differentiable with respect to nothing.
type mixGradOp struct {
	name  string
	arity int
	weigh GradientWeigher
}

var (
	_ gorgonia.SDOp = (*mixGradOp)(nil)
	_ gorgonia.ADOp = (*mixGradOp)(nil)
)

func (op *mixGradOp) Arity() int { return op.arity }

// Type is a → a → ... → a.
func (op *mixGradOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	ts := make([]hm.Type, op.arity+1)
	for i := range ts {
		ts[i] = a
	}
	return hm.NewFnType(ts...)
}

func (op *mixGradOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	if len(in) != op.arity {
		return nil, errors.Errorf("graph: mix gradients %q: %d input shapes, want %d", op.name, len(in), op.arity)
	}
	s, ok := in[0].(tensor.Shape)
	if !ok {
		return nil, errors.Errorf("graph: mix gradients %q: input shape is %T", op.name, in[0])
	}
	return s.Clone(), nil
}

// Do computes the Gramian in float64, asks weigh for alpha and returns
// the mixture.
func (op *mixGradOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	if len(in) != op.arity {
		return nil, errors.Errorf("graph: mix gradients %q: %d inputs, want %d", op.name, len(in), op.arity)
	}
	vs := make([][]float64, len(in))
	var out *tensor.Dense
	for t, v := range in {
		d, ok := v.(*tensor.Dense)
		if !ok {
			return nil, errors.Errorf("graph: mix gradients %q: input %d is %T", op.name, t, v)
		}
		switch data := d.Data().(type) {
		case []float32:
			vs[t] = make([]float64, len(data))
			for i, x := range data {
				vs[t][i] = float64(x)
			}
		case []float64:
			vs[t] = data
		default:
			return nil, errors.Errorf("graph: mix gradients %q: input %d is %v", op.name, t, d.Dtype())
		}
		if t == 0 {
			out = tensor.New(tensor.Of(d.Dtype()), tensor.WithShape(d.Shape().Clone()...))
		}
	}
	gram := make([][]float64, len(vs))
	for i := range vs {
		gram[i] = make([]float64, len(vs))
		for j := 0; j <= i; j++ {
			s := 0.0
			for k, x := range vs[i] {
				s += x * vs[j][k]
			}
			gram[i][j] = s
			gram[j][i] = s
		}
	}
	alpha, err := op.weigh(gram)
	if err != nil {
		return nil, errors.WithMessagef(err, "graph: mix gradients %q", op.name)
	}
	if len(alpha) != len(vs) {
		return nil, errors.Errorf("graph: mix gradients %q: %d weights for %d gradients", op.name, len(alpha), len(vs))
	}
	switch data := out.Data().(type) {
	case []float32:
		for t, v := range vs {
			for k, x := range v {
				data[k] += float32(alpha[t] * x)
			}
		}
	case []float64:
		for t, v := range vs {
			for k, x := range v {
				data[k] += alpha[t] * x
			}
		}
	}
	return out, nil
}

func (op *mixGradOp) ReturnsPtr() bool      { return false }
func (op *mixGradOp) CallsExtern() bool     { return false }
func (op *mixGradOp) OverwritesInput() int  { return -1 }
func (op *mixGradOp) String() string        { return "MixGradients(" + op.name + ")" }
func (op *mixGradOp) DiffWRT(n int) []bool  { return make([]bool, n) }
func (op *mixGradOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "gomtl.MixGradients(%s,%p)", op.name, op) }

func (op *mixGradOp) Hashcode() uint32 {
	h := fnv.New32a()
	op.WriteHash(h)
	return h.Sum32()
}

// SymDiff returns no gradient nodes: nothing flows back.
func (op *mixGradOp) SymDiff(inputs gorgonia.Nodes, _, _ *gorgonia.Node) (gorgonia.Nodes, error) {
	return make(gorgonia.Nodes, len(inputs)), nil
}

// DoDiff adds nothing.
func (op *mixGradOp) DoDiff(gorgonia.ExecutionContext, gorgonia.Nodes, *gorgonia.Node) error {
	return nil
}
