package mtl

import (
	"github.com/gomtl/gomtl/graph"
	"github.com/gomtl/gomtl/mtl/weighting"
	"github.com/pkg/errors"
)

// Spec declares a multi-task model. It is plain data: it is saved as JSON
// with every model and run, and a JSON file holding one declares a model
// for the CLI (ReadSpecFile).
type Spec struct {
	// Input is the shape of one example: [width] for vectors, [channels,
	// height, width] (or [height, width]) for images. Dense layers see
	// examples flattened; conv and pooling layers see images.
	Input []int `json:"input,omitempty"`
	// Inputs, instead of Input, declares a multi-input model: each input
	// has its own shape and encoder, each task reads one of them (with its
	// own dataset), and Shared is applied to every encoder's output.
	Inputs []InputSpec `json:"inputs,omitempty"`
	// Arch selects how the tasks share the network; its zero value is
	// hard sharing (one trunk, a head per task).
	Arch Arch `json:"arch,omitzero"`
	// Shared are the layers the architecture shares: the trunk of hard
	// sharing, the layers of each task's tower in cross-stitch, the
	// layers of each expert in MMoE, CGC and PLE.
	Shared []Layer `json:"shared"`
	// Tasks are the outputs, each with its own head and loss.
	Tasks []Task `json:"tasks"`
	// Weighting balances the task losses; its zero value is "static"
	// (each task's Weight). "uw" adds a learned log-variance per task to
	// the model's parameters; "gls" trains on the geometric mean of the
	// losses. See package weighting.
	Weighting weighting.Config `json:"weighting,omitzero"`
	// Seed seeds the initial weights.
	Seed int64 `json:"seed"`
}

// Activation names an element-wise non-linearity; "" is linear.
type Activation = graph.Activation

// The activations a Layer can use.
const (
	Linear    = graph.Linear
	ReLU      = graph.ReLU
	Tanh      = graph.Tanh
	Sigmoid   = graph.Sigmoid
	LeakyReLU = graph.LeakyReLU
)

// Validate reports the first problem with s, naming the field, task or
// layer. Shape problems a layer meets (a kernel larger than its input,
// say) are found by New, which builds the network.
func (s Spec) Validate() error {
	if err := s.validateInputs(); err != nil {
		return errors.WithMessage(err, "mtl: spec")
	}
	if err := s.Arch.validate(); err != nil {
		return errors.WithMessage(err, "mtl: spec: arch")
	}
	if n := s.builtLayers(); n > MaxLayers {
		return errors.Errorf("mtl: spec: %s with %d tasks, %d experts, %d task experts and %d levels builds about %.3g layers, more than MaxLayers (%d)",
			s.Arch.kind(), len(s.Tasks), s.Arch.Experts, s.Arch.TaskExperts, s.Arch.Levels, n, MaxLayers)
	}
	for i, l := range s.Shared {
		if err := l.validate(); err != nil {
			return errors.WithMessagef(err, "mtl: spec: shared layer %d", i)
		}
	}
	if len(s.Tasks) == 0 {
		return errors.New("mtl: spec: no tasks")
	}
	seen := make(map[string]bool, len(s.Tasks))
	for i, t := range s.Tasks {
		if err := t.validate(i); err != nil {
			return errors.WithMessage(err, "mtl: spec")
		}
		if seen[t.Name] {
			return errors.Errorf("mtl: spec: task %q appears twice", t.Name)
		}
		seen[t.Name] = true
	}
	if _, err := s.taskOrder(); err != nil {
		return errors.WithMessage(err, "mtl: spec")
	}
	if _, err := weighting.New(s.Weighting, s.taskWeights()); err != nil {
		return errors.WithMessage(err, "mtl: spec")
	}
	return nil
}

// MaxElements is the most values one tensor of a model may hold (an input
// batch, a parameter, a layer's output), and the most parameters a model
// may hold in all: graph.MaxElements, 1<<28 (1 GiB of float32). Validate
// refuses a width, a class count or an input shape above it, and New a
// layer whose parameters or output would exceed it, before anything is
// allocated.
const MaxElements = graph.MaxElements

// MaxLayers is the most layers, gates and cross-stitch units a model may
// build: far more than any network this package trains on a CPU, and few
// enough that a typo (1<<40 experts, a million tasks) is an error from
// Validate instead of a build that never ends.
const MaxLayers = 1 << 14

// builtLayers estimates, in float64 so that it cannot overflow, the
// number of layers New builds for s: every tower, expert, gate,
// cross-stitch unit, encoder, head and output layer.
func (s Spec) builtLayers() float64 {
	a := s.Arch
	tasks := float64(len(s.Tasks))
	shared := float64(len(s.Shared))
	var n float64
	switch a.kind() {
	case CrossStitchArch:
		n = tasks*shared + shared
	case MMoEArch:
		n = float64(a.experts())*shared + tasks
	case CGCArch, PLEArch:
		upper := float64(max(len(a.Upper), 1))
		perLevel := float64(a.experts()) + tasks*float64(a.taskExperts())
		levels := float64(a.levels())
		n = perLevel*shared + (levels-1)*perLevel*upper + levels*(tasks+1)
	default:
		n = float64(max(len(s.Inputs), 1)) * shared
	}
	for _, in := range s.Inputs {
		n += float64(len(in.Encoder))
	}
	for _, t := range s.Tasks {
		n += float64(len(t.Head)) + 1
	}
	return n
}

// taskWeights returns each task's static loss weight.
func (s Spec) taskWeights() []float64 {
	w := make([]float64, len(s.Tasks))
	for i, t := range s.Tasks {
		w[i] = t.weight()
	}
	return w
}

// Width is the number of input values per example: the product of Input
// (1 for a multi-input spec, whose inputs have widths of their own).
func (s Spec) Width() int {
	w := 1
	for _, d := range s.Input {
		w *= d
	}
	return w
}

// archName names the architecture, with "+cascade" when a task reads
// another task's output.
func (s Spec) archName() string {
	for _, t := range s.Tasks {
		if t.Cascade != nil {
			return s.Arch.kind() + "+cascade"
		}
	}
	return s.Arch.kind()
}

// task returns the index of the named task, or -1.
func (s Spec) task(name string) int {
	for i, t := range s.Tasks {
		if t.Name == name {
			return i
		}
	}
	return -1
}

// taskOrder returns the task indices in an order where every cascade's
// upstream task comes before the tasks that read it, keeping spec order
// otherwise. An unknown upstream task or a cycle is an error.
func (s Spec) taskOrder() ([]int, error) {
	order := make([]int, 0, len(s.Tasks))
	state := make([]int, len(s.Tasks)) // 0 new, 1 visiting, 2 done
	var visit func(i int, path []string) error
	visit = func(i int, path []string) error {
		switch state[i] {
		case 1:
			return errors.Errorf("task %q: cascade cycle %v", s.Tasks[i].Name, append(path, s.Tasks[i].Name))
		case 2:
			return nil
		}
		state[i] = 1
		if c := s.Tasks[i].Cascade; c != nil {
			up := s.task(c.From)
			if up < 0 {
				return errors.Errorf("task %q: cascade from unknown task %q", s.Tasks[i].Name, c.From)
			}
			if err := visit(up, append(path, s.Tasks[i].Name)); err != nil {
				return err
			}
		}
		state[i] = 2
		order = append(order, i)
		return nil
	}
	for i := range s.Tasks {
		if err := visit(i, nil); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// SplitAt returns s with the shared layers after the k-th moved into
// every task's head (before the head's own layers), so that layers 0 to
// k-1 stay shared and the rest become per-task copies: the question of
// where to branch as one number. k = len(Shared) changes nothing; k = 0
// gives every task its own network.
func (s Spec) SplitAt(k int) (Spec, error) {
	if k < 0 || k > len(s.Shared) {
		return s, errors.Errorf("mtl: split at layer %d: the trunk has %d layers (want 0 to %d)", k, len(s.Shared), len(s.Shared))
	}
	c := s.clone()
	moved := c.Shared[k:]
	c.Shared = c.Shared[:k:k]
	for i := range c.Tasks {
		c.Tasks[i].Head = append(cloneLayers(moved), c.Tasks[i].Head...)
	}
	return c, nil
}

// clone returns a deep copy of s, so callers cannot mutate a model's spec.
func (s Spec) clone() Spec {
	c := s
	c.Input = append([]int(nil), s.Input...)
	c.Inputs = cloneInputs(s.Inputs)
	c.Arch = s.Arch.clone()
	c.Shared = cloneLayers(s.Shared)
	c.Tasks = make([]Task, len(s.Tasks))
	for i, t := range s.Tasks {
		c.Tasks[i] = t.clone()
	}
	return c
}
