package optim

import "math"

// Adam is the Adam optimiser (Kingma & Ba 2015) with bias correction, as
// torch.optim.Adam computes it. Build it with New or set the fields
// directly; the zero-value state starts at step 0.
type Adam struct {
	LearningRate, Beta1, Beta2, Epsilon float64

	// Steps counts the updates made; M and V are the first and second
	// moment estimates, one slice per parameter.
	Steps int
	M, V  [][]float32
}

var _ Optimizer = (*Adam)(nil)

// Step applies one Adam update.
func (a *Adam) Step(params, grads [][]float32) error {
	if err := checkShapes(params, grads, a.M); err != nil {
		return err
	}
	if a.M == nil {
		a.M, a.V = zerosLike(params), zerosLike(params)
	}
	a.Steps++
	b1, b2 := float32(a.Beta1), float32(a.Beta2)
	c1 := 1 - math.Pow(a.Beta1, float64(a.Steps))
	c2 := 1 - math.Pow(a.Beta2, float64(a.Steps))
	stepSize := float32(a.LearningRate / c1)
	invSqrtC2 := float32(1 / math.Sqrt(c2))
	eps := float32(a.Epsilon)
	forChunks(params, func(i, lo, hi int) {
		p := params[i][lo:hi]
		g, m, v := grads[i][lo:hi], a.M[i][lo:hi], a.V[i][lo:hi]
		g, m, v = g[:len(p)], m[:len(p)], v[:len(p)]
		for j := range p {
			m[j] = b1*m[j] + (1-b1)*g[j]
			v[j] = b2*v[j] + (1-b2)*g[j]*g[j]
			denom := sqrt32(v[j])*invSqrtC2 + eps
			p[j] -= stepSize * m[j] / denom
		}
	})
	return nil
}

// Rate returns the learning rate the next Step uses.
func (a *Adam) Rate() float64 { return a.LearningRate }

// SetRate sets the learning rate the next Step uses.
func (a *Adam) SetRate(lr float64) { a.LearningRate = lr }
