package mtl

import (
	"math"
	"regexp"

	"github.com/pkg/errors"
)

// Task kinds.
const (
	ClassifyKind = "classify" // softmax over Classes, cross-entropy loss; metric accuracy
	BinaryKind   = "binary"   // one logit, sigmoid, binary cross-entropy from logits; metrics accuracy, auc
	RegressKind  = "regress"  // linear output of Outputs values, MSE or Huber loss; metrics mae, rmse
	BoxKind      = "box"      // 4 values (x0, y0, x1, y1), smooth-L1 loss; metrics iou (mean IoU), iou50 (share with IoU ≥ 0.5)
)

// Regression losses (Task.Loss).
const (
	MSELoss   = "mse"   // mean squared error (the default)
	HuberLoss = "huber" // Huber with delta 1: squared near the target, absolute far from it
)

// A Task is one output of the model.
type Task struct {
	// Name keys the task's labels (or targets) in a dataset and its
	// metrics in a History ("digit" gives "digit_loss",
	// "val_digit_accuracy", ...).
	Name string `json:"name"`
	// Kind is the head, loss and metrics: ClassifyKind, BinaryKind,
	// RegressKind or BoxKind.
	Kind string `json:"kind"`
	// Classes is the number of classes of a classification task (2 for a
	// binary task, whose labels are 0 and 1).
	Classes int `json:"classes,omitempty"`
	// Outputs is the number of values a regression task predicts (4 for
	// a box).
	Outputs int `json:"outputs,omitempty"`
	// Loss is a regression task's loss: MSELoss ("" means it) or
	// HuberLoss.
	Loss string `json:"loss,omitempty"`
	// Weight multiplies the task's loss in the total; 0 means 1.
	Weight float64 `json:"weight,omitempty"`
	// Head are hidden layers of the task's own tower, between the shared
	// part and the task's output layer. Empty: the output layer reads the
	// shared part directly.
	Head []Layer `json:"head,omitempty"`
	// Input names the input the task reads in a multi-input model
	// (Spec.Inputs); empty otherwise.
	Input string `json:"input,omitempty"`
	// Cascade, when set, makes this task read another task's output
	// beside the shared representation (the serial architecture).
	Cascade *Cascade `json:"cascade,omitempty"`
}

// Cascade outputs a downstream task can read.
const (
	ProbsOutput  = "probs"  // the upstream's class probabilities (sigmoid for binary), or its values
	HiddenOutput = "hidden" // the output of the upstream's last head layer
)

// A Cascade links a task to the upstream task whose output its head reads,
// concatenated to the shared representation. Tasks are built in
// dependency order; a cycle or an unknown task is an error at New.
//
// By default gradients flow through the upstream output, so the
// downstream loss also trains the upstream head (end-to-end training of
// the cascade); StopGradient reads it as a constant instead.
type Cascade struct {
	From         string `json:"from"`
	Output       string `json:"output,omitempty"` // ProbsOutput (default) or HiddenOutput
	StopGradient bool   `json:"stop_gradient,omitempty"`
}

// Classify returns a softmax classification task over classes classes with
// loss weight 1.
func Classify(name string, classes int) Task {
	return Task{Name: name, Kind: ClassifyKind, Classes: classes, Weight: 1}
}

// Binary returns a binary classification task (labels 0 and 1): one
// logit, binary cross-entropy from logits, loss weight 1.
func Binary(name string) Task {
	return Task{Name: name, Kind: BinaryKind, Classes: 2, Weight: 1}
}

// Regress returns a regression task predicting outputs real values with a
// linear output layer, mean squared error loss and loss weight 1.
func Regress(name string, outputs int) Task {
	return Task{Name: name, Kind: RegressKind, Outputs: outputs, Weight: 1}
}

// Box returns a bounding-box task: 4 values (x0, y0, x1, y1) from a
// linear output layer, smooth-L1 loss, loss weight 1.
func Box(name string) Task {
	return Task{Name: name, Kind: BoxKind, Outputs: 4, Weight: 1}
}

// WithLoss returns the regression task t with the given loss (MSELoss or
// HuberLoss).
func (t Task) WithLoss(loss string) Task {
	t.Loss = loss
	return t
}

// WithWeight returns t with its loss weight set to w.
func (t Task) WithWeight(w float64) Task {
	t.Weight = w
	return t
}

// WithHead returns t with hidden layers of its own before its output.
func (t Task) WithHead(layers ...Layer) Task {
	t.Head = cloneLayers(layers)
	return t
}

// WithInput returns t reading the named input of a multi-input model.
func (t Task) WithInput(input string) Task {
	t.Input = input
	return t
}

// After returns t reading the probabilities (or regression values) of
// task from, with gradients flowing through them.
func (t Task) After(from string) Task {
	t.Cascade = &Cascade{From: from, Output: ProbsOutput}
	return t
}

// weight returns the task's effective loss weight.
func (t Task) weight() float64 {
	if t.Weight == 0 {
		return 1
	}
	return t.Weight
}

// width is the number of output values of the task.
func (t Task) width() int {
	switch t.Kind {
	case RegressKind, BoxKind:
		return t.Outputs
	case BinaryKind:
		return 1
	}
	return t.Classes
}

// labelled reports whether the task learns from class labels (rather
// than real-valued targets).
func (t Task) labelled() bool { return t.Kind == ClassifyKind || t.Kind == BinaryKind }

var taskName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]*$`)

// validate checks the task on its own; i is its position for messages.
func (t Task) validate(i int) error {
	if !taskName.MatchString(t.Name) {
		return errors.Errorf("task %d: name %q must start with a letter and hold only letters, digits, _ and -", i, t.Name)
	}
	if t.Classes > MaxElements || t.Outputs > MaxElements {
		return errors.Errorf("task %q: %d classes, %d outputs: more than mtl.MaxElements (%d)", t.Name, t.Classes, t.Outputs, MaxElements)
	}
	switch t.Kind {
	case ClassifyKind, BinaryKind:
		switch {
		case t.Classes < 2:
			return errors.Errorf("task %q: %d classes, want at least 2", t.Name, t.Classes)
		case t.Kind == BinaryKind && t.Classes != 2:
			return errors.Errorf("task %q: a binary task has 2 classes, not %d", t.Name, t.Classes)
		case t.Outputs != 0:
			return errors.Errorf("task %q: a classification task has classes, not outputs (%d)", t.Name, t.Outputs)
		}
	case RegressKind, BoxKind:
		switch {
		case t.Outputs < 1:
			return errors.Errorf("task %q: %d outputs, want at least 1", t.Name, t.Outputs)
		case t.Kind == BoxKind && t.Outputs != 4:
			return errors.Errorf("task %q: a box has 4 outputs (x0, y0, x1, y1), not %d", t.Name, t.Outputs)
		case t.Classes != 0:
			return errors.Errorf("task %q: a regression task has outputs, not classes (%d)", t.Name, t.Classes)
		}
	default:
		return errors.Errorf("task %q: unknown kind %q (want classify, binary, regress or box)", t.Name, t.Kind)
	}
	if t.Loss != "" && (t.Kind != RegressKind || (t.Loss != MSELoss && t.Loss != HuberLoss)) {
		return errors.Errorf("task %q: loss %q: only regression tasks choose a loss, %q or %q", t.Name, t.Loss, MSELoss, HuberLoss)
	}
	if t.Weight < 0 || math.IsNaN(t.Weight) || math.IsInf(t.Weight, 0) {
		return errors.Errorf("task %q: loss weight %v, want a finite value >= 0", t.Name, t.Weight)
	}
	for j, l := range t.Head {
		if err := l.validate(); err != nil {
			return errors.WithMessagef(err, "task %q: head layer %d", t.Name, j)
		}
	}
	if c := t.Cascade; c != nil {
		switch {
		case c.From == t.Name:
			return errors.Errorf("task %q: cascade from itself", t.Name)
		case c.Output != "" && c.Output != ProbsOutput && c.Output != HiddenOutput:
			return errors.Errorf("task %q: cascade output %q, want %q or %q", t.Name, c.Output, ProbsOutput, HiddenOutput)
		}
	}
	return nil
}

func (t Task) clone() Task {
	t.Head = cloneLayers(t.Head)
	if t.Cascade != nil {
		c := *t.Cascade
		t.Cascade = &c
	}
	return t
}
