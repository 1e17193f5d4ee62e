package mtl

import (
	"fmt"

	"github.com/gomtl/gomtl/graph"
	"github.com/pkg/errors"
	"gorgonia.org/gorgonia"
)

// buildNetwork adds the model's layers to b's graph for the input x of
// shape (batch, width) and returns each task's logits, in task order.
//
// This is hard parameter sharing (the branch architecture): one trunk, one
// head per task. Other architectures (cross-stitch towers, MMoE, cascades)
// replace this function's body and keep its contract: parameters named
// stably, one output node per task.
func buildNetwork(b *graph.Builder, spec Spec, x *gorgonia.Node) ([]*gorgonia.Node, error) {
	h, err := stack(b, "shared", spec.Shared, x)
	if err != nil {
		return nil, err
	}
	logits := make([]*gorgonia.Node, len(spec.Tasks))
	for i, t := range spec.Tasks {
		th, err := stack(b, t.Name+".head", t.Head, h)
		if err != nil {
			return nil, errors.WithMessagef(err, "mtl: task %q", t.Name)
		}
		if logits[i], err = b.Dense(t.Name+".out", th, t.Classes); err != nil {
			return nil, errors.WithMessagef(err, "mtl: task %q: output layer", t.Name)
		}
	}
	return logits, nil
}

// stack applies layers in order, naming layer i prefix+"."+i.
func stack(b *graph.Builder, prefix string, layers []Layer, x *gorgonia.Node) (*gorgonia.Node, error) {
	h := x
	for i, l := range layers {
		name := fmt.Sprintf("%s.%d", prefix, i)
		d, err := b.Dense(name, h, l.Units)
		if err != nil {
			return nil, err
		}
		if h, err = b.Activate(l.Activation, d); err != nil {
			return nil, errors.WithMessagef(err, "layer %s", name)
		}
	}
	return h, nil
}
