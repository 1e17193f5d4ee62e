package mtl

import (
	"github.com/pkg/errors"
)

// An InputSpec is one input of a multi-input model: its name, the shape of
// one example and the encoder layers that turn it into the representation
// the shared layers read. Each task reads one input (Task.Input) and
// brings its own dataset for it; see FitInputs.
type InputSpec struct {
	Name    string  `json:"name"`
	Shape   []int   `json:"shape"`
	Encoder []Layer `json:"encoder,omitempty"`
}

// width returns the number of values of one example.
func (in InputSpec) width() int {
	w := 1
	for _, d := range in.Shape {
		w *= d
	}
	return w
}

// inputs returns the model's inputs: Spec.Inputs, or for a single-input
// model one unnamed input of shape Spec.Input without an encoder.
func (s Spec) inputs() []InputSpec {
	if len(s.Inputs) > 0 {
		return s.Inputs
	}
	return []InputSpec{{Shape: s.Input}}
}

// MultiInput reports whether the model has named inputs (Spec.Inputs).
func (s Spec) MultiInput() bool { return len(s.Inputs) > 0 }

// input returns the index of the named input, or -1.
func (s Spec) input(name string) int {
	for i, in := range s.inputs() {
		if in.Name == name {
			return i
		}
	}
	return -1
}

// taskInputs returns, per task, the index of the input it reads.
func (s Spec) taskInputs() []int {
	idx := make([]int, len(s.Tasks))
	for i, t := range s.Tasks {
		idx[i] = max(s.input(t.Input), 0)
	}
	return idx
}

// validateInputs checks the input shape or the named inputs and which
// input each task reads.
func (s Spec) validateInputs() error {
	if len(s.Inputs) == 0 {
		if err := checkShape("input shape", s.Input); err != nil {
			return err
		}
		for _, t := range s.Tasks {
			if t.Input != "" {
				return errors.Errorf("task %q reads input %q, but the spec declares no named inputs", t.Name, t.Input)
			}
		}
		return nil
	}
	if len(s.Input) > 0 {
		return errors.New("both input and inputs are set: a multi-input model declares each input's shape in inputs")
	}
	if s.Arch.kind() != HardArch {
		return errors.Errorf("a multi-input model shares one block after its encoders (hard sharing), not %s", s.Arch.kind())
	}
	seen := map[string]bool{}
	for i, in := range s.Inputs {
		switch {
		case !taskName.MatchString(in.Name):
			return errors.Errorf("input %d: name %q must start with a letter and hold only letters, digits, _ and -", i, in.Name)
		case seen[in.Name]:
			return errors.Errorf("input %q appears twice", in.Name)
		}
		seen[in.Name] = true
		if err := checkShape("input "+in.Name+": shape", in.Shape); err != nil {
			return err
		}
		for j, l := range in.Encoder {
			if err := l.validate(); err != nil {
				return errors.WithMessagef(err, "input %q: encoder layer %d", in.Name, j)
			}
		}
	}
	used := map[string]bool{}
	for _, t := range s.Tasks {
		if !seen[t.Input] {
			return errors.Errorf("task %q reads input %q, which is not one of the spec's inputs", t.Name, t.Input)
		}
		used[t.Input] = true
		if c := t.Cascade; c != nil {
			if up := s.task(c.From); up >= 0 && s.Tasks[up].Input != t.Input {
				return errors.Errorf("task %q (input %q) cannot read task %q (input %q): their examples differ", t.Name, t.Input, c.From, s.Tasks[up].Input)
			}
		}
	}
	for _, in := range s.Inputs {
		if !used[in.Name] {
			return errors.Errorf("input %q is read by no task", in.Name)
		}
	}
	return nil
}

// checkShape checks the shape of one example.
func checkShape(what string, shape []int) error {
	if len(shape) == 0 {
		return errors.Errorf("%s is empty", what)
	}
	if len(shape) > 3 {
		return errors.Errorf("%s %v: want [width], [height width] or [channels height width]", what, shape)
	}
	w := 1
	for i, d := range shape {
		if d < 1 {
			return errors.Errorf("%s %v: dimension %d is %d", what, shape, i, d)
		}
		if w > MaxElements/d {
			return errors.Errorf("%s %v: more than mtl.MaxElements (%d) values per example", what, shape, MaxElements)
		}
		w *= d
	}
	return nil
}

func cloneInputs(ins []InputSpec) []InputSpec {
	if ins == nil {
		return nil
	}
	out := make([]InputSpec, len(ins))
	for i, in := range ins {
		out[i] = InputSpec{Name: in.Name, Shape: append([]int(nil), in.Shape...), Encoder: cloneLayers(in.Encoder)}
	}
	return out
}
