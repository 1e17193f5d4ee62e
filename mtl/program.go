package mtl

import (
	"math"

	"github.com/gomtl/gomtl/graph"
	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// A program is the model compiled for one batch size: its graph, the input
// tensors the caller fills in place, the output nodes and a tape machine.
// Programs of one model share parameter tensors through the model's Store.
type program struct {
	batch int
	g     *gorgonia.ExprGraph
	vm    gorgonia.VM
	// rewinder readies vm for each run, keeping what registers it can.
	rewinder *rewinder
	net      *network

	slots   []*slot          // one per input
	targets []*gorgonia.Node // per task (batch, k): one-hot classes, 0/1 or real targets
	taskRow []*gorgonia.Node // per task (batch): the rows' weights in the task's loss (0 without a label)
	kinds   []string         // per task kind
	taskW   []*gorgonia.Node // per task scalar loss weight
	outs    []*gorgonia.Node // per task (batch, k): log-probabilities, a binary logit or values
	losses  []*gorgonia.Node // per task scalar
	total   *gorgonia.Node   // Σ taskW_t · losses_t

	// params are the trainable parameter nodes in Store order; set on
	// training programs, whose graph also holds their gradients.
	params []*gorgonia.Node
	// paramIndex maps params to their positions in the Store's trainable
	// order: a per-task program differentiates only the parameters its
	// task's loss reaches.
	paramIndex []int
	// paramData and gradData are the backing arrays handed to the
	// optimiser; gradData is refreshed after every run.
	paramData, gradData [][]float32
	// task is the task whose unweighted loss alone a per-task program
	// differentiates; -1 for the model's total.
	task int
	// logVars are uncertainty weighting's learned log-variances, per task.
	logVars []*gorgonia.Node
	// MGDA-UB's program (task repTask): the task owning each of params
	// (-1 for the trunk), the weigher of the representation gradients and
	// the weights it chose in the last run.
	headTask []int
	repWeigh graph.GradientWeigher
	repAlpha []float64

	// float32 views of the input tensors (nil for float64 programs).
	targetData   [][]float32
	taskRowWData [][]float32
	// counts holds, after load, each task's number of rows with a label.
	counts []int
}

// buildProgram compiles spec for a batch size. With train set, the graph
// also holds the symbolic gradient of the cost with respect to every
// parameter it reaches: the model's total loss when task is -1, task's
// unweighted loss alone otherwise (a per-task program).
func buildProgram(spec Spec, store *graph.Store, batch int, train bool, task int) (p *program, err error) {
	defer recoverPanic(&err, "building the graph for batch size %d", batch)
	b := graph.NewBuilder(store)
	// MGDA-UB's program is differentiated twice; see Builder.ComposedSoftmax.
	b.ComposedSoftmax = task == repTask
	p = &program{batch: batch, g: b.G, counts: make([]int, len(spec.Tasks)), task: task}
	if p.slots, err = newSlots(b, spec, batch); err != nil {
		return nil, err
	}
	if p.net, err = buildNetwork(b, spec, p.slots, train, task == repTask); err != nil {
		return nil, err
	}
	for i, t := range spec.Tasks {
		if err := p.addLoss(b, t, p.net.outputs[i]); err != nil {
			return nil, errors.WithMessagef(err, "mtl: task %q", t.Name)
		}
	}
	if err := p.addTotal(b, spec); err != nil {
		return nil, err
	}
	switch {
	case train && task == repTask:
		err = p.differentiateRep(b)
	case train:
		if err = p.differentiate(store); err != nil {
			err = errors.WithMessage(err, "mtl")
		}
	}
	if err != nil {
		return nil, err
	}
	if store.Dtype() == tensor.Float32 {
		for _, s := range p.slots {
			s.xData = s.x.Value().Data().([]float32)
			s.rowWData = s.rowW.Value().Data().([]float32)
		}
		for i, t := range p.targets {
			p.targetData = append(p.targetData, t.Value().Data().([]float32))
			p.taskRowWData = append(p.taskRowWData, p.taskRow[i].Value().Data().([]float32))
		}
	}
	// The tape machine reuses registers and overwrites inputs in place, so
	// a node's value can be clobbered after its last reader runs (the
	// log-probabilities are, by the cross-entropy). Watched nodes are
	// copied into their own storage as they are computed.
	watch := []interface{}{p.total}
	for i := range p.outs {
		watch = append(watch, p.outs[i], p.losses[i])
	}
	for _, s := range p.net.norms {
		for _, n := range s.stats.Nodes() {
			watch = append(watch, n)
		}
	}
	p.vm = gorgonia.NewTapeMachine(p.needed(watch), gorgonia.TraceExec(), gorgonia.WithWatchlist(watch...))
	p.rewinder = newRewinder(p.vm)
	return p, nil
}

// needed returns the part of the graph the program reads: the watched
// nodes and the parameters' gradients, with everything they are computed
// from. Gorgonia's symbolic differentiation builds the gradient of every
// operand of an op, the input batch's included, and a tape machine runs
// every node of its graph: without this the first layer's input gradient
// (a (batch, 784) product at every step of the seed model) was computed
// and thrown away.
func (p *program) needed(watch []interface{}) *gorgonia.ExprGraph {
	roots := make(gorgonia.Nodes, 0, len(watch)+len(p.params))
	for _, w := range watch {
		roots = append(roots, w.(*gorgonia.Node))
	}
	for _, n := range p.params {
		if d := n.Deriv(); d != nil {
			roots = append(roots, d)
		}
	}
	return p.g.ExactSubgraphRoots(roots...)
}

// A slot is one input of a program: its input tensors, which the caller
// fills in place, and the tasks that read it. A single-input model has one
// unnamed slot.
type slot struct {
	name      string
	width     int
	x         *gorgonia.Node // (batch, width)
	rowW      *gorgonia.Node // (batch): 1/n on the n real rows, 0 on padding (batch statistics)
	tasks     []int          // the tasks that read this input
	taskNames []string

	xData, rowWData []float32 // float32 views (nil for float64 programs)
}

// newSlots adds the input nodes of every input of spec.
func newSlots(b *graph.Builder, spec Spec, batch int) ([]*slot, error) {
	inputs := spec.taskInputs()
	var slots []*slot
	for i, in := range spec.inputs() {
		s := &slot{name: in.Name, width: in.width()}
		prefix := ""
		if in.Name != "" {
			prefix = in.Name + "."
		}
		var err error
		if s.x, err = b.Input(prefix+"x", batch, s.width); err != nil {
			return nil, err
		}
		if s.rowW, err = b.Input(prefix+"row_weights", batch); err != nil {
			return nil, err
		}
		for t, task := range spec.Tasks {
			if inputs[t] == i {
				s.tasks = append(s.tasks, t)
				s.taskNames = append(s.taskNames, task.Name)
			}
		}
		slots = append(slots, s)
	}
	return slots, nil
}

// addLoss adds task t's target input, its loss on the network output out
// and its weighted share of the total.
func (p *program) addLoss(b *graph.Builder, t Task, out *gorgonia.Node) error {
	target, err := b.Input(t.Name+".target", p.batch, t.width())
	if err != nil {
		return err
	}
	rowW, err := b.Input(t.Name+".row_weights", p.batch)
	if err != nil {
		return err
	}
	var loss *gorgonia.Node
	switch {
	case t.Kind == BinaryKind:
		loss, err = b.BCEWithLogits(out, target, rowW)
	case t.Kind == BoxKind:
		loss, err = b.Huber(out, target, rowW, 1)
	case t.Kind == RegressKind && t.Loss == HuberLoss:
		loss, err = b.Huber(out, target, rowW, 1)
	case t.Kind == RegressKind:
		loss, err = b.MSE(out, target, rowW)
	default:
		if out, err = b.LogSoftmax(out); err == nil {
			loss, err = b.CrossEntropy(out, target, rowW)
		}
	}
	if err != nil {
		return err
	}
	w, err := b.Scalar(t.Name+".weight", t.weight())
	if err != nil {
		return err
	}
	p.targets = append(p.targets, target)
	p.taskRow = append(p.taskRow, rowW)
	p.kinds = append(p.kinds, t.Kind)
	p.outs = append(p.outs, out)
	p.losses = append(p.losses, loss)
	p.taskW = append(p.taskW, w)
	return nil
}

// run executes the graph once. With train set it also collects the
// gradients into gradData.
func (p *program) run() error {
	p.rewinder.rewind()
	if err := p.vm.RunAll(); err != nil {
		return errors.Wrap(err, "mtl: running the graph")
	}
	for i, n := range p.params {
		g, err := n.Grad()
		if err != nil {
			return errors.Wrapf(err, "mtl: gradient of %q", n.Name())
		}
		if d, ok := g.(*tensor.Dense); ok && d.Dtype() == tensor.Float32 {
			p.gradData[i] = d.Float32s() // Data() would box the slice at every run
			continue
		}
		p.gradData[i] = g.Data().([]float32)
	}
	return nil
}

// loss returns task t's loss from the last run.
func (p *program) loss(t int) float64 { return scalar(p.losses[t]) }

// totalLoss returns the weighted total loss from the last run.
func (p *program) totalLoss() float64 { return scalar(p.total) }

func scalar(n *gorgonia.Node) float64 {
	switch v := n.Value().Data().(type) {
	case float32:
		return float64(v)
	case float64:
		return v
	}
	return math.NaN()
}

// setTaskWeights writes the per-task loss weights into the graph inputs.
func (p *program) setTaskWeights(w []float64) error {
	for i, n := range p.taskW {
		var v interface{} = w[i]
		if n.Dtype() == tensor.Float32 {
			v = float32(w[i])
		}
		if err := gorgonia.Let(n, v); err != nil {
			return errors.Wrapf(err, "mtl: setting the loss weight of %q", n.Name())
		}
	}
	return nil
}

func argmax(row []float32) int {
	best := 0
	for j, v := range row {
		if v > row[best] {
			best = j
		}
	}
	return best
}
