package combine

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// A Combiner merges per-task gradients that may conflict. Given the
// Gramian of the task gradients, gram[i][j] = <g_i, g_j>, it returns the
// weights alpha of the update direction d = Σ_t alpha[t]·g_t.
type Combiner interface {
	Name() string
	Weights(gram [][]float64) ([]float64, error)
}

// LossAware is implemented by combiners that need the current task losses
// (MGDA with the "loss" or "loss+" normalisation). The trainer calls
// SetLosses with one loss per task before each call to Weights.
type LossAware interface {
	SetLosses(losses []float64)
}

// Names of the combiners New knows.
const (
	SumName     = "sum"
	PCGradName  = "pcgrad"
	MGDAName    = "mgda"
	CAGradName  = "cagrad"
	NashName    = "nash"
	IMTLName    = "imtl"
	AlignedName = "aligned"
	UPGradName  = "upgrad"
)

// Names lists every name New accepts, in a fixed order. Treat it as
// read-only.
var Names = []string{SumName, PCGradName, MGDAName, CAGradName, NashName, IMTLName, AlignedName, UPGradName}

// ErrConfig is wrapped by the errors New and Weights return for an unknown
// combiner name or option value.
var ErrConfig = errors.New("combine: invalid config")

// Config selects and tunes a combiner; its zero value is "sum". It is
// JSON-serialisable, and every zero field means a documented default.
// Fields that do not apply to the chosen method are ignored.
type Config struct {
	Name string `json:"name,omitempty"` // one of Names; "" means "sum"

	// C is CAGrad's c, the radius of the ball around the mean gradient in
	// units of its norm; 0 means 0.5 (LibMTL's calpha default). c = 0
	// (the mean gradient) cannot be asked for through Config: use
	// CAGrad{} directly, or "sum" with the weights divided by T.
	C float64 `json:"c,omitempty"`
	// Rescale is CAGrad's rescaling of d: "1+c^2" (default, LibMTL's and
	// the official code's rescale=1), "1+c" (rescale=2) or "none"
	// (rescale=0).
	Rescale string `json:"rescale,omitempty"`

	// Norm is MGDA's gradient normalisation (LibMTL's mgda_gn): "none"
	// (default), "l2", "loss" or "loss+". The last two need SetLosses.
	Norm string `json:"norm,omitempty"`

	// Frobenius makes Nash-MTL divide G by its Frobenius norm before
	// solving, as LibMTL and the official code do. Off by default, so
	// that the weights solve Gα = 1/α exactly.
	Frobenius bool `json:"frobenius,omitempty"`

	// MaxIter caps the iterations of the iterative solvers; 0 means each
	// method's default: mgda 250 (MinNormSolver's MAX_ITER), cagrad 2000,
	// nash 200 Newton steps, upgrad 100 active-set changes per task.
	MaxIter int `json:"max_iter,omitempty"`

	// Seed seeds pcgrad's shuffling of the order in which each task
	// visits the others.
	Seed uint64 `json:"seed,omitempty"`
}

// Defaults of the Config fields whose zero value is not the default.
const (
	defaultC          = 0.5
	defaultMGDAIter   = 250
	defaultCAGradIter = 2000
	defaultNashIter   = 200
	defaultUPGradIter = 100
)

// pcgradStream is the second word of pcgrad's PCG generator; any constant
// works, this one keeps pcgrad's stream apart from the trainer's.
const pcgradStream = 0x6a09e667f3bcc909

// WithDefaults returns c with every zero field set to its documented
// default.
func (c Config) WithDefaults() Config {
	if c.Name == "" {
		c.Name = SumName
	}
	if c.C == 0 {
		c.C = defaultC
	}
	if c.Rescale == "" {
		c.Rescale = RescaleSquare
	}
	if c.Norm == "" {
		c.Norm = NormNone
	}
	if c.MaxIter == 0 {
		switch c.Name {
		case MGDAName:
			c.MaxIter = defaultMGDAIter
		case CAGradName:
			c.MaxIter = defaultCAGradIter
		case NashName:
			c.MaxIter = defaultNashIter
		case UPGradName:
			c.MaxIter = defaultUPGradIter
		}
	}
	return c
}

// New returns the combiner cfg names, with defaults filled in. It returns
// a pointer to the method's type, so that optional interfaces such as
// LossAware are found by type assertion.
func New(cfg Config) (Combiner, error) {
	c := cfg.WithDefaults()
	if c.MaxIter < 0 {
		return nil, fmt.Errorf("%w: max_iter %d, want ≥ 0", ErrConfig, cfg.MaxIter)
	}
	switch c.Name {
	case SumName:
		return &Sum{}, nil
	case PCGradName:
		return newPCGrad(c.Seed), nil
	case MGDAName:
		if err := checkNorm(c.Norm); err != nil {
			return nil, err
		}
		return &MGDA{Norm: c.Norm, MaxIter: c.MaxIter}, nil
	case CAGradName:
		if !(c.C >= 0) || math.IsInf(c.C*c.C, 0) {
			return nil, fmt.Errorf("%w: cagrad c %v, want a finite value ≥ 0 with a finite square", ErrConfig, cfg.C)
		}
		if err := checkRescale(c.Rescale); err != nil {
			return nil, err
		}
		return &CAGrad{C: c.C, Rescale: c.Rescale, MaxIter: c.MaxIter}, nil
	case NashName:
		return &NashMTL{Frobenius: c.Frobenius, MaxIter: c.MaxIter}, nil
	case IMTLName:
		return &IMTL{}, nil
	case AlignedName:
		return &AlignedMTL{}, nil
	case UPGradName:
		return &UPGrad{MaxIter: c.MaxIter}, nil
	}
	return nil, fmt.Errorf("%w: unknown combiner %q, want one of %s", ErrConfig, cfg.Name, strings.Join(Names, ", "))
}
