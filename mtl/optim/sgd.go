package optim

// SGD is stochastic gradient descent, with heavy-ball momentum when
// Momentum > 0 (v = μv + g, p -= lr·v, as torch.optim.SGD).
type SGD struct {
	LearningRate, Momentum float64

	// Velocity holds one slice per parameter once momentum is in use.
	Velocity [][]float32
}

var _ Optimizer = (*SGD)(nil)

// Rate returns the learning rate the next Step uses.
func (s *SGD) Rate() float64 { return s.LearningRate }

// SetRate sets the learning rate the next Step uses.
func (s *SGD) SetRate(lr float64) { s.LearningRate = lr }

// Step applies one update.
func (s *SGD) Step(params, grads [][]float32) error {
	if err := checkShapes(params, grads, s.Velocity); err != nil {
		return err
	}
	lr := float32(s.LearningRate)
	if s.Momentum == 0 {
		for i, p := range params {
			g := grads[i][:len(p)]
			for j := range p {
				p[j] -= lr * g[j]
			}
		}
		return nil
	}
	if s.Velocity == nil {
		s.Velocity = zerosLike(params)
	}
	mu := float32(s.Momentum)
	for i, p := range params {
		g, v := grads[i][:len(p)], s.Velocity[i][:len(p)]
		for j := range p {
			v[j] = mu*v[j] + g[j]
			p[j] -= lr * v[j]
		}
	}
	return nil
}

// RMSProp divides each step by a running root mean square of the
// gradients: s = ρs + (1-ρ)g², p -= lr·g/(√s + ε).
type RMSProp struct {
	LearningRate, Rho, Epsilon float64

	// Square holds the running mean of squared gradients per parameter.
	Square [][]float32
}

var _ Optimizer = (*RMSProp)(nil)

// Rate returns the learning rate the next Step uses.
func (r *RMSProp) Rate() float64 { return r.LearningRate }

// SetRate sets the learning rate the next Step uses.
func (r *RMSProp) SetRate(lr float64) { r.LearningRate = lr }

// Step applies one update.
func (r *RMSProp) Step(params, grads [][]float32) error {
	if err := checkShapes(params, grads, r.Square); err != nil {
		return err
	}
	if r.Square == nil {
		r.Square = zerosLike(params)
	}
	lr, rho, eps := float32(r.LearningRate), float32(r.Rho), float32(r.Epsilon)
	if workers := workersFor(params); workers >= 2 {
		forChunks(params, workers, func(i, lo, hi int) {
			rmsUpdate(params[i][lo:hi], grads[i][lo:hi], r.Square[i][lo:hi], lr, rho, eps)
		})
		return nil
	}
	for i, p := range params {
		rmsUpdate(p, grads[i], r.Square[i], lr, rho, eps)
	}
	return nil
}

// rmsUpdate applies one RMSProp step to the parameters p with gradients g
// and running squares s.
func rmsUpdate(p, g, s []float32, lr, rho, eps float32) {
	g, s = g[:len(p)], s[:len(p)]
	for j := range p {
		s[j] = rho*s[j] + (1-rho)*g[j]*g[j]
		p[j] -= lr * g[j] / (sqrt32(s[j]) + eps)
	}
}
