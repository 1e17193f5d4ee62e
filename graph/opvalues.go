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
// and one float dtype; a view is copied into a tensor of its own.
func operands(op fmt.Stringer, in []gorgonia.Value, shapes ...tensor.Shape) (v [3]*tensor.Dense, err error) {
	if len(in) != len(shapes) {
		return v, errors.Errorf("graph: %v: %d inputs, want %d", op, len(in), len(shapes))
	}
	for i, x := range in {
		d, ok := x.(*tensor.Dense)
		if ok && d.IsView() {
			d, ok = d.Materialize().(*tensor.Dense)
		}
		if !ok || !d.Shape().Eq(shapes[i]) {
			return v, errors.Errorf("graph: %v: input %d is %T %v, want a dense %v", op, i, x, x.Shape(), shapes[i].Clone())
		}
		if d.Dtype() != tensor.Float32 && d.Dtype() != tensor.Float64 || d.Dtype() != in[0].Dtype() {
			return v, errors.Errorf("graph: %v: input %d has dtype %v, want float32 or float64 like input 0 (%v)", op, i, d.Dtype(), in[0].Dtype())
		}
		v[i] = d
	}
	return v, nil
}

// output returns pre when it is a dense tensor of shape and dt that owns
// its memory, a new tensor otherwise.
func output(pre gorgonia.Value, shape tensor.Shape, dt tensor.Dtype) *tensor.Dense {
	if d, ok := pre.(*tensor.Dense); ok && !d.IsView() && d.Dtype() == dt && d.Shape().Eq(shape) {
		return d
	}
	return tensor.New(tensor.WithShape(shape.Clone()...), tensor.Of(dt))
}

// sameShaped checks that in holds n dense float tensors of one shape and
// dtype.
func sameShaped(op fmt.Stringer, in []gorgonia.Value, n int) (v [3]*tensor.Dense, err error) {
	if len(in) == 0 {
		return v, errors.Errorf("graph: %v: no inputs, want %d", op, n)
	}
	shapes := [3]tensor.Shape{in[0].Shape(), in[0].Shape(), in[0].Shape()}
	return operands(op, in, shapes[:n]...)
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
