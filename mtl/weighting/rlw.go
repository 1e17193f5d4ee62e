package weighting

import "math/rand/v2"

// rlwStream is the second PCG seed word of RLW's generator ("rlw" in
// ASCII), so that its draws differ from another stream seeded with the
// same Config.Seed.
const rlwStream = 0x726c77

// RLW is random loss weighting (Lin et al. 2021, "Reasonable effectiveness
// of random weighting: a litmus test for multi-task learning", TMLR 2022,
// arXiv:2111.10603), with LibMTL's default distribution, the normal:
//
//	z_t ~ N(0, 1) independently at each step,  w = softmax(z).
//
// The weights are positive and sum to 1, as in LibMTL (which multiplies by
// nothing). Each call of Weights is one step's draw; the draws come from
// rand.NewPCG(Config.Seed, 0x726c77), so the same seed gives the same
// sequence of weights.
type RLW struct {
	k   int
	src *rand.PCG // rng's source, kept so that its state can be saved
	rng *rand.Rand
}

var _ Weighting = (*RLW)(nil)

func newRLW(k int, seed uint64) *RLW {
	src := rand.NewPCG(seed, rlwStream)
	return &RLW{k: k, src: src, rng: rand.New(src)}
}

// Name returns "rlw".
func (*RLW) Name() string { return RLWName }

// Weights draws the weights of one step. losses are not used, but when
// given they must have one entry per task.
func (r *RLW) Weights(losses []float64) ([]float64, error) {
	if err := checkLosses(losses, r.k); err != nil {
		return nil, err
	}
	w := make([]float64, r.k)
	if r.rng == nil { // the zero RLW: no tasks
		return w, nil
	}
	for t := range w {
		w[t] = r.rng.NormFloat64()
	}
	softmaxTo(w, w, 1)
	return w, nil
}

// EndEpoch does nothing.
func (*RLW) EndEpoch([]float64) {}
