package weighting

import (
	"errors"
	"fmt"
	"math"

	"github.com/gomtl/gomtl/mtl/optim"
)

// minWeight is the floor GradNorm clamps each weight to after Adam's step
// and before the renormalisation, so that no weight reaches 0 or below.
const minWeight = 1e-6

// GradNorm is gradient normalisation (Chen et al. 2018, "GradNorm: gradient
// normalization for adaptive loss balancing in deep multitask networks",
// ICML). The weights w start at base rescaled to sum K (all 1 for equal
// base weights, the paper's and LibMTL's start) and are learned: at each
// step, after the trainer has used the current w, Update is given the
// step's unweighted losses L_t and the L2 norms n_t of the unweighted
// per-task gradients on the shared parameters, and computes
//
//	G_t      = w_t·n_t                   (norm of the weighted gradient)
//	Ḡ        = mean_t G_t
//	r_t      = (L_t/L_t(0)) / mean_i (L_i/L_i(0))
//	target_t = Ḡ·r_t^α                   (a constant: no gradient flows into it)
//	L_grad   = Σ_t |G_t − target_t|
//	∂L_grad/∂w_t = sign(G_t − target_t)·n_t
//
// then takes one Adam step on w with that gradient (learning rate
// Config.LR, β1 0.9, β2 0.999, ε 1e-8), clamps each weight to at least
// 1e-6 and rescales w to sum K. A task whose loss has fallen relatively
// less (larger r_t), or whose gradient is small, gains weight. α is
// Config.Alpha, 1.5 by default.
//
// Conventions, and where they depart from the sources:
//
//   - L(0) are the losses of the first Update. The paper takes the initial
//     loss; LibMTL trains its first epoch with equal weights and uses that
//     epoch's mean training loss.
//   - n_t is taken over whatever shared parameters the trainer chooses.
//     LibMTL uses all of them (or the shared representation with
//     rep_grad); the paper uses the last shared layer's weights, which is
//     cheaper and what it recommends.
//   - The weights themselves are the learned variables, renormalised after
//     each step, as in the paper. LibMTL instead learns logits ℓ with
//     w = K·softmax(ℓ), updated by the model's optimiser.
//   - The weights used for a step's update are those Weights returned
//     before Update; Update changes the next step's, as in the paper's
//     algorithm.
//
// If every task's loss is 0 (so r_t is 0/0), r_t is taken as 1.
type GradNorm struct {
	alpha   float64
	w       []float64 // the current weights, summing to K
	initial []float64 // L(0), set by the first Update
	opt     optim.Optimizer
	p, g    []float32 // the weights and their gradient as the optimiser sees them
	ps, gs  [][]float32
}

var (
	_ Weighting     = (*GradNorm)(nil)
	_ GradientAware = (*GradNorm)(nil)
)

func newGradNorm(base []float64, alpha, lr float64) (*GradNorm, error) {
	var sum float64
	for _, b := range base {
		sum += b
	}
	if !(sum > 0) || math.IsInf(sum, 0) {
		return nil, fmt.Errorf("weighting: gradnorm: base weights sum to %v, want a finite value > 0", sum)
	}
	opt, err := optim.New(optim.Config{Name: optim.AdamName, LearningRate: lr})
	if err != nil {
		return nil, fmt.Errorf("weighting: gradnorm: %w", err)
	}
	k := len(base)
	w := make([]float64, k)
	for t, b := range base {
		w[t] = float64(k) * b / sum
	}
	p, g := make([]float32, k), make([]float32, k)
	return &GradNorm{alpha: alpha, w: w, opt: opt, p: p, g: g, ps: [][]float32{p}, gs: [][]float32{g}}, nil
}

// Name returns "gradnorm".
func (*GradNorm) Name() string { return GradNormName }

// Weights returns the current weights. losses are not used, but when given
// they must have one entry per task.
func (n *GradNorm) Weights(losses []float64) ([]float64, error) {
	if err := checkLosses(losses, len(n.w)); err != nil {
		return nil, err
	}
	if n.w == nil { // the zero GradNorm: no tasks
		return []float64{}, nil
	}
	return clone(n.w), nil
}

// EndEpoch does nothing.
func (*GradNorm) EndEpoch([]float64) {}

// Update moves the weights by one GradNorm step, given the step's
// unweighted losses and unweighted per-task gradient norms. On error the
// weights and the optimiser are left as they were. It does not allocate.
func (n *GradNorm) Update(losses, gradNorms []float64) error {
	k := len(n.w)
	if n.opt == nil {
		return errors.New("weighting: gradnorm: not built by New")
	}
	if err := checkLen("losses", losses, k); err != nil {
		return err
	}
	if err := checkLen("gradient norms", gradNorms, k); err != nil {
		return err
	}
	if err := checkNonNegative(GradNormName, "loss", losses); err != nil {
		return err
	}
	if err := checkNonNegative(GradNormName, "gradient norm", gradNorms); err != nil {
		return err
	}
	if n.initial == nil {
		for t, l := range losses {
			if l == 0 {
				return fmt.Errorf("weighting: gradnorm: initial loss of task %d is 0, but later losses are divided by it", t)
			}
		}
		n.initial = clone(losses)
	}

	var gBar, meanRel float64
	for t := range n.w {
		gBar += n.w[t] * gradNorms[t]
		meanRel += losses[t] / n.initial[t]
	}
	gBar /= float64(k)
	meanRel /= float64(k)
	for t := range n.w {
		r := 1.0
		if meanRel > 0 {
			r = losses[t] / n.initial[t] / meanRel
		}
		target := gBar * math.Pow(r, n.alpha)
		n.p[t] = float32(n.w[t])
		n.g[t] = float32(sign(n.w[t]*gradNorms[t]-target) * gradNorms[t])
	}
	if err := n.opt.Step(n.ps, n.gs); err != nil {
		return fmt.Errorf("weighting: gradnorm: %w", err)
	}

	var sum float64
	for t := range n.w {
		n.w[t] = math.Max(float64(n.p[t]), minWeight)
		sum += n.w[t]
	}
	for t := range n.w {
		n.w[t] *= float64(k) / sum
	}
	return nil
}

// sign returns -1, 0 or 1: the derivative of |x|, taken as 0 at 0 as
// PyTorch's abs does.
func sign(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}
