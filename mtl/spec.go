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
