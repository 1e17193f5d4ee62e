package optim

import (
	"math"

	"github.com/pkg/errors"
)

// An Optimizer updates parameters in place from their gradients.
// params[i] and grads[i] have equal lengths, and the i-th slice must be the
// same parameter on every call: state is kept by position.
//
// Rate and SetRate get and set the learning rate the next Step uses, so
// that a schedule can change it between steps; SetRate does not check lr.
// The optimisers of this package also implement encoding.BinaryMarshaler
// and encoding.BinaryUnmarshaler (see MarshalState).
type Optimizer interface {
	Step(params, grads [][]float32) error
	Rate() float64
	SetRate(lr float64)
}

// Names of the optimisers New knows.
const (
	AdamName     = "adam"
	SGDName      = "sgd"
	MomentumName = "momentum"
	RMSPropName  = "rmsprop"
)

// Config selects and tunes an optimiser. Its zero value is Adam with
// learning rate 1e-3, β1 0.9, β2 0.999 and ε 1e-8 (PyTorch's defaults).
type Config struct {
	Name         string  `json:"name,omitempty"`          // adam (default), sgd, momentum or rmsprop
	LearningRate float64 `json:"learning_rate,omitempty"` // 0: 1e-3 for adam and rmsprop, 1e-2 for sgd and momentum
	Beta1        float64 `json:"beta1,omitempty"`         // adam; 0: 0.9
	Beta2        float64 `json:"beta2,omitempty"`         // adam; 0: 0.999
	Epsilon      float64 `json:"epsilon,omitempty"`       // adam and rmsprop; 0: 1e-8
	Momentum     float64 `json:"momentum,omitempty"`      // momentum; 0: 0.9
	Rho          float64 `json:"rho,omitempty"`           // rmsprop decay; 0: 0.9
}

// WithDefaults returns c with every zero field set to its documented
// default.
func (c Config) WithDefaults() Config {
	if c.Name == "" {
		c.Name = AdamName
	}
	if c.LearningRate == 0 {
		c.LearningRate = 1e-3
		if c.Name == SGDName || c.Name == MomentumName {
			c.LearningRate = 1e-2
		}
	}
	setDefault(&c.Beta1, 0.9)
	setDefault(&c.Beta2, 0.999)
	setDefault(&c.Epsilon, 1e-8)
	setDefault(&c.Momentum, 0.9)
	setDefault(&c.Rho, 0.9)
	return c
}

func setDefault(x *float64, v float64) {
	if *x == 0 {
		*x = v
	}
}

// New returns the optimiser cfg names, with defaults filled in.
func New(cfg Config) (Optimizer, error) {
	c := cfg.WithDefaults()
	if !(c.LearningRate > 0) || math.IsInf(c.LearningRate, 0) {
		return nil, errors.Errorf("optim: learning rate %v, want a finite value > 0", cfg.LearningRate)
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"beta1", c.Beta1}, {"beta2", c.Beta2}, {"momentum", c.Momentum}, {"rho", c.Rho}} {
		if !(f.v > 0 && f.v < 1) {
			return nil, errors.Errorf("optim: %s %v, want a value in (0, 1)", f.name, f.v)
		}
	}
	if !(c.Epsilon > 0) {
		return nil, errors.Errorf("optim: epsilon %v, want > 0", c.Epsilon)
	}
	switch c.Name {
	case AdamName:
		return &Adam{LearningRate: c.LearningRate, Beta1: c.Beta1, Beta2: c.Beta2, Epsilon: c.Epsilon}, nil
	case SGDName:
		return &SGD{LearningRate: c.LearningRate}, nil
	case MomentumName:
		return &SGD{LearningRate: c.LearningRate, Momentum: c.Momentum}, nil
	case RMSPropName:
		return &RMSProp{LearningRate: c.LearningRate, Rho: c.Rho, Epsilon: c.Epsilon}, nil
	}
	return nil, errors.Errorf("optim: unknown optimizer %q (want adam, sgd, momentum or rmsprop)", cfg.Name)
}

// checkShapes verifies that grads match params and, once state exists,
// that the parameter list has not changed since the first step.
func checkShapes(params, grads [][]float32, state [][]float32) error {
	if len(params) != len(grads) {
		return errors.Errorf("optim: %d parameters but %d gradients", len(params), len(grads))
	}
	if state != nil && len(state) != len(params) {
		return errors.Errorf("optim: %d parameters, but the first step had %d", len(params), len(state))
	}
	for i := range params {
		if len(params[i]) != len(grads[i]) {
			return errors.Errorf("optim: parameter %d has %d values but its gradient %d", i, len(params[i]), len(grads[i]))
		}
		if state != nil && len(state[i]) != len(params[i]) {
			return errors.Errorf("optim: parameter %d has %d values, but had %d at the first step", i, len(params[i]), len(state[i]))
		}
	}
	return nil
}

// zerosLike allocates one zeroed slice per parameter.
func zerosLike(params [][]float32) [][]float32 {
	out := make([][]float32, len(params))
	for i, p := range params {
		out[i] = make([]float32, len(p))
	}
	return out
}

func sqrt32(x float32) float32 { return float32(math.Sqrt(float64(x))) }
