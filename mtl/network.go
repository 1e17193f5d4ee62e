package mtl

import (
	"fmt"

	"github.com/gomtl/gomtl/graph"
	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
)

// A network is the model's layers added to one graph: the architecture's
// shared part, then one head per task in dependency order. It records what
// a program needs besides the outputs (dropout masks to fill, batch-norm
// statistics to update) and, for summaries, every layer it built.
type network struct {
	b     *graph.Builder
	spec  Spec
	train bool
	slots []*slot // one per input
	cur   int     // the slot whose layers are being built

	outputs []*gorgonia.Node // per task: logits (classify) or values (regress)
	// With tap set (MGDA-UB's program), each head reads its own copy of
	// the shared representation rep: StopGradient(rep) + taps[t], where
	// taps[t] is a zero input whose gradient is the task's gradient with
	// respect to the representation.
	tap    bool
	rep    *gorgonia.Node
	taps   []*gorgonia.Node
	masks  []dropoutMask
	norms  []slotNorm
	layers []LayerInfo
}

// A slotNorm is the batch statistics of one batch-norm layer and the slot
// whose rows they are computed from.
type slotNorm struct {
	stats *graph.BatchNormStats
	slot  int
}

// A dropoutMask is a mask input node and the rate to fill it with.
type dropoutMask struct {
	node *gorgonia.Node
	rate float64
}

// LayerInfo describes one built layer, for model summaries.
type LayerInfo struct {
	Name   string   `json:"name"`   // parameter prefix, e.g. "shared.0"
	Kind   string   `json:"kind"`   // a layer kind, or "gate", "cross-stitch", "output"
	Output []int    `json:"output"` // output shape of one example
	Params int      `json:"params"` // scalars stored: parameters and batch-norm statistics
	Tasks  []string `json:"tasks"`  // the tasks whose losses train it
}

// buildNetwork adds spec's network to b's graph, reading each slot's input
// x (batch, width), and returns it with each task's output in task order.
// With train set, dropout is active and batch normalisation uses batch
// statistics weighted by the slot's row weights.
func buildNetwork(b *graph.Builder, spec Spec, slots []*slot, train, tap bool) (*network, error) {
	n := &network{b: b, spec: spec, train: train, tap: tap, slots: slots, outputs: make([]*gorgonia.Node, len(spec.Tasks))}
	var reps []*gorgonia.Node
	var err error
	switch spec.Arch.kind() {
	case HardArch:
		reps, err = n.hard()
	case CrossStitchArch:
		reps, err = n.crossStitch()
	case MMoEArch:
		reps, err = n.mmoe()
	case CGCArch, PLEArch:
		reps, err = n.ple()
	default:
		err = errors.Errorf("mtl: unknown architecture %q", spec.Arch.Kind)
	}
	if err != nil {
		return nil, err
	}
	if n.tap {
		if reps, err = n.tapReps(reps); err != nil {
			return nil, err
		}
	}
	if err := n.heads(reps); err != nil {
		return nil, err
	}
	return n, nil
}

// allTasks lists every task's name.
func (n *network) allTasks() []string { return taskNames(n.spec) }

// x returns the input of the slot being built.
func (n *network) x() *gorgonia.Node { return n.slots[n.cur].x }

// hard is hard parameter sharing: one trunk that every task reads. In a
// multi-input model each input first goes through its own encoder, and
// the trunk (one set of parameters) is applied to each encoder's output.
func (n *network) hard() ([]*gorgonia.Node, error) {
	reps := make([]*gorgonia.Node, len(n.spec.Tasks))
	for s, in := range n.spec.inputs() {
		n.cur = s
		h, err := n.stack(in.Name+".encoder", in.Encoder, n.x(), n.slots[s].taskNames)
		if err != nil {
			return nil, err
		}
		if h, err = n.stack("shared", n.spec.Shared, h, n.allTasks()); err != nil {
			return nil, err
		}
		for _, t := range n.slots[s].tasks {
			reps[t] = h
		}
	}
	n.cur = 0
	return reps, nil
}

// heads builds each task's head on its representation, upstream tasks
// first, and sets n.outputs.
func (n *network) heads(reps []*gorgonia.Node) error {
	order, err := n.spec.taskOrder()
	if err != nil {
		return errors.WithMessage(err, "mtl")
	}
	hidden := make([]*gorgonia.Node, len(n.spec.Tasks))
	inputs := n.spec.taskInputs()
	for _, i := range order {
		t := n.spec.Tasks[i]
		n.cur = inputs[i]
		owners := n.owners(i)
		in := reps[i]
		if c := t.Cascade; c != nil {
			if in, err = n.cascadeInput(t, in, hidden, c); err != nil {
				return err
			}
		}
		if hidden[i], err = n.stack(t.Name+".head", t.Head, in, owners); err != nil {
			return errors.WithMessagef(err, "mtl: task %q", t.Name)
		}
		if n.outputs[i], err = n.layer(t.Name+".out", Dense(t.width(), Linear), hidden[i], owners); err != nil {
			return errors.WithMessagef(err, "mtl: task %q: output layer", t.Name)
		}
		n.layers[len(n.layers)-1].Kind = "output"
	}
	return nil
}

// cascadeInput joins a task's representation with its upstream task's
// output (probabilities, regression values or last hidden layer).
func (n *network) cascadeInput(t Task, in *gorgonia.Node, hidden []*gorgonia.Node, c *Cascade) (*gorgonia.Node, error) {
	up := n.spec.task(c.From)
	upTask := n.spec.Tasks[up]
	var read *gorgonia.Node
	var err error
	switch {
	case c.Output == HiddenOutput:
		if len(upTask.Head) == 0 {
			return nil, errors.Errorf("mtl: task %q: cascade reads the hidden layer of %q, which has no head layers", t.Name, c.From)
		}
		read, err = n.b.Flatten(hidden[up])
	case upTask.Kind == ClassifyKind:
		read, err = n.b.Softmax(n.outputs[up])
	case upTask.Kind == BinaryKind:
		read, err = n.b.Activate(Sigmoid, n.outputs[up])
	default:
		read = n.outputs[up]
	}
	if err != nil {
		return nil, errors.WithMessagef(err, "mtl: task %q: reading %q", t.Name, c.From)
	}
	if c.StopGradient {
		if read, err = n.b.StopGradient(read); err != nil {
			return nil, errors.WithMessagef(err, "mtl: task %q: reading %q", t.Name, c.From)
		}
	}
	if in, err = n.b.Flatten(in); err != nil {
		return nil, errors.WithMessagef(err, "mtl: task %q", t.Name)
	}
	joined, err := n.b.Concat(in, read)
	if err != nil {
		return nil, errors.WithMessagef(err, "mtl: task %q: joining the shared representation and %q's output", t.Name, c.From)
	}
	return joined, nil
}

// owners returns task i and every task whose loss reaches task i's head
// through cascades that let gradients flow.
func (n *network) owners(i int) []string {
	in := map[int]bool{i: true}
	for changed := true; changed; {
		changed = false
		for j, t := range n.spec.Tasks {
			if c := t.Cascade; c != nil && !c.StopGradient && !in[j] && in[n.spec.task(c.From)] {
				in[j], changed = true, true
			}
		}
	}
	var names []string
	for j, t := range n.spec.Tasks {
		if in[j] {
			names = append(names, t.Name)
		}
	}
	return names
}

// reluAfterPool is false in the test that compares the two orders.
var reluAfterPool = true

// stack applies layers in order, naming layer i prefix+"."+i.
//
// A convolution's ReLU followed by max-pooling is applied after the
// pooling instead, on a quarter of the values (LeNet's first ReLU reads
// 1.5 million values per batch of 256 before the swap). ReLU is monotone,
// so the two orders give the same outputs and gradients to the bit: a
// window's maximum is the same element either way, and a window with no
// positive value passes no gradient in either.
func (n *network) stack(prefix string, layers []Layer, h *gorgonia.Node, owners []string) (*gorgonia.Node, error) {
	var err error
	var deferred Activation
	for i, l := range layers {
		if deferred != Linear {
			l.Activation, deferred = deferred, Linear
		}
		if reluAfterPool && l.Kind == Conv2dKind && l.Activation == ReLU && i+1 < len(layers) && layers[i+1].Kind == MaxPoolKind {
			l.Activation, deferred = Linear, ReLU
		}
		if h, err = n.layer(fmt.Sprintf("%s.%d", prefix, i), l, h, owners); err != nil {
			return nil, err
		}
	}
	return h, nil
}

// layer adds one layer named name reading h and records it.
func (n *network) layer(name string, l Layer, h *gorgonia.Node, owners []string) (y *gorgonia.Node, err error) {
	before := n.b.Params.Size()
	switch l.Kind {
	case DenseKind:
		if h, err = n.b.Flatten(h); err == nil {
			y, err = n.b.Dense(name, h, l.Units)
		}
	case Conv2dKind:
		if h, err = n.image(name, h); err == nil {
			y, err = n.b.Conv2d(name, h, l.Filters, l.Kernel, l.stride(), l.Padding)
		}
	case MaxPoolKind:
		if h, err = n.image(name, h); err == nil {
			y, err = n.b.MaxPool2d(h, l.Size, l.stride())
		}
	case FlattenKind:
		y, err = n.b.Flatten(h)
	case DropoutKind:
		y = h
		if n.train && l.Rate > 0 {
			var mask *gorgonia.Node
			if y, mask, err = n.b.Dropout(name, h, l.Rate); err == nil {
				n.masks = append(n.masks, dropoutMask{node: mask, rate: l.Rate})
			}
		}
	case BatchNormKind:
		var stats *graph.BatchNormStats
		if y, stats, err = n.b.BatchNorm(name, h, n.slots[n.cur].rowW, n.train); err == nil && stats != nil {
			n.norms = append(n.norms, slotNorm{stats: stats, slot: n.cur})
		}
	default:
		err = errors.Errorf("unknown layer kind %q", l.Kind)
	}
	if err == nil {
		y, err = n.b.Activate(l.Activation, y)
	}
	if err != nil {
		return nil, errors.WithMessagef(err, "layer %s (%s)", name, l.Kind)
	}
	n.record(name, l.Kind, y, n.b.Params.Size()-before, owners)
	return y, nil
}

// image returns h as (batch, channels, height, width). Only the model's
// input is reshaped (from Spec.Input); any other 2-D node is an error.
func (n *network) image(name string, h *gorgonia.Node) (*gorgonia.Node, error) {
	if h.Shape().Dims() == 4 {
		return h, nil
	}
	in := n.spec.inputs()[n.cur].Shape
	if h != n.x() || len(in) < 2 {
		return nil, errors.Errorf("%s needs images (batch, channels, height, width), but reads %v (the model's input is %v)", name, h.Shape(), in)
	}
	shape := append([]int{h.Shape()[0]}, in...)
	if len(in) == 2 {
		shape = []int{h.Shape()[0], 1, in[0], in[1]}
	}
	return n.b.Reshape(h, shape...)
}

// record notes a built layer for summaries; a layer built again (a
// shared block applied to a second input) is noted once.
func (n *network) record(name, kind string, y *gorgonia.Node, params int, owners []string) {
	for _, l := range n.layers {
		if l.Name == name {
			return
		}
	}
	n.layers = append(n.layers, LayerInfo{Name: name, Kind: kind, Output: append([]int(nil), y.Shape()[1:]...), Params: params, Tasks: owners})
}

// taskNames lists the spec's task names in order.
func taskNames(spec Spec) []string {
	names := make([]string, len(spec.Tasks))
	for i, t := range spec.Tasks {
		names[i] = t.Name
	}
	return names
}
