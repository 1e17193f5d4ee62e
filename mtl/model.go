package mtl

import (
	"fmt"

	"github.com/gomtl/gomtl/graph"
	"github.com/pkg/errors"
	"gorgonia.org/tensor"
)

// A Model is a multi-task network built from a Spec, with its weights.
type Model struct {
	spec     Spec
	params   *graph.Store
	programs map[programKey]*program
	layers   []LayerInfo // as built, for Summary
}

type programKey struct {
	batch int
	train bool
	task  int // -1: the total loss; t: task t's loss alone
}

// New validates spec and builds a model with freshly initialised weights
// (Glorot-uniform kernels, zero biases, drawn from spec.Seed).
func New(spec Spec) (*Model, error) {
	return newModel(spec, tensor.Float32)
}

// MustNew is New for examples, tests and notebooks: it panics on error.
func MustNew(spec Spec) *Model {
	m, err := New(spec)
	if err != nil {
		panic(err)
	}
	return m
}

func newModel(spec Spec, dtype tensor.Dtype) (m *Model, err error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	m = &Model{spec: spec.clone(), params: graph.NewStore(dtype, spec.Seed), programs: make(map[programKey]*program)}
	// Building once creates every parameter, in a fixed order, so the
	// initial weights do not depend on which batch size is compiled first.
	p, err := m.program(1, false)
	if err != nil {
		return nil, err
	}
	m.layers = p.net.layers
	return m, nil
}

// Spec returns a copy of the model's spec.
func (m *Model) Spec() Spec {
	if m == nil {
		return Spec{}
	}
	return m.spec.clone()
}

// NumParams returns the number of scalars the model stores: trainable
// parameters and batch-normalisation statistics.
func (m *Model) NumParams() int {
	if m == nil {
		return 0
	}
	return m.params.Size()
}

// Params returns the parameter names in their fixed order (the order the
// optimiser and saved files use).
func (m *Model) Params() []string {
	if m == nil {
		return nil
	}
	return m.params.Names()
}

// program returns the compiled program for a batch size, building it on
// first use.
func (m *Model) program(batch int, train bool) (*program, error) {
	return m.taskProgram(batch, train, -1)
}

// taskProgram returns the compiled program for a batch size whose cost is
// task's unweighted loss alone (the total when task is -1), building it on
// first use.
func (m *Model) taskProgram(batch int, train bool, task int) (*program, error) {
	key := programKey{batch, train, task}
	if p, ok := m.programs[key]; ok {
		return p, nil
	}
	p, err := buildProgram(m.spec, m.params, batch, train, task)
	if err != nil {
		return nil, err
	}
	m.programs[key] = p
	return p, nil
}

// recoverPanic turns a panic into an error naming what was being done.
// Public methods defer it so no panic crosses the API.
func recoverPanic(err *error, format string, args ...interface{}) {
	if r := recover(); r != nil {
		*err = errors.Errorf("mtl: %s: unexpected panic: %v", fmt.Sprintf(format, args...), r)
	}
}
