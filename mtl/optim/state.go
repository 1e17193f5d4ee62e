package optim

import (
	"encoding"

	"github.com/pkg/errors"
)

var (
	_ encoding.BinaryMarshaler   = (*Adam)(nil)
	_ encoding.BinaryUnmarshaler = (*Adam)(nil)
	_ encoding.BinaryMarshaler   = (*SGD)(nil)
	_ encoding.BinaryUnmarshaler = (*SGD)(nil)
	_ encoding.BinaryMarshaler   = (*RMSProp)(nil)
	_ encoding.BinaryUnmarshaler = (*RMSProp)(nil)
)

// MarshalBinary encodes the hyper-parameters and the state (Steps, M, V);
// the layout is in doc.go.
func (a *Adam) MarshalBinary() ([]byte, error) {
	if a.Steps < 0 {
		return nil, errors.Errorf("optim: adam: steps %d, want >= 0", a.Steps)
	}
	e := encoder{}
	e.header(adamTag)
	e.f64(a.LearningRate)
	e.f64(a.Beta1)
	e.f64(a.Beta2)
	e.f64(a.Epsilon)
	e.u64(uint64(a.Steps))
	e.tensors(a.M)
	e.tensors(a.V)
	return e.b, nil
}

// UnmarshalBinary replaces a with the optimiser MarshalBinary encoded. On
// error a is unchanged.
func (a *Adam) UnmarshalBinary(data []byte) error {
	d := decoder{name: AdamName, b: data}
	d.header(adamTag)
	x := Adam{LearningRate: d.f64("learning rate"), Beta1: d.f64("beta1"), Beta2: d.f64("beta2"), Epsilon: d.f64("epsilon")}
	x.Steps = d.int("steps")
	x.M = d.tensors("first moments")
	x.V = d.tensors("second moments")
	if err := d.finish(); err != nil {
		return err
	}
	if !sameShapes(x.M, x.V) {
		return errors.New("optim: adam state: first and second moments differ in shape")
	}
	*a = x
	return nil
}

// MarshalBinary encodes the hyper-parameters and the velocity; the layout
// is in doc.go.
func (s *SGD) MarshalBinary() ([]byte, error) {
	e := encoder{}
	e.header(sgdTag)
	e.f64(s.LearningRate)
	e.f64(s.Momentum)
	e.tensors(s.Velocity)
	return e.b, nil
}

// UnmarshalBinary replaces s with the optimiser MarshalBinary encoded. On
// error s is unchanged.
func (s *SGD) UnmarshalBinary(data []byte) error {
	d := decoder{name: SGDName, b: data}
	d.header(sgdTag)
	x := SGD{LearningRate: d.f64("learning rate"), Momentum: d.f64("momentum")}
	x.Velocity = d.tensors("velocity")
	if err := d.finish(); err != nil {
		return err
	}
	*s = x
	return nil
}

// MarshalBinary encodes the hyper-parameters and the running squares; the
// layout is in doc.go.
func (r *RMSProp) MarshalBinary() ([]byte, error) {
	e := encoder{}
	e.header(rmspropTag)
	e.f64(r.LearningRate)
	e.f64(r.Rho)
	e.f64(r.Epsilon)
	e.tensors(r.Square)
	return e.b, nil
}

// UnmarshalBinary replaces r with the optimiser MarshalBinary encoded. On
// error r is unchanged.
func (r *RMSProp) UnmarshalBinary(data []byte) error {
	d := decoder{name: RMSPropName, b: data}
	d.header(rmspropTag)
	x := RMSProp{LearningRate: d.f64("learning rate"), Rho: d.f64("rho"), Epsilon: d.f64("epsilon")}
	x.Square = d.tensors("running squares")
	if err := d.finish(); err != nil {
		return err
	}
	*r = x
	return nil
}

// MarshalState encodes o, one of the optimisers of this package, with its
// kind, so that UnmarshalState rebuilds it without being told which it is.
func MarshalState(o Optimizer) ([]byte, error) {
	switch o := o.(type) {
	case *Adam:
		if o != nil {
			return o.MarshalBinary()
		}
	case *SGD:
		if o != nil {
			return o.MarshalBinary()
		}
	case *RMSProp:
		if o != nil {
			return o.MarshalBinary()
		}
	default:
		return nil, errors.Errorf("optim: cannot save the state of a %T", o)
	}
	return nil, errors.Errorf("optim: cannot save the state of a nil %T", o)
}

// UnmarshalState rebuilds the optimiser MarshalState encoded: its kind,
// its hyper-parameters and its state.
func UnmarshalState(data []byte) (Optimizer, error) {
	if len(data) < len(adamTag) {
		return nil, errors.Errorf("optim: state of %d bytes, too short for the %d-byte tag", len(data), len(adamTag))
	}
	var o interface {
		Optimizer
		encoding.BinaryUnmarshaler
	}
	switch tag := string(data[:len(adamTag)]); tag {
	case adamTag:
		o = &Adam{}
	case sgdTag:
		o = &SGD{}
	case rmspropTag:
		o = &RMSProp{}
	default:
		return nil, errors.Errorf("optim: state tag %q names no optimiser (want %q, %q or %q)", tag, adamTag, sgdTag, rmspropTag)
	}
	if err := o.UnmarshalBinary(data); err != nil {
		return nil, err
	}
	return o, nil
}
