package weighting

import (
	"encoding"
	"errors"
	"math"
	"math/rand/v2"

	"github.com/gomtl/gomtl/mtl/optim"
)

// Stateful is the optional interface of the weightings whose state
// changes as training goes: *DWA (its loss history), *GradNorm (its
// weights, initial losses and Adam moments) and *RLW (its generator).
// Static, EW, UW and GLS have no state.
//
// MarshalBinary saves the state. UnmarshalBinary restores it into a
// weighting that New built with the same Config and base weights; it
// returns an error, leaving the receiver unchanged, when the data is not a
// state of that weighting or does not fit it (another number of tasks,
// another temperature or alpha), and never panics. The restored weighting
// then returns exactly the weights the saved one would have returned.
// The layouts are in doc.go.
type Stateful interface {
	encoding.BinaryMarshaler
	encoding.BinaryUnmarshaler
}

var (
	_ Stateful = (*DWA)(nil)
	_ Stateful = (*GradNorm)(nil)
	_ Stateful = (*RLW)(nil)
)

// MarshalBinary saves the loss history, the weights and, if EndEpoch was
// given a bad report, that error's text: the restored DWA returns an
// error with the same text from Weights.
func (d *DWA) MarshalBinary() ([]byte, error) {
	if d.k == 0 {
		return nil, errors.New("weighting: dwa: not built by New")
	}
	e := encoder{}
	e.header(dwaTag)
	e.u64(uint64(d.k))
	e.f64(d.temperature)
	e.u64(uint64(d.epochs))
	e.optFloats(d.last)
	e.floats(d.w)
	if d.err == nil {
		e.u8(0)
	} else {
		e.u8(1)
		e.bytes([]byte(d.err.Error()))
	}
	return e.b, nil
}

// UnmarshalBinary restores a state MarshalBinary saved (see Stateful).
func (d *DWA) UnmarshalBinary(data []byte) error {
	if d.k == 0 {
		return errors.New("weighting: dwa: not built by New")
	}
	r := decoder{name: DWAName, b: data}
	r.header(dwaTag)
	r.tasks(d.k)
	r.same("temperature", d.temperature)
	epochs := r.u64("epochs")
	last := r.optFloats("last epoch's losses", d.k)
	w := r.floats("weights", d.k)
	var err error
	switch b := r.u8("error flag"); {
	case r.err != nil || b == 0:
	case b == 1:
		err = errors.New(string(r.bytes("error")))
	default:
		r.fail("error flag is %d, want 0 or 1", b)
	}
	if e := r.finish(); e != nil {
		return e
	}
	switch {
	case epochs > math.MaxInt32:
		r.fail("%d epochs, too many", epochs)
	case epochs == 0 && last != nil:
		r.fail("no epochs reported, yet the last epoch's losses are saved")
	case epochs > 0 && last == nil:
		r.fail("%d epochs reported, yet the last epoch's losses are missing", epochs)
	}
	if r.err != nil {
		return r.err
	}
	d.epochs, d.last, d.w, d.err = int(epochs), last, w, err
	return nil
}

// MarshalBinary saves the weights, the initial losses and the state of
// the Adam optimiser on the weights.
func (n *GradNorm) MarshalBinary() ([]byte, error) {
	if n.opt == nil {
		return nil, errors.New("weighting: gradnorm: not built by New")
	}
	opt, err := optim.MarshalState(n.opt)
	if err != nil {
		return nil, err
	}
	e := encoder{}
	e.header(gradNormTag)
	e.u64(uint64(len(n.w)))
	e.f64(n.alpha)
	e.floats(n.w)
	e.optFloats(n.initial)
	e.bytes(opt)
	return e.b, nil
}

// UnmarshalBinary restores a state MarshalBinary saved (see Stateful).
func (n *GradNorm) UnmarshalBinary(data []byte) error {
	mine, ok := n.opt.(*optim.Adam)
	if !ok {
		return errors.New("weighting: gradnorm: not built by New")
	}
	k := len(n.w)
	r := decoder{name: GradNormName, b: data}
	r.header(gradNormTag)
	r.tasks(k)
	r.same("alpha", n.alpha)
	w := r.floats("weights", k)
	initial := r.optFloats("initial losses", k)
	optState := r.bytes("optimiser state")
	if err := r.finish(); err != nil {
		return err
	}
	opt, err := optim.UnmarshalState(optState)
	if err != nil {
		r.fail("%v", err)
		return r.err
	}
	adam, ok := opt.(*optim.Adam)
	switch {
	case !ok:
		r.fail("the optimiser is a %T, want *optim.Adam", opt)
	case adam.LearningRate != mine.LearningRate || adam.Beta1 != mine.Beta1 || adam.Beta2 != mine.Beta2 || adam.Epsilon != mine.Epsilon:
		r.fail("saved with Adam %+v, this gradnorm has %+v", hyper(adam), hyper(mine))
	case adam.M != nil && (len(adam.M) != 1 || len(adam.M[0]) != k):
		r.fail("Adam's moments do not have one slice of %d weights", k)
	}
	if r.err != nil {
		return r.err
	}
	n.w, n.initial, n.opt = w, initial, adam
	return nil
}

// hyper returns Adam's hyper-parameters without its state, for errors.
func hyper(a *optim.Adam) optim.Adam {
	return optim.Adam{LearningRate: a.LearningRate, Beta1: a.Beta1, Beta2: a.Beta2, Epsilon: a.Epsilon}
}

// MarshalBinary saves the generator's state.
func (r *RLW) MarshalBinary() ([]byte, error) {
	if r.src == nil {
		return nil, errors.New("weighting: rlw: not built by New")
	}
	src, err := r.src.MarshalBinary()
	if err != nil {
		return nil, err
	}
	e := encoder{}
	e.header(rlwTag)
	e.u64(uint64(r.k))
	e.bytes(src)
	return e.b, nil
}

// UnmarshalBinary restores a state MarshalBinary saved (see Stateful).
func (r *RLW) UnmarshalBinary(data []byte) error {
	if r.src == nil {
		return errors.New("weighting: rlw: not built by New")
	}
	d := decoder{name: RLWName, b: data}
	d.header(rlwTag)
	d.tasks(r.k)
	src := d.bytes("generator")
	if err := d.finish(); err != nil {
		return err
	}
	var pcg rand.PCG
	if err := pcg.UnmarshalBinary(src); err != nil {
		d.fail("generator: %v", err)
		return d.err
	}
	*r.src = pcg
	return nil
}
