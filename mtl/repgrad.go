package mtl

import (
	"fmt"

	"github.com/gomtl/gomtl/graph"
	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// repTask marks MGDA-UB's training program: the total's gradient is
// taken per task at the shared representation, the tasks' gradients
// there are combined by the program's weigher, and the combination is
// backpropagated through the trunk, all in one pass.
const repTask = -2

// tapReps gives each task its own copy of the shared representation (see
// network.tap). Only hard sharing with one input and no cascades has one
// representation every head reads.
func (n *network) tapReps(reps []*gorgonia.Node) ([]*gorgonia.Node, error) {
	h := reps[0]
	for _, r := range reps {
		if r != h {
			return nil, errors.New("mtl: the tasks read different representations")
		}
	}
	sg, err := n.b.StopGradient(h)
	if err != nil {
		return nil, err
	}
	n.rep = h
	out := make([]*gorgonia.Node, len(reps))
	for t := range reps {
		tap, err := n.b.Input(fmt.Sprintf("rep_tap.%d", t), h.Shape()...)
		if err != nil {
			return nil, err
		}
		if out[t], err = gorgonia.Add(sg, tap); err != nil {
			return nil, errors.Wrapf(err, "mtl: task %d's copy of the representation %v", t, h.Shape())
		}
		n.taps = append(n.taps, tap)
	}
	return out, nil
}

// differentiateRep adds MGDA-UB's gradients: the weighted total's
// gradient with respect to the head parameters and the taps (each task's
// gradient at the representation), a MixGradients node that combines the
// taps' gradients with the weights p.repWeigh chooses, and the gradient
// of Σ(rep ⊙ mixture) with respect to the trunk parameters, which is the
// mixture backpropagated through the trunk. After a run the head
// parameters hold w_t·∇L_t; scaleHeads multiplies them by the chosen
// weights.
func (p *program) differentiateRep(b *graph.Builder) error {
	store := b.Params
	trunk := reachable(p.g, p.net.rep)
	p.headTask = nil
	var heads, trunkParams []*gorgonia.Node
	isParam := make(map[*gorgonia.Node]bool)
	for _, name := range store.TrainableNames() {
		isParam[p.g.ByName(name)[0]] = true
	}
	owner := make(map[*gorgonia.Node]int)
	for t, l := range p.losses {
		for n := range reachable(p.g, l) {
			if isParam[n] {
				if prev, ok := owner[n]; ok && prev != t {
					return errors.Errorf("mtl: mgda-ub: %q is read by tasks %d and %d above the shared representation", n.Name(), prev, t)
				}
				owner[n] = t
			}
		}
	}
	for i, name := range store.TrainableNames() {
		n := p.g.ByName(name)[0]
		t, isHead := owner[n]
		switch {
		case isHead:
			heads = append(heads, n)
		case trunk[n]:
			trunkParams = append(trunkParams, n)
			t = -1
		default:
			return errors.Errorf("mtl: mgda-ub: parameter %q reaches no loss", name)
		}
		p.params = append(p.params, n)
		p.paramIndex = append(p.paramIndex, i)
		p.headTask = append(p.headTask, t)
		if store.Dtype() == tensor.Float32 {
			p.paramData = append(p.paramData, store.Value(name).Data().([]float32))
		}
	}
	if len(trunkParams) == 0 {
		return errors.New("mtl: mgda-ub: the shared trunk has no parameters")
	}
	grads, err := gorgonia.Grad(p.total, append(heads, p.net.taps...)...)
	if err != nil {
		return errors.Wrap(err, "mtl: mgda-ub: gradient of the heads")
	}
	p.repAlpha = make([]float64, len(p.losses))
	mix, err := b.MixGradients("rep", grads[len(heads):], func(gram [][]float64) ([]float64, error) {
		if p.repWeigh == nil {
			return nil, errors.New("mtl: mgda-ub: no weigher")
		}
		alpha, err := p.repWeigh(gram)
		copy(p.repAlpha, alpha)
		return alpha, err
	})
	if err != nil {
		return err
	}
	prod, err := gorgonia.HadamardProd(p.net.rep, mix)
	if err != nil {
		return errors.Wrap(err, "mtl: mgda-ub: representation × mixture")
	}
	surrogate, err := gorgonia.Sum(prod)
	if err != nil {
		return errors.Wrap(err, "mtl: mgda-ub: surrogate")
	}
	if _, err := gorgonia.Grad(surrogate, trunkParams...); err != nil {
		return errors.Wrap(err, "mtl: mgda-ub: gradient of the trunk")
	}
	p.gradData = make([][]float32, len(p.params))
	return nil
}

// scaleHeads multiplies each head parameter's gradient by its task's
// weight in the last run's mixture.
func (p *program) scaleHeads() {
	for j, t := range p.headTask {
		if t < 0 {
			continue
		}
		a := float32(p.repAlpha[t])
		for k := range p.gradData[j] {
			p.gradData[j][k] *= a
		}
	}
}

// singleRepresentation reports why the tasks of s do not all read one
// shared representation (MGDA-UB needs one), or nil.
func (s Spec) singleRepresentation() error {
	switch {
	case s.Arch.kind() != HardArch:
		return errors.Errorf("needs hard sharing, not %q", s.Arch.Kind)
	case s.MultiInput():
		return errors.New("needs a single-input model")
	case len(s.Shared) == 0:
		return errors.New("needs shared layers")
	}
	for _, t := range s.Tasks {
		if t.Cascade != nil {
			return errors.Errorf("task %q reads another task's output (cascade)", t.Name)
		}
	}
	return nil
}
