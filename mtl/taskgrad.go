package mtl

import (
	"math"

	"github.com/gomtl/gomtl/graph"
	"github.com/gomtl/gomtl/mtl/combine"
	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// taskGradients computes each task's gradient with respect to the
// parameters its loss reaches. gorgonia.Backpropagate skips nodes that
// already have a derivative, so a second Grad on one graph returns wrong
// gradients for the shared nodes; instead each task gets its own training
// program, whose cost is that task's unweighted loss. The programs share
// the Store's tensors, so they read the same weights and cost one forward
// and backward pass each.
type taskGradients struct {
	progs  []*program
	shared []bool // per trainable parameter: reached by two tasks or more
	// grads[t][p] is task t's gradient for trainable parameter p (Store
	// order) after run; nil where task t's loss does not reach p.
	grads [][][]float32
	// sharedGrads[t] lists task t's gradients of the shared parameters
	// only, in the same order for every task (nil where it has none).
	sharedGrads [][][]float32
	gram        [][]float64 // Gramian of the shared-parameter gradients
	losses      []float64   // per task, unweighted
}

// newTaskGradients compiles one per-task training program per task.
func (m *Model) newTaskGradients(batch int) (*taskGradients, error) {
	n := len(m.params.TrainableNames())
	tasks := len(m.spec.Tasks)
	tg := &taskGradients{shared: make([]bool, n), grads: make([][][]float32, tasks),
		sharedGrads: make([][][]float32, tasks), losses: make([]float64, tasks), gram: make([][]float64, tasks)}
	if m.params.Dtype() != tensor.Float32 {
		return nil, errors.New("mtl: per-task gradients need a float32 model")
	}
	reach := make([]int, n)
	for t := range m.spec.Tasks {
		p, err := m.taskProgram(batch, true, t)
		if err != nil {
			return nil, errors.WithMessagef(err, "mtl: task %q's gradient program", m.spec.Tasks[t].Name)
		}
		tg.progs = append(tg.progs, p)
		tg.grads[t] = make([][]float32, n)
		tg.gram[t] = make([]float64, tasks)
		for _, i := range p.paramIndex {
			reach[i]++
		}
	}
	for i, k := range reach {
		tg.shared[i] = k > 1
	}
	return tg, nil
}

// run trains every task program on the rows chosen for each input, with
// dropout masks copied from masks (one per mask of the model, in build
// order), and fills losses, grads, sharedGrads and gram.
func (tg *taskGradients) run(data []*boundData, rows [][]int, masks []dropoutMask) error {
	for t, p := range tg.progs {
		for s, d := range data {
			p.load(s, d, rows[s], true)
		}
		for i, mask := range p.net.masks {
			if err := copyNode(mask.node, masks[i].node); err != nil {
				return err
			}
		}
		if err := p.run(); err != nil {
			return errors.WithMessagef(err, "task %d's gradient", t)
		}
		tg.losses[t] = p.loss(t)
		clear(tg.grads[t])
		for j, i := range p.paramIndex {
			tg.grads[t][i] = p.gradData[j]
		}
		tg.sharedGrads[t] = tg.sharedGrads[t][:0]
		for i, g := range tg.grads[t] {
			if tg.shared[i] {
				tg.sharedGrads[t] = append(tg.sharedGrads[t], g)
			}
		}
	}
	combine.GramInto(tg.gram, tg.sharedGrads)
	return nil
}

// masks returns the dropout masks of the first task program, for a step
// that fills them itself.
func (tg *taskGradients) masks() []dropoutMask { return tg.progs[0].net.masks }

// norms returns each task's gradient norm on the shared parameters.
func (tg *taskGradients) norms() []float64 {
	n := make([]float64, len(tg.gram))
	for t := range n {
		n[t] = math.Sqrt(tg.gram[t][t])
	}
	return n
}

// combine writes into dst (one slice per trainable parameter) the update
// Σ_t alpha[t]·w[t]·g_t on the shared parameters and Σ_t w[t]·g_t on the
// others.
func (tg *taskGradients) combine(dst [][]float32, alpha, w []float64) {
	for i, d := range dst {
		clear(d)
		for t, g := range tg.grads {
			if g[i] == nil {
				continue
			}
			c := float32(w[t])
			if tg.shared[i] {
				c = float32(alpha[t] * w[t])
			}
			for j, v := range g[i] {
				d[j] += c * v
			}
		}
	}
}

// copyNode copies src's float32 values into dst's.
func copyNode(dst, src *gorgonia.Node) error {
	if dst == src {
		return nil
	}
	d, ok1 := dst.Value().Data().([]float32)
	s, ok2 := src.Value().Data().([]float32)
	if !ok1 || !ok2 || len(d) != len(s) {
		return errors.Errorf("mtl: copying %v into %v", src.Shape(), dst.Shape())
	}
	copy(d, s)
	return nil
}

// trainableData returns the Store's trainable parameter tensors in order.
func trainableData(store *graph.Store) [][]float32 {
	var data [][]float32
	for _, name := range store.TrainableNames() {
		data = append(data, store.Value(name).Data().([]float32))
	}
	return data
}
