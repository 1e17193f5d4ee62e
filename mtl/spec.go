package mtl

import (
	"math"
	"regexp"

	"github.com/gomtl/gomtl/graph"
	"github.com/pkg/errors"
)

// Spec declares a multi-task model. It is plain data: it is saved as JSON
// with every model and run.
type Spec struct {
	// Input is the shape of one example; its product is the width of the
	// input matrix (Dense layers see examples flattened).
	Input []int `json:"input"`
	// Shared are the layers of the trunk every task reads, in order.
	Shared []Layer `json:"shared"`
	// Tasks are the outputs, each with its own head and loss.
	Tasks []Task `json:"tasks"`
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

// Layer kinds.
const (
	DenseKind = "dense"
)

// A Layer is one step of a trunk or head.
type Layer struct {
	Kind       string     `json:"kind"`
	Units      int        `json:"units,omitempty"`
	Activation Activation `json:"activation,omitempty"`
}

// Dense returns a fully connected layer with the given width and
// activation.
func Dense(units int, act Activation) Layer {
	return Layer{Kind: DenseKind, Units: units, Activation: act}
}

// Task kinds.
const (
	ClassifyKind = "classify" // softmax over Classes, cross-entropy loss, accuracy
)

// A Task is one output of the model.
type Task struct {
	// Name keys the task's labels in a dataset and its metrics in a
	// History ("digit" gives "digit_loss", "val_digit_accuracy", ...).
	Name string `json:"name"`
	// Kind is the head and loss; only ClassifyKind for now.
	Kind string `json:"kind"`
	// Classes is the number of classes of a classification task.
	Classes int `json:"classes"`
	// Weight multiplies the task's loss in the total; 0 means 1.
	Weight float64 `json:"weight,omitempty"`
	// Head are hidden layers of the task's own tower, between the trunk
	// and the task's output layer. Empty: the output layer reads the trunk.
	Head []Layer `json:"head,omitempty"`
}

// Classify returns a softmax classification task over classes classes with
// loss weight 1.
func Classify(name string, classes int) Task {
	return Task{Name: name, Kind: ClassifyKind, Classes: classes, Weight: 1}
}

// WithWeight returns t with its loss weight set to w.
func (t Task) WithWeight(w float64) Task {
	t.Weight = w
	return t
}

// WithHead returns t with hidden layers of its own before its output.
func (t Task) WithHead(layers ...Layer) Task {
	t.Head = append([]Layer(nil), layers...)
	return t
}

// weight returns the task's effective loss weight.
func (t Task) weight() float64 {
	if t.Weight == 0 {
		return 1
	}
	return t.Weight
}

var taskName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]*$`)

// Validate reports the first problem with s, naming the task or layer.
func (s Spec) Validate() error {
	if len(s.Input) == 0 {
		return errors.New("mtl: spec: input shape is empty")
	}
	for i, d := range s.Input {
		if d < 1 {
			return errors.Errorf("mtl: spec: input shape %v: dimension %d is %d", s.Input, i, d)
		}
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
		switch {
		case !taskName.MatchString(t.Name):
			return errors.Errorf("mtl: spec: task %d: name %q must start with a letter and hold only letters, digits, _ and -", i, t.Name)
		case seen[t.Name]:
			return errors.Errorf("mtl: spec: task %q appears twice", t.Name)
		case t.Kind != ClassifyKind:
			return errors.Errorf("mtl: spec: task %q: unknown kind %q (want %q)", t.Name, t.Kind, ClassifyKind)
		case t.Classes < 2:
			return errors.Errorf("mtl: spec: task %q: %d classes, want at least 2", t.Name, t.Classes)
		case t.Weight < 0 || math.IsNaN(t.Weight) || math.IsInf(t.Weight, 0):
			return errors.Errorf("mtl: spec: task %q: loss weight %v, want a finite value >= 0", t.Name, t.Weight)
		}
		seen[t.Name] = true
		for j, l := range t.Head {
			if err := l.validate(); err != nil {
				return errors.WithMessagef(err, "mtl: spec: task %q: head layer %d", t.Name, j)
			}
		}
	}
	return nil
}

func (l Layer) validate() error {
	if l.Kind != DenseKind {
		return errors.Errorf("unknown layer kind %q (want %q)", l.Kind, DenseKind)
	}
	if l.Units < 1 {
		return errors.Errorf("dense layer with %d units", l.Units)
	}
	if !l.Activation.Valid() {
		return errors.Errorf("unknown activation %q", l.Activation)
	}
	return nil
}

// Width is the number of input values per example: the product of Input.
func (s Spec) Width() int {
	w := 1
	for _, d := range s.Input {
		w *= d
	}
	return w
}

// clone returns a deep copy of s, so callers cannot mutate a model's spec.
func (s Spec) clone() Spec {
	c := s
	c.Input = append([]int(nil), s.Input...)
	c.Shared = append([]Layer(nil), s.Shared...)
	c.Tasks = make([]Task, len(s.Tasks))
	for i, t := range s.Tasks {
		t.Head = append([]Layer(nil), t.Head...)
		c.Tasks[i] = t
	}
	return c
}
