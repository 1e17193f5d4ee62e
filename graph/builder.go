package graph

import (
	"fmt"

	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// A Builder adds layers to one expression graph, taking their parameters
// from a Store. Its methods return errors that name the layer and shapes;
// Gorgonia panics raised while building are recovered into such errors.
//
// A parameter has one node per graph: a layer built twice under the same
// name (a block shared by two inputs) reads the same node both times, so
// its gradient sums both uses.
type Builder struct {
	G      *gorgonia.ExprGraph
	Params *Store
	// ComposedSoftmax builds LogSoftmax (and Softmax) from primitive ops
	// instead of Gorgonia's fused one, for graphs differentiated twice:
	// the fused op's derivative node makes a later gorgonia.Grad on the
	// same graph panic.
	ComposedSoftmax bool
	nodes           map[string]*gorgonia.Node // parameter and state nodes of G, by name
}

// NewBuilder returns a Builder over a fresh graph whose parameters live in
// params.
func NewBuilder(params *Store) *Builder {
	return &Builder{G: gorgonia.NewGraph(), Params: params}
}

// Input adds an input matrix node of the given shape, bound to a zeroed
// tensor the caller fills in place before each run.
func (b *Builder) Input(name string, shape ...int) (n *gorgonia.Node, err error) {
	defer recoverError(&err, "input %q %v", name, shape)
	if b.Params == nil {
		return nil, errors.Errorf("graph: input %q: the builder has no parameter store", name)
	}
	if _, err := shapeSize(fmt.Sprintf("input %q", name), shape); err != nil {
		return nil, err
	}
	v := tensor.New(tensor.Of(b.Params.dtype), tensor.WithShape(shape...))
	return gorgonia.NewTensor(b.G, b.Params.dtype, len(shape), gorgonia.WithShape(shape...), gorgonia.WithName(name), gorgonia.WithValue(v)), nil
}

// Scalar adds a scalar input node holding v; change it with gorgonia.Let.
func (b *Builder) Scalar(name string, v float64) (n *gorgonia.Node, err error) {
	defer recoverError(&err, "scalar %q", name)
	if b.Params == nil {
		return nil, errors.Errorf("graph: scalar %q: the builder has no parameter store", name)
	}
	var val interface{} = v
	if b.Params.dtype == tensor.Float32 {
		val = float32(v)
	}
	return gorgonia.NewScalar(b.G, b.Params.dtype, gorgonia.WithName(name), gorgonia.WithValue(val)), nil
}

// Dense adds y = x·W + b for x of shape (batch, in), with W (in, units)
// drawn by GlorotUniform and b (1, units) zero. Parameters are named
// name+".w" and name+".b".
func (b *Builder) Dense(name string, x *gorgonia.Node, units int) (y *gorgonia.Node, err error) {
	defer recoverError(&err, "dense %q: input %v, %d units", name, shapeOf(x), units)
	if x == nil {
		return nil, errors.Errorf("graph: dense %q: input is nil", name)
	}
	if x.Shape().Dims() != 2 {
		return nil, errors.Errorf("graph: dense %q: input shape %v, want (batch, features)", name, x.Shape())
	}
	if units < 1 {
		return nil, errors.Errorf("graph: dense %q: %d units, want at least 1", name, units)
	}
	in := x.Shape()[1]
	if _, err := shapeSize(fmt.Sprintf("dense %q: output", name), []int{x.Shape()[0], units}); err != nil {
		return nil, err
	}
	w, err := b.param(name+".w", tensor.Shape{in, units}, in, units, GlorotUniform)
	if err != nil {
		return nil, err
	}
	bias, err := b.param(name+".b", tensor.Shape{1, units}, in, units, Zeros)
	if err != nil {
		return nil, err
	}
	if y, err = gorgonia.ApplyOp(denseOp{rows: x.Shape()[0], in: in, units: units, out: new(owned)}, x, w, bias); err != nil {
		return nil, errors.Wrapf(err, "graph: dense %q: %v x %v + %v", name, x.Shape(), w.Shape(), bias.Shape())
	}
	return y, nil
}

// param returns G's node for the named parameter, made by Params.Node on
// first use.
func (b *Builder) param(name string, shape tensor.Shape, fanIn, fanOut int, init Init) (*gorgonia.Node, error) {
	return b.cached(name, shape, func() (*gorgonia.Node, error) { return b.Params.Node(b.G, name, shape, fanIn, fanOut, init) })
}

// state returns G's node for the named state entry, made by
// Params.StateNode on first use.
func (b *Builder) state(name string, shape tensor.Shape, init Init) (*gorgonia.Node, error) {
	return b.cached(name, shape, func() (*gorgonia.Node, error) { return b.Params.StateNode(b.G, name, shape, init) })
}

func (b *Builder) cached(name string, shape tensor.Shape, create func() (*gorgonia.Node, error)) (*gorgonia.Node, error) {
	if b.Params == nil {
		return nil, errors.Errorf("graph: parameter %q: the builder has no parameter store", name)
	}
	if n, ok := b.nodes[name]; ok {
		if !sameShape(n.Shape(), shape) {
			return nil, errors.Errorf("graph: parameter %q: requested shape %v, stored shape %v", name, shape, n.Shape())
		}
		return n, nil
	}
	n, err := create()
	if err != nil {
		return nil, err
	}
	if b.nodes == nil {
		b.nodes = make(map[string]*gorgonia.Node)
	}
	b.nodes[name] = n
	return n, nil
}

// recoverError turns a panic in the calling builder into an error naming
// what was being built.
func recoverError(err *error, format string, args ...interface{}) {
	if r := recover(); r != nil {
		*err = errors.Errorf("graph: %s: gorgonia panicked: %v", fmt.Sprintf(format, args...), r)
	}
}

// shapeOf returns n's shape for messages, or "nil" for a nil node, so that
// describing a bad call cannot itself panic.
func shapeOf(n *gorgonia.Node) interface{} {
	if n == nil {
		return "nil"
	}
	return n.Shape()
}

// nameOf returns n's name for messages, or "nil".
func nameOf(n *gorgonia.Node) string {
	if n == nil {
		return "nil"
	}
	return n.Name()
}
