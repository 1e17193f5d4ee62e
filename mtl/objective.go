package mtl

import (
	"github.com/gomtl/gomtl/graph"
	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// uwPrefix names uncertainty weighting's log-variance parameters:
// "uw.<task>.log_var".
const uwPrefix = "uw."

// glsEpsilon is added to each loss before the geometric mean's logarithm.
const glsEpsilon = 1e-12

// addTotal sets p.total, the cost a training program differentiates: one
// task's unweighted loss for a per-task program, otherwise the model's
// total as its weighting defines it.
func (p *program) addTotal(b *graph.Builder, spec Spec) (err error) {
	switch {
	case p.task >= 0:
		p.total = p.losses[p.task]
	case p.task == repTask:
		p.total, err = b.WeightedSum(p.losses, p.taskW)
	case spec.Weighting.Name == "uw":
		names := make([]string, len(spec.Tasks))
		for i, t := range spec.Tasks {
			names[i] = uwPrefix + t.Name + ".log_var"
		}
		p.total, p.logVars, err = b.UncertaintyWeighted(names, p.losses, uwInit)
	case spec.Weighting.Name == "gls":
		p.total, err = b.GeometricMean(p.losses, glsEpsilon)
	default:
		p.total, err = b.WeightedSum(p.losses, p.taskW)
	}
	return errors.WithMessage(err, "mtl: total loss")
}

// uwInit is the log-variances' initial value (LibMTL's UW starts at -0.5).
const uwInit = -0.5

// differentiate adds the symbolic gradient of p.total with respect to the
// trainable parameters it reaches and records them in Store order.
func (p *program) differentiate(store *graph.Store) error {
	reached := reachable(p.g, p.total)
	for i, name := range store.TrainableNames() {
		nodes := p.g.ByName(name)
		if len(nodes) == 0 && p.task >= 0 {
			continue // a parameter of the total alone, such as uw's log-variances
		}
		if len(nodes) != 1 {
			return errors.Errorf("parameter %q appears %d times in the graph", name, len(nodes))
		}
		n := nodes[0]
		if !reached[n] {
			if p.task < 0 {
				return errors.Errorf("parameter %q does not reach the total loss", name)
			}
			continue
		}
		p.params = append(p.params, n)
		p.paramIndex = append(p.paramIndex, i)
		if store.Dtype() == tensor.Float32 {
			p.paramData = append(p.paramData, store.Value(name).Data().([]float32))
		}
	}
	if len(p.params) == 0 {
		return errors.Errorf("task %d's loss reaches no parameter", p.task)
	}
	if _, err := gorgonia.Grad(p.total, p.params...); err != nil {
		return errors.Wrap(err, "symbolic gradient of the loss")
	}
	p.gradData = make([][]float32, len(p.params))
	return nil
}

// reachable returns the nodes from which a gradient can flow back from
// cost: cost's inputs, recursively, through ops differentiable with
// respect to them.
func reachable(g *gorgonia.ExprGraph, cost *gorgonia.Node) map[*gorgonia.Node]bool {
	seen := map[*gorgonia.Node]bool{cost: true}
	stack := []*gorgonia.Node{cost}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		var children []*gorgonia.Node
		for it := g.From(n.ID()); it.Next(); {
			children = append(children, it.Node().(*gorgonia.Node))
		}
		diff := make([]bool, len(children))
		if op, ok := n.Op().(gorgonia.SDOp); ok {
			copy(diff, op.DiffWRT(len(children)))
		}
		for j, c := range children {
			if diff[j] && !seen[c] {
				seen[c] = true
				stack = append(stack, c)
			}
		}
	}
	return seen
}
