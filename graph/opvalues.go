package graph

import (
	"fmt"

	"github.com/chewxy/hm"
	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Helpers shared by gomtl's ops: checking the values an op is handed and
// finding the buffer it writes into.

// operands checks that in holds len(shapes) dense tensors of those shapes
// and one float dtype; a view is copied into a tensor of its own. Its
// error names no op: the caller adds it with opError, on the error path
// only, so that a running op is not boxed into an interface every call.
func operands(in []gorgonia.Value, shapes ...tensor.Shape) (v [3]*tensor.Dense, err error) {
	if len(in) != len(shapes) {
		return v, errors.Errorf("%d inputs, want %d", len(in), len(shapes))
	}
	for i, x := range in {
		d, ok := x.(*tensor.Dense)
		if ok && d.IsView() {
			d, ok = d.Materialize().(*tensor.Dense)
		}
		if !ok || !d.Shape().Eq(shapes[i]) {
			return v, errors.Errorf("input %d is %T %v, want a dense %v", i, x, x.Shape(), shapes[i].Clone())
		}
		if d.Dtype() != tensor.Float32 && d.Dtype() != tensor.Float64 || d.Dtype() != in[0].Dtype() {
			return v, errors.Errorf("input %d has dtype %v, want float32 or float64 like input 0 (%v)", i, d.Dtype(), in[0].Dtype())
		}
		v[i] = d
	}
	return v, nil
}

// owned is an op node's own output tensor. The tape machine hands an op
// the register it writes to; a register that nodes of different shapes
// share starts every run empty (mtl's rewinder keeps only registers of
// one shape), and an op handed nothing that fits writes into this
// tensor, allocated on its first run, instead of allocating at every
// run: LeNet's first ReLU and a matrix product of its dense layer did,
// 700 KB per step. Each node has its own: constructors and SymDiff make
// one per node, and a nil *owned allocates every time.
type owned struct{ d *tensor.Dense }

// output returns pre when it is a dense tensor of shape and dt that owns
// its memory, else o's tensor, made to fit on first use.
func (o *owned) output(pre gorgonia.Value, shape tensor.Shape, dt tensor.Dtype) *tensor.Dense {
	if d, ok := pre.(*tensor.Dense); ok && fits(d, shape, dt) {
		return d
	}
	if o != nil && o.d != nil && fits(o.d, shape, dt) && reuseOwned {
		return o.d
	}
	d := tensor.New(tensor.WithShape(shape.Clone()...), tensor.Of(dt))
	if o != nil {
		o.d = d
	}
	return d
}

// reuseOwned is false in the test that compares reusing owned outputs
// with fresh tensors at every run.
var reuseOwned = true

// fits reports whether d can take an output of shape and dt in place.
func fits(d *tensor.Dense, shape tensor.Shape, dt tensor.Dtype) bool {
	return !d.IsView() && d.Dtype() == dt && d.Shape().Eq(shape)
}

// sameShaped checks that in holds n dense float tensors of one shape and
// dtype.
func sameShaped(in []gorgonia.Value, n int) (v [3]*tensor.Dense, err error) {
	if len(in) == 0 {
		return v, errors.Errorf("no inputs, want %d", n)
	}
	shapes := [3]tensor.Shape{in[0].Shape(), in[0].Shape(), in[0].Shape()}
	return operands(in, shapes[:n]...)
}

// opError names op in err, an error of operands.
func opError(op fmt.Stringer, err error) error {
	return errors.WithMessagef(err, "graph: %v", op)
}

// fnType is a → … → a with arity arguments: every input and the output
// are 4-D tensors of one dtype.
func fnType(arity int) hm.Type {
	a := hm.TypeVariable('a')
	ts := make([]hm.Type, arity+1)
	for i := range ts {
		ts[i] = a
	}
	return hm.NewFnType(ts...)
}

// firstError returns the first non-nil error of errs.
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
