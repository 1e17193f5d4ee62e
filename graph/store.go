package graph

import (
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

// A Store owns the values of a model's parameters, keyed by name and kept in
// creation order. Graphs built from one Store share its tensors, so an
// optimiser that updates them in place updates every graph at once.
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
}

// NewStore returns an empty Store of the given dtype (tensor.Float32 for
// training, tensor.Float64 for gradient checks) whose initial values are
// drawn from a generator seeded with seed.
func NewStore(dtype tensor.Dtype, seed int64) *Store {
	return &Store{
		dtype:  dtype,
		rng:    rand.New(rand.NewSource(seed)),
		values: make(map[string]*tensor.Dense),
	}
}

// Dtype returns the element type of every parameter in s.
func (s *Store) Dtype() tensor.Dtype { return s.dtype }

// Names returns the parameter names in creation order.
func (s *Store) Names() []string { return append([]string(nil), s.names...) }

// Value returns the tensor holding the named parameter, or nil.
func (s *Store) Value(name string) *tensor.Dense { return s.values[name] }

// Len returns the number of parameters in s.
func (s *Store) Len() int { return len(s.names) }

// Size returns the total number of scalar parameters in s.
func (s *Store) Size() int {
	n := 0
	for _, name := range s.names {
		n += s.values[name].Shape().TotalSize()
	}
	return n
}

// Node returns a node in g bound to the named parameter, creating and
// initialising the value on first use. A later request with a different
// shape is an error.
func (s *Store) Node(g *gorgonia.ExprGraph, name string, shape tensor.Shape, fanIn, fanOut int, init Init) (*gorgonia.Node, error) {
	v, ok := s.values[name]
	if !ok {
		if shape.TotalSize() <= 0 {
			return nil, errors.Errorf("graph: parameter %q: invalid shape %v", name, shape)
		}
		raw := make([]float64, shape.TotalSize())
		init(s.rng, fanIn, fanOut, raw)
		v = s.newDense(shape, raw)
		s.values[name] = v
		s.names = append(s.names, name)
	} else if !v.Shape().Eq(shape) {
		return nil, errors.Errorf("graph: parameter %q: requested shape %v, stored shape %v", name, shape, v.Shape())
	}
	return gorgonia.NewTensor(g, s.dtype, shape.Dims(), gorgonia.WithShape(shape...), gorgonia.WithName(name), gorgonia.WithValue(v)), nil
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
