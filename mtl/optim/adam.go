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
	c1 := 1 - math.Pow(a.Beta1, float64(a.Steps))
	c2 := 1 - math.Pow(a.Beta2, float64(a.Steps))
	k := adamStep{
		b1: float32(a.Beta1), b2: float32(a.Beta2), eps: float32(a.Epsilon),
		stepSize: float32(a.LearningRate / c1), invSqrtC2: float32(1 / math.Sqrt(c2)),
	}
	if workers := workersFor(params); workers >= 2 {
		forChunks(params, workers, func(i, lo, hi int) { k.update(params[i][lo:hi], grads[i][lo:hi], a.M[i][lo:hi], a.V[i][lo:hi]) })
		return nil
	}
	for i, p := range params {
		k.update(p, grads[i], a.M[i], a.V[i])
	}
	return nil
}

// adamStep holds one Adam update's constants.
type adamStep struct{ b1, b2, eps, stepSize, invSqrtC2 float32 }

// update applies the step to the parameters p with gradients g and
// moments m and v: in AVX2 assembly where the CPU has it (updateWide),
// in Go for the rest.
func (k adamStep) update(p, g, m, v []float32) {
	done := k.updateWide(p, g, m, v)
	k.updateScalar(p[done:], g[done:], m[done:], v[done:])
}

// updateScalar is update one value at a time.
func (k adamStep) updateScalar(p, g, m, v []float32) {
	g, m, v = g[:len(p)], m[:len(p)], v[:len(p)]
	for j := range p {
		m[j] = k.b1*m[j] + (1-k.b1)*g[j]
		v[j] = k.b2*v[j] + (1-k.b2)*g[j]*g[j]
		denom := sqrt32(v[j])*k.invSqrtC2 + k.eps
		p[j] -= k.stepSize * m[j] / denom
	}
}

// Rate returns the learning rate the next Step uses.
func (a *Adam) Rate() float64 { return a.LearningRate }

// SetRate sets the learning rate the next Step uses.
func (a *Adam) SetRate(lr float64) { a.LearningRate = lr }
