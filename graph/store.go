package graph

import (
	"fmt"
	"math"
	"math/rand"

	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Init fills dst with the initial values of a parameter whose layer maps
// fanIn inputs to fanOut outputs, drawing from rng.
type Init func(rng *rand.Rand, fanIn, fanOut int, dst []float64)

// GlorotUniform draws from U(-a, a) with a = sqrt(6 / (fanIn + fanOut)),
// Keras's default for Dense kernels (Glorot & Bengio 2010).
func GlorotUniform(rng *rand.Rand, fanIn, fanOut int, dst []float64) {
	a := math.Sqrt(6 / float64(fanIn+fanOut))
	for i := range dst {
		dst[i] = (2*rng.Float64() - 1) * a
	}
}

// Zeros sets every value to zero; it draws nothing from rng.
func Zeros(_ *rand.Rand, _, _ int, dst []float64) {
	for i := range dst {
		dst[i] = 0
	}
}

// Ones sets every value to one; it draws nothing from rng. It initialises
// batch-norm scales and running variances.
func Ones(_ *rand.Rand, _, _ int, dst []float64) {
	for i := range dst {
		dst[i] = 1
	}
}

// A Store owns the values of a model's parameters, keyed by name and kept in
// creation order. Graphs built from one Store share its tensors, so an
// optimiser that updates them in place updates every graph at once.
//
// Most entries are trainable parameters. Entries made by StateNode are
// non-trainable state (batch-norm running statistics): they are listed by
// Names and so saved with the model, but TrainableNames leaves them out so
// that they are never handed to an optimiser.
//
// The first request for a name creates its value with the given initialiser
// and the Store's RNG; later requests (from other graphs, for other batch
// sizes) reuse it. Creation order is therefore part of determinism: build
// layers in a fixed order.
type Store struct {
	dtype  tensor.Dtype
	rng    *rand.Rand
	names  []string
	values map[string]*tensor.Dense
	state  map[string]bool // names created by StateNode
	size   int             // values held, at most MaxElements
}

// NewStore returns an empty Store of the given dtype (tensor.Float32 for
// training, tensor.Float64 for gradient checks) whose initial values are
// drawn from a generator seeded with seed.
func NewStore(dtype tensor.Dtype, seed int64) *Store {
	return &Store{
		dtype:  dtype,
		rng:    rand.New(rand.NewSource(seed)),
		values: make(map[string]*tensor.Dense),
		state:  make(map[string]bool),
	}
}

// Dtype returns the element type of every parameter in s.
func (s *Store) Dtype() tensor.Dtype { return s.dtype }

// Names returns the names of every entry, trainable parameters and state,
// in creation order.
func (s *Store) Names() []string { return append([]string(nil), s.names...) }

// TrainableNames returns the names of the trainable parameters in creation
// order, leaving out state made by StateNode.
func (s *Store) TrainableNames() []string {
	var names []string
	for _, name := range s.names {
		if !s.state[name] {
			names = append(names, name)
		}
	}
	return names
}

// Trainable reports whether name is a trainable parameter of s: false for
// state made by StateNode and for unknown names.
func (s *Store) Trainable(name string) bool {
	_, ok := s.values[name]
	return ok && !s.state[name]
}

// Value returns the tensor holding the named parameter, or nil.
func (s *Store) Value(name string) *tensor.Dense { return s.values[name] }

// Len returns the number of parameters in s.
func (s *Store) Len() int { return len(s.names) }

// Size returns the total number of scalar parameters in s.
func (s *Store) Size() int { return s.size }

// Node returns a node in g bound to the named parameter, creating and
// initialising the value on first use. A later request with a different
// shape, or for a name that StateNode made, is an error.
func (s *Store) Node(g *gorgonia.ExprGraph, name string, shape tensor.Shape, fanIn, fanOut int, init Init) (*gorgonia.Node, error) {
	v, err := s.entry(name, shape, fanIn, fanOut, init, false)
	if err != nil {
		return nil, err
	}
	return gorgonia.NewTensor(g, s.dtype, shape.Dims(), gorgonia.WithShape(shape...), gorgonia.WithName(name), gorgonia.WithValue(v)), nil
}

// StateNode is Node for non-trainable state, such as batch-norm running
// statistics: the entry is saved with the model (Names lists it) but
// TrainableNames and Trainable leave it out. init is called with fanIn and
// fanOut 0, so use an initialiser that ignores them (Zeros, Ones). Asking
// for a trainable parameter's name is an error.
func (s *Store) StateNode(g *gorgonia.ExprGraph, name string, shape tensor.Shape, init Init) (*gorgonia.Node, error) {
	v, err := s.entry(name, shape, 0, 0, init, true)
	if err != nil {
		return nil, err
	}
	return gorgonia.NewTensor(g, s.dtype, shape.Dims(), gorgonia.WithShape(shape...), gorgonia.WithName(name), gorgonia.WithValue(v)), nil
}

// entry returns the named value, creating it on first use, and checks that
// a later request agrees on its shape and on whether it is state.
func (s *Store) entry(name string, shape tensor.Shape, fanIn, fanOut int, init Init, state bool) (*tensor.Dense, error) {
	v, ok := s.values[name]
	if !ok {
		if init == nil {
			return nil, errors.Errorf("graph: parameter %q: no initialiser", name)
		}
		n, err := shapeSize(fmt.Sprintf("parameter %q", name), shape)
		if err != nil {
			return nil, err
		}
		if s.size > MaxElements-n {
			return nil, errors.Errorf("graph: parameter %q: shape %v: %d values on top of the %d stored would be more than graph.MaxElements (%d)", name, shape, n, s.size, MaxElements)
		}
		raw := make([]float64, n)
		init(s.rng, fanIn, fanOut, raw)
		v = s.newDense(shape, raw)
		s.values[name] = v
		s.names = append(s.names, name)
		s.size += n
		if state {
			s.state[name] = true
		}
		return v, nil
	}
	if !sameShape(v.Shape(), shape) {
		return nil, errors.Errorf("graph: parameter %q: requested shape %v, stored shape %v", name, shape, v.Shape())
	}
	if s.state[name] != state {
		if state {
			return nil, errors.Errorf("graph: parameter %q is trainable, requested as state", name)
		}
		return nil, errors.Errorf("graph: parameter %q is state, requested as trainable", name)
	}
	return v, nil
}

// sameShape reports whether a and b have the same dimensions. Unlike
// tensor.Shape.Eq it tells (4) from (1, 4), whose nodes have different
// types.
func sameShape(a, b tensor.Shape) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Set replaces the named parameter's values, as when loading saved weights.
// The parameter must exist with exactly len(values) elements.
func (s *Store) Set(name string, values []float64) error {
	v, ok := s.values[name]
	if !ok {
		return errors.Errorf("graph: unknown parameter %q", name)
	}
	if v.Shape().TotalSize() != len(values) {
		return errors.Errorf("graph: parameter %q: %d values for shape %v", name, len(values), v.Shape())
	}
	switch data := v.Data().(type) {
	case []float32:
		for i, x := range values {
			data[i] = float32(x)
		}
	case []float64:
		copy(data, values)
	}
	return nil
}

func (s *Store) newDense(shape tensor.Shape, raw []float64) *tensor.Dense {
	if s.dtype == tensor.Float32 {
		data := make([]float32, len(raw))
		for i, x := range raw {
			data[i] = float32(x)
		}
		return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(raw))
}
