package weighting

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// Names of the weightings New knows.
const (
	StaticName   = "static"
	EWName       = "ew"
	UWName       = "uw"
	DWAName      = "dwa"
	GradNormName = "gradnorm"
	RLWName      = "rlw"
	GLSName      = "gls"
)

// Names lists the weightings New knows, in the order above. The package
// never reads it: changing it changes nothing but what a caller sees.
var Names = []string{StaticName, EWName, UWName, DWAName, GradNormName, RLWName, GLSName}

// Defaults that a zero Config field stands for.
const (
	// DefaultTemperature is DWA's softmax temperature (Liu et al. 2019 and
	// LibMTL's --T both use 2).
	DefaultTemperature = 2.0
	// DefaultAlpha is GradNorm's restoring-force strength (LibMTL's
	// --alpha; Chen et al. 2018 use 1.5 on NYUv2).
	DefaultAlpha = 1.5
	// DefaultLR is the learning rate of GradNorm's Adam on the weights. It
	// is torch.optim.Adam's default and optim.Config's zero value. LibMTL
	// has no separate rate: its GradNorm logits share the model's Adam
	// (--lr, 1e-4 by default), but those logits pass through K·softmax,
	// whereas here Adam moves the weights themselves, each by at most about
	// the learning rate per step; 1e-3 lets a weight move by O(1) over a
	// few thousand steps without jumping in one.
	DefaultLR = 1e-3
)

// Config selects and tunes a weighting. Its zero value is "static"; every
// zero field stands for the documented default. It is JSON-serialisable.
type Config struct {
	Name        string  `json:"name,omitempty"`        // one of Names; "" means "static"
	Temperature float64 `json:"temperature,omitempty"` // dwa: 0 means DefaultTemperature
	Alpha       float64 `json:"alpha,omitempty"`       // gradnorm: 0 means DefaultAlpha
	LR          float64 `json:"lr,omitempty"`          // gradnorm's Adam learning rate: 0 means DefaultLR
	Seed        uint64  `json:"seed,omitempty"`        // rlw's draws
}

// WithDefaults returns c with every zero field set to its default. Seed
// has none: 0 is a seed like any other.
func (c Config) WithDefaults() Config {
	if c.Name == "" {
		c.Name = StaticName
	}
	if c.Temperature == 0 {
		c.Temperature = DefaultTemperature
	}
	if c.Alpha == 0 {
		c.Alpha = DefaultAlpha
	}
	if c.LR == 0 {
		c.LR = DefaultLR
	}
	return c
}

// A Weighting chooses the task loss weights step by step.
type Weighting interface {
	Name() string
	// Weights returns the loss weights of the coming step. losses holds the
	// step's unweighted task losses when the trainer knows them before the
	// update (it computes per-task gradients first), nil otherwise. A method
	// that needs them returns an error when they are nil.
	Weights(losses []float64) ([]float64, error)
	// EndEpoch reports the epoch-mean unweighted task losses (DWA uses them).
	EndEpoch(meanLosses []float64)
}

// GradientAware is the optional interface of weightings that learn from
// the per-task gradients (GradNorm).
type GradientAware interface {
	// Update is told, after the step's per-task gradients are known and the
	// step's Weights has been called, each task's unweighted loss and the
	// L2 norm of its unweighted gradient with respect to the shared
	// parameters. It moves the weights that the next call of Weights
	// returns; the step in progress keeps the weights it was given.
	Update(losses, gradNorms []float64) error
}

// ErrNoLosses is returned (wrapped) by Weights when the method needs the
// step's losses and was given nil.
var ErrNoLosses = errors.New("weighting: the step's losses are needed")

// ErrSymbolic is returned (wrapped) by Weights of a method whose total loss
// the trainer builds in the graph.
var ErrSymbolic = errors.New("weighting: built in the graph, not per-step weights")

// New builds the weighting cfg names for tasks whose static (spec) weights
// are base; len(base) is the number of tasks K.
func New(cfg Config, base []float64) (Weighting, error) {
	c := cfg.WithDefaults()
	if len(base) == 0 {
		return nil, errors.New("weighting: no tasks (base weights are empty)")
	}
	for t, b := range base {
		if !(b >= 0) || math.IsInf(b, 0) {
			return nil, fmt.Errorf("weighting: base weight of task %d is %v, want a finite value >= 0", t, b)
		}
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"temperature", c.Temperature}, {"alpha", c.Alpha}, {"lr", c.LR}} {
		if !(f.v > 0) || math.IsInf(f.v, 0) {
			return nil, fmt.Errorf("weighting: %s %v, want a finite value > 0", f.name, f.v)
		}
	}
	k := len(base)
	switch c.Name {
	case StaticName:
		return Static{base: clone(base)}, nil
	case EWName:
		return EW{k: k}, nil
	case UWName:
		return UW{k: k}, nil
	case DWAName:
		return newDWA(k, c.Temperature), nil
	case GradNormName:
		g, err := newGradNorm(base, c.Alpha, c.LR)
		if err != nil {
			return nil, err // not a typed nil in the interface
		}
		return g, nil
	case RLWName:
		return newRLW(k, c.Seed), nil
	case GLSName:
		return GLS{k: k}, nil
	}
	return nil, fmt.Errorf("weighting: unknown weighting %q (want one of %s)", cfg.Name, strings.Join(knownNames(), ", "))
}

// Symbolic reports whether the trainer builds the named method's total loss
// in the graph: "uw" and "gls".
func Symbolic(name string) bool { return name == UWName || name == GLSName }

// NeedsTaskGradients reports whether the named method needs the per-task
// gradients of each step: "gradnorm".
func NeedsTaskGradients(name string) bool { return name == GradNormName }

// knownNames returns a fresh list of the names New knows, independent of
// the exported Names variable.
func knownNames() []string {
	return []string{StaticName, EWName, UWName, DWAName, GradNormName, RLWName, GLSName}
}

// checkLen reports a slice whose length is not the number of tasks.
func checkLen(what string, xs []float64, k int) error {
	if len(xs) != k {
		return fmt.Errorf("weighting: %d %s for %d tasks", len(xs), what, k)
	}
	return nil
}

// checkLosses checks that losses, when given, have one entry per task.
func checkLosses(losses []float64, k int) error {
	if losses == nil {
		return nil
	}
	return checkLen("losses", losses, k)
}

// checkNonNegative reports the first entry that is negative or not finite.
func checkNonNegative(method, what string, xs []float64) error {
	for t, x := range xs {
		if !(x >= 0) || math.IsInf(x, 0) {
			return fmt.Errorf("weighting: %s: %s of task %d is %v, want a finite value >= 0", method, what, t, x)
		}
	}
	return nil
}

func clone(xs []float64) []float64 { return append([]float64(nil), xs...) }

func ones(k int) []float64 {
	w := make([]float64, k)
	for i := range w {
		w[i] = 1
	}
	return w
}

// softmaxTo sets dst to softmax(z/temperature), subtracting the maximum
// first so that exp cannot overflow. dst and z may be the same slice.
func softmaxTo(dst, z []float64, temperature float64) {
	m := math.Inf(-1)
	for _, v := range z {
		m = math.Max(m, v)
	}
	var sum float64
	for i, v := range z {
		dst[i] = math.Exp((v - m) / temperature)
		sum += dst[i]
	}
	for i := range dst {
		dst[i] /= sum
	}
}
