package mtl

import "github.com/pkg/errors"

// Architecture kinds: how the tasks share the network.
const (
	HardArch        = "hard"         // one trunk (Shared), a head per task: the branch architecture
	CrossStitchArch = "cross-stitch" // a tower per task (each a copy of Shared), mixed after every layer
	MMoEArch        = "mmoe"         // shared experts (each a copy of Shared), a softmax gate per task
	CGCArch         = "cgc"          // shared and task-specific experts, a gate per task
	PLEArch         = "ple"          // stacked CGC levels with a shared gate between levels
)

// Arch selects and tunes the architecture. The zero value is hard sharing.
//
// The serial (cascade) architecture is orthogonal to these: any task can
// read another task's output (Task.Cascade) on top of any of them.
type Arch struct {
	// Kind is one of the architecture kinds; "" means HardArch.
	Kind string `json:"kind,omitempty"`
	// Experts is the number of shared experts (mmoe, cgc, ple); 0 means
	// 3 for mmoe and 2 for cgc and ple.
	Experts int `json:"experts,omitempty"`
	// TaskExperts is the number of experts of each task's own (cgc, ple);
	// 0 means 1.
	TaskExperts int `json:"task_experts,omitempty"`
	// Levels is the number of extraction levels of ple; 0 means 2.
	Levels int `json:"levels,omitempty"`
	// Upper are the layers of every expert in ple's levels after the
	// first, which read the level below; empty means one Dense ReLU layer
	// as wide as the first level's experts.
	Upper []Layer `json:"upper,omitempty"`
}

// Archs lists the architecture kinds.
func Archs() []string { return []string{HardArch, CrossStitchArch, MMoEArch, CGCArch, PLEArch} }

// kind returns the effective kind.
func (a Arch) kind() string {
	if a.Kind == "" {
		return HardArch
	}
	return a.Kind
}

// experts returns the effective number of shared experts.
func (a Arch) experts() int {
	switch {
	case a.Experts > 0:
		return a.Experts
	case a.kind() == MMoEArch:
		return 3
	}
	return 2
}

// taskExperts returns the effective number of experts per task.
func (a Arch) taskExperts() int { return max(a.TaskExperts, 1) }

// levels returns the effective number of extraction levels.
func (a Arch) levels() int {
	switch {
	case a.kind() == CGCArch:
		return 1
	case a.Levels > 0:
		return a.Levels
	}
	return 2
}

func (a Arch) validate() error {
	switch a.kind() {
	case HardArch, CrossStitchArch:
		if a.Experts != 0 || a.TaskExperts != 0 || a.Levels != 0 || len(a.Upper) != 0 {
			return errors.Errorf("%s sharing takes no experts, levels or upper layers", a.kind())
		}
	case MMoEArch:
		if a.TaskExperts != 0 || a.Levels != 0 || len(a.Upper) != 0 {
			return errors.New("mmoe takes experts only (task experts, levels and upper layers are for cgc and ple)")
		}
	case CGCArch:
		if a.Levels != 0 || len(a.Upper) != 0 {
			return errors.New("cgc is one level: levels and upper layers are for ple")
		}
	case PLEArch:
	default:
		return errors.Errorf("unknown kind %q (want hard, cross-stitch, mmoe, cgc or ple)", a.Kind)
	}
	switch {
	case a.Experts < 0:
		return errors.Errorf("%d experts", a.Experts)
	case a.TaskExperts < 0:
		return errors.Errorf("%d task experts", a.TaskExperts)
	case a.Levels < 0:
		return errors.Errorf("%d levels", a.Levels)
	}
	for i, l := range a.Upper {
		if err := l.validate(); err != nil {
			return errors.WithMessagef(err, "upper layer %d", i)
		}
	}
	return nil
}

func (a Arch) clone() Arch {
	a.Upper = cloneLayers(a.Upper)
	return a
}
