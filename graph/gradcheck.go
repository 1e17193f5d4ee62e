package graph

import (
	"math"
	"math/rand"

	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
)

// GradCheckConfig tunes CheckGradients. The zero value is usable.
type GradCheckConfig struct {
	// Step is the central-difference step h; 0 means 1e-6.
	Step float64
	// MaxPerParam caps how many elements of each parameter are probed,
	// chosen by a generator seeded with Seed; 0 means all elements.
	MaxPerParam int
	// Seed picks the probed elements when MaxPerParam is set.
	Seed int64
}

// GradMismatch is the worst disagreement CheckGradients found.
type GradMismatch struct {
	Param    string  // name of the node differentiated against
	Index    int     // flat index of the element
	Symbolic float64 // dcost/dx from gorgonia.Grad
	Numeric  float64 // (cost(x+h) - cost(x-h)) / 2h
	RelErr   float64 // |Symbolic-Numeric| / max(1, |Symbolic|, |Numeric|)
}

// CheckGradients differentiates the scalar cost symbolically with
// gorgonia.Grad, compiles g to a tape machine and compares the gradients
// with finite differences (see CompareGradients). The graph must be float64
// and every wrt node must hold a float64 tensor (not a scalar: perturbations
// are made in place); the values are restored afterwards. CheckGradients
// adds gradient nodes to g.
func CheckGradients(g *gorgonia.ExprGraph, cost *gorgonia.Node, wrt []*gorgonia.Node, cfg GradCheckConfig) (worst GradMismatch, err error) {
	defer recoverError(&err, "gradient check of %v", nameOf(cost))
	switch {
	case g == nil:
		return worst, errors.New("graph: gradient check: graph is nil")
	case cost == nil:
		return worst, errors.New("graph: gradient check: cost is nil")
	}
	if !cost.IsScalar() {
		return worst, errors.Errorf("graph: gradient check: cost %v has shape %v, want a scalar", cost.Name(), cost.Shape())
	}
	if _, err := gorgonia.Grad(cost, wrt...); err != nil {
		return worst, errors.Wrap(err, "graph: gradient check: symbolic gradient")
	}
	vm := gorgonia.NewTapeMachine(g)
	defer vm.Close()
	return CompareGradients(vm, cost, wrt, cfg)
}

// CompareGradients runs vm, whose graph already holds the symbolic
// gradients of cost with respect to wrt, and compares every probed element
// of each gradient with a central finite difference of cost computed by
// rerunning vm, returning the element with the largest relative error. It
// checks a compiled program as it will be trained, with its own machine
// options. Requirements are those of CheckGradients.
func CompareGradients(vm gorgonia.VM, cost *gorgonia.Node, wrt []*gorgonia.Node, cfg GradCheckConfig) (worst GradMismatch, err error) {
	defer recoverError(&err, "gradient check of %v", nameOf(cost))
	switch {
	case vm == nil:
		return worst, errors.New("graph: gradient check: machine is nil")
	case cost == nil:
		return worst, errors.New("graph: gradient check: cost is nil")
	}
	for i, n := range wrt {
		if n == nil {
			return worst, errors.Errorf("graph: gradient check of %s: node %d of wrt is nil", cost.Name(), i)
		}
	}
	if cfg.Step == 0 {
		cfg.Step = 1e-6
	}
	run := func() (float64, error) {
		vm.Reset()
		if err := vm.RunAll(); err != nil {
			return 0, errors.Wrap(err, "graph: gradient check: run")
		}
		c, ok := cost.Value().Data().(float64)
		if !ok {
			return 0, errors.Errorf("graph: gradient check: cost is %v, want float64", cost.Dtype())
		}
		return c, nil
	}
	if _, err := run(); err != nil {
		return worst, err
	}
	symbolic := make([][]float64, len(wrt))
	for i, n := range wrt {
		gv, err := n.Grad()
		if err != nil {
			return worst, errors.Wrapf(err, "graph: gradient check: gradient of %v", n.Name())
		}
		data, ok := gv.Data().([]float64)
		if !ok {
			return worst, errors.Errorf("graph: gradient check: %v is not float64", n.Name())
		}
		symbolic[i] = append([]float64(nil), data...)
	}
	rng := rand.New(rand.NewSource(cfg.Seed))
	worst.RelErr = -1
	for i, n := range wrt {
		x, ok := n.Value().Data().([]float64)
		if !ok {
			return worst, errors.Errorf("graph: gradient check: %v holds %T, want []float64", n.Name(), n.Value().Data())
		}
		for _, j := range probe(len(x), cfg.MaxPerParam, rng) {
			orig := x[j]
			x[j] = orig + cfg.Step
			plus, err := run()
			if err != nil {
				return worst, err
			}
			x[j] = orig - cfg.Step
			minus, err := run()
			x[j] = orig
			if err != nil {
				return worst, err
			}
			num := (plus - minus) / (2 * cfg.Step)
			sym := symbolic[i][j]
			rel := math.Abs(sym-num) / math.Max(1, math.Max(math.Abs(sym), math.Abs(num)))
			if rel > worst.RelErr || math.IsNaN(rel) {
				worst = GradMismatch{Param: n.Name(), Index: j, Symbolic: sym, Numeric: num, RelErr: rel}
			}
		}
	}
	return worst, nil
}

// probe returns the element indices to check: all of them, or max of them
// drawn without replacement.
func probe(n, max int, rng *rand.Rand) []int {
	if max <= 0 || max >= n {
		all := make([]int, n)
		for i := range all {
			all[i] = i
		}
		return all
	}
	return rng.Perm(n)[:max]
}
