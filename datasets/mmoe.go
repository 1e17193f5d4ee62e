package datasets

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// MMoEConfig configures MMoESynthetic. Its zero value gives the paper's
// setting (d = 100, m = 10, c = 1) with uncorrelated tasks (p = 0).
type MMoEConfig struct {
	Correlation float64 // p, the cosine of w1 and w2, in [-1, 1]
	Dim         int     // d, 0 means 100; at least 2, for u1 ⟂ u2
	Sines       int     // m, 0 means 10; at most 1<<20
	Scale       float64 // c, 0 means 1; positive and finite
	Train, Test int     // example counts, 0 means 10000 and 2000
	Seed        uint64
}

// MMoESynthetic defaults, the values of Ma et al. (2018), section 3.2, for
// d, m and c.
const (
	mmoeDim   = 100
	mmoeSines = 10
	mmoeScale = 1
	mmoeTrain = 10000
	mmoeTest  = 2000
)

// Limits that keep a bad configuration from exhausting memory.
const (
	mmoeMaxSines  = 1 << 20
	mmoeMaxValues = 1 << 28 // feature values of train and test together (1 GiB of float32)
)

// mmoeNoiseStd is the standard deviation of the label noise: the paper's
// ε ~ N(0, 0.01), read as N(mean, variance), gives 0.1.
const mmoeNoiseStd = 0.1

// mmoeStream is the second PCG seed word (the stream) MMoESynthetic uses:
// rand.NewPCG(cfg.Seed, mmoeStream).
const mmoeStream = 0x4d4d6f45 // "MMoE"

// withDefaults returns cfg with its zero fields replaced by the defaults.
func (cfg MMoEConfig) withDefaults() MMoEConfig {
	if cfg.Dim == 0 {
		cfg.Dim = mmoeDim
	}
	if cfg.Sines == 0 {
		cfg.Sines = mmoeSines
	}
	if cfg.Scale == 0 {
		cfg.Scale = mmoeScale
	}
	if cfg.Train == 0 {
		cfg.Train = mmoeTrain
	}
	if cfg.Test == 0 {
		cfg.Test = mmoeTest
	}
	return cfg
}

// validate checks cfg, with its defaults filled in.
func (cfg MMoEConfig) validate() error {
	switch {
	case !(cfg.Correlation >= -1 && cfg.Correlation <= 1):
		return fmt.Errorf("datasets: mmoe synthetic: correlation %v outside [-1, 1]", cfg.Correlation)
	case cfg.Dim < 2:
		return fmt.Errorf("datasets: mmoe synthetic: dimension %d, want >= 2 for two orthogonal unit vectors (0 means %d)", cfg.Dim, mmoeDim)
	case cfg.Sines < 0 || cfg.Sines > mmoeMaxSines:
		return fmt.Errorf("datasets: mmoe synthetic: %d sines outside [0, %d] (0 means %d)", cfg.Sines, mmoeMaxSines, mmoeSines)
	case !(cfg.Scale > 0) || math.IsInf(cfg.Scale, 0):
		return fmt.Errorf("datasets: mmoe synthetic: scale %v, want a positive finite number (0 means %d)", cfg.Scale, mmoeScale)
	case cfg.Train < 0:
		return fmt.Errorf("datasets: mmoe synthetic: %d training examples, want >= 0 (0 means %d)", cfg.Train, mmoeTrain)
	case cfg.Test < 0:
		return fmt.Errorf("datasets: mmoe synthetic: %d test examples, want >= 0 (0 means %d)", cfg.Test, mmoeTest)
	}
	if n := cfg.Train + cfg.Test; n < 0 || n > mmoeMaxValues/cfg.Dim {
		return fmt.Errorf("datasets: mmoe synthetic: %d+%d examples of dimension %d need more than %d feature values", cfg.Train, cfg.Test, cfg.Dim, mmoeMaxValues)
	}
	return nil
}

// mmoeTasks is the shared part of the two tasks: the weight vectors and the
// sinusoids' parameters.
type mmoeTasks struct {
	w1, w2      []float64
	alpha, beta []float64
}

// newMMoETasks draws the tasks of cfg (defaults filled in and valid) from
// rng: u1, then u2, then alpha, then beta.
func newMMoETasks(rng *rand.Rand, cfg MMoEConfig) (*mmoeTasks, error) {
	d := cfg.Dim
	u1, err := randomUnit(rng, d, nil)
	if err != nil {
		return nil, err
	}
	u2, err := randomUnit(rng, d, u1)
	if err != nil {
		return nil, err
	}
	p, c := cfg.Correlation, cfg.Scale
	q := math.Sqrt(1 - p*p)
	t := &mmoeTasks{
		w1:    make([]float64, d),
		w2:    make([]float64, d),
		alpha: make([]float64, cfg.Sines),
		beta:  make([]float64, cfg.Sines),
	}
	for k := range d {
		t.w1[k] = c * u1[k]
		t.w2[k] = c * (p*u1[k] + q*u2[k])
	}
	for j := range t.alpha {
		t.alpha[j] = rng.NormFloat64()
	}
	for j := range t.beta {
		t.beta[j] = rng.NormFloat64()
	}
	return t, nil
}

// randomUnit returns a random unit vector of dimension d, orthogonal to
// the unit vector u when u is not nil: d standard normal draws,
// Gram-Schmidt against u (twice, for accuracy), then normalised. A draw too
// close to u (in theory possible, in practice never) is redrawn.
func randomUnit(rng *rand.Rand, d int, u []float64) ([]float64, error) {
	v := make([]float64, d)
	for range 100 {
		for k := range v {
			v[k] = rng.NormFloat64()
		}
		if u != nil {
			for range 2 {
				dot := dotF64(v, u)
				for k := range v {
					v[k] -= dot * u[k]
				}
			}
		}
		norm := math.Sqrt(dotF64(v, v))
		if norm < 1e-6 {
			continue
		}
		for k := range v {
			v[k] /= norm
		}
		return v, nil
	}
	return nil, errors.New("datasets: mmoe synthetic: cannot draw a unit vector orthogonal to u1")
}

func dotF64(a, b []float64) float64 {
	var s float64
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

// label returns wᵀx + Σ_j sin(alpha_j·wᵀx + beta_j), without the noise.
func (t *mmoeTasks) label(w []float64, x []float32) float64 {
	var z float64
	for k, v := range x {
		z += w[k] * float64(v)
	}
	y := z
	for j, a := range t.alpha {
		y += math.Sin(a*z + t.beta[j])
	}
	return y
}

// MMoESynthetic generates the synthetic two-task regression data of Ma et
// al., "Modeling Task Relationships in Multi-task Learning with Multi-gate
// Mixture-of-Experts" (KDD 2018), section 3.2, whose task correlation is
// set by cfg.Correlation. See the package documentation for the recipe.
//
// train and test, named "mmoe-synth-train" and "mmoe-synth-test", have
// Shape [d] and two target sets of Dim 1, "t1" and "t2", and no label
// sets. Both come from one stream, rand.NewPCG(cfg.Seed, 0x4d4d6f45), and
// share the weight vectors and the sinusoids. A bad configuration is an
// error: a Correlation outside [-1, 1] or NaN, a Dim of 1 or below 0, a
// negative Sines, Train or Test, a Scale that is negative, NaN or
// infinite, or more than 1<<28 feature values in all.
func MMoESynthetic(cfg MMoEConfig) (train, test *Dataset, err error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, nil, err
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, mmoeStream))
	tasks, err := newMMoETasks(rng, cfg)
	if err != nil {
		return nil, nil, err
	}
	train = tasks.sample(rng, "mmoe-synth-train", cfg.Train, cfg.Dim)
	test = tasks.sample(rng, "mmoe-synth-test", cfg.Test, cfg.Dim)
	return train, test, nil
}

// sample draws n examples from rng: for each, the d features, then ε1,
// then ε2. The labels are computed from the features as stored (float32),
// so that they are an exact function of what a model sees, plus noise.
func (t *mmoeTasks) sample(rng *rand.Rand, name string, n, d int) *Dataset {
	out := &Dataset{
		Name:     name,
		Shape:    []int{d},
		Features: make([]float32, n*d),
		Targets: []Targets{
			{Task: "t1", Dim: 1, Values: make([]float32, n)},
			{Task: "t2", Dim: 1, Values: make([]float32, n)},
		},
	}
	for i := range n {
		x := out.Features[i*d : (i+1)*d]
		for k := range x {
			x[k] = float32(rng.NormFloat64())
		}
		e1 := mmoeNoiseStd * rng.NormFloat64()
		e2 := mmoeNoiseStd * rng.NormFloat64()
		out.Targets[0].Values[i] = float32(t.label(t.w1, x) + e1)
		out.Targets[1].Values[i] = float32(t.label(t.w2, x) + e2)
	}
	return out
}
